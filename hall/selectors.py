"""Reads of the hall that the pages and the API share.

* ``hall_marker(hall_id)``: the newest ticket event id of a hall, one index lookup
  (``hall_event_marker``). Every change of the queue, the windows and the bookings
  writes an event, so a poll that remembers the marker answers "unchanged" (204) for
  the price of this statement.
* ``display_state(hall_id)``: the hall's screen in TWO statements: the active
  categories with their waiting counts and the marker (subqueries), and the recent
  calls (newest first, with the window number).
* ``ticket_progress(token)``: the public follow page of a ticket: its state, window,
  people ahead and expected wait (two statements).
* ``window_panel(window)``: the clerk's panel: the seat, the ticket at the window and the
  queue the window would call, in call order; ``served_at(window)``: today's tickets
  served there, the latest first (each with the application its intake led to);
  ``serving_at(window)`` the ticket in service there (``serving_tickets``, also as a
  subquery of the window the workbench pages load).
* ``waiting_per_category(hall_id)``, ``categories(hall_id)``, ``hall_windows(hall_id)``,
  ``slots(category, day)``, ``hall_figures(hall_id, day)`` (supervisors: waiting now,
  average wait and service today, waits over 30 minutes, per category and per window),
  ``seat_of(actor)``, ``citizen_appointments(actor)``;
  ``period_figures(start, end, hall_id)`` (supervision's overview: tickets issued and
  served, average wait and waits over 30 minutes over a period, one statement).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User, Window
from accounts.selectors import supervision_scope
from intake.models import Application

from .constants import (
    AT_WINDOW_STATUSES,
    LONG_WAIT_MINUTES,
    SLOT_STARTS,
    TicketAction,
    TicketStatus,
)
from .models import Appointment, DayCounter, ServiceCategory, Ticket, TicketEvent, WindowSeat
from .services.appointments import LIVE_STATUSES, slot_start
from .services.base import at_window
from .services.calling import call_order, callable_filter
from .services.tickets import Wait, wait_for

#: Calls the hall's screen shows (newest first).
DISPLAY_CALLS = 8


def hall_marker(hall_id: int) -> int:
    """The newest event id of the hall (0 before any): changes with every act."""
    return (
        TicketEvent.objects.filter(hall_id=hall_id)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def _marker_subquery():
    return Subquery(
        TicketEvent.objects.filter(hall_id=OuterRef("hall_id")).order_by("-id").values("id")[:1]
    )


def _waiting_count():
    """Today's waiting tickets of the category (a ticket left waiting on an earlier day
    is out of the queue)."""
    return Coalesce(
        Subquery(
            Ticket.objects.filter(
                category_id=OuterRef("pk"), day=timezone.localdate(), status=TicketStatus.WAITING
            )
            .order_by()
            .values("category_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def categories(hall_id: int, *, active_only: bool = True):
    """The hall's categories in display order (the kiosk's buttons)."""
    qs = ServiceCategory.objects.filter(hall_id=hall_id)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "letter")


def waiting_per_category(hall_id: int) -> list[ServiceCategory]:
    """The active categories of the hall, each with ``waiting`` (count): one statement."""
    return list(categories(hall_id).annotate(waiting=_waiting_count()))


@dataclass(frozen=True)
class Call:
    label: str
    window_number: int
    window_name: str
    called_at: datetime.datetime
    call_count: int
    status: str


@dataclass(frozen=True)
class CategoryWaiting:
    pk: int
    letter: str
    name: str
    waiting: int


@dataclass(frozen=True)
class DisplayState:
    marker: int
    calls: list[Call]  # newest first; calls[0] is the one to show large
    categories: list[CategoryWaiting]

    @property
    def waiting(self) -> int:
        return sum(category.waiting for category in self.categories)


def display_state(hall_id: int, *, limit: int = DISPLAY_CALLS) -> DisplayState:
    """The hall's screen: the recent calls of today still at a window (newest first,
    recalls count as new calls), the waiting count per category and the marker, in two
    statements."""
    rows = list(
        categories(hall_id)
        .annotate(waiting=_waiting_count(), marker=_marker_subquery())
        .values_list("pk", "letter", "name", "waiting", "marker")
    )
    marker = rows[0][4] if rows else hall_marker(hall_id)
    calls = [
        Call(*row)
        for row in Ticket.objects.filter(
            hall_id=hall_id,
            called_at__isnull=False,
            day=timezone.localdate(),
            status__in=AT_WINDOW_STATUSES,
        )
        .order_by("-called_at", "-id")
        .values_list(
            "label", "window__number", "window__name", "called_at", "call_count", "status"
        )[:limit]
    ]
    return DisplayState(
        marker=marker or 0,
        calls=calls,
        categories=[
            CategoryWaiting(pk, letter, name, waiting) for pk, letter, name, waiting, _m in rows
        ],
    )


@dataclass(frozen=True)
class TicketProgress:
    ticket: Ticket
    wait: Wait | None  # None once the ticket has left the queue

    @property
    def ahead(self) -> int | None:
        return self.wait.ahead if self.wait else None

    @property
    def expected_minutes(self) -> int | None:
        return self.wait.minutes if self.wait else None


def ticket_by_token(token: str) -> Ticket | None:
    if not token or len(token) > 32:
        return None
    return Ticket.objects.select_related("hall", "category", "window").filter(token=token).first()


def ticket_progress(token: str) -> TicketProgress | None:
    """The public follow page of a ticket (no ID number, no staff name): None for an
    unknown token; the wait while the ticket waits."""
    ticket = ticket_by_token(token)
    if ticket is None:
        return None
    return TicketProgress(ticket=ticket, wait=ticket_wait(ticket))


def ticket_wait(ticket: Ticket) -> Wait | None:
    """People ahead and the expected wait of a ticket waiting today (None otherwise: a
    ticket left waiting on an earlier day is out of the queue)."""
    if ticket.status != TicketStatus.WAITING or ticket.day != timezone.localdate():
        return None
    counter = (
        DayCounter.objects.filter(category_id=ticket.category_id, day=ticket.day)
        .values_list("served", "service_seconds")
        .first()
    ) or (0, 0)
    return wait_for(
        ticket_id=ticket.pk,
        category_id=ticket.category_id,
        day=ticket.day,
        lane=ticket.lane,
        queued_at=ticket.queued_at,
        served=counter[0],
        service_seconds=counter[1],
        default_minutes=ticket.category.service_minutes,
    )


def seat_of(actor: User) -> WindowSeat | None:
    """The seat the clerk sits at now (with the window and hall), or None."""
    if not actor.is_authenticated:
        return None
    return WindowSeat.objects.select_related("window__hall").filter(clerk=actor).first()


@dataclass
class WindowPanel:
    seat: WindowSeat
    categories: list[ServiceCategory]
    current: Ticket | None  # of today, called or in service at the window
    queue: list[Ticket] = field(default_factory=list)  # what call_next would take, in order
    waiting: int = 0  # how many the window may call


def window_panel(window: Window, *, limit: int = 20, now=None) -> WindowPanel:
    """The clerk's queue panel of ``window``: four statements."""
    now = now or timezone.now()
    found = WindowSeat.objects.select_related("window__hall", "clerk").filter(window=window).first()
    seat = found or WindowSeat(window=window, hall_id=window.hall_id)  # closed, unsaved
    cats = list(found.categories.order_by("order", "letter")) if found else []
    current = (
        at_window(window, now)
        .select_related("category", "appointment")
        .annotate(outcome=linked_outcome())
        .order_by("-called_at")
        .first()
    )
    callable_ = Ticket.objects.filter(
        callable_filter(window.pk, [c.pk for c in cats], now), hall_id=window.hall_id
    )
    queue = list(callable_.select_related("category").order_by(*call_order(now))[:limit])
    waiting = len(queue) if len(queue) < limit else callable_.count()
    return WindowPanel(seat=seat, categories=cats, current=current, queue=queue, waiting=waiting)


def linked_outcome() -> Subquery:
    """Per ticket: what its service produced at the window, the ``IntakeOutcome`` code
    of its latest 关联办件 event (``hall.receivers``; None when none, or for an event
    written before the outcome was recorded). A subquery on the (ticket, id) index of
    the events."""
    latest = TicketEvent.objects.filter(
        ticket=OuterRef("pk"), action=TicketAction.APPLICATION
    ).order_by("-id")
    return Subquery(latest.annotate(code=KT("details__outcome")).values("code")[:1])


def served_at(window: Window, *, limit: int = 10, now=None) -> list[Ticket]:
    """Today's tickets whose service at ``window`` is over (已办结), the latest ended
    first, with their categories: the panel's list of the window's recent services, each
    with the application its intake led to (``application_id``, linked by
    ``hall.receivers.link_application``) and what the service produced (``outcome``,
    ``linked_outcome``). One statement, on the (hall, day, label) index of the day's
    tickets."""
    return list(
        Ticket.objects.filter(
            hall_id=window.hall_id,
            day=timezone.localdate(now or timezone.now()),
            window=window,
            status=TicketStatus.DONE,
        )
        .select_related("category")
        .annotate(outcome=linked_outcome())
        .order_by("-ended_at", "-id")[:limit]
    )


def serving_tickets(window):
    """Today's tickets in service at ``window`` (one at most): a Window, its id, or
    ``OuterRef("pk")`` in a query of windows (the workbench's banner, ``hall.workbench``)."""
    return at_window(window).filter(status=TicketStatus.SERVING)


def serving_at(window: Window) -> Ticket | None:
    """Today's ticket in service at ``window`` (the intake the panel opens), or None."""
    return serving_tickets(window).first()


def hall_windows(hall_id: int):
    """Every active window of the hall with its seat (state, clerk, categories) and
    today's ticket at it: for window management and the supervisors' view."""
    current = Ticket.objects.filter(
        window_id=OuterRef("pk"), status__in=AT_WINDOW_STATUSES, day=timezone.localdate()
    ).order_by("-called_at")
    return (
        Window.objects.filter(hall_id=hall_id, is_active=True)
        .select_related("seat__clerk")
        .prefetch_related("seat__categories")
        .annotate(
            current_label=Subquery(current.values("label")[:1]),
            current_status=Subquery(current.values("status")[:1]),
        )
        .order_by("number")
    )


@dataclass(frozen=True)
class Slot:
    start: datetime.time
    limit: int
    booked: int
    past: bool

    @property
    def free(self) -> int:
        return 0 if self.past else max(self.limit - self.booked, 0)


def slots(category: ServiceCategory, day: datetime.date, *, now=None) -> list[Slot]:
    """The half-hour slots of ``day`` for ``category`` with their free places (one
    statement). The day's being a working day is the caller's (``bookable_days``)."""
    now = now or timezone.now()
    booked = dict(
        Appointment.objects.filter(category=category, day=day, status__in=LIVE_STATUSES)
        .order_by()
        .values_list("slot")
        .annotate(n=Count("id"))
    )
    return [
        Slot(
            start=start,
            limit=category.appointment_limit,
            booked=booked.get(start, 0),
            past=slot_start(day, start) <= now,
        )
        for start in SLOT_STARTS
    ]


def citizen_appointments(actor: User):
    """The appointments the actor booked or that are for their identity, newest first."""
    citizen = getattr(actor, "citizen", None)
    condition = Q(booked_by=actor)
    if citizen is not None:
        condition |= Q(citizen=citizen)
    return (
        Appointment.objects.filter(condition)
        .select_related("hall", "category", "ticket")
        .order_by("-day", "-slot", "-id")
    )


# --- the supervisors' figures ---------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One row of the hall's figures (a category, a window, or the hall)."""

    key: int | None
    name: str
    issued: int
    waiting: int
    served: int
    no_show: int
    expired: int  # 已失效: closed by the day's close, not served that day
    average_wait: datetime.timedelta | None
    average_service: datetime.timedelta | None
    long_waits: int  # waited (or are waiting) more than LONG_WAIT_MINUTES

    @property
    def average_wait_minutes(self) -> float | None:
        return _float(minutes_of(self.average_wait))

    @property
    def average_service_minutes(self) -> float | None:
        return _float(minutes_of(self.average_service))


TENTH = Decimal("0.1")
MICROSECONDS_PER_MINUTE = 60_000_000


def minutes_of(value: datetime.timedelta | None) -> Decimal | None:
    """A duration in minutes with one decimal, rounded half up like every figure of the
    portal (2 min 15 s is 2.3): the one rounding of the waits and service times that the
    hall view, its API, supervision's overview, export and annual report show."""
    if value is None:
        return None
    microseconds = value // datetime.timedelta(microseconds=1)
    return (Decimal(microseconds) / MICROSECONDS_PER_MINUTE).quantize(TENTH, ROUND_HALF_UP)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class HallFigures:
    day: datetime.date
    hall: Figures
    categories: list[Figures]
    windows: list[Figures]
    #: only the tickets linked to a case of the reader's departments (``figures_cases``)
    linked_only: bool = False


def figures_cases(user: User) -> Q | None:
    """Which tickets ``user`` counts in the hall's figures, as supervision's pages count
    them for them (``supervision.hall_figures``): every ticket (None) for a system
    administrator and a district-wide supervisor; for a supervisor of some departments
    (``accounts.selectors.supervision_scope``) only the tickets linked to a case of
    those departments (a filter over ``Application``; nothing when they watch none)."""
    if user.is_superuser or user.has_role(Role.SYSTEM_ADMIN):
        return None
    scope = supervision_scope(user=user)
    return None if scope is None else Q(item_version__department_id__in=sorted(scope))


def _linked(tickets, cases: Q | None):
    """The ``tickets`` linked to a case matching ``cases`` (paths from ``Application``);
    all of them when None."""
    if cases is None:
        return tickets
    return tickets.filter(application__in=Application.objects.filter(cases).order_by().values("pk"))


def long_wait_filter(now: datetime.datetime) -> Q:
    """The tickets whose wait was (or is) over LONG_WAIT_MINUTES at ``now``: called that
    late after issue; never called and still waiting that long; never called and
    closed as 已失效 by the day's close (it waited until its day ended). Closing a day
    therefore changes no long wait of it."""
    long_wait = datetime.timedelta(minutes=LONG_WAIT_MINUTES)
    return (
        Q(first_called_at__isnull=False, first_called_at__gt=F("created_at") + long_wait)
        | Q(
            first_called_at__isnull=True,
            status=TicketStatus.WAITING,
            created_at__lt=now - long_wait,
        )
        | Q(first_called_at__isnull=True, status=TicketStatus.EXPIRED)
    )


def _aggregates(now: datetime.datetime):
    waited = ExpressionWrapper(F("first_called_at") - F("created_at"), output_field=DurationField())
    served = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    return {
        "issued": Count("id"),
        "waiting": Count("id", filter=Q(status=TicketStatus.WAITING)),
        "served": Count("id", filter=Q(status=TicketStatus.DONE)),
        "no_show": Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        "expired": Count("id", filter=Q(status=TicketStatus.EXPIRED)),
        "average_wait": Avg(waited, filter=Q(first_called_at__isnull=False)),
        "average_service": Avg(served, filter=Q(status=TicketStatus.DONE)),
        "long_waits": Count("id", filter=long_wait_filter(now)),
    }


def _figures(key, name, row) -> Figures:
    return Figures(
        key=key,
        name=name,
        issued=row["issued"],
        waiting=row["waiting"],
        served=row["served"],
        no_show=row["no_show"],
        expired=row["expired"],
        average_wait=row["average_wait"],
        average_service=row["average_service"],
        long_waits=row["long_waits"],
    )


def hall_figures(
    hall_id: int, day: datetime.date | None = None, *, cases: Q | None = None, now=None
) -> HallFigures:
    """The hall's day for supervisors, in three grouped statements: the whole hall, per
    category (every active category, zeros included) and per window (the windows that
    called a ticket that day). Waits are from issue to the first call; service time is
    from start to end of the tickets served; a long wait is one over LONG_WAIT_MINUTES
    (called late, or still waiting that long now). ``cases`` (``figures_cases``) keeps
    only the tickets served for such a case, as ``period_figures``."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    tickets = _linked(Ticket.objects.filter(hall_id=hall_id, day=day).order_by(), cases)
    aggregates = _aggregates(now)
    whole = tickets.aggregate(**aggregates)
    by_category = {
        row["category_id"]: row for row in tickets.values("category_id").annotate(**aggregates)
    }
    by_window = {
        row["window_id"]: row
        for row in tickets.filter(window__isnull=False).values("window_id").annotate(**aggregates)
    }
    empty = {key: 0 for key in aggregates} | {"average_wait": None, "average_service": None}
    category_rows = [
        _figures(c.pk, f"{c.letter} {c.name}", by_category.get(c.pk, empty))
        for c in categories(hall_id, active_only=False)
        if c.is_active or c.pk in by_category
    ]
    windows = {w.pk: w for w in Window.objects.filter(pk__in=list(by_window)).order_by("number")}
    window_rows = [
        _figures(pk, f"{windows[pk].number} 号窗口", by_window[pk])
        for pk in sorted(windows, key=lambda pk: windows[pk].number)
    ]
    return HallFigures(
        day=day,
        hall=_figures(hall_id, "全厅", whole),
        categories=category_rows,
        windows=window_rows,
        linked_only=cases is not None,
    )


def hall_day_counters(hall_id: int, day: datetime.date):
    """The day's counters (last number, served, service seconds) per category."""
    return DayCounter.objects.filter(hall_id=hall_id, day=day).select_related("category")


def period_figures(
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    hall_id: int | None = None,
    *,
    cases: Q | None = None,
    now=None,
) -> Figures:
    """The tickets of the days from ``start`` to ``end`` (both included, either open) of
    one hall or of every hall (``hall_id`` None), in ONE aggregate statement whatever
    their number (the label index, which leads with hall and day, when a hall is
    given): issued, served, no-shows, still waiting, the average wait (issue to first
    call) and service time, and the waits over LONG_WAIT_MINUTES as ``hall_figures``
    counts them. ``cases``, a filter over the ticket's linked application (paths from
    ``Application``), keeps only the tickets served for such a case (a department's,
    an item's)."""
    tickets = _linked(Ticket.objects.order_by(), cases)
    if hall_id is not None:
        tickets = tickets.filter(hall_id=hall_id)
    if start is not None:
        tickets = tickets.filter(day__gte=start)
    if end is not None:
        tickets = tickets.filter(day__lte=end)
    row = tickets.aggregate(**_aggregates(now or timezone.now()))
    return _figures(hall_id, "全厅" if hall_id is not None else "全部大厅", row)
