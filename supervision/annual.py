"""The annual report's figures (年度报告): every headline number of a year over a scope,
read from the rollups (``supervision.rollups``; the tickets' from ``hall_figures``) and
the catalog in grouped queries, never by walking the cases, so a year of a million cases
takes the same few dozen queries as the demo's.

``annual_figures(year, departments)`` answers an ``Annual``: the cases (总体情况, with
last year's for 同比), the months, the channels (网上办), 一次办结, 好差评 (feedback's
figures), the delegated units (赋权与就近办理) and 全域通办 registrations per unit, the
items whose promised limit is below the statutory one (承诺时限压缩), and the halls'
tickets (大厅, district reports only: tickets belong to no department). ``charts``
draws its figures as SVG (``supervision.svg``) for the PDF.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.constants import DepartmentKind
from accounts.models import Department, Hall
from catalog.constants import CaseType, TongbanScope, VersionStatus
from catalog.models import Delegation, ItemVersion, ServiceItem
from feedback.figures import FIGURES as RATING_FIGURES
from feedback.figures import Counts, percent
from hall.selectors import Figures as HallRow
from intake.constants import Channel

from . import rollups, svg
from .hall_figures import period_row, period_rows
from .rollups import CaseFigures, CatalogShare, Filter

#: (percent done, step) reported while the figures are computed.
Progress = Callable[[int, str], None]


#: The units' kinds as the report's tables name them.
SHORT_KINDS = {
    DepartmentKind.PARK: "园区",
    DepartmentKind.STREET: "街道",
    DepartmentKind.STATION: "监管所",
}


def _nothing(_percent: int, _step: str) -> None:
    return None


@dataclass
class Month:
    month: datetime.date
    cases: CaseFigures
    ratings: Counts

    @property
    def label(self) -> str:
        return f"{self.month.month} 月"

    @property
    def good_rate(self):
        return RATING_FIGURES["good_rate"](self.ratings)


@dataclass
class DepartmentRow:
    name: str
    cases: CaseFigures
    ratings: Counts

    @property
    def good_rate(self):
        return RATING_FIGURES["good_rate"](self.ratings)


@dataclass
class UnitRow:
    """A park, street or station: the items delegated to it (赋权) in force during the
    year, the cases it accepted nearby, and those of 全域通办 items among them."""

    pk: int
    name: str
    kind: str
    delegated_items: int = 0
    cases: CaseFigures = field(default_factory=CaseFigures)
    district_received: int = 0


@dataclass
class LimitRow:
    name: str
    department: str
    statutory: int
    promised: int

    @property
    def cut(self) -> int:
        return self.statutory - self.promised

    @property
    def cut_rate(self):
        return percent(self.cut, self.statutory)


@dataclass
class Limits:
    """承诺时限压缩 over the published items in scope."""

    items: int = 0
    cut_items: int = 0  # promised below statutory
    immediate_items: int = 0  # 即办件 (promised 0)
    statutory_total: int = 0
    promised_total: int = 0
    largest: list[LimitRow] = field(default_factory=list)

    @property
    def cut_share(self):
        return percent(self.cut_items, self.items)

    @property
    def cut_rate(self):
        """How much shorter the promised limits are than the statutory, summed."""
        return percent(self.statutory_total - self.promised_total, self.statutory_total)


@dataclass
class DistrictWide:
    """全域通办: the items any hall, park, street or station accepts, and their cases."""

    items: int = 0
    received: int = 0
    accepted: int = 0
    concluded: int = 0
    nearby: int = 0  # received at a delegated unit


@dataclass
class Annual:
    year: int
    scope_label: str
    district_wide: bool
    start: datetime.date
    end: datetime.date
    cases: CaseFigures
    previous: CaseFigures
    months: list[Month]
    channels: list[rollups.Row]
    departments: list[DepartmentRow]
    duration: dict[int, int]
    ratings: Counts
    catalog: CatalogShare
    units: list[UnitRow]
    district: DistrictWide
    limits: Limits
    halls: list[HallRow] | None
    hall_total: HallRow | None
    hall_months: list[HallRow] | None
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    # --- derived figures the text quotes ---------------------------------------------

    @property
    def prereview_days(self) -> int:
        """The pre-review limit after which an application is deemed accepted (逾期视为受理),
        as the overview's definition names it."""
        return settings.INTAKE_PREREVIEW_LIMIT_DAYS

    @property
    def rating_figures(self) -> dict:
        return {code: figure(self.ratings) for code, figure in RATING_FIGURES.items()}

    @property
    def delegated_items(self) -> int:
        return sum(unit.delegated_items for unit in self.units)

    @property
    def nearby_cases(self) -> int:
        return sum(unit.cases.received for unit in self.units)

    def change(self, name: str):
        """同比: this year's count against last year's, a percentage (None without a
        count last year)."""
        before = getattr(self.previous, name)
        if not before:
            return None
        return (Decimal(getattr(self.cases, name) - before) * 100 / before).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def _published(departments: list[int] | None):
    versions = ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if departments is not None:
        versions = versions.filter(department_id__in=departments)
    return versions


def catalog_share(departments: list[int] | None) -> CatalogShare:
    """The published items (in scope) and those that can be done online: one query."""
    if departments is None:
        return rollups.catalog_online_share()
    row = ServiceItem.objects.filter(
        current_version__status=VersionStatus.PUBLISHED,
        current_version__department_id__in=departments,
    ).aggregate(
        items=Count("pk"), online=Count("pk", filter=Q(current_version__online_available=True))
    )
    return CatalogShare(row["items"] or 0, row["online"] or 0)


def limits(departments: list[int] | None, largest: int = 12) -> Limits:
    """承诺时限压缩 of the published items in scope: two queries."""
    versions = _published(departments)
    row = versions.aggregate(
        items=Count("pk"),
        cut=Count("pk", filter=Q(promised_limit_days__lt=F("statutory_limit_days"))),
        immediate=Count("pk", filter=Q(case_type=CaseType.IMMEDIATE)),
        statutory=Sum("statutory_limit_days"),
        promised=Sum("promised_limit_days"),
    )
    top = (
        versions.filter(promised_limit_days__lt=F("statutory_limit_days"))
        .annotate(_cut=F("statutory_limit_days") - F("promised_limit_days"))
        .order_by("-_cut", "item__code")
        .values_list("name", "department__name", "statutory_limit_days", "promised_limit_days")[
            :largest
        ]
    )
    return Limits(
        items=row["items"] or 0,
        cut_items=row["cut"] or 0,
        immediate_items=row["immediate"] or 0,
        statutory_total=row["statutory"] or 0,
        promised_total=row["promised"] or 0,
        largest=[LimitRow(*values) for values in top],
    )


def units(f: Filter, departments: list[int] | None) -> tuple[list[UnitRow], DistrictWide]:
    """The delegated units (赋权 in force during the year, cases accepted nearby) and
    全域通办 (its items' cases, and those registered at each unit): six queries at
    most, whatever the data."""
    start, end = f.start, f.end
    delegations = Delegation.objects.filter(granted_on__lte=end).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gte=start)
    )
    if departments is not None:
        delegations = delegations.filter(item__current_version__department_id__in=departments)
    delegated = dict(
        delegations.order_by()
        .values("grantee_id")
        .annotate(n=Count("item_id", distinct=True))
        .values_list("grantee_id", "n")
    )
    by_unit = {row.key: row.figures for row in rollups.case_breakdown(f, "unit") if row.key}
    district_items = set(
        _published(departments)
        .filter(tongban_scope=TongbanScope.DISTRICT)
        .values_list("item_id", flat=True)
    )
    district = DistrictWide(items=len(district_items))
    district_by_unit: dict[int, int] = {}
    if district_items:
        for (unit, item), figures in rollups.case_grid(f, "unit", "item").items():
            if item not in district_items:
                continue
            district.received += figures.received
            district.accepted += figures.accepted
            district.concluded += figures.concluded
            if unit is not None:
                district_by_unit[unit] = district_by_unit.get(unit, 0) + figures.received
        district.nearby = sum(district_by_unit.values())
    keys = set(delegated) | set(by_unit)
    info = {d.pk: d for d in Department.objects.filter(pk__in=keys).only("pk", "name", "kind")}
    rows = []
    for pk in keys:
        department = info.get(pk)
        if department is None:
            continue
        row = UnitRow(
            pk=pk,
            name=department.name,
            kind=SHORT_KINDS.get(department.kind, department.get_kind_display()),
            delegated_items=delegated.get(pk, 0),
            cases=by_unit.get(pk, CaseFigures()),
        )
        row.district_received = district_by_unit.get(pk, 0)
        rows.append(row)
    rows.sort(key=lambda r: (-r.delegated_items, -r.cases.received, r.name))
    return rows, district


def _months(year: int, f: Filter) -> list[Month]:
    cases = {row.key: row.figures for row in rollups.case_breakdown(f, "month")}
    ratings = {row.key: row.figures for row in rollups.rating_breakdown(f, "month")}
    months = []
    for number in range(1, 13):
        day = datetime.date(year, number, 1)
        months.append(Month(day, cases.get(day, CaseFigures()), ratings.get(day, Counts())))
    return months


def hall_year(year: int) -> tuple[list[HallRow], HallRow, list[HallRow]]:
    """The halls' tickets of the year from the hall rollups (``supervision.hall_figures``,
    a statement each): per hall with tickets, all halls, and per month (key: its first
    day) of the months with tickets."""
    f = Filter(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
    per_hall = period_rows(f, "hall")
    halls = [
        replace(per_hall[pk], name=name)
        for pk, name in Hall.objects.order_by("code").values_list("pk", "name")
        if pk in per_hall and per_hall[pk].issued
    ]
    per_month = period_rows(f, "month")
    months = [
        replace(per_month[first], name=f"{first.month} 月")
        for first in sorted(per_month)
        if per_month[first].issued
    ]
    return halls, period_row(f, "合计"), months


def scope_label(departments: list[int] | None) -> str:
    if departments is None:
        return "金普新区（全区）"
    names = list(
        Department.objects.filter(pk__in=departments)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not names:
        return "（无督查部门）"
    label = "、".join(names)
    return label if len(label) <= 120 else f"{names[0]} 等 {len(names)} 个部门"


def annual_figures(
    year: int, departments: list[int] | None, progress: Progress = _nothing
) -> Annual:
    """Every figure of the year over the scope (None: the district)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    scope = None if departments is None else frozenset(departments)
    f = Filter(start=start, end=end, scope=scope)
    progress(15, "统计办件总体情况")
    cases = rollups.case_figures(f)
    previous = rollups.case_figures(
        Filter(
            start=datetime.date(year - 1, 1, 1), end=datetime.date(year - 1, 12, 31), scope=scope
        )
    )
    months = _months(year, f)
    duration = rollups.duration_distribution(f).get(None, {})
    progress(30, "统计网上办与一次办结")
    channels = rollups.case_breakdown(f, "channel")
    catalog = catalog_share(departments)
    progress(40, "统计好差评")
    ratings = rollups.rating_counts(f)
    # Every department with cases or ratings (a park's intake ratings: the park's row).
    department_rows = [
        DepartmentRow(row.label, row.cases, row.ratings)
        for row in rollups.breakdown(f, "department")
    ]
    progress(50, "统计赋权与全域通办")
    unit_rows, district = units(f, departments)
    progress(60, "统计承诺时限压缩")
    limit_figures = limits(departments)
    halls = hall_total = hall_months = None
    if departments is None:
        progress(70, "统计大厅取号叫号")
        halls, hall_total, hall_months = hall_year(year)
    return Annual(
        year=year,
        scope_label=scope_label(departments),
        district_wide=departments is None,
        start=start,
        end=end,
        cases=cases,
        previous=previous,
        months=months,
        channels=channels,
        departments=department_rows,
        duration=duration,
        ratings=ratings,
        catalog=catalog,
        units=unit_rows,
        district=district,
        limits=limit_figures,
        halls=halls,
        hall_total=hall_total,
        hall_months=hall_months,
    )


# --- Charts ------------------------------------------------------------------------------


def _rate(value) -> float | None:
    return None if value is None else float(value)


def duration_buckets(duration: dict[int, int]) -> list[tuple[str, int]]:
    """The working days taken, in buckets the chart can show whatever the spread."""
    buckets = [
        ("当日", 0, 0),
        ("1 日", 1, 1),
        ("2 日", 2, 2),
        ("3 日", 3, 3),
        ("4–5 日", 4, 5),
        ("6–10 日", 6, 10),
        ("11–20 日", 11, 20),
        ("20 日以上", 21, 10**6),
    ]
    return [
        (label, sum(n for days, n in duration.items() if low <= days <= high))
        for label, low, high in buckets
    ]


def charts(a: Annual) -> dict:
    """The report's charts as inline SVG."""
    labels = [m.label for m in a.months]
    channel_parts = [(row.label, row.figures.received) for row in a.channels]
    if not channel_parts:
        channel_parts = [(str(Channel.COUNTER.label), 0), (str(Channel.ONLINE.label), 0)]
    result = {
        "monthly": svg.bar_chart(
            labels,
            [
                ("收件", [m.cases.received for m in a.months]),
                ("受理", [m.cases.accepted for m in a.months]),
                ("办结", [m.cases.concluded for m in a.months]),
            ],
            title=f"{a.year} 年各月收件、受理、办结",
        ),
        "rates": svg.line_chart(
            labels,
            [
                ("按时办结率", [_rate(m.cases.on_time_rate) for m in a.months]),
                ("一次办结率", [_rate(m.cases.one_visit_rate) for m in a.months]),
            ],
            title=f"{a.year} 年各月按时办结率、一次办结率",
        ),
        "channels": svg.donut(
            channel_parts,
            title="收件渠道构成",
            centre=f"{a.cases.online_rate or 0}%" if a.cases.received else "—",
        ),
        "online": svg.line_chart(
            labels,
            [("网办率", [_rate(m.cases.online_rate) for m in a.months])],
            title=f"{a.year} 年各月网办率",
            floor=0,
        ),
        "satisfaction": svg.line_chart(
            labels,
            [("好评率", [_rate(m.good_rate) for m in a.months])],
            title=f"{a.year} 年各月好评率",
        ),
        "ratings": svg.bar_chart(
            labels,
            [
                ("评价数", [m.ratings.rated for m in a.months]),
                ("差评数", [m.ratings.bad for m in a.months]),
            ],
            title=f"{a.year} 年各月评价数与差评数",
        ),
        "duration": svg.bar_chart(
            [label for label, _n in duration_buckets(a.duration)],
            [("办结件数", [n for _label, n in duration_buckets(a.duration)])],
            title="受理至办结所用工作日分布",
        ),
    }
    if any(unit.cases.received for unit in a.units):
        result["units"] = svg.hbar_chart(
            [(row.name, row.cases.received) for row in a.units[:10]],
            title="就近受理单位收件",
            color=svg.PALETTE[2],
        )
    if a.hall_months:
        result["hall"] = svg.bar_chart(
            [f"{row.key.month} 月" for row in a.hall_months],
            [
                ("取号", [row.issued for row in a.hall_months]),
                ("办理完成", [row.served for row in a.hall_months]),
            ],
            title="大厅各月取号与办理",
        )
    return result
