"""The day's close (日终清号): the tickets of an earlier day still waiting, called or in
service are ended (waiting and called → 已失效, in service → 已办结 with no end time),
each with its event, once; today's are left alone; the windows are not blocked by a
ticket of an earlier day, before the close has run or after; the windows left open
overnight are closed, those opened or used today are not; a desk cannot cancel a ticket
of an earlier day."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hall import selectors
from hall.constants import (
    Lane,
    PriorityGroup,
    TicketAction,
    TicketStatus,
    WindowAction,
    WindowState,
)
from hall.errors import HallError
from hall.models import DayCounter, Ticket, TicketEvent, WindowSeat
from hall.services import calling, tickets, waiting, windows
from hall.services.dayclose import day_close
from hall.tasks import day_close as day_close_task
from intake.constants import Channel
from tests.factories import HallWindowFactory, ServiceCategoryFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 2)
TUESDAY = datetime.date(2026, 11, 3)


def _monday_left_open(at):
    """Monday in one category at two windows, seven tickets issued at 16:00: A001 done
    (ten minutes of service), A002 过号, A003 cancelled, A007 (绿色通道) in service at
    W1 since 16:40, A004 called at W2, A005 waiting, A006 waiting as 绿色通道. Returns
    (category, (W1, W2), tickets by label)."""
    at(2026, 11, 2, 16, 0)
    category = ServiceCategoryFactory(letter="A")
    w1 = HallWindowFactory(categories=[category])
    w2 = HallWindowFactory(categories=[category])
    issued = {t.label: t for t in (TicketFactory(category=category) for _ in range(7))}
    done = calling.call_next(window=w1.window, actor=w1.clerk)  # A001
    calling.service_start(ticket=done, window=w1.window, actor=w1.clerk)
    at(2026, 11, 2, 16, 10)
    calling.service_end(ticket=done, window=w1.window, actor=w1.clerk)
    no_show = calling.call_next(window=w1.window, actor=w1.clerk)  # A002
    for _ in range(2):
        calling.recall(ticket=no_show, window=w1.window, actor=w1.clerk)
    calling.no_show(ticket=no_show, window=w1.window, actor=w1.clerk)
    desk = UserFactory(system_admin=True)
    tickets.ticket_cancel(ticket=issued["A003"], actor=desk)
    tickets.priority_confirm(ticket=issued["A007"], group=PriorityGroup.ELDERLY, actor=desk)
    serving = calling.call_next(window=w1.window, actor=w1.clerk)  # A007 (绿色通道)
    at(2026, 11, 2, 16, 40)
    calling.service_start(ticket=serving, window=w1.window, actor=w1.clerk)
    calling.call_next(window=w2.window, actor=w2.clerk)  # A004
    tickets.priority_confirm(ticket=issued["A006"], group=PriorityGroup.DISABLED, actor=desk)
    by_label = {t.label: t for t in Ticket.objects.filter(day=MONDAY)}
    assert {label: t.status for label, t in by_label.items()} == {
        "A001": TicketStatus.DONE,
        "A002": TicketStatus.NO_SHOW,
        "A003": TicketStatus.CANCELLED,
        "A004": TicketStatus.CALLED,
        "A005": TicketStatus.WAITING,
        "A006": TicketStatus.WAITING,
        "A007": TicketStatus.SERVING,
    }
    return category, (w1, w2), by_label


def _closed(label):
    return TicketEvent.objects.filter(
        ticket__label=label, ticket__day=MONDAY, action=TicketAction.DAY_CLOSED
    )


def test_the_close_ends_each_open_status_of_an_earlier_day_and_nothing_else(at):
    category, (w1, _w2), _ = _monday_left_open(at)
    counter = DayCounter.objects.get(category=category, day=MONDAY)
    assert (counter.waiting_normal, counter.waiting_priority) == (1, 1)
    at(2026, 11, 3, 8, 0)
    today = TicketFactory(category=category)  # Tuesday's A001, waiting
    before = {t.pk: (t.status, t.updated_at) for t in Ticket.objects.all()}

    run = day_close()

    assert (run.expired, run.done, run.before) == (3, 1, TUESDAY)
    statuses = dict(Ticket.objects.filter(day=MONDAY).values_list("label", "status"))
    assert statuses == {
        "A001": TicketStatus.DONE,
        "A002": TicketStatus.NO_SHOW,
        "A003": TicketStatus.CANCELLED,
        "A004": TicketStatus.EXPIRED,  # called, never started
        "A005": TicketStatus.EXPIRED,  # waiting
        "A006": TicketStatus.EXPIRED,  # waiting, 绿色通道
        "A007": TicketStatus.DONE,  # in service
    }
    # in service → done, with no end time made up
    served = Ticket.objects.get(day=MONDAY, label="A007")
    assert served.ended_at is None
    assert served.started_at is not None
    assert served.window_id == w1.window.pk
    # today's ticket and the tickets already ended are as they were
    after = {t.pk: (t.status, t.updated_at) for t in Ticket.objects.all()}
    changed = {t.label for t in Ticket.objects.all() if after[t.pk] != before[t.pk]}
    assert changed == {"A004", "A005", "A006", "A007"}
    assert today.day == TUESDAY
    assert Ticket.objects.get(pk=today.pk).status == TicketStatus.WAITING
    # one event each, by nobody (the system), saying what it was and what it became
    events = TicketEvent.objects.filter(action=TicketAction.DAY_CLOSED)
    assert sorted(events.values_list("ticket__label", flat=True)) == [
        "A004",
        "A005",
        "A006",
        "A007",
    ]
    assert not events.filter(actor__isnull=False).exists()
    called = _closed("A004").get()
    assert called.details == {
        "label": "A004",
        "day": "2026-11-02",
        "status": "called",
        "closed_as": "expired",
    }
    assert called.window_id is not None
    assert called.label == "日终清号"
    # the counter: Monday's waiting counts are those of the tickets (none), the served
    # count and seconds are A001's ten minutes only
    counter.refresh_from_db()
    assert (counter.waiting_normal, counter.waiting_priority, counter.waiting_appointment) == (
        0,
        0,
        0,
    )
    assert (counter.served, counter.service_seconds) == (1, 600)
    tuesday = DayCounter.objects.get(category=category, day=TUESDAY)
    assert tuesday.waiting_normal == 1
    waiting.recount(day__in=[MONDAY, TUESDAY])
    assert DayCounter.objects.get(pk=counter.pk).waiting_normal == 0
    assert DayCounter.objects.get(pk=tuesday.pk).waiting_normal == 1


def test_the_close_is_idempotent_and_leaves_today_alone(at):
    category, _seats, _ = _monday_left_open(at)
    at(2026, 11, 2, 23, 59)
    assert day_close().as_dict() == {
        "expired": 0,
        "done": 0,
        "windows": 0,
        "before": "2026-11-02",
    }
    at(2026, 11, 3, 0, 5)
    first = day_close()
    events = TicketEvent.objects.count()
    counts = list(DayCounter.objects.values_list("waiting_normal", "waiting_priority"))
    second = day_close()
    assert (first.expired, first.done) == (3, 1)
    assert (second.expired, second.done) == (0, 0)
    assert TicketEvent.objects.count() == events
    assert list(DayCounter.objects.values_list("waiting_normal", "waiting_priority")) == counts
    # small batches close the same tickets
    at(2026, 11, 3, 9)
    for _ in range(3):
        TicketFactory(category=category)
    at(2026, 11, 4, 8)
    assert day_close(batch=2).expired == 3


def test_next_morning_the_window_calls_despite_yesterdays_called_ticket(at):
    """Before the close has run: the called ticket left at W2 and the ticket in service
    at W1 block neither window; acts on them are refused, with a Chinese message."""
    category, (w1, w2), by_label = _monday_left_open(at)
    at(2026, 11, 3, 8, 30)
    first = TicketFactory(category=category)
    second = TicketFactory(category=category)
    panel = selectors.window_panel(w2.window)
    assert panel.current is None
    assert [t.pk for t in panel.queue] == [first.pk, second.pk]
    hall_windows = {w.pk: w.current_label for w in selectors.hall_windows(category.hall_id)}
    assert hall_windows == {w1.window.pk: None, w2.window.pk: None}
    called = calling.call_next(window=w2.window, actor=w2.clerk)
    assert called.pk == first.pk
    assert selectors.window_panel(w2.window).current.pk == first.pk
    assert calling.call_next(window=w1.window, actor=w1.clerk).pk == second.pk
    # yesterday's tickets themselves cannot be acted on any more
    stale_called, stale_serving = by_label["A004"], by_label["A007"]
    with pytest.raises(HallError) as error:
        calling.service_start(ticket=stale_called, window=w2.window, actor=w2.clerk)
    assert error.value.code == "past_day"
    assert "A004 号是 11月2日 的号，当天已结束" in error.value.messages[0]
    with pytest.raises(HallError):
        calling.service_end(ticket=stale_serving, window=w1.window, actor=w1.clerk)
    assert Ticket.objects.get(pk=stale_serving.pk).ended_at is None  # no night of service
    assert DayCounter.objects.get(category=category, day=MONDAY).served == 1
    # the window's own acts: closed and re-opened with today's call ended
    calling.service_start(ticket=called, window=w2.window, actor=w2.clerk)
    calling.service_end(ticket=called, window=w2.window, actor=w2.clerk)
    windows.window_close(window=w2.window, actor=w2.clerk)
    windows.window_open(window=w2.window, actor=w2.clerk)
    assert Ticket.objects.get(pk=stale_called.pk).status == TicketStatus.CALLED  # till the close
    day_close()
    assert Ticket.objects.get(pk=stale_called.pk).status == TicketStatus.EXPIRED


def test_window_close_and_seat_are_not_blocked_by_an_earlier_day(at):
    category, (w1, w2), _ = _monday_left_open(at)
    at(2026, 11, 3, 8, 30)
    windows.window_close(window=w1.window, actor=w1.clerk)  # A007 still serving there
    manager = UserFactory(system_admin=True)
    windows.window_seat(window=w2.window, clerk=None, actor=manager)  # A004 still called there
    windows.window_seat(window=w2.window, clerk=w1.clerk, actor=manager)
    windows.window_open(window=w2.window, actor=manager)
    TicketFactory(category=category)
    assert calling.call_next(window=w2.window, actor=w1.clerk).day == TUESDAY


def test_a_case_accepted_today_is_not_linked_to_yesterdays_service(at):
    from hall.receivers import link_application
    from intake.services.cases import case_accepted

    _category, (w1, _w2), by_label = _monday_left_open(at)
    at(2026, 11, 3, 9)

    # a counter intake received and accepted at W1 today (the receiver reads its pk,
    # window, channel and time of receipt): yesterday's ticket began before it, but
    # yesterday's service is not today's
    application = SimpleNamespace(
        pk=1, window_id=w1.window.pk, channel=Channel.COUNTER, received_at=timezone.now()
    )
    link_application(None, signal=case_accepted, application=application, actor=w1.clerk)
    assert Ticket.objects.get(pk=by_label["A007"].pk).application_id is None
    assert not TicketEvent.objects.filter(action=TicketAction.APPLICATION).exists()


def test_the_task_and_its_beat_entry(at):
    _monday_left_open(at)
    entry = settings.CELERY_BEAT_SCHEDULE["hall-day-close"]
    assert entry["task"] == day_close_task.name == "hall.tasks.day_close"
    result = day_close_task.apply(kwargs={"now": "2026-11-03T00:05:00+08:00"}).get()
    assert result == {"expired": 3, "done": 1, "windows": 2, "before": "2026-11-03"}


@pytest.fixture
def scene(clerk, supervisor):
    from tests.hall.pages_support import hall_scene

    return hall_scene(clerk, supervisor)


def test_the_follow_page_of_a_closed_ticket_says_it_lapsed(client, scene, at, clerk):
    at(2026, 11, 2, 16, 50)
    called = tickets.ticket_issue(category_id=scene.a.pk).ticket
    left_waiting = tickets.ticket_issue(category_id=scene.a.pk).ticket
    assert calling.call_next(window=scene.window, actor=clerk).pk == called.pk
    at(2026, 11, 3, 0, 5)
    # called, not started: even before the close the page sends nobody to a window
    before = client.get(reverse("hall:follow", args=[called.token])).content.decode()
    assert "请到 3 号窗口办理" not in before
    assert "11月2日 的号，当天叫号后未办理，已失效" in before
    day_close()
    page = client.get(reverse("hall:follow", args=[called.token])).content.decode()
    assert "11月2日 的号，当天叫号后未办理，已失效；如需办理请重新取号。" in page
    assert "已失效 · 更新于" in page
    assert "本页自动刷新" not in page  # it polls no more
    other = client.get(reverse("hall:follow", args=[left_waiting.token])).content.decode()
    assert "11月2日 的号，当天未叫到，已失效" in other
    assert 'data-testid="ticket-ahead"' not in other
    assert reverse("hall:follow-poll", args=[left_waiting.token]) not in other
    api = client.get(f"/api/v1/hall/follow/{left_waiting.token}/")
    assert api.status_code == 200, api.content
    assert (api.json()["status"], api.json()["status_label"]) == ("expired", "已失效")


def test_a_closed_lane_count_follows_the_lane_it_had(at):
    """A ticket moved to the 绿色通道 lane after issue leaves that lane's count."""
    category = ServiceCategoryFactory()
    at(2026, 11, 2, 10)
    ticket = TicketFactory(category=category)
    tickets.priority_confirm(
        ticket=ticket, group=PriorityGroup.PREGNANT, actor=UserFactory(system_admin=True)
    )
    assert Ticket.objects.get(pk=ticket.pk).lane == Lane.PRIORITY
    at(2026, 11, 3, 10)
    day_close()
    counter = DayCounter.objects.get(category=category, day=MONDAY)
    assert (counter.waiting_priority, counter.waiting_normal) == (0, 0)


def _window_closed_events():
    return TicketEvent.objects.filter(action=WindowAction.CLOSED, actor__isnull=True)


def test_the_close_closes_the_windows_left_open_overnight(at):
    """Monday's W1 (open, a service left running), W2 (open, a call left) and W3
    (paused) stay so overnight; on Tuesday W4 opens at 7:55, W5 (open since Monday)
    serves a ticket, W4 calls a ticket and transfers it to W2. The close at 8:30 closes
    W1, W2 and W3 as their clerks' close would: unseated, the ticket sent to W2 back to
    its category's queue, one event each by nobody; W4 (opened today) and W5 (in use
    today) stay open. A second run closes nothing."""
    category, (w1, w2), _ = _monday_left_open(at)
    w3 = HallWindowFactory(categories=[category], open=False)  # paused on Monday
    w5 = HallWindowFactory(categories=[category])
    at(2026, 11, 3, 7, 55)
    w4 = HallWindowFactory(categories=[category])
    at(2026, 11, 3, 8, 10)
    served, sent = TicketFactory(category=category), TicketFactory(category=category)
    assert calling.call_next(window=w5.window, actor=w5.clerk).pk == served.pk
    calling.service_start(ticket=served, window=w5.window, actor=w5.clerk)
    calling.service_end(ticket=served, window=w5.window, actor=w5.clerk)
    assert calling.call_next(window=w4.window, actor=w4.clerk).pk == sent.pk
    calling.transfer(ticket=sent, window=w4.window, actor=w4.clerk, to_window=w2.window)
    assert Ticket.objects.get(pk=sent.pk).target_window_id == w2.window.pk
    untouched = {
        seat.pk: (seat.state, seat.clerk_id, seat.state_changed_at, seat.updated_at)
        for seat in WindowSeat.objects.filter(pk__in=[w4.pk, w5.pk])
    }
    close = at(2026, 11, 3, 8, 30)

    run = day_close()

    assert run.windows == 3
    seats = {seat.pk: seat for seat in WindowSeat.objects.all()}
    for closed in (w1, w2, w3):
        seat = seats[closed.pk]
        assert (seat.state, seat.clerk_id, seat.state_changed_at) == (
            WindowState.CLOSED,
            None,
            close,
        )
    assert {
        seat.pk: (seat.state, seat.clerk_id, seat.state_changed_at, seat.updated_at)
        for seat in WindowSeat.objects.filter(pk__in=[w4.pk, w5.pk])
    } == untouched
    # the ticket sent to W2 waits for its category's windows again, its place kept
    released = Ticket.objects.get(pk=sent.pk)
    assert (released.status, released.target_window_id) == (TicketStatus.WAITING, None)
    assert calling.call_next(window=w5.window, actor=w5.clerk).pk == sent.pk
    # one event each, as the clerk's close records it, by nobody
    events = {e.window_id: e for e in _window_closed_events()}
    assert set(events) == {w1.pk, w2.pk, w3.pk}
    assert events[w2.pk].details == {
        "clerk": None,
        "day_close": True,
        "unseated": w2.clerk.pk,
        "state": "open",
        "since": "2026-11-02T16:00:00+08:00",
        "released": [sent.pk],
    }
    assert events[w3.pk].details["state"] == "paused"
    assert "released" not in events[w1.pk].details
    assert events[w1.pk].label == "窗口关闭"
    assert {e.hall_id for e in events.values()} == {category.hall_id}
    assert day_close().windows == 0
    assert _window_closed_events().count() == 3
    # the clerks open their windows again as on any morning
    windows.window_open(window=w1.window, actor=w1.clerk)
    assert WindowSeat.objects.get(pk=w1.pk).clerk_id == w1.clerk.pk


def test_a_desk_cannot_cancel_a_ticket_of_an_earlier_day(at):
    """Monday's ticket left waiting (A005) and the one left 过号 (A002): on Tuesday a
    desk's cancel or 绿色通道 confirmation is refused as the window's acts are
    (``past_day``), nothing written; the close then ends the waiting one."""
    category, _seats, by_label = _monday_left_open(at)
    desk = UserFactory(system_admin=True)
    at(2026, 11, 3, 8, 30)
    events = TicketEvent.objects.count()
    for label in ("A005", "A002"):
        with pytest.raises(HallError) as error:
            tickets.ticket_cancel(ticket=by_label[label], actor=desk)
        assert error.value.code == "past_day"
        assert error.value.messages == [
            f"{label} 号是 11月2日 的号，当天已结束，不能再办理，"
            "系统日终清号时将其结束。请叫下一位。"
        ]
    # nor is its 绿色通道 confirmed (that would move Monday's waiting counts)
    with pytest.raises(HallError) as error:
        tickets.priority_confirm(ticket=by_label["A005"], group=PriorityGroup.ELDERLY, actor=desk)
    assert error.value.code == "past_day"
    assert Ticket.objects.get(pk=by_label["A005"].pk).status == TicketStatus.WAITING
    assert Ticket.objects.get(pk=by_label["A002"].pk).status == TicketStatus.NO_SHOW
    assert DayCounter.objects.get(category=category, day=MONDAY).waiting_normal == 1
    assert TicketEvent.objects.count() == events
    day_close()
    assert Ticket.objects.get(pk=by_label["A005"].pk).status == TicketStatus.EXPIRED
    # today's ticket is cancelled as before
    today = TicketFactory(category=category)
    assert tickets.ticket_cancel(ticket=today, actor=desk).status == TicketStatus.CANCELLED


def test_the_figures_count_the_expired_tickets(at):
    """The figures API of Monday after the close: 已失效 in a column of its own, for the
    hall, the category and the window where the call was left (W2)."""
    from rest_framework.test import APIClient

    category, (w1, w2), _ = _monday_left_open(at)
    at(2026, 11, 3, 0, 5)
    day_close()
    client = APIClient()
    client.force_authenticate(UserFactory(system_admin=True))
    figures = client.get(
        f"/api/v1/hall/halls/{category.hall_id}/figures/", {"day": "2026-11-02"}
    ).json()
    hall = figures["hall"]
    assert (hall["issued"], hall["served"], hall["no_show"], hall["expired"]) == (7, 2, 1, 3)
    assert hall["waiting"] == 0
    assert [row["expired"] for row in figures["categories"]] == [3]
    assert {row["key"]: row["expired"] for row in figures["windows"]} == {
        w1.pk: 0,
        w2.pk: 1,
    }
