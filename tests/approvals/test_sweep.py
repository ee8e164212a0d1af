"""The minute sweep: lights rise with the days, each rise warns once (running the sweep
twice sends nothing twice), overdue clocks open one 督办 record each, a step over its own
budget is flagged while the case is green, and missed sweeps are caught up."""

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.constants import ClockKind, EscalationStatus, Light, PauseKind
from approvals.models import Escalation
from approvals.selectors import escalation_list_for
from approvals.services.clocks import clock_pause, clock_stop
from approvals.services.sweep import clock_sweep
from approvals.tasks import clock_sweep as clock_sweep_task
from catalog.calendar import add_working_days
from jinpu_portal.models import Notification
from tests.approvals.sweep_checks import lights, messages_to
from tests.factories import UserFactory, department, make_approver, make_supervisor, start_clock

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def bystander(db):
    """An approver of an unrelated department: must never hear about these clocks."""
    return make_approver(department("OTHER", "不相干的部门"), username="bystander")


def test_each_rise_warns_once(at, spj, spj_approver, bystander):
    at(2026, 9, 28, 9)
    clock = start_clock(spj, D(2026, 9, 28), 5)  # due Saturday 10/10, yellow from 10/8

    assert clock_sweep(today=D(2026, 9, 30)).warned == 0
    assert lights(clock) == [(Light.GREEN, Light.GREEN)]

    result = clock_sweep(today=D(2026, 10, 8))
    assert (result.turned_yellow, result.turned_red, result.warned) == (1, 0, 1)
    assert (result.escalated, result.notifications) == (0, 1)
    assert lights(clock) == [(Light.YELLOW, Light.YELLOW)]
    [message] = messages_to(spj_approver)
    assert "黄灯" in message.title
    assert "即将到期" in message.body
    assert "承诺时限（10月10日到期）" in message.body

    again = clock_sweep(today=D(2026, 10, 8))
    assert (again.turned_yellow, again.warned, again.notifications) == (0, 0, 0)
    assert clock_sweep(today=D(2026, 10, 10)).warned == 0  # the due day itself is not late
    assert len(messages_to(spj_approver)) == 1

    result = clock_sweep(today=D(2026, 10, 11))
    assert (result.turned_red, result.warned, result.escalated, result.notifications) == (
        1,
        1,
        1,
        1,
    )
    assert lights(clock) == [(Light.RED, Light.RED)]
    again = clock_sweep(today=D(2026, 10, 12))
    assert (again.turned_red, again.warned, again.escalated, again.notifications) == (0, 0, 0, 0)

    assert [m.title for m in messages_to(spj_approver)][-1].startswith("时限预警（红灯）")
    assert len(messages_to(spj_approver)) == 2
    assert messages_to(bystander) == []
    record = Escalation.objects.get()
    assert record.clock == clock
    assert record.rule == "case_overdue_promised"
    assert record.warning_type == Light.RED
    assert (record.department, record.responsible_department) == (spj, spj)
    assert record.application is None
    assert "超过承诺时限（2026年10月10日到期）" in record.content
    assert record.status == "open"


def test_missed_sweeps_are_caught_up_with_the_current_light_only(at, spj, spj_approver):
    """Worker down for two weeks: the first sweep back turns the late clock straight to
    red (one red warning, no stale yellow one) and the other to yellow."""
    at(2026, 9, 28, 9)
    late = start_clock(spj, D(2026, 9, 28), 5)  # due 10/10
    nearly = start_clock(spj, D(2026, 9, 28), 20)  # due 10/30, yellow (4 left) from 10/26
    assert (nearly.due_date, nearly.yellow_from) == (D(2026, 10, 30), D(2026, 10, 26))
    clock_sweep(today=D(2026, 9, 29))

    result = clock_sweep(today=D(2026, 10, 27))
    assert (result.turned_red, result.turned_yellow, result.warned) == (1, 1, 2)
    assert lights(late, nearly) == [(Light.RED, Light.RED), (Light.YELLOW, Light.YELLOW)]
    titles = sorted(message.title for message in messages_to(spj_approver))
    assert titles == ["时限预警（红灯）：1 件已超期", "时限预警（黄灯）：1 件即将到期"]
    assert Escalation.objects.filter(clock=late).count() == 1
    assert not Escalation.objects.filter(clock=nearly).exists()


def test_step_over_its_budget_is_flagged_while_the_case_is_green(
    at, accept, sequential_version, spj, spj_approver
):
    at(2026, 9, 28, 10)
    case = accept(sequential_version)  # 审查 5 days (due 10/10), promised 10 (due 10/16)
    step = case.tasks.get().clock
    promised = case.clocks.get(kind=ClockKind.PROMISED)
    assert (step.due_date, promised.due_date) == (D(2026, 10, 10), D(2026, 10, 16))

    result = clock_sweep(today=D(2026, 10, 12))

    assert (result.turned_red, result.escalated) == (1, 1)
    assert lights(step, promised) == [(Light.RED, Light.RED), (Light.GREEN, Light.GREEN)]
    record = Escalation.objects.get()
    assert record.rule == "step_overdue"
    assert (record.application, record.clock) == (case, step)
    assert (record.department, record.responsible_department) == (spj, spj)
    assert case.case_number in record.content
    assert "“审查”环节超过环节时限（2026年10月10日到期）" in record.content
    [message] = messages_to(spj_approver)
    assert f"{case.case_number} “审查”环节时限（10月10日到期）" in message.body
    assert message.reference == case.case_number


def test_overdue_case_names_the_departments_holding_its_open_tasks(
    at, accept, parallel_version, spj, scj, zjj, scj_approver, zjj_approver, spj_approver
):
    at(2026, 9, 28, 10)
    case = accept(parallel_version)  # stage 1: 市场监管审查 (SCJ) ∥ 住建审查 (ZJJ)
    promised = case.clocks.get(kind=ClockKind.PROMISED)
    assert promised.due_date == add_working_days(D(2026, 9, 28), 15)

    result = clock_sweep(today=promised.due_date + timedelta(days=1))

    # The promised clock and both step clocks are late; the statutory one (45) is not.
    assert result.escalated == 3
    case_record = Escalation.objects.get(rule="case_overdue_promised")
    assert case_record.application == case
    assert case_record.department == spj
    assert case_record.responsible_department == scj  # first open task (stage, id)
    assert "金普新区市场监督管理局、金普新区住房和城乡建设局" in case_record.content
    steps = Escalation.objects.filter(rule="step_overdue")
    assert {(r.department, r.responsible_department) for r in steps} == {(scj, scj), (zjj, zjj)}
    # Each department's approvers hear about their own clocks only.
    assert len(messages_to(scj_approver)) == len(messages_to(zjj_approver)) == 1
    assert "住建审查" not in messages_to(scj_approver)[0].body
    assert "承诺时限" in messages_to(spj_approver)[0].body


def test_supervisors_see_the_records_of_the_departments_they_watch(
    at, accept, parallel_version, zjj, supervisor
):
    at(2026, 9, 28, 10)
    case = accept(parallel_version)
    clock_sweep(today=case.promised_due_date + timedelta(days=1))

    assert escalation_list_for(user=supervisor).count() == 3  # district-wide
    watcher = make_supervisor(zjj, username="zjj-watcher")
    [record] = escalation_list_for(user=watcher)
    assert (record.rule, record.department) == ("step_overdue", zjj)


def test_supervisors_list_the_records_by_status(at, accept, parallel_version, supervisor):
    at(2026, 9, 28, 10)
    case = accept(parallel_version)
    clock_sweep(today=case.promised_due_date + timedelta(days=1))
    resolved = Escalation.objects.get(rule="case_overdue_promised")
    Escalation.objects.filter(pk=resolved.pk).update(status=EscalationStatus.RESOLVED)

    assert list(escalation_list_for(user=supervisor, status="resolved")) == [resolved]
    still_open = escalation_list_for(user=supervisor, status="open")
    assert still_open.count() == 2
    assert resolved not in still_open
    # Not a status (a hand-typed address): every record, as with none.
    assert escalation_list_for(user=supervisor, status="closed").count() == 3


def test_a_light_raised_by_a_service_is_still_warned(at, spj, spj_approver):
    """A clock started (or resumed) already late gets its light from clock_derive, not
    from the sweep's UPDATE: the sweep still owes it the warning and the 督办."""
    at(2026, 10, 20, 9)
    clock = start_clock(spj, D(2026, 9, 28), 5)
    assert lights(clock) == [(Light.RED, Light.GREEN)]

    result = clock_sweep(today=D(2026, 10, 20))

    assert (result.turned_red, result.warned, result.escalated) == (0, 1, 1)
    assert lights(clock) == [(Light.RED, Light.RED)]
    assert len(messages_to(spj_approver)) == 1
    assert clock_sweep(today=D(2026, 10, 21)).warned == 0


def test_paused_and_stopped_clocks_are_left_alone(at, spj, spj_approver):
    at(2026, 9, 28, 9)
    paused = start_clock(spj, D(2026, 9, 28), 5)
    clock_pause(clock=paused, kind=PauseKind.EXPERT_REVIEW, reason="专家评审", on=D(2026, 9, 30))
    stopped = start_clock(spj, D(2026, 9, 28), 5)
    clock_stop(clock=stopped, on=D(2026, 9, 30))

    result = clock_sweep(today=D(2026, 11, 2))

    assert (result.turned_red, result.turned_yellow, result.warned) == (0, 0, 0)
    assert lights(paused, stopped) == [(Light.GREEN, Light.GREEN), (Light.GREEN, Light.GREEN)]
    assert messages_to(spj_approver) == []
    assert not Escalation.objects.exists()


def test_one_message_per_department_and_level_however_many_clocks(at, spj, spj_approver):
    colleague = make_approver(spj, username="spj-second")
    at(2026, 9, 28, 9)
    clocks = [start_clock(spj, D(2026, 9, 28), 5) for _ in range(25)]

    result = clock_sweep(today=D(2026, 10, 8))

    assert (result.warned, result.notifications) == (25, 2)
    for user in (spj_approver, colleague):
        [message] = messages_to(user)
        assert message.title == "时限预警（黄灯）：25 件即将到期"
        assert message.body.count("承诺时限") == 10
        assert "等 25 件即将到期" in message.body
        assert message.reference == ""
    assert {light for light, _ in lights(*clocks)} == {Light.YELLOW}


def test_inactive_and_non_approver_users_are_not_messaged(at, spj, spj_approver):
    from accounts.services import staff_grant_department

    left = make_approver(spj, username="spj-left")
    left.is_active = False
    left.save(update_fields=["is_active"])
    clerk_only = UserFactory(clerk=True, username="not-an-approver")
    staff_grant_department(user=clerk_only, department=spj)
    at(2026, 9, 28, 9)
    start_clock(spj, D(2026, 9, 28), 5)

    assert clock_sweep(today=D(2026, 10, 8)).notifications == 1
    assert Notification.objects.get().recipient == spj_approver


def test_queries_do_not_grow_with_the_clocks(at, spj, spj_approver):
    at(2026, 9, 28, 9)

    def sweep_queries(count: int) -> tuple[int, int]:
        for _ in range(count):
            start_clock(spj, D(2026, 9, 28), 5)
        with CaptureQueriesContext(connection) as idle:
            clock_sweep(today=D(2026, 9, 29))
        with CaptureQueriesContext(connection) as busy:
            assert clock_sweep(today=D(2026, 10, 11)).turned_red == count
        return len(idle), len(busy)

    few, many = sweep_queries(1), sweep_queries(20)
    # Seven UPDATEs (five for the clocks, two for the 容缺 due dates; PostgreSQL: and the
    # lock), in a savepoint here.
    assert few[0] == many[0] <= 10
    assert few[1] == many[1]


def test_the_beat_task(at, spj, settings):
    at(2026, 9, 28, 9)
    start_clock(spj, D(2026, 9, 28), 5)
    at(2026, 10, 8, 9)
    entry = settings.CELERY_BEAT_SCHEDULE["approvals-clock-sweep"]
    assert entry["task"] == clock_sweep_task.name == "approvals.tasks.clock_sweep"
    assert entry["schedule"] == timedelta(minutes=1)
    assert clock_sweep_task.acks_late
    assert clock_sweep_task.time_limit

    first = clock_sweep_task.delay(today="2026-10-08").get()
    assert (first["turned_yellow"], first["warned"], first["today"]) == (1, 1, "2026-10-08")
    second = clock_sweep_task.delay().get()  # today from the clock: 10/8
    assert (second["turned_yellow"], second["warned"], second["rederive_queued"]) == (0, 0, False)
