"""Calling (叫号) at a window: call next, recall, 过号 and its one re-queue, transfer,
start and end of service, and the way into counter intake.

The order of service (``call_next``), among today's waiting tickets of the window's
hall (a ticket left waiting on an earlier day is out of the queue) that the window may
call (its categories, not sent to another window; or sent to
this window by a transfer):

1. 绿色通道 confirmed by a clerk (lane PRIORITY);
2. appointments whose slot has begun (lane APPOINTMENT, ``due_at`` ≤ now);
3. everyone else first come, first served by ``queued_at`` (an appointment checked in
   before its slot is served in its slot or as first come, whichever is sooner).

Ties go by ``queued_at`` then id. The pick is ``SELECT … FOR UPDATE SKIP LOCKED LIMIT
1`` on PostgreSQL: twenty clerks calling at once each lock a different ticket (a ticket
another caller holds is skipped, not waited for), so none gets the same ticket
(tests/hall/test_concurrency.py). The window's seat row is locked first, so one window
never calls twice at once.

Only the clerk seated at the window acts there (``WindowSeat.clerk``). Each act locks
the ticket, checks its state and its window, writes, and records a ``TicketEvent`` in
the same transaction. Ending a service adds its seconds to the day's rollup of the
category (``DayCounter``: the expected wait's average) and, when an intake was linked
to the ticket (``hall.receivers.link_application``), offers that service's rating on
the window's counter pad (``feedback.services.pads.pad_offer``).
"""

import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, Window
from accounts.selectors import citizen_by_id_number
from feedback.services.pads import pad_offer
from intake.constants import ApplicantKind

from ..constants import (
    AT_WINDOW_STATUSES,
    NO_SHOW_CALLS,
    Lane,
    TicketAction,
    TicketStatus,
    WindowState,
)
from ..errors import HallConflict, HallError, HallPermissionDenied
from ..models import DayCounter, ServiceCategory, Ticket, WindowSeat
from .base import at_window, local_day, log, require_hall_staff, require_today
from .tickets import lock_ticket, near_sms_send
from .waiting import waiting_add
from .windows import seat_lock, seats_lock


def call_order(now: datetime.datetime):
    """The ORDER BY of the queue at ``now`` (see the module's docstring)."""
    rank = Case(
        When(lane=Lane.PRIORITY, then=Value(0)),
        When(lane=Lane.APPOINTMENT, due_at__lte=now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return [rank.asc(), F("queued_at").asc(), F("id").asc()]


def callable_filter(window_id: int, category_ids, now: datetime.datetime | None = None) -> Q:
    """The tickets a window may call: waiting today (the day of ``now``; one left waiting
    on an earlier day is out of the queue), of its categories unless sent to another
    window, or transferred to it."""
    return Q(status=TicketStatus.WAITING, day=local_day(now or timezone.now())) & (
        Q(target_window_id=window_id)
        | Q(target_window__isnull=True, category_id__in=list(category_ids))
    )


def _require_clerk(seat: WindowSeat | None, actor: User) -> None:
    if seat is None or seat.clerk_id != actor.pk:
        raise HallPermissionDenied("您没有在该窗口入座，不能叫号。")


def _seated(window: Window, actor: User, *, open_required: bool):
    seat = seat_lock(window)
    _require_clerk(seat, actor)
    if open_required and seat.state != WindowState.OPEN:
        raise HallError("窗口未开放（暂停或关闭），请先开放窗口。", code="closed")
    return seat


def _at_window(ticket: Ticket | int, window: Window, *statuses) -> Ticket:
    """The ticket, locked, when it is at ``window`` in one of ``statuses`` today. A
    ticket left at the window on an earlier day is refused: the day's close ends it
    (``hall.services.dayclose``), and an act now would stretch its day's record (a
    service ended today would count the night as service time)."""
    ticket = lock_ticket(ticket)
    if ticket.window_id != window.pk or ticket.status not in statuses:
        raise HallConflict(
            f"{ticket.label} 号当前{ticket.get_status_display()}，不在本窗口，不能办理此操作。"
        )
    require_today(ticket)
    return ticket


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def call_next(*, window: Window, actor: User, now: datetime.datetime | None = None) -> Ticket:
    """Call the next ticket for ``window`` (its seated clerk, the window open, no ticket
    of today called or in service there). Raises HallError ``empty`` when nobody waits."""
    now = now or timezone.now()
    seat = _seated(window, actor, open_required=True)
    if at_window(window, now).exists():
        raise HallError("本窗口还有已叫号或正在办理的号，请先开始办理、过号或转移。", code="busy")
    category_ids = list(seat.categories.values_list("pk", flat=True))
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(callable_filter(window.pk, category_ids, now), hall_id=window.hall_id)
        .order_by(*call_order(now))
        .first()
    )
    if ticket is None:
        raise HallError("当前没有等候的号。", code="empty")
    waiting_add(ticket, {ticket.lane: -1})
    ticket.status = TicketStatus.CALLED
    ticket.window = window
    ticket.clerk = actor
    ticket.call_count = 1
    ticket.called_at = now
    ticket.target_window = None
    if ticket.first_called_at is None:
        ticket.first_called_at = now
    _save(
        ticket,
        "status",
        "window",
        "clerk",
        "call_count",
        "called_at",
        "first_called_at",
        "target_window",
    )
    _log_call(ticket, TicketAction.CALLED, at=now, actor=actor, window=window)
    near_sms_send(category_ids=[ticket.category_id], now=now)
    return ticket


@transaction.atomic
def recall(*, ticket: Ticket | int, window: Window, actor: User) -> Ticket:
    """Call the ticket called at this window once more (重呼)."""
    _seated(window, actor, open_required=False)
    ticket = _at_window(ticket, window, TicketStatus.CALLED)
    now = timezone.now()
    ticket.call_count += 1
    ticket.called_at = now
    _save(ticket, "call_count", "called_at")
    _log_call(
        ticket, TicketAction.RECALLED, at=now, actor=actor, window=window, calls=ticket.call_count
    )
    return ticket


def _log_call(ticket: Ticket, action: str, *, at, actor: User, window: Window, **details) -> None:
    """Record a call of ``ticket`` to ``window``: its event names the ticket's label and
    the window's number besides the ``details``."""
    log(
        ticket,
        action,
        at=at,
        actor=actor,
        window=window,
        **details,
        label=ticket.label,
        number=window.number,
    )


@transaction.atomic
def no_show(*, ticket: Ticket | int, window: Window, actor: User) -> Ticket:
    """过号: the ticket was called ``NO_SHOW_CALLS`` times and nobody came."""
    _seated(window, actor, open_required=False)
    ticket = _at_window(ticket, window, TicketStatus.CALLED)
    if ticket.call_count < NO_SHOW_CALLS:
        raise HallError(
            f"{ticket.label} 号已呼叫 {ticket.call_count} 次，"
            f"呼叫满 {NO_SHOW_CALLS} 次后才能过号。",
            code="no_show_early",
        )
    now = timezone.now()
    ticket.status = TicketStatus.NO_SHOW
    _save(ticket, "status")
    log(ticket, TicketAction.NO_SHOW, at=now, actor=actor, window=window, calls=ticket.call_count)
    return ticket


@transaction.atomic
def requeue(*, ticket: Ticket | int, actor: User) -> Ticket:
    """The person of a 过号 ticket came back: waiting again, at the back of the queue
    (its lane kept), once per ticket. A clerk of the hall (desk or window)."""
    ticket = lock_ticket(ticket)
    require_hall_staff(actor, ticket.hall_id)
    if ticket.status != TicketStatus.NO_SHOW:
        raise HallError(
            f"{ticket.label} 号{ticket.get_status_display()}，只有过号的号可以重新排队。",
            code="state",
        )
    if ticket.requeued:
        raise HallError(f"{ticket.label} 号已重新排队过一次，请重新取号。", code="requeued_once")
    if ticket.day != timezone.localdate():
        raise HallError("只能重新排队当天的号。", code="state")
    now = timezone.now()
    waiting_add(ticket, {ticket.lane: +1})
    ticket.status = TicketStatus.WAITING
    ticket.requeued = True
    ticket.queued_at = now
    ticket.call_count = 0
    ticket.window = None
    ticket.clerk = None
    _save(ticket, "status", "requeued", "queued_at", "call_count", "window", "clerk")
    log(ticket, TicketAction.REQUEUED, at=now, actor=actor)
    return ticket


@transaction.atomic
def transfer(
    *,
    ticket: Ticket | int,
    window: Window,
    actor: User,
    to_window: Window | None = None,
    to_category: ServiceCategory | None = None,
) -> Ticket:
    """Send the ticket called or served at ``window`` to another window of the hall, not
    closed (only that window calls it next; if it closes, its category's windows do)
    and/or another category: it waits again, keeping its label and its place
    (``queued_at``), so it is called before later arrivals.

    To a window, both seats are locked (``seats_lock``, in primary-key order: a transfer
    the other way at the same moment waits, never deadlocks) and the target's state is
    read under its lock: a close of the target (its clerk's, a manager's, the day's
    ``dayclose.close_windows``) either came first and the transfer is refused, or waits
    for this commit and then sends the ticket back to its category's queue. Never a
    ticket left waiting for a closed window."""
    if to_window is None and to_category is None:
        raise HallError("请选择转移到的窗口或业务类别。", code="invalid")
    if to_window is None:
        _seated(window, actor, open_required=False)
    else:
        seats = seats_lock(window, to_window)
        _require_clerk(seats.get(window.pk), actor)
    ticket = _at_window(ticket, window, *AT_WINDOW_STATUSES)
    if to_window is not None:
        if to_window.hall_id != ticket.hall_id or not to_window.is_active:
            raise HallError("只能转移到本大厅启用的窗口。", code="invalid")
        if to_window.pk == window.pk:
            raise HallError("不能转移到本窗口。", code="invalid")
        target = seats.get(to_window.pk)
        if target is None or target.state == WindowState.CLOSED:
            raise HallError(f"{to_window.number} 号窗口已关闭，不能转移到该窗口。", code="closed")
    if to_category is not None and (
        to_category.hall_id != ticket.hall_id or not to_category.is_active
    ):
        raise HallError("只能转移到本大厅启用的业务类别。", code="invalid")
    now = timezone.now()
    waiting_add(ticket, {ticket.lane: +1}, category_id=getattr(to_category, "pk", None))
    details = {"from_window": window.pk, "from_category": ticket.category_id}
    if to_window is not None:
        details["to_window"] = to_window.pk
    if to_category is not None:
        details["to_category"] = to_category.pk
        ticket.category = to_category
    ticket.target_window = to_window
    ticket.status = TicketStatus.WAITING
    ticket.window = None
    ticket.clerk = None
    ticket.call_count = 0
    ticket.started_at = None
    ticket.transfers += 1
    _save(
        ticket,
        "category",
        "target_window",
        "status",
        "window",
        "clerk",
        "call_count",
        "started_at",
        "transfers",
    )
    log(ticket, TicketAction.TRANSFERRED, at=now, actor=actor, window=window, **details)
    return ticket


@transaction.atomic
def service_start(*, ticket: Ticket | int, window: Window, actor: User) -> Ticket:
    """The person is at the window: the service starts (recorded). The intake page to
    open next is ``intake_url(ticket)``."""
    _seated(window, actor, open_required=False)
    ticket = _at_window(ticket, window, TicketStatus.CALLED)
    now = timezone.now()
    ticket.status = TicketStatus.SERVING
    ticket.started_at = now
    _save(ticket, "status", "started_at")
    log(ticket, TicketAction.STARTED, at=now, actor=actor, window=window)
    return ticket


@transaction.atomic
def service_end(*, ticket: Ticket | int, window: Window, actor: User) -> Ticket:
    """The service is over: recorded, added to the day's rollup, and the intake linked
    to the ticket (if any) is offered for rating on the window's counter pad."""
    _seated(window, actor, open_required=False)
    ticket = _at_window(ticket, window, TicketStatus.SERVING)
    now = timezone.now()
    ticket.status = TicketStatus.DONE
    ticket.ended_at = now
    _save(ticket, "status", "ended_at")
    seconds = max(int((now - ticket.started_at).total_seconds()), 0)
    # The counter of the category the ticket ends in (the transfer into a category
    # that issued nothing that day made that day's row: its ``last`` stays 0).
    DayCounter.objects.filter(category_id=ticket.category_id, day=ticket.day).update(
        served=F("served") + 1, service_seconds=F("service_seconds") + seconds
    )
    log(
        ticket,
        TicketAction.ENDED,
        at=now,
        actor=actor,
        window=window,
        seconds=seconds,
        application=ticket.application_id,
    )
    if ticket.application_id:
        pad_offer(application_id=ticket.application_id, window_id=window.pk, at=now)
    return ticket


def intake_url(ticket: Ticket) -> str:
    """Where the clerk continues at the workbench for this ticket: the item search with
    the applicant chosen when the ticket's ID number belongs to a verified person; the
    applicant step with the number filled in when it is new (the clerk registers them
    there); the empty applicant step when the ticket has no ID number."""
    if ticket.id_number:
        citizen = citizen_by_id_number(ticket.id_number)
        if citizen is not None:
            return f"{reverse('intake:workbench-items')}?applicant={citizen.pk}"
        query = urlencode({"kind": ApplicantKind.PERSON, "id_number": ticket.id_number})
        return f"{reverse('intake:workbench-counter')}?{query}"
    return reverse("intake:workbench-counter")
