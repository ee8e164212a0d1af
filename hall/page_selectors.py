"""What the hall's pages (templates/hall/) show, as plain dicts built from the hall's
selectors (``hall.selectors``: the queries and their rules live there, shared with the
API). This module only shapes them for the templates and adds the little the pages need
besides (who may manage, the follow page's marker, the booking form's choices).

The polls compare a marker: the hall's newest ``TicketEvent`` id (every act on a
ticket, a window or a booking is one event row, ``hall.selectors.hall_marker``), so an
unchanged screen costs one index lookup.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Hall, StaffProfile, Window
from intake.constants import IntakeOutcome
from intake.selectors import application_list_for, bundle_item_count
from jinpu_portal.dates import month_day_text

from . import selectors
from .constants import (
    LONG_WAIT_MINUTES,
    SLOT_MINUTES,
    AppointmentStatus,
    TicketStatus,
    WindowState,
)
from .models import ServiceCategory, Ticket
from .services.appointments import bookable_days, slot_start
from .services.base import is_manager, watches_halls
from .services.windows import categories_token, seating_token

QUEUE_SHOWN = 8  # the panel lists the next tickets the window would call
SERVED_SHOWN = 10  # …and the latest tickets it served today

# --- who may ---------------------------------------------------------------------------


def is_hall_manager(user) -> bool:
    """Manages every hall's windows: system administrators and district-wide
    supervisors (the portal has no hall manager role; the services' own rule)."""
    return is_manager(user)


def sees_hall_view(user) -> bool:
    """Sees the hall view (大厅实时概况): the managers and every supervisor (one of some
    departments counts only their cases' tickets there, ``hall_figures``)."""
    return watches_halls(user)


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


def hall_marker(hall_id: int) -> str:
    return str(selectors.hall_marker(hall_id))


def _category_row(category) -> dict:
    return {
        "id": category.pk,
        "prefix": category.letter,
        "name": category.name,
        "note": getattr(category, "description", ""),
        "waiting": getattr(category, "waiting", 0),
    }


def ticket_categories(hall) -> list[dict]:
    """The ticket page's choices: the hall's active categories with their waiting."""
    return [_category_row(c) for c in selectors.waiting_per_category(hall.pk)]


# --- one ticket (the issued ticket and the phone's follow page) -----------------------


def ticket_marker(token: str) -> str | None:
    """The follow page's marker: the ticket's state and the hall's newest event (the
    people ahead move when anyone is called), or None for an unknown token."""
    if not token or len(token) > 32:
        return None
    row = Ticket.objects.filter(token=token).values("hall_id", "status").first()
    if row is None:
        return None
    return f"{row['status']}-{hall_marker(row['hall_id'])}"


def ticket_state(token: str) -> dict | None:
    """A ticket's public state (no ID number, no staff name)."""
    progress = selectors.ticket_progress(token)
    if progress is None:
        return None
    ticket = progress.ticket
    # A ticket of an earlier day is out of the queue: it is not called any more.
    past = ticket.day != timezone.localdate()
    note = ""
    if ticket.priority_confirmed:
        note = f"绿色通道 · {ticket.get_priority_display()}"
    elif ticket.due_at:
        note = f"预约 {timezone.localtime(ticket.due_at):%H:%M} 时段"
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
        "ahead": progress.ahead or 0,
        "wait_minutes": progress.expected_minutes,
        "issued_at": timezone.localtime(ticket.created_at),
        "requeue_allowed": not ticket.requeued and not past,
        # Closed by the day's end (日终清号), or of an earlier day and not closed yet.
        "expired": ticket.status == TicketStatus.EXPIRED
        or (past and ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED)),
        "was_called": ticket.first_called_at is not None,
        "day": ticket.day,
        "has_mobile": bool(ticket.mobile),
        "note": note,
        "live": ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED) and not past,
        "marker": f"{ticket.status}-{hall_marker(ticket.hall_id)}",
    }


# --- the hall display ------------------------------------------------------------------


def say(label: str, window_number) -> str:
    return f"请 {label} 号到 {window_number} 号窗口"


def display_board(hall) -> dict:
    """The display's board: the marker, today's calls still at a window (newest first,
    with the window) and the waiting count per active category (two statements)."""
    state = selectors.display_state(hall.pk, limit=9)
    calls = [
        {
            # A recall is a new call: the key changes with the count and the time.
            "key": f"{c.label}-{c.call_count}-{c.called_at.timestamp():.0f}",
            "label": c.label,
            "window_number": c.window_number,
            "say": say(c.label, c.window_number),
        }
        for c in state.calls
    ]
    waiting = [
        {"id": c.pk, "prefix": c.letter, "name": c.name, "waiting": c.waiting}
        for c in state.categories
    ]
    return {"marker": str(state.marker), "calls": calls, "waiting": waiting}


# --- the clerk's panel -----------------------------------------------------------------


def _waited(ticket: Ticket, now) -> int:
    end = ticket.first_called_at or now
    return int((end - ticket.created_at).total_seconds() // 60)


def _ticket_row(ticket: Ticket, now) -> dict:
    waited = _waited(ticket, now)
    return {
        "id": ticket.pk,
        "label": ticket.label,
        "category_name": ticket.category.name,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "calls": ticket.call_count,
        "id_masked": ticket.masked_id_number,
        "priority_label": ticket.get_priority_display() if ticket.priority_confirmed else "",
        "priority_claim": ticket.get_priority_display()
        if ticket.priority and not ticket.priority_confirmed
        else "",
        "appointment": f"{timezone.localtime(ticket.due_at):%H:%M} 时段" if ticket.due_at else "",
        "waited": waited,
        "waited_over": waited > LONG_WAIT_MINUTES,
        "requeue_allowed": not ticket.requeued,
        "application_id": ticket.application_id,
        # What its service produced (``selectors.linked_outcome``, read with the
        # ticket at the window only).
        "outcome": getattr(ticket, "outcome", None),
    }


def panel_state(window) -> dict:
    """The clerk's panel of ``window``: its seat (state, clerk, categories), the current
    ticket, the next tickets it would call, the waiting per category it serves, today's
    过号 of this window, and the windows and categories to transfer to."""
    now = timezone.now()
    panel = selectors.window_panel(window, limit=QUEUE_SHOWN)
    seat = panel.seat
    state = seat.state
    served = {c.pk for c in panel.categories}
    categories = [
        _category_row(c) for c in selectors.waiting_per_category(window.hall_id) if c.pk in served
    ]
    no_shows = (
        Ticket.objects.filter(window=window, day=timezone.localdate(), status=TicketStatus.NO_SHOW)
        .select_related("category")
        .order_by("-called_at")[:20]
    )
    windows = selectors.hall_windows(window.hall_id)
    call_disabled_reason = ""
    if state != WindowState.OPEN:
        call_disabled_reason = "窗口开放后才能叫号（开放即在本窗口入座）。"
    elif panel.current is not None:
        call_disabled_reason = "请先开始、结束、过号或转移当前号，再叫下一位。"
    elif not served:
        call_disabled_reason = "本窗口尚未设置办理的业务，请联系大厅管理人员。"
    return {
        "window_state": state,
        "window_state_label": WindowState(state).label,
        "seated_clerk": seat.clerk if seat.clerk_id else None,
        "current": _ticket_row(panel.current, now) if panel.current else None,
        "queue": [_ticket_row(t, now) for t in panel.queue],
        "waiting_total": panel.waiting,
        "categories": categories,
        "no_shows": [_ticket_row(t, now) for t in no_shows],
        # A closed window takes no transfer (the service refuses it): offered greyed out.
        "transfer_windows": [
            {
                "id": w.pk,
                "number": w.number,
                "state_label": label,
                "closed": state == WindowState.CLOSED,
            }
            for w in windows
            if w.pk != window.pk
            for state, label in [_seat_state(w)]
        ],
        "hall_categories": [
            {"id": c.pk, "prefix": c.letter, "name": c.name}
            for c in selectors.categories(window.hall_id)
        ],
        "call_disabled": bool(call_disabled_reason),
        "call_disabled_reason": call_disabled_reason,
        "marker": hall_marker(window.hall_id),
    }


#: What a window's service produced (``hall.receivers``: an ``IntakeOutcome`` code) →
#: the panel's word for it.
OUTCOME_LABELS = {
    IntakeOutcome.ACCEPT: "受理",
    IntakeOutcome.REFUSE: "不予受理",
    IntakeOutcome.CORRECTION: "一次性告知",
}


def case_links(user, application_ids) -> dict[int, dict]:
    """Application id → {"case_number", "kind", "number", "url"}: the application an
    intake at a window made of a ticket's service, linked to the clerk's page of it
    (综窗办), for the applications ``user`` may see there
    (``intake.selectors.application_list_for``, the page's own rule); nothing for the
    others. An accepted one is named by its case number, one refused or sent back for
    correction (no case number) by its application number. An item case of a 一件事
    names its 一件事 instead ("bundle": its name, "items": its item cases), linked to the
    clerk's page of the 一件事 (every item case's outcome): the visit was the 一件事,
    the ticket links its first item case (``hall.receivers``). One statement, none
    without an id."""
    ids = {pk for pk in application_ids if pk}
    if not ids:
        return {}
    rows = (
        application_list_for(user=user)
        .filter(pk__in=ids)
        .annotate(items=bundle_item_count())
        .values_list(
            "pk",
            "case_number",
            "bundle_application_id",
            "bundle_application__bundle__name",
            "items",
        )
    )
    links = {}
    for pk, number, bundle_id, bundle_name, items in rows:
        link = {
            "case_number": number or "",
            "kind": "办件" if number else "申请编号",
            "number": number or str(pk),
            "url": reverse("intake:workbench-application", args=[pk]),
        }
        if bundle_id:
            link.update(
                bundle=bundle_name,
                items=items,
                url=reverse("intake:workbench-bundle-result", args=[bundle_id]),
            )
        links[pk] = link
    return links


def _visit(application_id, outcome, links: dict) -> dict | None:
    """What a ticket's service produced, for the panel: the outcome's word and, for
    whoever may see the application (``case_links``), its number (or its 一件事) and
    page; None when the service was linked to no application. An event written before
    outcomes were recorded (``outcome`` None) was an acceptance or a refusal: the case
    number tells."""
    if not application_id:
        return None
    link = links.get(application_id)
    if outcome is None and link is not None:
        outcome = IntakeOutcome.ACCEPT if link["case_number"] else IntakeOutcome.REFUSE
    return {"outcome": OUTCOME_LABELS.get(outcome, "已关联办件"), **(link or {})}


def panel_cases(window, *, user, current: dict | None) -> dict:
    """What the window's services produced, for the clerk's panel: the current
    ticket's (once an intake at the window linked it, ``hall.receivers``) and today's
    served tickets' (the latest ``SERVED_SHOWN``): 受理, 不予受理 or 一次性告知, with the
    application or case number as a link to the clerk's page of it when ``user`` may
    see it (``case_links``). Two statements."""
    served = selectors.served_at(window, limit=SERVED_SHOWN)
    links = case_links(
        user, [t.application_id for t in served] + [current and current["application_id"]]
    )
    return {
        "current_case": _visit(current["application_id"], current["outcome"], links)
        if current
        else None,
        "served": [
            {
                "id": t.pk,
                "label": t.label,
                "category_name": t.category.name,
                "ended_at": timezone.localtime(t.ended_at) if t.ended_at else None,
                "case": _visit(t.application_id, t.outcome, links),
            }
            for t in served
        ],
    }


# --- window management and the hall view ------------------------------------------------


def _seat(window: Window):
    try:
        return window.seat
    except Window.seat.RelatedObjectDoesNotExist:
        return None


def _seat_state(window: Window) -> tuple[str, str]:
    seat = _seat(window)
    state = seat.state if seat else WindowState.CLOSED
    return state, str(WindowState(state).label)


def _clerk_name(seat) -> list[str]:
    if seat is None or seat.clerk_id is None:
        return []
    return [seat.clerk.full_name or seat.clerk.username]


def windows_state(hall, *, user, manager: bool) -> dict:
    """The hall's windows with their seats (state, clerk, categories); which ones the
    user may edit (a manager: all; a clerk: their own window's state); the clerks a
    manager may seat (this hall's and those without a window)."""
    own = own_window(user)
    rows = []
    seating = []
    for window in selectors.hall_windows(hall.pk):
        seat = _seat(window)
        seating.append((window.pk, seat.clerk_id if seat else None))
        served = list(seat.categories.all()) if seat else []
        state, label = _seat_state(window)
        rows.append(
            {
                "id": window.pk,
                "number": window.number,
                "name": window.name,
                "state": state,
                "state_label": label,
                "clerks": _clerk_name(seat),
                "current": window.current_label or "",
                "category_ids": [c.pk for c in served],
                "categories_token": categories_token(c.pk for c in served),
                "category_list": [{"prefix": c.letter, "name": c.name} for c in served],
                "editable": manager or (own is not None and own.pk == window.pk),
            }
        )
    clerks = []
    if manager:
        profiles = (
            StaffProfile.objects.filter(user__groups__name=Role.CLERK, user__is_active=True)
            .filter(window__hall=hall)
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
        "categories": [
            {"id": c.pk, "prefix": c.letter, "name": c.name} for c in selectors.categories(hall.pk)
        ],
        "clerks": clerks,
        "seating_token": seating_token(seating),
    }


def _figure_row(figures) -> dict:
    return {
        "waiting": figures.waiting,
        "issued": figures.issued,
        "served": figures.served,
        "no_show": figures.no_show,
        "avg_wait": figures.average_wait_minutes,
        "avg_service": figures.average_service_minutes,
        "over": figures.long_waits,
    }


def hall_figures(hall, user) -> dict:
    """The hall view of today (``hall.selectors.hall_figures``) as ``user`` counts it
    (``selectors.figures_cases``: a supervisor of some departments, only the tickets
    linked to their departments' cases), every active window listed with its state,
    clerk and current ticket (zeros for one that called nobody)."""
    figures = selectors.hall_figures(hall.pk, cases=selectors.figures_cases(user))
    by_window = {f.key: f for f in figures.windows}
    zero = {"waiting": 0, "issued": 0, "served": 0, "no_show": 0, "over": 0}
    window_rows = []
    for window in selectors.hall_windows(hall.pk):
        state, label = _seat_state(window)
        found = by_window.get(window.pk)
        window_rows.append(
            {
                **(
                    _figure_row(found) if found else {**zero, "avg_wait": None, "avg_service": None}
                ),
                "number": window.number,
                "state": state,
                "state_label": label,
                "clerks": _clerk_name(_seat(window)),
                "current": window.current_label or "",
            }
        )
    return {
        "totals": _figure_row(figures.hall),
        "by_category": [{**_figure_row(f), "name": f.name} for f in figures.categories],
        "by_window": window_rows,
        "linked_only": figures.linked_only,
    }


# --- appointments ----------------------------------------------------------------------


def appointment_rows(appointments) -> list[dict]:
    now = timezone.now()
    rows = []
    for a in appointments:
        start = slot_start(a.day, a.slot)
        end = start + datetime.timedelta(minutes=SLOT_MINUTES)
        rows.append(
            {
                "id": a.pk,
                "code": a.code,
                "hall_name": a.hall.name,
                "category_name": f"{a.category.letter} {a.category.name}",
                "slot_label": f"{a.day:%Y-%m-%d} {a.slot:%H:%M}-{timezone.localtime(end):%H:%M}",
                "status": a.status,
                "status_label": a.get_status_display(),
                "can_cancel": a.status == AppointmentStatus.BOOKED and start > now,
            }
        )
    return rows


WEEKDAYS = "一二三四五六日"


def booking_choices(*, halls, hall_code: str, category_id: str, day: str) -> dict:
    """The booking form: the chosen hall (or the first), its categories that take
    appointments, the bookable days and the chosen category's slots on the chosen day
    with their free places."""
    hall = next((h for h in halls if h.code == hall_code), halls[0])
    categories = [c for c in selectors.categories(hall.pk) if c.appointment_limit > 0]
    category = next((c for c in categories if str(c.pk) == str(category_id)), None)
    category = category or (categories[0] if categories else None)
    days = [
        {
            "value": d.isoformat(),
            "label": f"{month_day_text(d)} 星期{WEEKDAYS[d.weekday()]}",
            "date": d,
        }
        for d in bookable_days()
    ]
    chosen = next((d for d in days if d["value"] == day), days[0] if days else None)
    slots = []
    if category is not None and chosen is not None:
        slots = [
            {
                "value": f"{chosen['value']}T{s.start:%H:%M}",
                "time": f"{s.start:%H:%M}",
                "left": s.free,
                "past": s.past,
            }
            for s in selectors.slots(category, chosen["date"])
        ]
    return {
        "halls": halls,
        "hall": hall,
        "categories": categories,
        "category": category,
        "days": days,
        "day_value": chosen["value"] if chosen else "",
        "day_label": chosen["label"] if chosen else "",
        "slots": slots,
    }


def category_of(pk: int) -> ServiceCategory | None:
    return ServiceCategory.objects.filter(pk=pk).first()
