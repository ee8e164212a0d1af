"""The day's close (日终清号): every ticket of an earlier local day (Asia/Shanghai,
``local_day``) still open is ended, so that no day's record keeps a ticket waiting,
called or in service for ever.

The rule (``CLOSED_AS``):

* WAITING → EXPIRED (已失效): never served that day (never called, or sent back to the
  queue by a transfer or a re-queue and not called again). Its lane's waiting count on
  the day's counter is taken off, as a cancel does;
* CALLED → EXPIRED (已失效): called but the service never started (the person did not
  come or the clerk never pressed 开始办理); not 过号, which takes three calls, nor
  已取消, which a person or a desk does;
* SERVING → DONE (已办结) with no end time: the person was at the window and served, the
  clerk never pressed 结束办理. It counts as served; with ``ended_at`` empty it is in no
  average service time, and the day's counter (the expected wait's average) gets
  neither a served ticket nor seconds: no duration is made up.

Each closed ticket gets a ``DAY_CLOSED`` event (日终清号, no actor: the system), with the
status it had and the one it got, in the transaction that closes it. The window it was
at keeps nothing to release: the busy check, the panel and the window acts look at
today's tickets only (``base.at_window``), so a ticket left at a window the evening
before never blocks it, whether this job ran yet or not; an act on that ticket itself
is refused (``calling._at_window``).

The windows (``close_windows``): a window still open or paused since an earlier day (its
seat last changed before today's start: nobody opened, paused or seated anyone at it
today) is closed as its clerk's own close does (``windows._set_state``): unseated, the tickets
transferred to it sent back to their category's queue, one ``window_closed`` event
with no actor (``day_close`` and the state it had in its details). It takes the row
lock every window act takes (``windows.seat_lock``) with ``SKIP LOCKED``: a window a
clerk is acting on at that moment is left to the next run (the act was today's, so the
window is probably no longer stale), never waited for (a clerk's act locking two seats
cannot deadlock with it). A window that called a ticket today is in use today and left
open, whether or not its state changed today (the job did not run in the night). A
window opened today is never touched.

Run by Celery beat every hour (``hall.tasks.day_close``); set-based, in batches of
``BATCH`` tickets per transaction: one ``SELECT … FOR UPDATE`` (in id order) takes the
batch, one UPDATE per final status writes it, one UPDATE per counter takes the waiting
tickets off, one INSERT writes the events. Idempotent and safe beside the clerks and a
second run: it takes the row lock every act on a ticket takes (``tickets.lock_ticket``)
and only tickets still open under it. A ticket a desk is cancelling or moving to the
绿色通道 lane at that moment is waited for (milliseconds) and then closed as it is
then, or left alone if it was cancelled; an act that waited for the job finds the
ticket closed and is refused. A second run waits for the first's batch and finds it
closed. The job locks tickets before a counter, as the acts do: no deadlock.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..constants import AT_WINDOW_STATUSES, TicketAction, TicketStatus, WindowAction, WindowState
from ..models import DayCounter, Ticket, WindowSeat
from .base import event, local_day, record
from .waiting import WAITING_FIELDS

#: The final status of a ticket of an earlier day, by the status it was left in.
CLOSED_AS = {
    TicketStatus.WAITING: TicketStatus.EXPIRED,
    TicketStatus.CALLED: TicketStatus.EXPIRED,
    TicketStatus.SERVING: TicketStatus.DONE,
}
#: Tickets per transaction.
BATCH = 1000


@dataclass(frozen=True)
class DayCloseRun:
    expired: int  # WAITING or CALLED → EXPIRED
    done: int  # SERVING → DONE
    before: datetime.date  # the open tickets of the days before this one were closed
    windows: int = 0  # windows left open or paused since an earlier day, closed

    def as_dict(self) -> dict:
        """For the task's result (JSON)."""
        return {
            "expired": self.expired,
            "done": self.done,
            "windows": self.windows,
            "before": self.before.isoformat(),
        }


def stale_open(before: datetime.date) -> Q:
    """The open tickets of days before ``before``: one arm per partial index (the
    waiting tickets', the tickets at windows')."""
    return Q(status=TicketStatus.WAITING, day__lt=before) | Q(
        status__in=AT_WINDOW_STATUSES, day__lt=before
    )


def day_close(*, now: datetime.datetime | None = None, batch: int = BATCH) -> DayCloseRun:
    """Close every ticket of a day before ``now``'s local day still open, then the
    windows left open since such a day (see the module docstring). Returns how many
    tickets became EXPIRED and DONE and how many windows were closed."""
    now = now or timezone.now()
    before = local_day(now)
    closed: Counter = Counter()
    while True:
        done = _close_batch(before=before, now=now, batch=batch)
        if not done:
            break
        closed.update(done)
    return DayCloseRun(
        expired=closed[TicketStatus.EXPIRED],
        done=closed[TicketStatus.DONE],
        before=before,
        windows=close_windows(now=now),
    )


@transaction.atomic
def _close_batch(*, before: datetime.date, now: datetime.datetime, batch: int) -> Counter:
    """One batch: the closed tickets per final status (empty when none is left)."""
    rows = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(stale_open(before))
        .order_by("pk")
        .values_list(
            "pk",
            "hall_id",
            "category_id",
            "day",
            "lane",
            "status",
            "window_id",
            "label",
            named=True,
        )[:batch]
    )
    for status in {row.status for row in rows}:
        pks = [row.pk for row in rows if row.status == status]
        Ticket.objects.filter(pk__in=pks).update(status=CLOSED_AS[status], updated_at=now)
    # The waiting tickets leave their lane's count on their day's counter.
    waiting = Counter(
        (row.category_id, row.day, row.lane) for row in rows if row.status == TicketStatus.WAITING
    )
    for (category_id, day, lane), n in sorted(waiting.items()):
        field = WAITING_FIELDS[lane]
        DayCounter.objects.filter(category_id=category_id, day=day).update(**{field: F(field) - n})
    record(
        *(
            event(
                hall_id=row.hall_id,
                ticket_id=row.pk,
                action=TicketAction.DAY_CLOSED,
                at=now,
                window=row.window_id,
                label=row.label,
                day=row.day.isoformat(),
                status=row.status,
                closed_as=str(CLOSED_AS[row.status]),
            )
            for row in rows
        )
    )
    return Counter(CLOSED_AS[row.status] for row in rows)


def _day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of the local ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def close_windows(*, now: datetime.datetime | None = None) -> int:
    """Close the windows still open or paused since a day before ``now``'s local day
    and not in use today (see the module docstring), in one transaction: one ``SELECT
    … FOR UPDATE SKIP LOCKED`` of their seats, one of today's calls at them, one UPDATE
    of the seats, one SELECT and one UPDATE of the tickets transferred to them, one
    INSERT of the events. Returns how many were closed."""
    now = now or timezone.now()
    today = local_day(now)
    start = _day_start(today)
    # No act on the window today: each (open, pause, seat) saves its seat, so the seat's
    # last change (``updated_at``, never before ``state_changed_at``) is before today.
    seats = list(
        WindowSeat.objects.select_for_update(skip_locked=True)
        .filter(state__in=[WindowState.OPEN, WindowState.PAUSED], updated_at__lt=start)
        .order_by("pk")
        .values_list("pk", "hall_id", "state", "clerk_id", "state_changed_at", named=True)
    )
    if not seats:
        return 0
    # Under the seats' locks no call at them is under way: today's calls are all seen.
    in_use = set(
        Ticket.objects.filter(
            hall_id__in={seat.hall_id for seat in seats},
            day=today,
            window_id__in=[seat.pk for seat in seats],
        )
        .order_by()
        .values_list("window_id", flat=True)
        .distinct()
    )
    seats = [seat for seat in seats if seat.pk not in in_use]
    if not seats:
        return 0
    pks = [seat.pk for seat in seats]
    WindowSeat.objects.filter(pk__in=pks).update(
        state=WindowState.CLOSED, clerk=None, state_changed_at=now, updated_at=now
    )
    # The tickets transferred to them wait for their category's windows again.
    sent_here = Ticket.objects.filter(target_window_id__in=pks, status=TicketStatus.WAITING)
    released: dict[int, list[int]] = {}
    for pk, window_id in sent_here.order_by("pk").values_list("pk", "target_window_id"):
        released.setdefault(window_id, []).append(pk)
    if released:
        sent_here.update(target_window=None, updated_at=now)
    record(*(_window_closed(seat, now=now, released=released.get(seat.pk)) for seat in seats))
    return len(seats)


def _window_closed(seat, *, now: datetime.datetime, released: list[int] | None):
    """The close's ``window_closed`` event of one seat: as a clerk's close records it
    (the clerk after it: nobody; the tickets sent back to their queue), with no actor,
    the clerk it unseated and the state it had since when."""
    details = {
        "clerk": None,
        "day_close": True,
        "unseated": seat.clerk_id,
        "state": seat.state,
        "since": timezone.localtime(seat.state_changed_at).isoformat()
        if seat.state_changed_at
        else None,
    }
    if released:
        details["released"] = released
    return event(
        hall_id=seat.hall_id, action=WindowAction.CLOSED, at=now, window=seat.pk, **details
    )
