"""Reads of the hall's pages (templates/hall/): what the ticket page, the follow page,
the display, the clerk's panel, window management and the supervisors' hall view show,
as plain dicts, each in a fixed, small number of queries whatever the queue's length.

The polls compare a marker: the hall's newest ``TicketEvent`` id (every act on a
ticket or a window is one event row, indexed ``hall_event_marker``), so an unchanged
screen costs one index lookup. What pages only read lives here; every write goes
through ``hall.services``.
"""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Hall, StaffProfile, Window

from .constants import (
    AT_WINDOW_STATUSES,
    LONG_WAIT_MINUTES,
    AppointmentStatus,
    TicketStatus,
    WindowState,
)
from .models import Appointment, DayCounter, ServiceCategory, Ticket, TicketEvent, WindowSeat
from .services.base import is_manager
from .services.tickets import wait_for

RECENT_CALLS = 9  # the display: the newest large, eight more below


# --- who may ---------------------------------------------------------------------------


def is_hall_manager(user) -> bool:
    """Manages every hall's windows and sees the hall view: supervisors and system
    administrators (the portal has no hall manager role; the services' own rule)."""
    return is_manager(user)


def own_window(user) -> Window | None:
    """The window a clerk works at (StaffProfile.window), or None."""
    if not user.is_authenticated or not user.has_role(Role.CLERK):
        return None
    profile = StaffProfile.objects.select_related("window__hall").filter(user=user).first()
    return profile.window if profile and profile.window_id else None


def is_hall_staff(user) -> bool:
    return is_hall_manager(user) or own_window(user) is not None


# --- halls and categories --------------------------------------------------------------


def hall_list() -> list[Hall]:
    return list(Hall.objects.order_by("code"))


def hall_by_code(code: str) -> Hall | None:
    return Hall.objects.filter(code=code).first()


def hall_marker(hall) -> str:
    """The hall's change marker: its newest event id (one index lookup)."""
    newest = (
        TicketEvent.objects.filter(hall=hall).order_by("-id").values_list("id", flat=True).first()
    )
    return str(newest or 0)


def _waiting_by_category(hall, today: datetime.date) -> dict[int, dict]:
    """category id → {waiting, oldest queued_at} of today's waiting tickets."""
    rows = (
        Ticket.objects.filter(hall=hall, day=today, status=TicketStatus.WAITING)
        .values("category_id")
        .annotate(waiting=Count("id"), oldest=Min("queued_at"))
    )
    return {row["category_id"]: row for row in rows}


def _category_rows(hall, categories=None) -> list[dict]:
    today = timezone.localdate()
    now = timezone.now()
    waiting = _waiting_by_category(hall, today)
    if categories is None:
        categories = ServiceCategory.objects.filter(hall=hall, is_active=True).order_by(
            "order", "letter"
        )
    rows = []
    for category in categories:
        found = waiting.get(category.pk, {})
        oldest = found.get("oldest")
        longest = int((now - oldest).total_seconds() // 60) if oldest else None
        rows.append(
            {
                "id": category.pk,
                "prefix": category.letter,
                "name": category.name,
                "note": category.description,
                "waiting": found.get("waiting", 0),
                "longest": longest,
                "longest_over": longest is not None and longest > LONG_WAIT_MINUTES,
            }
        )
    return rows


def ticket_categories(hall) -> list[dict]:
    """The ticket page's choices: the hall's active categories with their waiting."""
    return _category_rows(hall)


# --- one ticket (the issued ticket and the phone's follow page) -----------------------


def _ticket(token: str) -> Ticket | None:
    if not token or len(token) > 64:
        return None
    return (
        Ticket.objects.select_related("hall", "category", "window", "appointment")
        .filter(token=token)
        .first()
    )


def ticket_marker(token: str) -> str | None:
    """The follow page's marker: the ticket's state and the hall's newest event (the
    people ahead move when anyone is called), or None for an unknown token."""
    row = Ticket.objects.filter(token=token).values("hall_id", "status").first()
    if row is None:
        return None
    return f"{row['status']}-{hall_marker(row['hall_id'])}"


def ticket_state(token: str) -> dict | None:
    ticket = _ticket(token)
    if ticket is None:
        return None
    ahead, wait = _position(ticket)
    live = ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED)
    note = ""
    if ticket.priority_confirmed:
        note = f"绿色通道 · {ticket.get_priority_display()}"
    elif ticket.appointment_id:
        note = f"预约 {ticket.appointment.slot:%H:%M} 时段"
    return {
        "token": ticket.token,
        "label": ticket.label,
        "hall_name": ticket.hall.name,
        "hall_code": ticket.hall.code,
        "category_name": ticket.category.name,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "calls": ticket.call_count,
        "window_number": ticket.window.number if ticket.window_id else None,
        "ahead": ahead,
        "wait_minutes": wait,
        "issued_at": timezone.localtime(ticket.created_at),
        "requeue_allowed": not ticket.requeued,
        "note": note,
        "live": live,
        "marker": f"{ticket.status}-{hall_marker(ticket.hall_id)}",
    }


def _position(ticket: Ticket) -> tuple[int, int | None]:
    """(people ahead, expected wait in minutes or None while no window serves the
    category) of a waiting ticket, by the services' own rule (``wait_for``: the order of
    ``call_next``, today's average service time); (0, 0) once called."""
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    counter = (
        DayCounter.objects.filter(category_id=ticket.category_id, day=ticket.day)
        .values("served", "service_seconds")
        .first()
    ) or {"served": 0, "service_seconds": 0}
    wait = wait_for(
        ticket_id=ticket.pk,
        category_id=ticket.category_id,
        lane=ticket.lane,
        queued_at=ticket.queued_at,
        served=counter["served"],
        service_seconds=counter["service_seconds"],
        default_minutes=ticket.category.service_minutes,
    )
    return wait.ahead, wait.minutes


# --- the hall display ------------------------------------------------------------------


def say(label: str, window_number) -> str:
    return f"请 {label} 号到 {window_number} 号窗口"


def display_board(hall) -> dict:
    """The display's board: the marker, today's newest calls still at a window (newest
    first, with the window) and the waiting count per active category. Three queries."""
    marker = hall_marker(hall)
    today = timezone.localdate()
    called = (
        Ticket.objects.filter(
            hall=hall, day=today, status__in=AT_WINDOW_STATUSES, called_at__isnull=False
        )
        .select_related("window")
        .order_by("-called_at", "-id")[:RECENT_CALLS]
    )
    calls = [
        {
            "key": f"{t.pk}-{t.call_count}",
            "label": t.label,
            "window_number": t.window.number if t.window_id else "",
            "say": say(t.label, t.window.number if t.window_id else ""),
        }
        for t in called
    ]
    return {"marker": marker, "calls": calls, "waiting": _category_rows(hall), "fresh": False}


# --- the clerk's panel -----------------------------------------------------------------


def _ticket_row(ticket: Ticket, now) -> dict:
    waited = None
    if ticket.created_at:
        end = ticket.first_called_at or now
        waited = int((end - ticket.created_at).total_seconds() // 60)
    return {
        "id": ticket.pk,
        "label": ticket.label,
        "category_name": ticket.category.name,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "calls": ticket.call_count,
        "id_masked": ticket.masked_id_number,
        "priority_label": ticket.get_priority_display() if ticket.priority_confirmed else "",
        "appointment": f"{ticket.appointment.slot:%H:%M} 时段" if ticket.appointment_id else "",
        "waited": waited,
        "waited_over": waited is not None and waited > LONG_WAIT_MINUTES,
        "requeue_allowed": not ticket.requeued,
    }


def panel_state(window) -> dict:
    """The clerk's panel of ``window``: its seat (state, clerk, categories), the current
    ticket, the waiting per category it serves, today's 过号 of this window, and the
    other windows and categories to transfer to."""
    now = timezone.now()
    today = timezone.localdate()
    seat = (
        WindowSeat.objects.select_related("clerk")
        .prefetch_related("categories")
        .filter(window=window)
        .first()
    )
    state = seat.state if seat else WindowState.CLOSED
    served = [c for c in seat.categories.all() if c.is_active] if seat else []
    current = (
        Ticket.objects.filter(window=window, status__in=AT_WINDOW_STATUSES)
        .select_related("category", "appointment")
        .order_by("-called_at")
        .first()
    )
    no_shows = (
        Ticket.objects.filter(window=window, day=today, status=TicketStatus.NO_SHOW)
        .select_related("category", "appointment")
        .order_by("-called_at")[:20]
    )
    categories = _category_rows(window.hall, served)
    others = (
        WindowSeat.objects.filter(hall=window.hall_id)
        .exclude(window=window)
        .select_related("window")
        .order_by("window__number")
    )
    call_disabled_reason = ""
    if state != WindowState.OPEN:
        call_disabled_reason = "窗口开放后才能叫号。"
    elif current is not None:
        call_disabled_reason = "请先结束或处理当前号，再叫下一位。"
    elif not served:
        call_disabled_reason = "本窗口尚未设置办理的业务。"
    return {
        "seat": seat,
        "window_state": state,
        "window_state_label": WindowState(state).label,
        "seated_clerk": seat.clerk if seat and seat.clerk_id else None,
        "current": _ticket_row(current, now) if current else None,
        "categories": categories,
        "waiting_total": sum(c["waiting"] for c in categories),
        "no_shows": [_ticket_row(t, now) for t in no_shows],
        "transfer_windows": [
            {"id": s.window_id, "number": s.window.number, "state_label": s.get_state_display()}
            for s in others
        ],
        "hall_categories": [
            {"id": c.pk, "prefix": c.letter, "name": c.name}
            for c in ServiceCategory.objects.filter(hall=window.hall_id, is_active=True).order_by(
                "order", "letter"
            )
        ],
        "call_disabled": bool(call_disabled_reason),
        "call_disabled_reason": call_disabled_reason,
        "marker": hall_marker(window.hall_id),
    }


# --- window management -----------------------------------------------------------------


def windows_state(hall, *, user, manager: bool) -> dict:
    """The hall's windows with their seats (state, clerk, categories); which ones the
    user may edit (a manager: all; a clerk: their own); the clerks to seat."""
    own = own_window(user)
    seats = {
        s.window_id: s
        for s in WindowSeat.objects.filter(hall=hall)
        .select_related("clerk")
        .prefetch_related("categories")
    }
    categories = list(
        ServiceCategory.objects.filter(hall=hall, is_active=True).order_by("order", "letter")
    )
    rows = []
    for window in Window.objects.filter(hall=hall, is_active=True).order_by("number"):
        seat = seats.get(window.pk)
        served = list(seat.categories.all()) if seat else []
        clerk = seat.clerk if seat and seat.clerk_id else None
        rows.append(
            {
                "id": window.pk,
                "number": window.number,
                "name": window.name,
                "state": seat.state if seat else WindowState.CLOSED,
                "state_label": seat.get_state_display() if seat else WindowState.CLOSED.label,
                "clerks": [clerk.full_name or clerk.username] if clerk else [],
                "category_ids": [c.pk for c in served],
                "category_list": [{"prefix": c.letter, "name": c.name} for c in served],
                "editable": manager or (own is not None and own.pk == window.pk),
                "manager": manager,
            }
        )
    clerks = []
    if manager:
        profiles = (
            StaffProfile.objects.filter(
                Q(window__hall=hall) | Q(window__isnull=True),
                user__groups__name=Role.CLERK,
                user__is_active=True,
            )
            .select_related("user", "window")
            .order_by("window__number", "user__username")
        )
        clerks = [
            {
                "id": p.user_id,
                "name": p.user.full_name or p.user.username,
                "window": f"{p.window.number} 号窗口" if p.window_id else "",
            }
            for p in profiles
        ]
    return {
        "windows": rows,
        "categories": [{"id": c.pk, "prefix": c.letter, "name": c.name} for c in categories],
        "clerks": clerks,
    }


# --- the supervisors' hall view -------------------------------------------------------


def _minutes(value) -> int | None:
    return None if value is None else round(value.total_seconds() / 60)


def _aggregates(now) -> dict:
    """Conditional aggregation of tickets: waiting, issued, served, 过号, the average wait
    (issue to first call) and service (start to end) and the waits over
    LONG_WAIT_MINUTES (called late, or still waiting that long)."""
    over = datetime.timedelta(minutes=LONG_WAIT_MINUTES)
    wait = ExpressionWrapper(F("first_called_at") - F("created_at"), output_field=DurationField())
    service = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    late = Q(first_called_at__gt=F("created_at") + over) | Q(
        first_called_at__isnull=True, status=TicketStatus.WAITING, created_at__lt=now - over
    )
    return {
        "waiting": Count("id", filter=Q(status=TicketStatus.WAITING)),
        "issued": Count("id"),
        "served": Count("id", filter=Q(status=TicketStatus.DONE)),
        "no_show": Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        "avg_wait": Avg(wait, filter=Q(first_called_at__isnull=False)),
        "avg_service": Avg(service, filter=Q(started_at__isnull=False, ended_at__isnull=False)),
        "over": Count("id", filter=late),
    }


def _grouped(queryset, field: str, now) -> dict:
    rows = queryset.values(field).annotate(**_aggregates(now))
    return {row[field]: row for row in rows}


def _rounded(row: dict) -> dict:
    return {
        **row,
        "avg_wait": _minutes(row.get("avg_wait")),
        "avg_service": _minutes(row.get("avg_service")),
    }


def hall_figures(hall) -> dict:
    """The hall view of today: totals, per category and per window (four queries and
    the windows' list)."""
    now = timezone.now()
    today = Ticket.objects.filter(hall=hall, day=timezone.localdate())
    empty = {"waiting": 0, "issued": 0, "served": 0, "no_show": 0, "over": 0}
    by_category = _grouped(today, "category_id", now)
    by_window = _grouped(today.filter(window__isnull=False), "window_id", now)
    categories = ServiceCategory.objects.filter(hall=hall).order_by("order", "letter")
    current = {
        t.window_id: t.label
        for t in Ticket.objects.filter(hall=hall, status__in=AT_WINDOW_STATUSES).only(
            "window_id", "label"
        )
    }
    seats = {s.window_id: s for s in WindowSeat.objects.filter(hall=hall).select_related("clerk")}
    window_rows = []
    for window in Window.objects.filter(hall=hall, is_active=True).order_by("number"):
        seat = seats.get(window.pk)
        clerk = seat.clerk if seat and seat.clerk_id else None
        window_rows.append(
            {
                **_rounded({**empty, **by_window.get(window.pk, {})}),
                "number": window.number,
                "state": seat.state if seat else WindowState.CLOSED,
                "state_label": seat.get_state_display() if seat else WindowState.CLOSED.label,
                "clerks": [clerk.full_name or clerk.username] if clerk else [],
                "current": current.get(window.pk, ""),
            }
        )
    return {
        "totals": _rounded(today.aggregate(**_aggregates(now))),
        "by_category": [
            {
                **_rounded({**empty, **by_category.get(c.pk, {})}),
                "prefix": c.letter,
                "name": c.name,
            }
            for c in categories
        ],
        "by_window": window_rows,
    }


# --- appointments ----------------------------------------------------------------------


def appointment_rows(appointments) -> list[dict]:
    now = timezone.localtime()
    rows = []
    for a in appointments:
        start = datetime.datetime.combine(a.day, a.slot, tzinfo=now.tzinfo)
        end = start + datetime.timedelta(minutes=30)
        rows.append(
            {
                "id": a.pk,
                "code": a.code,
                "hall_name": a.hall.name,
                "category_name": f"{a.category.letter} {a.category.name}",
                "slot_label": f"{a.day:%Y-%m-%d} {a.slot:%H:%M}-{end:%H:%M}",
                "status": a.status,
                "status_label": a.get_status_display(),
                "can_cancel": a.status == AppointmentStatus.BOOKED and start > now,
            }
        )
    return rows


def appointment_list(citizen):
    return (
        Appointment.objects.filter(citizen=citizen)
        .select_related("hall", "category")
        .order_by("-day", "-slot", "-id")
    )
