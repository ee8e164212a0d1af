"""Windows in the queue: open, pause, close, who is seated, which categories they serve.

A window takes part in the queue through its ``WindowSeat`` row (made on first use).
Only an OPEN window with a seated clerk calls tickets. Who may act:

* the clerk assigned to the window (``StaffProfile.window``) opens it, which seats them
  (and unseats them from any other window), pauses it and closes it (closing unseats);
* a manager (system administrator or district-wide supervisor: ``base.is_manager``; a
  supervisor of some departments only watches the figures) does all of that
  for any window, seats a clerk there (``window_seat``, which also assigns the clerk's
  ``StaffProfile.window``: the workbench then acts at that window) and sets the
  categories a window serves (``window_set_categories``).

A window with a ticket of today called or in service cannot close or change seats until
that ticket is ended, marked 过号 or transferred (one left there on an earlier day does
not count: the day's close ends it, ``hall.services.dayclose``). Closing a window sends the tickets
transferred to it back to their category's queue (their place kept); a transfer to a
window holds that window's seat lock too (``calling.transfer``, ``seats_lock``), so it
either finds the window closed or is released by the close that follows it. Seating a
clerk (their open, a manager's seat) locks the window's seat and the clerk's seat
elsewhere together, in the same primary-key order as a transfer (``seats_lock``): a
transfer to the window at that moment waits, never deadlocks. Every act is a
ticket event (no ticket). A window left open or paused overnight is closed by the day's
close the same way, under the same seat lock, with an event by nobody
(``dayclose.close_windows``).
"""

from django.db import transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User, Window
from accounts.services import staff_assign_window
from jinpu_portal.concurrency import STALE_MESSAGE, edit_token

from ..constants import TicketStatus, WindowAction, WindowState
from ..errors import HallConflict, HallError
from ..models import ServiceCategory, Ticket, WindowSeat
from .base import at_window, is_manager, log_act, refused


def _assigned(actor: User, window: Window) -> bool:
    profile = getattr(actor, "staff_profile", None)
    return (
        actor.is_authenticated
        and actor.is_active
        and actor.has_role(Role.CLERK)
        and profile is not None
        and profile.window_id == window.pk
    )


def seat_lock(window: Window) -> WindowSeat:
    """The window's seat row, made when missing, locked for the transaction. Only the
    seat's row (``of self``: the model's ordering joins the window): a window row locked
    FOR UPDATE would hold up every row naming the window (a foreign key's check takes a
    share lock on it), such as a transfer's ticket sent there, and two transfers between
    the same two windows, one each way, deadlocked on that."""
    seat = WindowSeat.objects.select_for_update(of=("self",)).filter(window=window).first()
    if seat is None:
        WindowSeat.objects.get_or_create(window=window, defaults={"hall_id": window.hall_id})
        seat = WindowSeat.objects.select_for_update().get(window=window)
    return seat


def seats_lock(*windows: Window | WindowSeat) -> dict[int, WindowSeat]:
    """The seat rows of ``windows`` (or of seats: a seat's pk is its window's) that
    exist (none is made), by window id, locked for the transaction in ONE ``SELECT …
    ORDER BY pk FOR UPDATE``: PostgreSQL locks the rows in that order, so two acts that
    lock the same two seats (a transfer each way between two windows, a transfer to the
    window its clerk is being seated at) take them in the same order and never deadlock.
    Every act that locks more than one seat locks them here."""
    seats = WindowSeat.objects.select_for_update(of=("self",)).filter(
        pk__in=[w.pk for w in windows]
    )
    return {seat.pk: seat for seat in seats.order_by("pk")}


def _clerk_seats_lock(window: Window, clerk: User | None) -> tuple[WindowSeat, list[WindowSeat]]:
    """``window``'s seat (made when missing) and the seat ``clerk`` sits at elsewhere
    (none or one; none without a clerk), locked together by ``seats_lock``: seating the
    clerk here unseats them there. Who sits where is read under the locks: when the
    clerk moved between the read of their seat and its lock, the read is done again (the
    seats locked so far stay locked); a clerk who keeps moving gets the stale-page
    conflict."""
    if clerk is None:
        return seat_lock(window), []
    if not WindowSeat.objects.filter(window=window).exists():
        WindowSeat.objects.get_or_create(window=window, defaults={"hall_id": window.hall_id})
    for _attempt in range(3):
        elsewhere = list(WindowSeat.objects.filter(clerk=clerk).exclude(window=window))
        seats = seats_lock(window, *elsewhere)
        others = [seats[other.pk] for other in elsewhere if other.pk in seats]
        if all(other.clerk_id == clerk.pk for other in others):
            return seats[window.pk], others
    raise HallConflict(STALE_MESSAGE)


def _busy(window: Window) -> bool:
    """A ticket of today is called or in service at the window (``base.at_window``)."""
    return at_window(window).exists()


def _require_not_busy(window: Window) -> None:
    if _busy(window):
        raise HallError("本窗口还有已叫号或正在办理的号，请先结束办理、过号或转移。", code="busy")


def _log(seat: WindowSeat, action: str, *, at, actor: User, **details) -> None:
    """Record one act on the seat's window (a window's acts are events without a ticket)."""
    log_act(seat.hall_id, action, at=at, actor=actor, window=seat.window_id, **details)


def _set_state(seat: WindowSeat, state: str, actor: User, action: str, now) -> WindowSeat:
    seat.state = state
    seat.state_changed_at = now
    seat.save(update_fields=["state", "clerk", "state_changed_at", "updated_at"])
    details = {"clerk": seat.clerk_id}
    if state == WindowState.CLOSED:
        # Tickets transferred to this window wait for their category's windows again
        # (their place kept): nobody would call them here.
        sent_here = Ticket.objects.filter(
            target_window_id=seat.window_id, status=TicketStatus.WAITING
        )
        released = list(sent_here.values_list("pk", flat=True))
        if released:
            sent_here.update(target_window=None, updated_at=now)
            details["released"] = released
    _log(seat, action, at=now, actor=actor, **details)
    return seat


def _unseat_elsewhere(clerk: User, others: list[WindowSeat]) -> None:
    """The clerk leaves the other window they sit at (closed, as nobody sits there any
    more): ``others``, locked with the window they are seated at (``_clerk_seats_lock``)."""
    for other in others:
        if _busy(other.window):
            raise HallError(
                f"{other.window} 还有已叫号或正在办理的号，请先在该窗口处理完毕。",
                code="busy",
            )
        other.clerk = None
        _set_state(other, WindowState.CLOSED, clerk, WindowAction.CLOSED, timezone.now())


@transaction.atomic
def window_open(*, window: Window, actor: User) -> WindowSeat:
    """Open ``window`` for calling. The clerk assigned to it is seated there; a manager
    opens it for whoever is seated (refused when nobody is)."""
    if not window.is_active:
        raise HallError("该窗口已停用。", code="inactive")
    assigned = _assigned(actor, window)
    if not (assigned or is_manager(actor)):
        raise refused("只有该窗口的综窗人员或管理人员可以开放窗口。", actor)
    seat, others = _clerk_seats_lock(window, actor if assigned else None)
    if assigned and seat.clerk_id != actor.pk:
        if seat.clerk_id is not None:
            _require_not_busy(window)
        _unseat_elsewhere(actor, others)
        seat.clerk = actor
        _log(seat, WindowAction.SEATED, at=timezone.now(), actor=actor, clerk=actor.pk)
    if seat.clerk_id is None:
        raise HallError("该窗口没有在岗人员，请先安排人员入座。", code="not_seated")
    return _set_state(seat, WindowState.OPEN, actor, WindowAction.OPENED, timezone.now())


def _require_seated_or_manager(seat: WindowSeat, actor: User) -> None:
    if not (is_manager(actor) or (seat.clerk_id == actor.pk and _assigned(actor, seat.window))):
        raise refused("只有在该窗口入座的综窗人员或管理人员可以操作该窗口。", actor)


@transaction.atomic
def window_pause(*, window: Window, actor: User) -> WindowSeat:
    """Pause calling (the clerk stays seated; the current ticket may be finished)."""
    seat = seat_lock(window)
    _require_seated_or_manager(seat, actor)
    if seat.state != WindowState.OPEN:
        raise HallError("窗口未开放，无需暂停。", code="closed")
    return _set_state(seat, WindowState.PAUSED, actor, WindowAction.PAUSED, timezone.now())


@transaction.atomic
def window_close(*, window: Window, actor: User) -> WindowSeat:
    """Close the window and unseat its clerk; refused while a ticket is at the window."""
    seat = seat_lock(window)
    _require_seated_or_manager(seat, actor)
    _require_not_busy(window)
    seat.clerk = None
    return _set_state(seat, WindowState.CLOSED, actor, WindowAction.CLOSED, timezone.now())


SEATING_CHANGED = "本厅的坐席安排已被他人调整，请刷新页面后重新安排。"


def seating_token(seating) -> str:
    """The edit token of who sits where in a hall: ``seating`` is the (window id, clerk
    id or None) of each of its active windows, as the windows page shows them."""
    return edit_token(sorted(seating, key=lambda pair: pair[0]))


def hall_seating(hall_id: int) -> list[tuple[int, int | None]]:
    """Who sits at each active window of the hall now (None: nobody)."""
    return list(
        Window.objects.filter(hall_id=hall_id, is_active=True).values_list("pk", "seat__clerk_id")
    )


@transaction.atomic
def window_seat(
    *, window: Window, clerk: User | None, actor: User, seen: str | None = None
) -> WindowSeat:
    """A manager seats ``clerk`` at ``window`` (None: nobody; the window closes). The
    clerk's ``StaffProfile.window`` becomes this window, so the workbench acts here.
    ``seen`` is the ``seating_token`` of the hall the manager's page showed: refused when
    anyone has seated or unseated a clerk in the hall since (the page's picture of who
    sits where, on which the choice was made, is gone; seating from it would silently
    replace a colleague's choice or take a clerk from the window they now serve)."""
    if not is_manager(actor):
        raise refused("只有管理人员可以安排窗口人员。", actor)
    if clerk is not None and not (clerk.is_active and clerk.has_role(Role.CLERK)):
        raise HallError("只能安排综窗人员入座窗口。", code="invalid")
    if not window.is_active:
        raise HallError("该窗口已停用。", code="inactive")
    seat, others = _clerk_seats_lock(window, clerk)
    if seat.clerk_id == getattr(clerk, "pk", None):
        return seat  # done already (the same form sent twice)
    if seen is not None and seen != seating_token(hall_seating(window.hall_id)):
        raise HallConflict(SEATING_CHANGED)
    _require_not_busy(window)
    now = timezone.now()
    if clerk is not None:
        _unseat_elsewhere(clerk, others)
        profile = getattr(clerk, "staff_profile", None)
        if profile is None or profile.window_id != window.pk:
            staff_assign_window(user=clerk, window=window)
    seat.clerk = clerk
    if clerk is None:
        return _set_state(seat, WindowState.CLOSED, actor, WindowAction.CLOSED, now)
    seat.save(update_fields=["clerk", "updated_at"])
    _log(seat, WindowAction.SEATED, at=now, actor=actor, clerk=clerk.pk)
    return seat


def categories_token(category_ids) -> str:
    """The edit token of the categories a page shows a window serving."""
    return edit_token(sorted(category_ids))


@transaction.atomic
def window_set_categories(
    *, window: Window, category_ids, actor: User, seen: str | None = None
) -> WindowSeat:
    """A manager sets the categories ``window`` serves (active categories of its hall).
    ``seen`` is the ``categories_token`` of the set the manager's page showed: refused
    when another manager changed the set since (their change would be undone)."""
    if not is_manager(actor):
        raise refused("只有管理人员可以调整窗口办理的业务。", actor)
    wanted = {int(pk) for pk in category_ids}
    found = set(
        ServiceCategory.objects.filter(pk__in=wanted, hall_id=window.hall_id).values_list(
            "pk", flat=True
        )
    )
    if found != wanted:
        raise HallError("只能选择本大厅的业务类别。", code="invalid")
    seat = seat_lock(window)
    if seen is not None and seen != categories_token(seat.categories.values_list("pk", flat=True)):
        raise HallConflict(STALE_MESSAGE)
    seat.categories.set(sorted(found))
    _log(seat, WindowAction.CATEGORIES, at=timezone.now(), actor=actor, categories=sorted(found))
    return seat
