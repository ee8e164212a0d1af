"""The orders' clocks are approvals' clocks, lit, warned and escalated by approvals' own
minute sweep: the warnings go to the unit that owns the order (a hall's clerks, or a
department's approvers), the 督办 names it and is resolved with the late step; the case's
own clocks are not disturbed,
and the case's supplements and conclusion neither pause nor stop an order's clock."""

import datetime

import pytest

from approvals.constants import ClockKind, EscalationStatus, Light
from approvals.models import Clock, Escalation
from approvals.selectors import case_clocks, escalation_list_for
from approvals.services.common import open_clocks
from approvals.services.sweep import clock_sweep
from approvals.services.tasks import task_claim, task_request_supplement
from feedback.constants import Finding, Stage
from feedback.services.orders import order_call_back
from tests.feedback.orders_support import bad_rating, conclude, messages_to, order_of

D = datetime.date
pytestmark = pytest.mark.django_db


def _case_lights(case):
    return sorted(
        (clock.kind, clock.light, clock.warned_level, clock.is_open, clock.paused_since)
        for clock in Clock.objects.filter(application=case).exclude(kind=ClockKind.RECTIFICATION)
    ) + sorted(
        (clock.kind, clock.light, clock.warned_level, clock.is_open, clock.paused_since)
        for clock in Clock.objects.filter(task__application=case)
    )


def test_the_sweep_warns_the_hall_and_escalates_without_touching_the_case(orders_scene, at):
    s = orders_scene
    before = _case_lights(s.case)
    order = order_of(bad_rating(s.case))
    clock = order.clock  # 1 working day: due Tuesday 3 November

    # Monday: the one-day clock is yellow from the start; the sweep warns the hall once.
    result = clock_sweep(today=D(2026, 11, 2))
    assert result.warned == 1
    [yellow] = messages_to(s.hall_clerk)[1:]  # after "收到差评，请回访核实"
    assert yellow.title == "时限预警（黄灯）：1 件即将到期"
    assert f"差评整改单 #{order.pk}" in yellow.body
    assert "回访核实时限" in yellow.body
    assert yellow.body.startswith("金普厅：")
    assert yellow.url == f"/feedback/orders/{order.pk}/"
    assert clock_sweep(today=D(2026, 11, 2)).warned == 0  # once per level

    # Wednesday: overdue. Red, one 督办 naming the hall, the hall warned again.
    at(2026, 11, 4, 9)
    result = clock_sweep(today=D(2026, 11, 4))
    assert (result.turned_red, result.escalated) == (1, 1)
    clock.refresh_from_db()
    assert (clock.light, clock.warned_level) == (Light.RED, Light.RED)
    red = messages_to(s.hall_clerk)[-1]
    assert red.title == "时限预警（红灯）：1 件已超期"
    record = Escalation.objects.get()
    assert (record.clock, record.application, record.rule) == (
        clock,
        s.case,
        "rectification_overdue",
    )
    assert (record.department, record.responsible_department) == (s.spj, s.spj)
    assert record.status == EscalationStatus.OPEN
    assert "请督促金普厅加快办理" in record.content
    assert f"#{order.pk}" in record.content
    assert record in escalation_list_for(user=s.supervisor)
    assert clock_sweep(today=D(2026, 11, 4)).escalated == 0

    # Nobody else heard of it: not the department's approvers, not the other hall.
    assert messages_to(s.approver) == []
    assert messages_to(s.far_clerk) == []
    # The case's own clocks: neither lit nor warned nor listed with the order's.
    assert _case_lights(s.case) == before
    assert clock not in case_clocks(s.case)
    assert clock not in open_clocks(s.case)

    # The unit calls back, late: the 督办 is done with the step it was about.
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    record.refresh_from_db()
    assert (record.status, record.result) == (EscalationStatus.RESOLVED, "已回访核实（逾期）")
    assert record.resolved_at is not None


def test_a_late_rectification_after_the_call_back(orders_scene, at):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    order = order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    fix = order.clock
    assert fix.budget_days == 15
    late = fix.due_date + datetime.timedelta(days=3)
    at(late.year, late.month, late.day, 9)
    clock_sweep(today=late)
    fix.refresh_from_db()
    assert fix.light == Light.RED
    assert "整改时限" in messages_to(s.hall_clerk)[-1].body
    # The callback clock was stopped in time: no 督办 for it.
    owed = Escalation.objects.filter(rule="rectification_overdue")
    assert list(owed.values_list("clock", flat=True)) == [fix.pk]


def test_a_conclusion_orders_warnings_go_to_the_departments_approvers(orders_scene, at):
    s = orders_scene
    case = conclude(s.case, s.approver)
    seen = len(messages_to(s.approver))
    order = order_of(bad_rating(case, Stage.CONCLUSION))
    at(2026, 11, 4, 9)
    clock_sweep(today=D(2026, 11, 4))
    titles = [m.title for m in messages_to(s.approver)[seen:]]
    assert titles == ["收到差评，请回访核实", "时限预警（红灯）：1 件已超期"]
    assert messages_to(s.other_approver) == []
    assert not any(m.title.startswith("时限预警") for m in messages_to(s.hall_clerk))
    assert Escalation.objects.get().content.endswith(f"请督促{s.spj.name}加快办理。")
    assert order.department == s.spj


def test_the_cases_supplement_and_conclusion_leave_the_order_clock_running(orders_scene):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    task = s.case.tasks.get()
    task_claim(task=task, actor=s.approver)
    task_request_supplement(task=task, actor=s.approver, items=["补充说明"], note="请补充")
    order.clock.refresh_from_db()
    assert order.clock.paused_since is None  # the case clocks are paused, not this one
    assert all(clock.paused_since for clock in open_clocks(s.case))

    from approvals.services.tasks import supplement_receive

    supplement_receive(application=s.case, actor=s.hall_clerk, note="已补交")
    conclude(s.case, s.approver)
    order.clock.refresh_from_db()
    assert order.clock.is_open  # the case ended; the order's clock did not
    assert not open_clocks(s.case).exists()


@pytest.mark.parametrize(
    ("moment", "callback_due", "rectify_due"),
    [
        # The last working day before 国庆 (10/1-10/7 off, Saturday 10/10 worked).
        ((2026, 9, 30, 15), D(2026, 10, 8), D(2026, 10, 27)),
        # 07:30 on 10/8 in Shanghai is still 10/7, a holiday, in UTC: the local day counts.
        ((2026, 10, 8, 7, 30), D(2026, 10, 9), D(2026, 10, 28)),
    ],
)
def test_the_order_clocks_count_working_days_from_the_local_day(
    orders_scene, at, moment, callback_due, rectify_due
):
    s = orders_scene
    at(*moment)
    order = order_of(bad_rating(s.case))
    assert (order.clock.started_on, order.clock.due_date) == (D(*moment[:3]), callback_due)
    order = order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    assert (order.clock.started_on, order.clock.due_date) == (D(*moment[:3]), rectify_due)
