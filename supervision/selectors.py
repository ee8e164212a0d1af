"""Reads with rules of the supervision pages: the lights board, the case search and one
case's supervision view, each within the supervisor's scope
(``accounts.selectors.supervision_scope``: ``None`` for the district, else the
departments they watch).

Scope of a case: its item's implementing department (the dimension the figures use);
of a clock on the board: the department it runs for (a step's department, an order's
owner). The board reads the clocks themselves through approvals' partial index
``clock_lit`` (open clocks that are yellow or red: few, whatever the number of cases),
updated by the minute sweep.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.constants import DepartmentKind
from accounts.models import Department
from approvals.constants import ClockKind, EscalationStatus, Light
from approvals.models import Clock, Escalation
from catalog.models import ServiceItem
from feedback.figures import FigureRow, FigureTable, Grouping, table_of
from feedback.models import Rating, RectificationOrder, ServiceInstance
from feedback.order_selectors import order_list_for
from feedback.selectors import StaffScope, case_instances, rater_name
from feedback.services.orders import reason_labels
from intake.constants import CASE_STATUSES, CaseStatus
from intake.models import Application
from intake.selectors import applications_with_names

from .rollups import Filter, cases, rating_counts, rating_groups
from .rollups import ratings as ratings_behind

NEARBY_KINDS = (DepartmentKind.PARK, DepartmentKind.STREET, DepartmentKind.STATION)


def _in_scope(scope: frozenset[int] | None, path: str) -> Q:
    return Q() if scope is None else Q(**{f"{path}__in": sorted(scope)})


# --- The lights board ----------------------------------------------------------------------


@dataclass
class DepartmentLights:
    department: Department
    yellow: int = 0
    red: int = 0

    @property
    def total(self) -> int:
        return self.yellow + self.red


def lit_clocks(*, scope, department: int | None = None, light: int | None = None) -> QuerySet:
    """Open clocks that are yellow or red in scope: red first, the earliest due first."""
    clocks = Clock.objects.filter(
        _in_scope(scope, "department_id"), is_open=True, light__gt=Light.GREEN
    )
    if department is not None:
        clocks = clocks.filter(department_id=department)
    if light in (Light.YELLOW, Light.RED):
        clocks = clocks.filter(light=light)
    return clocks.order_by("-light", "due_date", "pk")


def lights_by_department(*, scope, light: int | None = None) -> list[DepartmentLights]:
    """Per department, its yellow and red clocks (two queries), most red first."""
    rows = (
        lit_clocks(scope=scope, light=light)
        .order_by()
        .values("department_id", "light")
        .annotate(n=Count("pk"))
    )
    groups: dict[int, DepartmentLights] = {}
    counts = list(rows)
    departments = Department.objects.in_bulk({row["department_id"] for row in counts})
    for row in counts:
        group = groups.setdefault(
            row["department_id"], DepartmentLights(departments[row["department_id"]])
        )
        if row["light"] == Light.RED:
            group.red += row["n"]
        else:
            group.yellow += row["n"]
    return sorted(groups.values(), key=lambda g: (-g.red, -g.yellow, g.department.name))


@dataclass
class BoardRow:
    clock: Clock
    application: Application | None
    what: str  # 承诺时限 / 法定时限 / 环节：审查 / 差评整改
    open_escalations: int
    escalations: int


def board_rows(clocks: list[Clock]) -> list[BoardRow]:
    """A page of lit clocks with what they time and their cases' 督办 counts (three
    queries whatever the page's length)."""
    ids = [clock.pk for clock in clocks]
    loaded = Clock.objects.filter(pk__in=ids).select_related(
        "department", "task", "application__item_version"
    )
    by_pk = {clock.pk: clock for clock in loaded}
    orders = {
        order.clock_id: order
        for order in RectificationOrder.objects.filter(clock_id__in=ids).select_related(
            "application__item_version"
        )
    }
    applications = {c.application_id for c in by_pk.values() if c.application_id}
    applications |= {o.application_id for o in orders.values()}
    tallies = {
        row["application_id"]: row
        for row in Escalation.objects.filter(application_id__in=applications)
        .order_by()
        .values("application_id")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(status=EscalationStatus.OPEN)))
    }
    rows = []
    for pk in ids:
        clock = by_pk[pk]
        order = orders.get(pk)
        application = order.application if order else clock.application
        if clock.kind == ClockKind.STEP and clock.task is not None:
            what = f"环节：{clock.task.name}"
        elif clock.kind == ClockKind.RECTIFICATION:
            what = "差评整改"
        else:
            what = clock.get_kind_display()
        tally = tallies.get(application.pk if application else None, {"n": 0, "open": 0})
        rows.append(BoardRow(clock, application, what, tally["open"], tally["n"]))
    return rows


# --- The case search ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseQuery:
    """The case search's criteria (all optional)."""

    number: str = ""
    applicant: str = ""  # a name or a full ID number / credit code
    status: str = ""
    light: int | None = None
    figure: str = ""  # a count of rollups.CASE_CODES (or rating:<code>): its cases
    start: datetime.date | None = None  # with figure: the figure's period; else submitted
    end: datetime.date | None = None


def case_search(*, f: Filter, query: CaseQuery) -> QuerySet[Application]:
    """Cases (and applications) in scope matching ``query`` and the dimensions of
    ``f``; newest first."""
    qs = Application.objects.exclude(status=CaseStatus.DRAFT)
    if query.figure:
        qs = cases(query.figure, f, base=qs)
    else:
        qs = qs.filter(f.applications())
        if query.start is not None or query.end is not None:
            from feedback.figures import period_filter

            qs = qs.filter(period_filter(query.start, query.end, "submitted_at"))
    if f.scope is not None:
        qs = qs.filter(item_version__department_id__in=sorted(f.scope))
    if query.number:
        qs = qs.filter(case_number__startswith=query.number.strip().upper())
    if query.applicant:
        text = query.applicant.strip()
        if len(text) == 18:
            qs = qs.filter(
                Q(applicant__id_number=text.upper()) | Q(enterprise__credit_code=text.upper())
            )
        else:
            qs = qs.filter(Q(applicant__name=text) | Q(enterprise__name=text))
    if query.status:
        qs = qs.filter(status=query.status)
    if query.light is not None:
        lit = Clock.objects.filter(application=OuterRef("pk"), is_open=True)
        if query.light == Light.GREEN:
            qs = qs.filter(status__in=CASE_STATUSES).exclude(
                Exists(lit.filter(light__gt=Light.GREEN))
            )
        else:
            qs = qs.filter(Exists(lit.filter(light=query.light)))
    return qs.select_related(
        "item_version__department", "applicant", "enterprise", "hall", "accepting_unit"
    ).order_by("-submitted_at", "-pk")


def case_lights(applications) -> dict[int, int]:
    """Application id → the highest light of its open clocks (one query)."""
    rows = (
        Clock.objects.filter(application_id__in=[a.pk for a in applications], is_open=True)
        .order_by()
        .values("application_id")
        .annotate(light=Max("light"))
    )
    return {row["application_id"]: row["light"] for row in rows}


def case_in_scope(application: Application, scope: frozenset[int] | None) -> bool:
    """Whether a supervisor of ``scope`` may open ``application``'s page
    (``case_for_supervisor``'s rule: the case's item's department)."""
    return scope is None or application.item_version.department_id in scope


def case_for_supervisor(*, pk: int, scope) -> Application | None:
    """One case in scope, with what its page shows."""
    return (
        applications_with_names()
        .filter(_in_scope(scope, "item_version__department_id"), pk=pk)
        .select_related("accepting_unit")
        .first()
    )


def case_escalations(application: Application) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(application=application)
        .select_related("department", "clock")
        .order_by("-issued_at", "-pk")
    )


@dataclass(frozen=True)
class CaseRating:
    """One rating of a case as its supervision page shows it: the rated service, the
    rater (supervisors see who rated: ``feedback.selectors``' rule) and the
    rectification order a 差评 opened, linked when the supervisor may open it."""

    instance: ServiceInstance
    rating: Rating
    reasons: list[str]
    rater: str
    order: RectificationOrder | None
    order_visible: bool


def case_ratings(application: Application, *, user) -> list[CaseRating]:
    """The ratings of a case in the order its services were given, each with its order:
    two queries whatever the number of ratings (the instances with their ratings and
    orders, and which of the orders ``user`` may open: ``order_list_for``'s rule)."""
    instances = list(
        case_instances(application)
        .filter(rating__isnull=False)
        .select_related(
            "application__applicant",
            "staff",
            "rating__rater",
            "rating__rectification_order__department",
            "rating__rectification_order__hall",
        )
    )
    orders = {i.pk: getattr(i.rating, "rectification_order", None) for i in instances}
    order_ids = [order.pk for order in orders.values() if order is not None]
    visible = (
        set(order_list_for(user=user).filter(pk__in=order_ids).values_list("pk", flat=True))
        if order_ids
        else set()
    )
    return [
        CaseRating(
            instance=i,
            rating=i.rating,
            reasons=reason_labels(i.rating.reasons),
            rater=rater_name(i.rating),
            order=orders[i.pk],
            order_visible=orders[i.pk] is not None and orders[i.pk].pk in visible,
        )
        for i in instances
    ]


# --- The ratings behind a figure ---------------------------------------------------------------


def rating_search(*, f: Filter, figure: str = "rated") -> QuerySet[Rating]:
    """The counted ratings behind the overview's rating count ``figure``
    (``rollups.RATING_CODES``) for the filter (its period, dimensions and scope): as
    many as the card counts (``rollups.ratings``); newest first, with what the list
    shows."""
    return (
        ratings_behind(figure, f)
        .select_related(
            "rater",
            "instance__application__applicant",
            "instance__application__item_version",
            "instance__department",
            "instance__hall",
            "instance__window__hall",
        )
        .order_by("-rated_at", "-pk")
    )


# --- Filter choices ---------------------------------------------------------------------------


def filter_choices(scope) -> dict:
    """The departments, halls, items and delegated units a supervisor can filter by."""
    from accounts.models import Hall

    departments = Department.objects.filter(_in_scope(scope, "pk")).order_by("name")
    items = (
        ServiceItem.objects.filter(
            _in_scope(scope, "current_version__department_id"), current_version__isnull=False
        )
        .select_related("current_version")
        .order_by("code")
    )
    return {
        "departments": [(d.pk, d.name) for d in departments],
        "halls": list(Hall.objects.order_by("name").values_list("pk", "name")),
        "items": [(i.pk, i.current_version.name) for i in items],
        # Parks, streets and market-supervision stations accept nearby (就近受理).
        "units": list(
            Department.objects.filter(kind__in=NEARBY_KINDS)
            .order_by("name")
            .values_list("pk", "name")
        ),
    }


# --- The 好差评 page ---------------------------------------------------------------------------

#: The page's groupings and where the rating rollups hold them: the month, item,
#: department and hall in the per-item rating rows (``rollups.BY``), the window, staff
#: member, service stage and the rating's own channel (评价渠道: pad, web, SMS..., not the
#: case's channel) in the per-service rating rows (``rollups.SERVICE_BY``); both read
#: through ``rollups.rating_groups``. Every grouping, and the total, comes from the
#: rollups, in a fixed number of queries over the whole months' monthly rows and the
#: edge days' daily rows, whatever the number of ratings; nothing is counted over the
#: ratings any more. (The direct count, ``feedback.figures.figure_table``, was a
#: sequential scan of every rating joined to its instance for a year of the 1M-case
#: bench: some 15 s by staff.) tests/supervision compare every grouping with that
#: direct count.
ROLLUP_GROUPINGS = {
    Grouping.MONTH: "month",
    Grouping.ITEM: "item",
    Grouping.DEPARTMENT: "department",
    Grouping.HALL: "hall",
}
SERVICE_GROUPINGS = {
    Grouping.WINDOW: "window",
    Grouping.STAFF: "staff",
    Grouping.STAGE: "stage",
    Grouping.CHANNEL: "rating_channel",
}


def rating_figure_table(
    *,
    grouping: str,
    start: datetime.date | None,
    end: datetime.date | None,
    scope: StaffScope,
) -> FigureTable:
    """The 好差评 figures of a period by ``grouping`` within a supervisor's feedback scope
    (``feedback.selectors.supervisor_scope``: everything or the departments watched; a
    supervision scope has no hall), from the rating rollups (one or
    two queries whatever the number of ratings, and one to label the groups): the same
    numbers as ``feedback.figures.figure_table`` over ``scope.rating_filter()`` (the
    rollups store its counts per day; tests/supervision compare them)."""
    grouping = Grouping(grouping)
    f = Filter(
        start=start,
        end=end,
        scope=None if scope.everything else frozenset(scope.department_ids),
    )
    if grouping == Grouping.TOTAL:
        total = FigureRow(None, "合计", rating_counts(f))
        return FigureTable(grouping=grouping, start=start, end=end, rows=[total], total=total)
    counts = rating_groups(f, ROLLUP_GROUPINGS.get(grouping) or SERVICE_GROUPINGS[grouping])
    if grouping == Grouping.MONTH:
        # figure_table's month is TruncMonth's: the local midnight of the first day.
        zone = timezone.get_current_timezone()
        counts = {
            datetime.datetime.combine(key, datetime.time(), zone): c for key, c in counts.items()
        }
    return table_of(grouping=grouping, start=start, end=end, counts=counts)
