"""What the hall's services share: who may act, the events, the inputs' normalisation."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User, Window
from accounts.selectors import is_district_wide_supervisor
from accounts.validators import normalize_identity_number, validate_resident_id
from jinpu_portal.dates import month_day_text
from jinpu_portal.db import insert

from ..constants import AT_WINDOW_STATUSES
from ..errors import HallError, HallPermissionDenied
from ..models import Ticket, TicketEvent

_MOBILE = re.compile(r"^1\d{10}$")


def local_day(moment: datetime.datetime) -> datetime.date:
    """The calendar day (Asia/Shanghai) of ``moment``: numbers restart on it."""
    return timezone.localdate(moment)


def at_window(window: Window | int, now: datetime.datetime | None = None):
    """The tickets of today (the local day of ``now``) called or in service at ``window``:
    what makes it busy. A ticket left there on an earlier day blocks nothing (the day's
    close, ``hall.services.dayclose``, ends it)."""
    return Ticket.objects.filter(
        window_id=getattr(window, "pk", window),
        status__in=AT_WINDOW_STATUSES,
        day=local_day(now or timezone.now()),
    )


def require_today(ticket: Ticket, now: datetime.datetime | None = None) -> None:
    """Refuse an act on a ticket of an earlier day (``past_day``): its day is over, the
    day's close (``hall.services.dayclose``) ends it; an act now would change that
    day's record after the fact."""
    if ticket.day != local_day(now or timezone.now()):
        raise HallError(
            f"{ticket.label} 号是 {month_day_text(ticket.day)} 的号，当天已结束，"
            "不能再办理，系统日终清号时将其结束。请叫下一位。",
            code="past_day",
        )


def signed_in(actor: User | None) -> User | None:
    """The acting user, None at a kiosk (nobody signed in)."""
    return actor if actor is not None and actor.is_authenticated else None


def is_manager(actor: User | None) -> bool:
    """Who manages the halls, the one rule: every hall's windows (open, pause, close,
    seat clerks, set the categories) and the acts of its staff on tickets and
    appointments: a system administrator (or superuser) or a district-wide supervisor
    (全区督查). A supervisor of some departments watches the halls (``watches_halls``)
    but manages nothing there."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and (
            actor.is_superuser
            or actor.has_role(Role.SYSTEM_ADMIN)
            or is_district_wide_supervisor(user=actor)
        )
    )


def watches_halls(actor: User | None) -> bool:
    """Who sees every hall's figures (大厅实时概况, the figures API): a manager or any
    supervisor, each counting what ``hall.selectors.figures_cases`` gives them (a
    supervisor of some departments, only the tickets linked to their cases)."""
    return is_manager(actor) or bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and actor.has_role(Role.SUPERVISOR)
    )


#: Said to a supervisor of some departments refused a manager's act.
ONLY_WATCHES = (
    "按部门督查的督查人员只能查看大厅实时概况，不能管理窗口、安排坐席或办理排队号和预约；"
    "请联系系统管理员或全区督查人员。"
)


def refused(message: str, actor: User | None) -> HallPermissionDenied:
    """The refusal of an act that needs a manager (or the clerk concerned): ``message``,
    and to a supervisor of some departments, why (they watch, ``ONLY_WATCHES``)."""
    if watches_halls(actor) and not is_manager(actor):
        message = f"{message}{ONLY_WATCHES}"
    return HallPermissionDenied(message)


def clerk_hall_id(actor: User | None) -> int | None:
    """The hall of the clerk's window (``StaffProfile.window``), or None."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    if not actor.has_role(Role.CLERK):
        return None
    profile = getattr(actor, "staff_profile", None)
    if profile is None or profile.window_id is None:
        return None
    return profile.window.hall_id


def require_hall_staff(actor: User | None, hall_id: int) -> None:
    """A clerk of ``hall_id`` (reception desk or window) or a manager."""
    if is_manager(actor) or clerk_hall_id(actor) == hall_id:
        return
    raise refused("只有本大厅的综窗人员或管理人员可以办理此操作。", actor)


def clean_id_number(value: str) -> str:
    """The normalised resident ID number, "" for none; HallError when invalid."""
    value = normalize_identity_number(value or "")
    if not value:
        return ""
    try:
        validate_resident_id(value)
    except ValidationError as error:
        raise HallError("；".join(error.messages), code="invalid") from None
    return value


def clean_mobile(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not _MOBILE.match(value):
        raise HallError("手机号码应为 11 位数字，以 1 开头。", code="invalid")
    return value


def event(
    *,
    hall_id: int,
    action: str,
    at: datetime.datetime,
    ticket_id: int | None = None,
    actor: User | None = None,
    window: Window | int | None = None,
    **details,
) -> TicketEvent:
    """An unsaved event row (``record`` writes them)."""
    window_id = getattr(window, "pk", window)
    return TicketEvent(
        hall_id=hall_id,
        ticket_id=ticket_id,
        action=str(action),
        at=at,
        actor=signed_in(actor),
        window_id=window_id,
        details=details,
    )


def record(*events: TicketEvent) -> None:
    """Write the events in one INSERT (inside the act's transaction)."""
    insert(events)


def log_act(
    hall_id: int, action: str, *, at: datetime.datetime, actor: User | None, **fields
) -> None:
    """Record one act in the hall (its event, in the act's transaction); ``ticket_id``,
    ``window`` and the details as keywords. An act on a ticket goes through ``log``; a
    window's or an appointment's act has no ticket."""
    record(event(hall_id=hall_id, action=action, at=at, actor=actor, **fields))


def log(ticket, action: str, *, at: datetime.datetime, actor: User | None, **fields) -> None:
    """Record one act on ``ticket`` (its event, in the act's transaction); ``window``
    and the details as keywords."""
    log_act(ticket.hall_id, action, at=at, actor=actor, ticket_id=ticket.pk, **fields)
