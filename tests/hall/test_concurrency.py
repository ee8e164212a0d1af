"""PostgreSQL, real threads and connections: twenty clerks calling at once in one hall
never get the same ticket (``SELECT … FOR UPDATE SKIP LOCKED``), tickets issued at once
never repeat a number (the day counter's ``ON CONFLICT DO UPDATE``), gap-free, and a
transfer racing the close of its target window never leaves a ticket waiting for a
closed window (both seats locked, in primary-key order)."""

import datetime
import time
import zoneinfo

import pytest
from django.db import connection

from hall.constants import TicketStatus, WindowState
from hall.errors import HallError
from hall.models import DayCounter, Ticket, WindowSeat
from hall.services import calling, tickets
from tests.concurrency import run_at_once
from tests.factories import HallWindowFactory, ServiceCategoryFactory, TicketFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_calls(monkeypatch):
    """Hold each caller's transaction open a moment after its pick (where the SMS are
    queued), so the others really meet its lock."""
    original = calling.near_sms_send

    def slow(**kwargs):
        time.sleep(0.2)
        return original(**kwargs)

    monkeypatch.setattr(calling, "near_sms_send", slow)


def _twenty_clerks_call_at_once(waiting: int):
    """Twenty open windows of one category with ``waiting`` tickets queued; every
    window's clerk calls the next ticket at the same moment. Returns the category and
    ``run_at_once``'s results (the called ticket's pk, or the error)."""
    category = ServiceCategoryFactory()
    seats = [HallWindowFactory(categories=[category]) for _ in range(20)]
    for _ in range(waiting):
        TicketFactory(category=category)

    def call(seat):
        return lambda: calling.call_next(window=seat.window, actor=seat.clerk).pk

    return category, run_at_once(*[call(seat) for seat in seats])


def test_twenty_clerks_calling_at_once_get_twenty_different_tickets(slow_calls):
    category, results = _twenty_clerks_call_at_once(waiting=25)
    assert all(kind == "ok" for kind, _ in results), results
    picked = [pk for _, pk in results]
    assert len(set(picked)) == 20
    called = Ticket.objects.filter(status=TicketStatus.CALLED)
    assert called.count() == 20
    assert called.values("window").distinct().count() == 20
    # the first twenty in the order of service, nobody skipped
    first_twenty = list(Ticket.objects.order_by("queued_at", "id").values_list("pk", flat=True))[
        :20
    ]
    assert sorted(picked) == sorted(first_twenty)
    # the waiting count took each call off once: five still wait
    assert DayCounter.objects.get(category=category).waiting_normal == 5


def test_more_clerks_than_tickets(slow_calls):
    _category, results = _twenty_clerks_call_at_once(waiting=7)
    picked = [value for kind, value in results if kind == "ok"]
    refused = [value for kind, value in results if kind == "error"]
    assert len(picked) == len(set(picked)) == 7
    assert len(refused) == 13
    assert all(isinstance(e, HallError) and e.code == "empty" for e in refused), refused


def test_tickets_issued_at_once_never_repeat_a_number():
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    assert connection.vendor == "postgresql"

    def issue_many(category):
        def run():
            issued = [tickets.ticket_issue(category_id=category.pk) for _ in range(10)]
            return [(i.ticket.label, i.ticket.number, i.ahead) for i in issued]

        return run

    results = run_at_once(*[issue_many(a if i % 2 else b) for i in range(20)])
    assert all(kind == "ok" for kind, _ in results), results
    labels = [label for _, batch in results for label, _n, _a in batch]
    assert len(labels) == len(set(labels)) == 200
    assert sorted(DayCounter.objects.values_list("waiting_normal", flat=True)) == [100, 100]
    # nobody was called: everyone issued before a ticket is ahead of it, also those
    # committed while its statement waited for the counter
    wrong = [(lb, n, a) for _, batch in results for lb, n, a in batch if a != n - 1]
    assert not wrong
    for letter in "AB":
        numbers = sorted(
            Ticket.objects.filter(label__startswith=letter).values_list("number", flat=True)
        )
        assert numbers == list(range(1, 101))  # gap-free


def test_issue_is_one_statement_on_postgresql(django_assert_num_queries):
    """One statement, prepared on the server (jinpu_portal.prepared)."""
    category = ServiceCategoryFactory()
    with django_assert_num_queries(1) as queries:
        issued = tickets.ticket_issue(category_id=category.pk, mobile="13900000000")
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE hall_ticket_issue ")
    ticket = Ticket.objects.get(pk=issued.ticket.pk)
    assert ticket.label == issued.ticket.label
    assert ticket.mobile == "13900000000"
    assert ticket.events.get().details == {"label": ticket.label, "source": "kiosk"}


def test_the_days_close_racing_desks_and_itself_loses_nothing(at, monkeypatch):
    """Monday's 24 tickets left waiting; at midnight two runs of the close (in batches
    of 3, each holding its batch a moment) race desks cancelling some of them and
    confirming 绿色通道 for others in Monday's last minute. Each ticket ends once:
    cancelled by a desk (no close event) or closed (one event), in the lane it had then;
    the waiting counts of Monday end at zero, none taken off twice or forgotten."""
    from hall.constants import Lane, PriorityGroup, TicketAction
    from hall.models import TicketEvent
    from hall.services import dayclose
    from tests.factories import UserFactory

    at(2026, 11, 2, 16)
    category = ServiceCategoryFactory()
    issued = [TicketFactory(category=category) for _ in range(24)]
    desk = UserFactory(system_admin=True)
    original = dayclose.record

    def slow_record(*events):
        time.sleep(0.05)  # the batch's locks held while the desks come
        return original(*events)

    monkeypatch.setattr(dayclose, "record", slow_record)
    # The desks' last minute of Monday, the close's first of Tuesday (a desk cancels
    # only a ticket of its day: tests/hall/test_day_close.py).
    at(2026, 11, 2, 23, 59)
    tuesday = datetime.datetime(2026, 11, 3, 0, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    to_cancel, to_confirm = issued[1::3], issued[2::3]

    refused = []  # the codes of the desks' acts refused (the close came first)

    def close():
        return dayclose.day_close(batch=3, now=tuesday)

    def cancel(tickets_):
        def run():
            done = []
            for ticket in tickets_:
                try:
                    done.append(tickets.ticket_cancel(ticket=ticket, actor=desk).pk)
                except HallError as error:
                    refused.append(error.code)
            return done

        return run

    def confirm(tickets_):
        def run():
            done = []
            for ticket in tickets_:
                try:
                    tickets.priority_confirm(ticket=ticket, group=PriorityGroup.ELDERLY, actor=desk)
                    done.append(ticket.pk)
                except HallError as error:
                    refused.append(error.code)
            return done

        return run

    results = run_at_once(
        close,
        close,
        cancel(to_cancel[:4]),
        cancel(to_cancel[4:]),
        confirm(to_confirm[:4]),
        confirm(to_confirm[4:]),
    )
    assert all(kind == "ok" for kind, _ in results), results
    assert set(refused) <= {"state"}, refused
    runs = [value for _, value in results[:2]]
    cancelled = {pk for _, done in results[2:4] for pk in done}
    confirmed = {pk for _, done in results[4:] for pk in done}
    monday = Ticket.objects.filter(day=datetime.date(2026, 11, 2))
    assert not monday.filter(status=TicketStatus.WAITING).exists()
    assert set(monday.filter(status=TicketStatus.CANCELLED).values_list("pk", flat=True)) == (
        cancelled
    )
    expired = set(monday.filter(status=TicketStatus.EXPIRED).values_list("pk", flat=True))
    assert expired | cancelled == {t.pk for t in issued}
    assert sum(run.expired for run in runs) == len(expired)
    # one ending event each: the desk's cancel or the close
    for ticket in issued:
        endings = list(
            TicketEvent.objects.filter(
                ticket=ticket, action__in=[TicketAction.CANCELLED, TicketAction.DAY_CLOSED]
            ).values_list("action", flat=True)
        )
        want = TicketAction.CANCELLED if ticket.pk in cancelled else TicketAction.DAY_CLOSED
        assert endings == [want], (ticket.label, endings)
    # the lane at the close is the one the confirmation gave
    assert (
        set(
            monday.filter(status=TicketStatus.EXPIRED, lane=Lane.PRIORITY).values_list(
                "pk", flat=True
            )
        )
        == confirmed
    )
    counter = DayCounter.objects.get(category=category, day=datetime.date(2026, 11, 2))
    assert (counter.waiting_normal, counter.waiting_priority, counter.waiting_appointment) == (
        0,
        0,
        0,
    )


def test_the_days_close_racing_clerks_at_their_windows_closes_each_window_once_or_not(
    at, monkeypatch, slow_calls
):
    """Six windows left open on Monday; on Tuesday at 8:30 each clerk calls the next
    ticket (each holding its seat's lock a moment) at the moment two runs of the close
    (each holding its seats' locks a moment) close the windows left open overnight. Per
    window, either the call came first (the window called today's ticket and stays
    open: in use today) or the close did (the window closed, unseated, one event, and
    the call refused): never a window closed with a ticket called there, never two
    close events."""
    from hall.constants import TicketAction, WindowAction
    from hall.models import TicketEvent
    from hall.services import dayclose

    at(2026, 11, 2, 16)
    category = ServiceCategoryFactory()
    seats = [HallWindowFactory(categories=[category]) for _ in range(6)]
    original = dayclose.record

    def slow_record(*events):
        time.sleep(0.2)  # the close's seat locks held while the clerks come
        return original(*events)

    monkeypatch.setattr(dayclose, "record", slow_record)
    at(2026, 11, 3, 8, 30)
    today = [TicketFactory(category=category) for _ in range(6)]

    def call(seat):
        return lambda: calling.call_next(window=seat.window, actor=seat.clerk).pk

    results = run_at_once(
        lambda: dayclose.day_close().windows,
        lambda: dayclose.day_close().windows,
        *[call(seat) for seat in seats],
    )
    closes, calls = results[:2], results[2:]
    assert all(kind == "ok" for kind, _ in closes), closes
    closed_events = TicketEvent.objects.filter(action=WindowAction.CLOSED, actor__isnull=True)
    closed_at = list(closed_events.values_list("window_id", flat=True))
    assert len(closed_at) == len(set(closed_at)) == sum(n for _, n in closes)
    for seat, (kind, value) in zip(seats, calls, strict=True):
        now = WindowSeat.objects.get(pk=seat.pk)
        called_here = Ticket.objects.filter(window_id=seat.pk, status=TicketStatus.CALLED)
        if kind == "ok":  # the call first: in use today, left open
            assert (now.state, now.clerk_id) == (WindowState.OPEN, seat.clerk.pk)
            assert list(called_here.values_list("pk", flat=True)) == [value]
            assert seat.pk not in closed_at
        else:  # the close first: the call found nobody seated
            assert "没有在该窗口入座" in str(value), value
            assert (now.state, now.clerk_id) == (WindowState.CLOSED, None)
            assert not called_here.exists()
            assert seat.pk in closed_at
    # every ticket called once at most, the others still waiting
    called = [value for kind, value in calls if kind == "ok"]
    assert len(called) == len(set(called))
    assert Ticket.objects.filter(status=TicketStatus.WAITING).count() == len(today) - len(called)
    assert TicketEvent.objects.filter(action=TicketAction.CALLED).count() == len(called)


def _held(monkeypatch, module, name: str, seconds: float = 0.4) -> None:
    """``module.name`` sleeps ``seconds`` before it runs: the act calling it holds its
    locks (and, before the fix, what it read) that long."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def _later(act, seconds: float = 0.1):
    """``act`` a moment after the other thread's: it meets what that one holds."""

    def run():
        time.sleep(seconds)
        return act()

    return run


def _transfer_scene(at, *, stale: bool = False):
    """Two open windows of one hall (opened on Monday at 9:00; with ``stale``, the
    ticket is issued and called on Tuesday at 8:30, the target left open since Monday),
    the source window's clerk with a ticket called. Returns ``(source, target,
    ticket)``."""
    at(2026, 11, 2, 9)
    category = ServiceCategoryFactory()
    source = HallWindowFactory(categories=[category])
    target = HallWindowFactory(categories=[ServiceCategoryFactory(hall=category.hall)])
    if stale:
        at(2026, 11, 3, 8, 30)
    ticket = TicketFactory(category=category)
    assert calling.call_next(window=source.window, actor=source.clerk) == ticket
    return source, target, ticket


def _transfer(source, target, ticket):
    return lambda: (
        calling.transfer(
            ticket=ticket, window=source.window, actor=source.clerk, to_window=target.window
        ).status
    )


def _left_for_a_callable_window(ticket: Ticket) -> Ticket:
    """The ticket as it is, asserting it does not wait for a closed window (nobody would
    call it)."""
    ticket.refresh_from_db()
    if ticket.status == TicketStatus.WAITING and ticket.target_window_id is not None:
        state = WindowSeat.objects.get(pk=ticket.target_window_id).state
        assert state != WindowState.CLOSED, "the ticket waits for a closed window"
    return ticket


def test_a_transfer_before_its_targets_close_is_released_by_the_close(at, monkeypatch):
    """The transfer checks the target window open and holds on; its clerk closes the
    window at that moment. The close waits for the transfer's commit (the target's seat
    lock) and then sends the ticket back to its category's queue."""
    from hall.services import windows

    source, target, ticket = _transfer_scene(at)
    _held(monkeypatch, calling, "waiting_add")  # after the transfer's check
    results = run_at_once(
        _transfer(source, target, ticket),
        _later(lambda: windows.window_close(window=target.window, actor=target.clerk).state),
    )
    assert results == [("ok", TicketStatus.WAITING), ("ok", WindowState.CLOSED)], results
    ticket = _left_for_a_callable_window(ticket)
    assert ticket.target_window_id is None
    assert calling.call_next(window=source.window, actor=source.clerk) == ticket


def test_a_transfer_during_its_targets_close_is_refused(at, monkeypatch):
    """The target's clerk closes the window (holding its seat a moment after sending
    back the tickets transferred there); a transfer to it at that moment waits for the
    close and is refused: the ticket stays at its window."""
    from hall.services import windows

    source, target, ticket = _transfer_scene(at)
    _held(monkeypatch, windows, "_log")  # the close's event, after its release
    results = run_at_once(
        lambda: windows.window_close(window=target.window, actor=target.clerk).state,
        _later(_transfer(source, target, ticket)),
    )
    assert results[0] == ("ok", WindowState.CLOSED), results
    kind, error = results[1]
    assert kind == "error", results
    assert isinstance(error, HallError), results
    assert error.code == "closed"
    ticket = _left_for_a_callable_window(ticket)
    assert (ticket.status, ticket.window_id) == (TicketStatus.CALLED, source.pk)


def test_a_transfer_racing_the_days_close_of_its_target_leaves_no_ticket_behind(at, monkeypatch):
    """On Tuesday morning the target window is still open since Monday; the day's close
    comes while a transfer to it holds on. The close skips the window whose seat the
    transfer holds (the next run closes it and releases the ticket), or, had it come
    first, the transfer would wait and be refused: never a ticket waiting for a window
    the close closed."""
    from hall.services import dayclose

    source, target, ticket = _transfer_scene(at, stale=True)
    _held(monkeypatch, calling, "waiting_add")
    results = run_at_once(
        _transfer(source, target, ticket),
        _later(lambda: dayclose.close_windows()),
    )
    assert results[0] == ("ok", TicketStatus.WAITING), results
    ticket = _left_for_a_callable_window(ticket)
    assert ticket.target_window_id == target.pk
    # the next run closes the window and sends the ticket back to its category
    dayclose.close_windows()
    assert WindowSeat.objects.get(pk=target.pk).state == WindowState.CLOSED
    assert _left_for_a_callable_window(ticket).target_window_id is None


def test_two_transfers_the_opposite_ways_at_once_both_go_through(at, monkeypatch):
    """Window one sends its ticket to window two while two sends its ticket to one: each
    locks both seats, in the same (primary-key) order, so one waits for the other and
    neither fails with a deadlock."""
    at(2026, 11, 2, 9)
    category = ServiceCategoryFactory()
    one, two = (HallWindowFactory(categories=[category]) for _ in range(2))
    first, second = (TicketFactory(category=category) for _ in range(2))
    assert calling.call_next(window=one.window, actor=one.clerk) == first
    assert calling.call_next(window=two.window, actor=two.clerk) == second
    _held(monkeypatch, calling, "waiting_add", seconds=0.2)
    results = run_at_once(_transfer(one, two, first), _transfer(two, one, second))
    assert results == [("ok", TicketStatus.WAITING)] * 2, results
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.target_window_id, second.target_window_id) == (two.pk, one.pk)


def _open_target(source, target):
    """The source window's clerk, assigned to the target window meanwhile (a manager's
    ``staff_assign_window``), opens it in another tab: it would seat them there."""
    from accounts.models import User
    from accounts.services import staff_assign_window
    from hall.services import windows

    staff_assign_window(user=source.clerk, window=target.window)
    clerk = User.objects.get(pk=source.clerk.pk)  # as their next request loads them
    return lambda: windows.window_open(window=target.window, actor=clerk)


def _seat_at_target(source, target):
    """A manager seats the source window's clerk at the target window."""
    from hall.services import windows
    from tests.factories import UserFactory

    manager = UserFactory(system_admin=True)
    return lambda: windows.window_seat(window=target.window, clerk=source.clerk, actor=manager)


@pytest.mark.parametrize("act", [_open_target, _seat_at_target], ids=["open", "seat"])
def test_seating_the_clerk_at_the_target_while_they_transfer_there_never_deadlocks(
    at, monkeypatch, act
):
    """The clerk of window one transfers their called ticket to window two while they
    open window two in another tab (or a manager seats them there). Both acts lock the
    two seats; the seating holds on after its first check. Both lock in primary-key order
    (``seats_lock``), so the transfer waits for the seating, which finds the ticket still
    at window one and is refused (busy); then the transfer goes through. Neither fails
    with a deadlock (before the fix the seating locked window two's seat, then the
    clerk's seat at window one, and PostgreSQL aborted one of them)."""
    from hall.services import windows

    source, target, ticket = _transfer_scene(at)
    assert source.pk < target.pk  # the transfer locks the source's seat first
    seating = act(source, target)
    _held(monkeypatch, windows, "_busy")  # the seating's check of the target, under lock
    results = run_at_once(seating, _later(_transfer(source, target, ticket)))
    kind, error = results[0]
    assert kind == "error", results
    assert isinstance(error, HallError), results
    assert error.code == "busy"
    assert results[1] == ("ok", TicketStatus.WAITING), results
    assert _left_for_a_callable_window(ticket).target_window_id == target.pk
    seats = WindowSeat.objects.in_bulk([source.pk, target.pk])
    assert seats[source.pk].clerk_id == source.clerk.pk
    assert seats[target.pk].clerk_id == target.clerk.pk
