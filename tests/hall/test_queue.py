"""The queue: issuing (numbers, people ahead, expected wait, daily reset), the order of
calling (绿色通道, appointments due, first come), recall, 过号 and its one re-queue,
transfer, start and end of service, the "almost your turn" SMS, and the events."""

import datetime

import pytest

from hall import selectors
from hall.constants import Lane, TicketAction, TicketSource, TicketStatus, WindowState
from hall.errors import HallConflict, HallError, HallPermissionDenied
from hall.models import DayCounter, Ticket, TicketEvent
from hall.services import calling, tickets, windows
from jinpu_portal.models import Notification
from tests.factories import (
    HallFactory,
    HallWindowFactory,
    ServiceCategoryFactory,
    TicketFactory,
    UserFactory,
    make_supervisor,
    resident_id,
)

pytestmark = pytest.mark.django_db


def issue(category, **kwargs):
    return tickets.ticket_issue(category_id=category.pk, **kwargs)


def test_numbers_run_per_category_with_the_letter(monday):
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    labels = [issue(a).ticket.label, issue(a).ticket.label, issue(b).ticket.label]
    assert labels == ["A001", "A002", "B001"]
    assert DayCounter.objects.get(category=a).last == 2


def test_people_ahead_and_expected_wait(monday):
    category = ServiceCategoryFactory(service_minutes=6)
    first = issue(category)
    assert first.ahead == 0
    assert first.expected_minutes is None  # no window open for the category yet
    HallWindowFactory(categories=[category])
    HallWindowFactory(categories=[category])
    for _ in range(3):
        issue(category)
    fifth = issue(category)
    assert fifth.ahead == 4
    assert fifth.wait.windows == 2
    assert fifth.expected_minutes == 12  # 4 people × 6 min ÷ 2 windows


def test_expected_wait_uses_todays_average_service_time(at):
    at(2026, 11, 2, 9)
    category = ServiceCategoryFactory(service_minutes=30)
    seat = HallWindowFactory(categories=[category])
    TicketFactory(category=category)
    ticket = calling.call_next(window=seat.window, actor=seat.clerk)
    calling.service_start(ticket=ticket, window=seat.window, actor=seat.clerk)
    at(2026, 11, 2, 9, 4)  # four minutes of service
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    TicketFactory(category=category)
    third = issue(category)
    assert third.ahead == 1
    assert third.expected_minutes == 4


def test_numbers_restart_each_day_and_never_repeat_within_one(at):
    at(2026, 11, 2, 16)
    category = ServiceCategoryFactory(letter="C")
    monday = [issue(category).ticket for _ in range(3)]
    at(2026, 11, 3, 8, 30)
    tuesday = [issue(category).ticket for _ in range(2)]
    assert [t.label for t in monday] == ["C001", "C002", "C003"]
    assert [t.label for t in tuesday] == ["C001", "C002"]
    assert {t.day for t in tuesday} == {datetime.date(2026, 11, 3)}
    labels = Ticket.objects.filter(day=datetime.date(2026, 11, 2)).values_list("label", flat=True)
    assert len(set(labels)) == len(labels) == 3


def test_the_day_is_the_halls_not_utc(at):
    at(2026, 11, 3, 7, 30)  # 23:30 UTC on the 2nd
    ticket = issue(ServiceCategoryFactory()).ticket
    assert ticket.day == datetime.date(2026, 11, 3)


def test_a_ticket_left_waiting_yesterday_is_out_of_todays_queue(at):
    at(2026, 11, 2, 23, 59)  # issued a minute before the hall's midnight
    category = ServiceCategoryFactory(letter="A")
    seat = HallWindowFactory(categories=[category])
    yesterday = TicketFactory(category=category)
    for index in range(4):  # ahead of the later ticket, were they still in the queue
        TicketFactory(category=category, mobile=f"1390000001{index}")
    at(2026, 11, 3, 8, 30)
    today = TicketFactory(category=category)
    later = TicketFactory(category=category, mobile="13900000020")
    assert (yesterday.label, today.label) == ("A001", "A001")
    assert today.issued.ahead == 0
    assert selectors.ticket_progress(today.token).ahead == 0
    assert selectors.ticket_progress(yesterday.token).wait is None
    assert selectors.display_state(category.hall_id).waiting == 2
    assert [t.pk for t in selectors.window_panel(seat.window).queue] == [today.pk, later.pk]
    assert calling.call_next(window=seat.window, actor=seat.clerk).pk == today.pk
    # the "almost your turn" SMS ranks today's queue only
    assert list(Notification.objects.values_list("phone", flat=True)) == ["13900000020"]
    with pytest.raises(HallError) as error:
        calling.call_next(window=seat.window, actor=seat.clerk)
    assert error.value.code == "busy"


def test_an_inactive_category_or_another_halls_is_refused(monday):
    category = ServiceCategoryFactory(is_active=False)
    with pytest.raises(HallError) as error:
        issue(category)
    assert error.value.code == "inactive"
    active = ServiceCategoryFactory()
    with pytest.raises(HallError):
        issue(active, hall_id=HallFactory(code="JZ", name="金州厅").pk)
    assert not Ticket.objects.exists()
    assert not DayCounter.objects.filter(category=category).exists()


def test_issue_validates_the_id_number_and_mobile(monday, category):
    with pytest.raises(HallError, match="手机号码"):
        issue(category, mobile="12345")
    with pytest.raises(HallError):
        issue(category, id_number="210213199001011234")  # wrong check digit
    ticket = issue(category, id_number=resident_id(7).lower(), mobile="13900000001").ticket
    assert ticket.id_number == resident_id(7)
    assert ticket.masked_id_number.startswith("210213")
    assert "*" in ticket.masked_id_number


def test_issue_records_one_event_and_a_follow_token(monday):
    ticket = issue(ServiceCategoryFactory(), priority="elderly").ticket
    assert len(ticket.token) >= 20
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.action == TicketAction.ISSUED
    assert event.details["priority_claimed"] == "elderly"
    assert ticket.lane == Lane.NORMAL  # a claim only: a clerk confirms it


def served_in_order(seat, count):
    """Call, start and end ``count`` tickets at the seat's window: their ids in order."""
    order = []
    for _ in range(count):
        ticket = calling.call_next(window=seat.window, actor=seat.clerk)
        order.append(ticket.pk)
        calling.service_start(ticket=ticket, window=seat.window, actor=seat.clerk)
        calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    return order


def test_call_order_priority_then_appointments_due_then_first_come(at, category, seat):
    early = TicketFactory(category=category)
    at(2026, 11, 2, 9, 1)
    later = TicketFactory(category=category)
    at(2026, 11, 2, 9, 2)
    elderly = TicketFactory(category=category, priority="elderly")
    tickets.priority_confirm(ticket=elderly, group="elderly", actor=seat.clerk)
    # an appointment of the 9:00 slot (due) and one of 10:00 (not yet due)
    due = Ticket.objects.get(pk=TicketFactory(category=category).pk)
    not_due = Ticket.objects.get(pk=TicketFactory(category=category).pk)
    Ticket.objects.filter(pk=due.pk).update(
        lane=Lane.APPOINTMENT, due_at=due.queued_at - datetime.timedelta(minutes=2)
    )
    Ticket.objects.filter(pk=not_due.pk).update(
        lane=Lane.APPOINTMENT, due_at=due.queued_at + datetime.timedelta(minutes=58)
    )
    # the early appointment, not due, is served as first come after the earlier tickets
    assert served_in_order(seat, 5) == [elderly.pk, due.pk, early.pk, later.pk, not_due.pk]
    with pytest.raises(HallError) as error:
        calling.call_next(window=seat.window, actor=seat.clerk)
    assert error.value.code == "empty"


def test_green_channel_ties_go_by_queue_time_and_a_requeue_keeps_the_lane(at, category, seat):
    window, clerk = seat.window, seat.clerk
    first = TicketFactory(category=category)
    at(2026, 11, 2, 9, 1)
    second = TicketFactory(category=category)
    walk_in = TicketFactory(category=category)
    # confirmed in the other order: still first come first within the lane
    at(2026, 11, 2, 9, 2)
    tickets.priority_confirm(ticket=second, group="elderly", actor=clerk)
    at(2026, 11, 2, 9, 3)
    tickets.priority_confirm(ticket=first, group="disabled", actor=clerk)
    assert calling.call_next(window=window, actor=clerk).pk == first.pk
    for _ in range(2):
        calling.recall(ticket=first, window=window, actor=clerk)
    calling.no_show(ticket=first, window=window, actor=clerk)
    at(2026, 11, 2, 9, 10)
    calling.requeue(ticket=first, actor=clerk)
    # behind the other 绿色通道 ticket, still before the earlier walk-in
    assert served_in_order(seat, 3) == [second.pk, first.pk, walk_in.pk]


def test_a_window_calls_only_its_categories(monday):
    a = ServiceCategoryFactory()
    b = ServiceCategoryFactory(hall=a.hall)
    seat = HallWindowFactory(categories=[a])
    TicketFactory(category=b)
    with pytest.raises(HallError):
        calling.call_next(window=seat.window, actor=seat.clerk)
    mine = TicketFactory(category=a)
    assert calling.call_next(window=seat.window, actor=seat.clerk).pk == mine.pk


def test_only_the_seated_clerk_of_an_open_window_calls(monday, category):
    seat = HallWindowFactory(categories=[category], open=False)
    TicketFactory(category=category)
    with pytest.raises(HallError) as error:
        calling.call_next(window=seat.window, actor=seat.clerk)
    assert error.value.code == "closed"
    other = HallWindowFactory(categories=[category])
    with pytest.raises(HallPermissionDenied):
        calling.call_next(window=seat.window, actor=other.clerk)


def test_one_ticket_at_a_time_per_window(category, seat):
    TicketFactory(category=category)
    TicketFactory(category=category)
    calling.call_next(window=seat.window, actor=seat.clerk)
    with pytest.raises(HallError) as error:
        calling.call_next(window=seat.window, actor=seat.clerk)
    assert error.value.code == "busy"


def test_no_show_after_three_calls_and_one_requeue(at, category, seat):
    ticket = TicketFactory(category=category)
    other = TicketFactory(category=category)
    window, clerk = seat.window, seat.clerk
    calling.call_next(window=window, actor=clerk)
    with pytest.raises(HallError) as error:
        calling.no_show(ticket=ticket, window=window, actor=clerk)
    assert error.value.code == "no_show_early"
    calling.recall(ticket=ticket, window=window, actor=clerk)
    ticket = calling.recall(ticket=ticket, window=window, actor=clerk)
    assert ticket.call_count == 3
    ticket = calling.no_show(ticket=ticket, window=window, actor=clerk)
    assert ticket.status == TicketStatus.NO_SHOW
    at(2026, 11, 2, 9, 10)
    ticket = calling.requeue(ticket=ticket, actor=clerk)
    assert ticket.status == TicketStatus.WAITING
    assert ticket.requeued
    # at the back: the other ticket first
    assert calling.call_next(window=window, actor=clerk).pk == other.pk
    calling.service_start(ticket=other, window=window, actor=clerk)
    calling.service_end(ticket=other, window=window, actor=clerk)
    again = calling.call_next(window=window, actor=clerk)
    assert again.pk == ticket.pk
    assert again.call_count == 1
    for _ in range(2):
        calling.recall(ticket=again, window=window, actor=clerk)
    calling.no_show(ticket=again, window=window, actor=clerk)
    with pytest.raises(HallError) as error:
        calling.requeue(ticket=again, actor=clerk)
    assert error.value.code == "requeued_once"
    actions = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "issued",
        "called",
        "recalled",
        "recalled",
        "no_show",
        "requeued",
        "called",
        "recalled",
        "recalled",
        "no_show",
    ]


@pytest.fixture
def two_windows(monday):
    """Categories A and B of one hall, each with a window of its own, on Monday at 9:00:
    ``(a, b, first, second)``, where a ticket is transferred from ``first``."""
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    return a, b, HallWindowFactory(categories=[a]), HallWindowFactory(categories=[b])


def test_transfer_to_a_window_keeps_the_label_and_place(at, two_windows):
    a, b, first, second = two_windows
    ticket = TicketFactory(category=a)
    at(2026, 11, 2, 9, 5)
    TicketFactory(category=b)  # B001, issued later
    calling.call_next(window=first.window, actor=first.clerk)
    calling.service_start(ticket=ticket, window=first.window, actor=first.clerk)
    moved = calling.transfer(
        ticket=ticket, window=first.window, actor=first.clerk, to_window=second.window
    )
    assert moved.status == TicketStatus.WAITING
    assert moved.label == "A001"
    assert moved.transfers == 1
    # only the target window calls it, before the later B001
    assert calling.call_next(window=second.window, actor=second.clerk).pk == ticket.pk
    event = TicketEvent.objects.filter(ticket=ticket, action=TicketAction.TRANSFERRED).get()
    assert event.details["to_window"] == second.window.pk


def test_a_ticket_sent_to_a_window_that_closes_goes_back_to_its_category(at, two_windows):
    a, b, first, second = two_windows
    ticket = TicketFactory(category=a)
    at(2026, 11, 2, 9, 5)
    later = TicketFactory(category=a)
    calling.call_next(window=first.window, actor=first.clerk)
    calling.transfer(ticket=ticket, window=first.window, actor=first.clerk, to_window=second.window)
    windows.window_close(window=second.window, actor=second.clerk)
    ticket.refresh_from_db()
    assert ticket.target_window_id is None
    # its category's window calls it again, in its place before the later A002
    assert calling.call_next(window=first.window, actor=first.clerk).pk == ticket.pk
    calling.service_start(ticket=ticket, window=first.window, actor=first.clerk)
    with pytest.raises(HallError) as error:  # nobody would call it there
        calling.transfer(
            ticket=ticket, window=first.window, actor=first.clerk, to_window=second.window
        )
    assert error.value.code == "closed"
    assert later.status == TicketStatus.WAITING


def test_transfer_to_a_category(two_windows):
    a, b, first, second = two_windows
    TicketFactory(category=b)  # B001 exists: the transferred A001 keeps its label
    ticket = TicketFactory(category=a)
    calling.call_next(window=first.window, actor=first.clerk)
    calling.transfer(ticket=ticket, window=first.window, actor=first.clerk, to_category=b)
    ticket.refresh_from_db()
    assert ticket.category_id == b.pk
    assert ticket.label == "A001"
    assert ticket.target_window_id is None
    called = {calling.call_next(window=second.window, actor=second.clerk).label}
    assert called <= {"A001", "B001"}


def test_transfer_refuses_another_halls_window(category, seat):
    elsewhere = HallWindowFactory(
        categories=[ServiceCategoryFactory(hall=HallFactory(code="JZ", name="金州厅"))]
    )
    ticket = TicketFactory(category=category)
    calling.call_next(window=seat.window, actor=seat.clerk)
    with pytest.raises(HallError):
        calling.transfer(
            ticket=ticket, window=seat.window, actor=seat.clerk, to_window=elsewhere.window
        )


def test_acts_on_a_ticket_of_another_window_are_refused(monday, category):
    one = HallWindowFactory(categories=[category])
    two = HallWindowFactory(categories=[category])
    ticket = TicketFactory(category=category)
    calling.call_next(window=one.window, actor=one.clerk)
    with pytest.raises(HallConflict):
        calling.service_start(ticket=ticket, window=two.window, actor=two.clerk)
    with pytest.raises(HallPermissionDenied):
        calling.service_start(ticket=ticket, window=one.window, actor=two.clerk)


def test_start_and_end_record_times_and_the_rollup(at, category, seat):
    TicketFactory(category=category)
    at(2026, 11, 2, 9, 7)
    ticket = calling.call_next(window=seat.window, actor=seat.clerk)
    ticket = calling.service_start(ticket=ticket, window=seat.window, actor=seat.clerk)
    at(2026, 11, 2, 9, 19, 30)
    ticket = calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    assert ticket.status == TicketStatus.DONE
    assert (ticket.ended_at - ticket.started_at).total_seconds() == 750
    counter = DayCounter.objects.get(category=category)
    assert (counter.served, counter.service_seconds) == (1, 750)


def test_near_sms_once_per_ticket_when_three_are_ahead(at, category, seat):
    issued = []
    for index in range(6):
        at(2026, 11, 2, 9, index)
        issued.append(TicketFactory(category=category, mobile=f"1390000000{index}"))
    window, clerk = seat.window, seat.clerk

    def serve_next():
        ticket = calling.call_next(window=window, actor=clerk)
        calling.service_start(ticket=ticket, window=window, actor=clerk)
        calling.service_end(ticket=ticket, window=window, actor=clerk)

    serve_next()  # tickets 2..6 wait: 2, 3, 4, 5 have at most 3 ahead
    texted = set(Notification.objects.values_list("phone", flat=True))
    assert texted == {"13900000001", "13900000002", "13900000003", "13900000004"}
    serve_next()  # ticket 6 now has 3 ahead; the others are not texted again
    phones = list(Notification.objects.values_list("phone", flat=True))
    assert sorted(phones) == sorted([*texted, "13900000005"])
    assert Notification.objects.filter(recipient__isnull=True).count() == 5
    assert TicketEvent.objects.filter(action=TicketAction.NEAR_SMS).count() == 5
    body = Notification.objects.first().body
    assert "A" in body or "号" in body


def test_cancel_and_priority_need_a_clerk_of_the_hall(monday, category):
    ticket = TicketFactory(category=category)
    stranger = UserFactory(citizen=True)
    with pytest.raises(HallPermissionDenied):
        tickets.priority_confirm(ticket=ticket, group="ill", actor=stranger)
    other_hall = HallWindowFactory(
        categories=[ServiceCategoryFactory(hall=HallFactory(code="JZ", name="金州厅"))]
    )
    with pytest.raises(HallPermissionDenied):
        tickets.ticket_cancel(ticket=ticket, actor=other_hall.clerk)
    seat = HallWindowFactory(categories=[category])
    cancelled = tickets.ticket_cancel(ticket=ticket, actor=seat.clerk, reason="离开")
    assert cancelled.status == TicketStatus.CANCELLED


def test_window_states_and_seats(category, seat):
    window, clerk = seat.window, seat.clerk
    assert seat.state == WindowState.OPEN
    assert seat.clerk_id == clerk.pk
    assert windows.window_pause(window=window, actor=clerk).state == WindowState.PAUSED
    TicketFactory(category=category)
    windows.window_open(window=window, actor=clerk)
    calling.call_next(window=window, actor=clerk)
    with pytest.raises(HallError) as error:
        windows.window_close(window=window, actor=clerk)
    assert error.value.code == "busy"
    stranger = UserFactory(clerk=True)
    with pytest.raises(HallPermissionDenied):
        windows.window_pause(window=window, actor=stranger)
    with pytest.raises(HallPermissionDenied):
        windows.window_set_categories(window=window, category_ids=[], actor=clerk)


def test_a_manager_seats_a_clerk_who_leaves_the_other_window(monday, category):
    one = HallWindowFactory(categories=[category])
    two = HallWindowFactory(categories=[category])
    manager = make_supervisor()  # district-wide (全区督查)
    clerk = one.clerk
    seat = windows.window_seat(window=two.window, clerk=clerk, actor=manager)
    assert seat.clerk_id == clerk.pk
    one.refresh_from_db()
    assert one.clerk_id is None
    assert one.state == WindowState.CLOSED
    clerk.staff_profile.refresh_from_db()
    assert clerk.staff_profile.window_id == two.window.pk


def test_intake_url_finds_the_applicant(monday):
    from tests.factories import CitizenFactory

    category = ServiceCategoryFactory()
    person = CitizenFactory(id_number=resident_id(42))
    known = TicketFactory(category=category, id_number=person.id_number)
    unknown = TicketFactory(category=category, id_number=resident_id(43))
    nobody = TicketFactory(category=category)
    assert calling.intake_url(known) == f"/intake/workbench/counter/items/?applicant={person.pk}"
    assert calling.intake_url(unknown) == (
        f"/intake/workbench/counter/?kind=person&id_number={resident_id(43)}"
    )
    assert calling.intake_url(nobody) == "/intake/workbench/counter/"


def test_desk_source(monday):
    clerk_seat = HallWindowFactory()
    category = clerk_seat.categories.get()
    ticket = issue(category, source=TicketSource.DESK, actor=clerk_seat.clerk).ticket
    assert ticket.source == TicketSource.DESK
    assert TicketEvent.objects.get(ticket=ticket).actor_id == clerk_seat.clerk.pk


def test_a_ticket_transferred_into_a_quiet_category_counts_its_service(at, two_windows):
    """B issued nothing today: the transferred A001's service time still counts, in B."""
    a, b, first, second = two_windows
    ticket = issue(a).ticket
    calling.call_next(window=first.window, actor=first.clerk)
    calling.transfer(ticket=ticket, window=first.window, actor=first.clerk, to_category=b)
    # the transfer made B's row of the day: the ticket waits there, no number was issued
    counter = DayCounter.objects.get(category=b)
    assert (counter.last, counter.waiting_normal) == (0, 1)
    assert calling.call_next(window=second.window, actor=second.clerk).label == "A001"
    calling.service_start(ticket=ticket, window=second.window, actor=second.clerk)
    at(2026, 11, 2, 9, 10)
    calling.service_end(ticket=ticket, window=second.window, actor=second.clerk)
    counter = DayCounter.objects.get(category=b)
    assert (counter.last, counter.served, counter.service_seconds) == (0, 1, 600)
    assert issue(b).ticket.label == "B001"  # numbering of B starts as it would have
