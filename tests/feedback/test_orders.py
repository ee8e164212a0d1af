"""差评整改: a 差评 opens its order in the rating's transaction, owned by the unit that
handled the service; the order's whole life (call back, rectify, reply, return visit),
the reopen once after an unsatisfied visit, the supervisor's ruling after a second;
who may act at each step; every move in the order's record."""

import datetime

import pytest
from django.db import transaction

from approvals.constants import ClockKind
from approvals.models import Clock
from catalog.calendar import add_working_days
from catalog.constants import CaseType
from feedback.constants import (
    Finding,
    Level,
    OrderOutcome,
    OrderStatus,
    Stage,
    VisitChannel,
    VisitLevel,
)
from feedback.errors import FeedbackError, FeedbackPermissionDenied
from feedback.models import OrderEvent, RectificationOrder, ReturnVisit
from feedback.services.orders import (
    order_call_back,
    order_open,
    order_reply,
    order_rule,
    order_visit,
)
from feedback.states import IllegalTransition
from intake.constants import Channel, RefusalKind
from intake.services.cases import (
    application_create,
    counter_receive,
    intake_accept,
    intake_refuse,
)
from jinpu_portal.models import Notification
from tests.factories import (
    CitizenFactory,
    accept_case,
    all_received,
    make_version,
    rating_of,
    service_instance,
    submit_online,
)
from tests.feedback.orders_support import bad_rating, conclude, messages_to, order_of, record

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_bad_rating_of_an_intake_opens_an_order_owned_by_the_hall(orders_scene):
    s = orders_scene
    rating = bad_rating(s.case, reasons=["attitude", "efficiency"], text="窗口人员态度冷淡")

    order = order_of(rating)
    assert order.status == OrderStatus.CALLBACK
    assert (order.stage, order.hall, order.department) == (Stage.INTAKE, s.case.hall, s.spj)
    assert order.application == s.case
    clock = order.clock
    assert (clock.kind, clock.application, clock.department) == (
        ClockKind.RECTIFICATION,
        s.case,
        s.spj,
    )
    assert (clock.budget_days, clock.started_on, clock.is_open) == (1, D(2026, 11, 2), True)
    assert clock.due_date == D(2026, 11, 3)
    assert record(order) == ["opened"]
    event = order.events.get()
    assert "不满意" in event.message
    assert "服务态度、办事效率" in event.message
    # The hall's clerks are told; the other hall's clerk and the department are not.
    [message] = messages_to(s.hall_clerk)
    assert message.title == "收到差评，请回访核实"
    assert message.url == f"/feedback/orders/{order.pk}/"
    assert messages_to(s.far_clerk) == []
    assert messages_to(s.approver) == []


def test_a_conclusion_order_is_the_departments(orders_scene):
    s = orders_scene
    case = conclude(s.case, s.approver)
    order = order_of(bad_rating(case, Stage.CONCLUSION, Level.VERY_DISSATISFIED))
    assert (order.stage, order.hall, order.department) == (Stage.CONCLUSION, None, s.spj)
    assert order.owner_name == s.spj.name
    assert [m.title for m in messages_to(s.approver)][-1] == "收到差评，请回访核实"
    assert not any(m.title == "收到差评，请回访核实" for m in messages_to(s.hall_clerk))

    with pytest.raises(FeedbackPermissionDenied):
        order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    with pytest.raises(FeedbackPermissionDenied):
        order_call_back(order=order, actor=s.other_approver, finding=Finding.TRUE, note="已联系")
    order = order_call_back(order=order, actor=s.approver, finding=Finding.PARTLY, note="已联系")
    assert order.status == OrderStatus.RECTIFYING


def test_a_conclusion_given_on_the_spot_is_the_windows_hall(orders_scene):
    """A 即办件 concluded at the counter: the clerk gave the conclusion there, so the
    hall's clerks work its 差评, not the department's approvers (who never saw it)."""
    s = orders_scene
    version = make_version(
        department=s.spj, steps=[], case_type=CaseType.IMMEDIATE, statutory=0, promised=0
    )
    case = application_create(
        item_version=version, applicant=s.citizen, actor=s.hall_clerk, channel=Channel.COUNTER
    )
    counter_receive(application=case, actor=s.hall_clerk)
    case = intake_accept(
        application=case,
        actor=s.hall_clerk,
        verdicts=all_received(case),
        conclude_immediately=True,
    )
    order = order_of(bad_rating(case, Stage.CONCLUSION, Level.VERY_DISSATISFIED))
    assert (order.stage, order.hall, order.department) == (Stage.CONCLUSION, case.hall, s.spj)
    assert order.owner_name == case.hall.name
    assert [m.title for m in messages_to(s.hall_clerk)][-1] == "收到差评，请回访核实"
    assert messages_to(s.approver) == []

    for outsider in (s.approver, s.far_clerk):
        with pytest.raises(FeedbackPermissionDenied):
            order_call_back(order=order, actor=outsider, finding=Finding.TRUE, note="已联系")
    order = order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    assert order.status == OrderStatus.RECTIFYING


def test_a_bad_rating_of_a_refusal_is_the_refusing_windows_hall(orders_scene):
    """An online application refused (不予受理) at the 金普厅: its intake service is
    that hall's, whose clerks work the order."""
    s = orders_scene
    refused = intake_refuse(
        application=submit_online(s.citizen, s.version),
        actor=s.hall_clerk,
        kind=RefusalKind.NOT_ELIGIBLE,
        reason="申请人不符合法定条件。",
    )
    assert refused.service_instances.filter(stage=Stage.INTAKE).exists()  # the refusal's
    order = order_of(bad_rating(refused, level=Level.VERY_DISSATISFIED))
    assert (order.stage, order.hall, order.department) == (Stage.INTAKE, s.case.hall, s.spj)
    assert [m.title for m in messages_to(s.hall_clerk)][-1] == "收到差评，请回访核实"
    assert messages_to(s.approver) == []


def test_one_order_per_bad_rating_none_for_good_or_default_ones(orders_scene):
    s = orders_scene
    rating = bad_rating(s.case)
    assert order_open(rating=rating) == order_of(rating)  # the signal again: the same order
    assert RectificationOrder.objects.count() == 1
    assert Clock.objects.filter(kind=ClockKind.RECTIFICATION).count() == 1

    other = accept_case(s.version, clerk=s.hall_clerk, applicant=s.citizen)
    good = rating_of(service_instance(other), Level.BASIC)
    with pytest.raises(FeedbackError):
        order_open(rating=good)
    assert not RectificationOrder.objects.filter(rating=good).exists()


def test_the_order_is_part_of_the_ratings_transaction(orders_scene):
    """Rolled back with the rating: a 差评 never exists without its order, nor an order
    (or its clock) without its 差评."""
    s = orders_scene

    def rating_then_failure():
        with transaction.atomic():
            bad_rating(s.case)
            assert RectificationOrder.objects.count() == 1
            raise RuntimeError("the rating's transaction fails later")

    with pytest.raises(RuntimeError, match="fails later"):
        rating_then_failure()
    assert RectificationOrder.objects.count() == 0
    assert not Clock.objects.filter(kind=ClockKind.RECTIFICATION).exists()


def test_the_whole_life_with_the_reopen_and_the_ruling(orders_scene, at):
    s = orders_scene
    order = order_of(bad_rating(s.case, text="让我跑了三趟"))
    callback_clock = order.clock

    # 回访核实, by the hall's clerk the next day: the rectification clock starts.
    at(2026, 11, 3, 9)
    with pytest.raises(FeedbackPermissionDenied):
        order_call_back(order=order, actor=s.far_clerk, finding=Finding.TRUE, note="已联系")
    with pytest.raises(FeedbackPermissionDenied):
        order_call_back(order=order, actor=s.supervisor, finding=Finding.TRUE, note="已联系")
    with pytest.raises(FeedbackError):
        order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="  ")
    with pytest.raises(IllegalTransition):
        order_reply(order=order, actor=s.hall_clerk, text="先答复")
    order = order_call_back(
        order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="电话联系张先生，情况属实"
    )
    assert order.status == OrderStatus.RECTIFYING
    callback_clock.refresh_from_db()
    assert (callback_clock.is_open, callback_clock.stopped_on) == (False, D(2026, 11, 3))
    first_fix = order.clock
    assert (first_fix.kind, first_fix.budget_days, first_fix.started_on) == (
        ClockKind.RECTIFICATION,
        15,
        D(2026, 11, 3),
    )
    assert first_fix.due_date == add_working_days(D(2026, 11, 3), 15)

    # 整改答复: the applicant is told in the portal, with the link to rate the fix.
    at(2026, 11, 10, 15)
    order = order_reply(order=order, actor=s.hall_clerk, text="已对窗口人员批评教育并加强培训。")
    assert order.status == OrderStatus.VISIT
    first_fix.refresh_from_db()
    assert (first_fix.is_open, first_fix.stopped_on) == (False, D(2026, 11, 10))
    [told] = [m for m in messages_to(s.citizen.user) if m.title == "差评整改答复"]
    assert "已对窗口人员批评教育" in told.body
    assert told.url == f"/feedback/orders/{order.pk}/visit/"
    with pytest.raises(IllegalTransition):
        order_reply(order=order, actor=s.hall_clerk, text="再答复一次")

    # Someone else cannot rate the fix; the citizen is not satisfied: reopened once.
    stranger = CitizenFactory().user
    with pytest.raises(FeedbackPermissionDenied):
        order_visit(order=order, actor=stranger, level=VisitLevel.SATISFIED)
    with pytest.raises(FeedbackError):
        order_visit(order=order, actor=s.citizen.user, level="great")
    at(2026, 11, 11, 9)
    visit = order_visit(
        order=order, actor=s.citizen.user, level=VisitLevel.UNSATISFIED, note="没变"
    )
    assert (visit.round, visit.channel) == (1, VisitChannel.ONLINE)
    order.refresh_from_db()
    assert (order.status, order.reopened) == (OrderStatus.RECTIFYING, True)
    second_fix = order.clock
    assert second_fix != first_fix
    assert (second_fix.is_open, second_fix.budget_days, second_fix.started_on) == (
        True,
        15,
        D(2026, 11, 11),
    )
    # The supervisors of the department are told (the district-wide one and the one
    # watching the 审批局), not one watching another department.
    for supervisor in (s.supervisor, s.spj_supervisor):
        assert [m.title for m in messages_to(supervisor)] == ["差评整改回访不满意，已重新整改"]
    assert messages_to(s.far_supervisor) == []

    # Second round: still unsatisfied, by the telephone visit the hall records.
    at(2026, 11, 20, 10)
    order_reply(order=order, actor=s.hall_clerk, text="调整了窗口排班，增设导办人员。")
    visit = order_visit(order=order, actor=s.hall_clerk, level=VisitLevel.UNSATISFIED, note="电话")
    assert (visit.round, visit.channel, visit.recorded_by) == (2, VisitChannel.PHONE, s.hall_clerk)
    order.refresh_from_db()
    assert order.status == OrderStatus.RULING  # no second reopen
    assert Clock.objects.filter(kind=ClockKind.RECTIFICATION, is_open=True).count() == 0
    assert messages_to(s.supervisor)[-1].title == "差评整改再次不满意，请裁定"

    # Only a supervisor of the department rules.
    with pytest.raises(FeedbackPermissionDenied):
        order_rule(order=order, actor=s.hall_clerk, text="办结")
    with pytest.raises(FeedbackPermissionDenied):
        order_rule(order=order, actor=s.far_supervisor, text="办结")
    order = order_rule(
        order=order, actor=s.spj_supervisor, text="整改措施到位，群众诉求超出办理范围。"
    )
    assert (order.status, order.outcome) == (OrderStatus.CLOSED, OrderOutcome.RULED)
    assert order.closed_at is not None
    assert messages_to(s.citizen.user)[-1].title == "差评整改裁定结果"

    assert record(order) == [
        "opened",
        "call_back",
        "reply",
        "reopen",
        "reply",
        "refer",
        "rule",
    ]
    moves = list(order.events.exclude(action="opened").values_list("from_status", "to_status"))
    assert moves == [
        ("callback", "rectifying"),
        ("rectifying", "visit"),
        ("visit", "rectifying"),
        ("rectifying", "visit"),
        ("visit", "ruling"),
        ("ruling", "closed"),
    ]
    assert list(ReturnVisit.objects.filter(order=order).values_list("round", "level")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
    ]
    # The record is append-only.
    event = OrderEvent.objects.filter(order=order).first()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


@pytest.mark.parametrize("level", [VisitLevel.SATISFIED, VisitLevel.BASIC])
def test_a_satisfied_return_visit_closes_the_order(orders_scene, level):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.UNTRUE, note="已联系")
    order_reply(order=order, actor=s.hall_clerk, text="已说明情况。")
    order_visit(order=order, actor=s.hall_clerk, level=level)
    order.refresh_from_db()
    assert (order.status, order.outcome, order.reopened) == (
        OrderStatus.CLOSED,
        OrderOutcome.SATISFIED,
        False,
    )
    assert not order.clock.is_open
    with pytest.raises(FeedbackError):
        order_visit(order=order, actor=s.citizen.user, level=VisitLevel.UNSATISFIED)
    assert record(order)[-1] == "satisfied"


def test_a_walk_in_gets_the_reply_by_sms(orders_scene):
    s = orders_scene
    walk_in = CitizenFactory(user=None, phone="13700002222")
    case = accept_case(
        s.version, clerk=s.hall_clerk, applicant=walk_in, contact_phone="13600003333"
    )
    order = order_of(bad_rating(case))
    order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="已联系")
    order_reply(order=order, actor=s.hall_clerk, text="已整改。")
    sms = Notification.objects.get(recipient=None, title="差评整改答复")
    assert sms.phone == "13600003333"
    assert "工作人员将电话回访" in sms.body
    assert sms.url == ""


def test_text_longer_than_its_column_is_refused_not_cut(orders_scene):
    s = orders_scene
    order = order_of(bad_rating(s.case))
    with pytest.raises(FeedbackError, match="最多 500 字"):
        order_call_back(order=order, actor=s.hall_clerk, finding=Finding.TRUE, note="长" * 501)
    order.refresh_from_db()
    assert order.status == OrderStatus.CALLBACK
