"""The read API of supervision's rollups: the figures of cases and ratings for a filter.

Pages, exports and the annual report read the figures here; nothing reads the rollup
tables (``supervision.models``) directly. ``supervision.refresh`` keeps them current
(within a minute, from intake's ``CaseEvent`` record and feedback's ratings).

The filter
----------
``Filter(start, end, hall, department, item, channel, unit, scope)``: local days from
``start`` to ``end`` (both included, either open), one hall / implementing department /
item / channel / delegated unit (就近受理单位) each or none, and ``scope``: the departments
the reader may see (``None`` for the district; ``accounts.selectors.supervision_scope``
builds it). Every
function below answers in a fixed number of queries whatever the data: whole months come
from the monthly rows, the days of a partial month at either end from the daily rows.

What is counted (each on the local day of its event, ``CaseEvent.at``)
--------------------------------------------------------------------
``CaseFigures`` holds the counts; its properties are the rates (``Decimal`` percentages
with two decimals, ``None`` with nothing under the denominator).

- ``received``: applications submitted online or received at a window (submit, receive);
  ``received_online`` those of the online channel (网办率 = received_online / received);
- ``accepted`` (accept, auto_accept); ``deemed_accepted`` the auto_accept ones (逾期视为受理,
  art. 32); ``corrected``: one-time correction notices (一次性告知补正); ``refused``;
- ``concluded`` (conclude, conclude_immediately); ``immediate``: 即办件 concluded on the
  spot; ``on_time``: concluded on or before the promised due date
  (``Application.promised_due_date``, with pauses and extensions; none: on time);
  ``early``: strictly before it (提前办结率 = early / concluded); ``overdue``: after it
  (按时办结率 = on_time / concluded); 即办件占比 = immediate / concluded;
- ``one_visit``: concluded cases with at most one visit (一次办结: acts at a window with
  the applicant there on at most one day: ``refresh.VISIT_ACTIONS``);
- ``days_total``: the working days from the acceptance day to the conclusion day (current
  calendar) summed over the concluded; ``promised_total`` / ``statutory_total``: their
  items' promised and statutory limits summed (so averages compare like with like);
- ``duration_distribution``: concluded cases per number of working days taken.

Ratings (``rating_counts``): ``feedback.figures.Counts`` over the ratings rated in the
period (the instance's hall, department and item; the case's channel and unit), so
``feedback.figures.FIGURES`` (好评率, 差评整改率, ...) apply to them unchanged;
``rating_groups``: the same per value of a grouping, also per window, staff member,
service stage or rating channel (评价渠道) of the rated service.

The cases behind a figure: ``cases(code, filter)`` is a queryset of ``Application`` for
each count code above (and ``rating:<count>`` for the ratings' counts), the direct
count the rollup must equal (the tests compare them) and what the case search lists;
``ratings(code, filter)`` the ratings behind a rating count (the rating list).

For the rankings and the annual report (``report``)
-------------------------------------------------
- ``case_breakdown(f, by)`` / ``rating_breakdown(f, by)``: one row per department, item,
  hall, channel, unit or month (``BY``), with its label; ``breakdown(f, by)`` both in
  one row per group that has either (each counted by its own attribution, so the rows
  add up to the totals); ``duration_distribution(f, by)``
  per item (or any ``BY``) for promised vs statutory vs actual working days;
  ``case_grid(f, first, second)`` per pair (the delegations page: unit and item);
- not in the rollups: the cases' windows and staff (count them from ``CaseEvent`` by
  ``(action, at)``: ``case_event_action_at``); the ratings' are (``rating_groups``).

What a data generator must populate for these figures: ``CaseEvent`` rows with the
actions above and ``at`` (accept/auto_accept, submit/receive, request_correction, refuse,
conclude/conclude_immediately; visits: the acts of ``VISIT_ACTIONS`` with ``window`` and
``actor`` set), and on ``Application``: ``hall``, ``channel``, ``accepting_unit``,
``item_version`` (its ``department``, ``item``, limits), ``accepted_at``, ``concluded_at``,
``promised_due_date``; ratings as feedback's services write them. Rows written without
the services (bulk SQL) are picked up by the next minute's refresh when their ids are
past the marks; after a bulk load call ``supervision.refresh.rebuild()`` once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Department, Hall
from catalog.constants import VersionStatus
from catalog.models import ServiceItem
from feedback.figures import COUNTS as RATING_COUNTS
from feedback.figures import Counts, Summable, counted_ratings, percent, period_filter
from feedback.models import Rating
from intake.constants import Channel
from intake.models import Application, CaseEvent

from .models import CaseCounts, RatingCounts, RatingServiceDay, RatingServiceMonth
from .refresh import ACCEPTED, CONCLUDED, FAMILIES, RECEIVED, VISIT_ACTIONS

TENTH = Decimal("0.1")


# --- The filter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    start: datetime.date | None = None
    end: datetime.date | None = None
    hall: int | None = None
    department: int | None = None
    item: int | None = None
    channel: str = ""
    unit: int | None = None
    #: the departments the reader may see; None: the whole district
    scope: frozenset[int] | None = None

    def _dimensions(self, paths: dict[str, str], channel: str) -> Q:
        """The filter's hall, department, item and unit, each at its path from the
        queried model (``paths``), and its channel at ``channel``: the one walk that
        ``rows``, ``applications`` and ``ratings`` share."""
        q = Q()
        for name, path in paths.items():
            if getattr(self, name) is not None:
                q &= Q(**{path: getattr(self, name)})
        if self.channel:
            q &= Q(**{channel: self.channel})
        return q

    def rows(self) -> Q:
        """The filter's dimensions over rollup rows."""
        names = ("hall", "department", "item", "unit")
        q = self._dimensions({name: f"{name}_id" for name in names}, "channel")
        if self.scope is not None:
            q &= Q(department_id__in=sorted(self.scope))
        return q

    def applications(self, via: str = "") -> Q:
        """The same dimensions over Application, or over a model that reaches it through
        ``via`` (``"application__"`` from CaseEvent)."""
        paths = {
            "hall": "hall_id",
            "department": "item_version__department_id",
            "item": "item_version__item_id",
            "unit": "accepting_unit_id",
        }
        q = self._dimensions(
            {name: f"{via}{path}" for name, path in paths.items()}, f"{via}channel"
        )
        if self.scope is not None:
            q &= Q(**{f"{via}item_version__department_id__in": sorted(self.scope)})
        return q

    def ratings(self) -> Q:
        """The same dimensions over Rating (as the rating rollup groups them)."""
        paths = {
            "hall": "instance__hall_id",
            "department": "instance__department_id",
            "item": "instance__item_id",
            "unit": "instance__application__accepting_unit_id",
        }
        q = self._dimensions(paths, "instance__application__channel")
        if self.scope is not None:
            q &= Q(instance__department_id__in=sorted(self.scope))
        return q


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def period_parts(start: datetime.date | None, end: datetime.date | None) -> tuple[Q | None, Q]:
    """(The monthly rows' filter or None, the daily rows' filter) covering start..end:
    whole months from the monthly rows, the rest from the daily rows."""
    first = None if start is None else start if start.day == 1 else _next_month(start)
    after = None
    if end is not None:
        after = (
            _next_month(end) if (end + datetime.timedelta(days=1)).day == 1 else end.replace(day=1)
        )
    if first is not None and after is not None and first >= after:
        daily = Q()
        if start is not None:
            daily &= Q(day__gte=start)
        if end is not None:
            daily &= Q(day__lte=end)
        return None, daily
    monthly = Q()
    if first is not None:
        monthly &= Q(day__gte=first)
    if after is not None:
        monthly &= Q(day__lt=after)
    daily = Q(pk__in=[])
    if start is not None and start < first:
        daily |= Q(day__gte=start, day__lt=first)
    if end is not None and after <= end:
        daily |= Q(day__gte=after, day__lte=end)
    return monthly, daily


def _tables(family: str, f: Filter, by: str | None = None) -> tuple[type, type]:
    """(day table, month table) of a family: the per-item level only when the filter or
    the grouping needs the item."""
    tables = FAMILIES[family]
    if f.item is not None or by == "item":
        return tables.item_day, tables.item_month
    return tables.day, tables.month


def _sources(family: str, f: Filter, by: str | None = None) -> list[QuerySet]:
    return _period_sources(*_tables(family, f, by), f)


def _period_sources(daily_model, monthly_model, f: Filter) -> list[QuerySet]:
    """The rows of the filter: whole months' from ``monthly_model``, the other days'
    from ``daily_model``."""
    monthly, daily = period_parts(f.start, f.end)
    where = f.rows()
    sources = []
    if monthly is not None:
        sources.append(monthly_model.objects.filter(monthly, where))
    if daily != Q(pk__in=[]):
        sources.append(daily_model.objects.filter(daily, where))
    return sources


# --- Case figures ---------------------------------------------------------------------------


@dataclass
class CaseFigures(Summable):
    received: int = 0
    received_online: int = 0
    accepted: int = 0
    deemed_accepted: int = 0
    corrected: int = 0
    refused: int = 0
    concluded: int = 0
    immediate: int = 0
    on_time: int = 0
    early: int = 0
    overdue: int = 0
    one_visit: int = 0
    days_total: int = 0
    promised_total: int = 0
    statutory_total: int = 0

    def _average(self, total: int) -> Decimal | None:
        if not self.concluded:
            return None
        return (Decimal(total) / Decimal(self.concluded)).quantize(TENTH, ROUND_HALF_UP)

    @property
    def on_time_rate(self):
        """按时办结率: concluded on or before the promised due date / concluded."""
        return percent(self.on_time, self.concluded)

    @property
    def early_rate(self):
        """提前办结率: concluded strictly before the promised due date / concluded."""
        return percent(self.early, self.concluded)

    @property
    def online_rate(self):
        """网办率: received online / received."""
        return percent(self.received_online, self.received)

    @property
    def one_visit_rate(self):
        """一次办结率: concluded with at most one visit / concluded."""
        return percent(self.one_visit, self.concluded)

    @property
    def immediate_share(self):
        """即办件占比: 即办件 concluded on the spot / concluded."""
        return percent(self.immediate, self.concluded)

    @property
    def average_days(self):
        """Average working days from acceptance to conclusion."""
        return self._average(self.days_total)

    @property
    def average_promised(self):
        return self._average(self.promised_total)

    @property
    def average_statutory(self):
        return self._average(self.statutory_total)


# received_online first: an alias named like a field hides the field from the
# aggregates after it.
_CASE_SUMS = {"received_online": Sum("received", filter=Q(channel=Channel.ONLINE))} | {
    name: Sum(name) for name in CaseCounts.COUNTS
}


def _case_figures(row: dict) -> CaseFigures:
    return CaseFigures(**{name: row.get(name) or 0 for name in _CASE_SUMS})


def case_figures(f: Filter) -> CaseFigures:
    """The case figures of the filter (one or two queries)."""
    total = CaseFigures()
    for rows in _sources("case", f):
        total += _case_figures(rows.aggregate(**_CASE_SUMS))
    return total


_RATING_SUMS = {name: Sum(name) for name in RatingCounts.COUNTS}


def _counts(row: dict) -> Counts:
    return Counts(**{name: row[name] or 0 for name in _RATING_SUMS})


def rating_counts(f: Filter) -> Counts:
    """feedback.figures.Counts of the ratings of the filter (one or two queries)."""
    total = Counts()
    for rows in _sources("rating", f):
        total += _counts(rows.aggregate(**_RATING_SUMS))
    return total


# --- Breakdowns -----------------------------------------------------------------------------

#: What a breakdown can group by: the rollup rows' field.
BY = {
    "department": "department_id",
    "item": "item_id",
    "hall": "hall_id",
    "channel": "channel",
    "unit": "unit_id",
    "month": "day",
    "day": "day",
}
BY_LABELS = {
    "department": "部门",
    "item": "事项",
    "hall": "大厅",
    "channel": "渠道",
    "unit": "就近受理单位",
    "month": "月份",
    "day": "日期",
}
NONE_LABELS = {
    "department": "（未指定部门）",
    "hall": "网上办理（无大厅）",
    "unit": "中心受理（非就近受理）",
    "channel": "（未知渠道）",
    "item": "（未知事项）",
}


@dataclass
class Row:
    key: object
    label: str
    figures: object  # CaseFigures or Counts


def _group_key(by: str, value):
    if by == "month" and value is not None:
        return value.replace(day=1)
    return value


def _labels(by: str, keys) -> dict:
    ids = [k for k in keys if k is not None]
    if by in ("department", "unit"):
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "hall":
        return dict(Hall.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "item":
        return {
            pk: name or code
            for pk, code, name in ServiceItem.objects.filter(pk__in=ids).values_list(
                "pk", "code", "current_version__name"
            )
        }
    if by == "channel":
        return {k: str(Channel(k).label) for k in ids if k in Channel.values}
    if by == "month":
        return {k: f"{k:%Y 年 %m 月}" for k in ids}
    return {k: f"{k:%Y-%m-%d}" for k in ids}


def _groups(family: str, f: Filter, by: str, sums: dict, make) -> dict:
    """{value of ``by``: the figures ``make`` makes of its rows' ``sums``}."""
    if by == "day":
        sources = [_tables(family, f)[0].objects.filter(_whole(f), f.rows())]
    else:
        sources = _sources(family, f, by)
    return _sum_groups(sources, by, BY[by], sums, make)


def _sum_groups(sources, by: str, field: str, sums: dict, make) -> dict:
    groups: dict = {}
    for rows in sources:
        for row in rows.order_by().values(field).annotate(**sums):
            key = _group_key(by, row[field])
            value = make(row)
            groups[key] = groups[key] + value if key in groups else value
    return groups


def _breakdown(family: str, f: Filter, by: str, sums: dict, make) -> list[Row]:
    groups = _groups(family, f, by, sums, make)
    labels = _labels(by, groups)
    result = [
        Row(key, labels.get(key) or NONE_LABELS.get(by, "—"), value)
        for key, value in groups.items()
    ]
    if by in ("month", "day"):
        result.sort(key=lambda r: r.key)
    return result


def _whole(f: Filter) -> Q:
    """For a breakdown by day: the daily rows of the whole period."""
    q = Q()
    if f.start is not None:
        q &= Q(day__gte=f.start)
    if f.end is not None:
        q &= Q(day__lte=f.end)
    return q


def case_breakdown(f: Filter, by: str) -> list[Row]:
    """One row per value of ``by`` (``BY``) with its CaseFigures; largest first (months
    and days in order). Two or three queries."""
    rows = _breakdown("case", f, by, _CASE_SUMS, _case_figures)
    if by not in ("month", "day"):
        rows.sort(key=lambda r: (-r.figures.received - r.figures.concluded, r.label))
    return rows


def rating_breakdown(f: Filter, by: str) -> list[Row]:
    """One row per value of ``by`` with its feedback Counts."""
    rows = _breakdown("rating", f, by, _RATING_SUMS, _counts)
    if by not in ("month", "day"):
        rows.sort(key=lambda r: (-r.figures.rated, r.label))
    return rows


@dataclass
class Breakdown:
    """One group of ``breakdown``: its case figures and its ratings' counts."""

    key: object
    label: str
    cases: CaseFigures
    ratings: Counts


def breakdown(f: Filter, by: str) -> list[Breakdown]:
    """One row per value of ``by`` (``BY``) with its CaseFigures and its ratings' Counts,
    for every value that has either. Each kind keeps its own attribution, the one its
    total counts by: a case belongs to its item's implementing department, a rating to
    its service's (the accepting unit for an intake accepted nearby, the deciding
    department for a conclusion). So a park's intake ratings have the park's row even
    when the park implements no item, and the rows' ratings add up to
    ``rating_counts(f)`` as their cases to ``case_figures(f)``. In ``case_breakdown``'s
    order, then the groups with ratings only (most rated first); months and days in
    order. Four to six queries."""
    rated = {row.key: row for row in rating_breakdown(f, by)}
    rows = []
    for row in case_breakdown(f, by):
        counts = rated.pop(row.key).figures if row.key in rated else Counts()
        rows.append(Breakdown(row.key, row.label, row.figures, counts))
    rows += [Breakdown(r.key, r.label, CaseFigures(), r.figures) for r in rated.values()]
    if by in ("month", "day"):
        rows.sort(key=lambda r: r.key)
    return rows


#: What ``rating_groups`` groups by besides ``BY``: the per-service rows' field.
SERVICE_BY = {
    "window": "window_id",
    "staff": "staff_id",
    "stage": "stage",
    "rating_channel": "rating_channel",
}


def rating_groups(f: Filter, by: str) -> dict[object, Counts]:
    """feedback.figures.Counts of the ratings of the filter per value of ``by``, not
    labelled: {key: Counts} (one or two queries). ``by``: one of ``BY`` (the per-item
    rating rows), or of ``SERVICE_BY``: the window, staff member, service stage or rating
    channel (评价渠道) of the rated service (None for the ratings without a window or
    staff member), from the per-service rows, which have the instance's hall and
    department but not the item, the case's channel or the delegated unit."""
    if by not in SERVICE_BY:
        return _groups("rating", f, by, _RATING_SUMS, _counts)
    if f.item is not None or f.channel or f.unit is not None:
        raise ValueError("the per-service rating rows have no item, case channel or unit")
    sources = _period_sources(RatingServiceDay, RatingServiceMonth, f)
    return _sum_groups(sources, by, SERVICE_BY[by], _RATING_SUMS, _counts)


def case_grid(f: Filter, first: str, second: str) -> dict[tuple, CaseFigures]:
    """CaseFigures per pair of values of two groupings of ``BY`` (not month or day),
    e.g. per delegated unit and item: {(first value, second value): CaseFigures}. One
    or two queries (the per-item rows when either is the item)."""
    columns = (BY[first], BY[second])
    grid: dict[tuple, CaseFigures] = {}
    for rows in _sources("case", f, "item" if "item" in (first, second) else first):
        for row in rows.order_by().values(*columns).annotate(**_CASE_SUMS):
            key = (row[columns[0]], row[columns[1]])
            value = _case_figures(row)
            grid[key] = grid[key] + value if key in grid else value
    return grid


def duration_distribution(f: Filter, by: str | None = None) -> dict:
    """Working days from acceptance to conclusion → concluded cases, for the whole
    filter (key None) or per value of ``by``: {key: {days: cases}}."""
    field = BY[by] if by else None
    result: dict = {}
    for rows in _sources("duration", f, by):
        values = ("days", field) if field else ("days",)
        for row in rows.order_by().values(*values).annotate(n=Sum("cases")):
            key = _group_key(by, row[field]) if field else None
            bucket = result.setdefault(key, {})
            bucket[row["days"]] = bucket.get(row["days"], 0) + row["n"]
    return {key: dict(sorted(bucket.items())) for key, bucket in result.items()}


# --- The catalog ----------------------------------------------------------------------------


@dataclass
class CatalogShare:
    items: int
    online: int

    @property
    def rate(self):
        return percent(self.online, self.items)


def catalog_online_share() -> CatalogShare:
    """The published items that accept applications and those that can be done online
    (the report's 1,010 of 1,062): one query."""
    row = ServiceItem.objects.filter(current_version__status=VersionStatus.PUBLISHED).aggregate(
        items=Count("pk"), online=Count("pk", filter=Q(current_version__online_available=True))
    )
    return CatalogShare(row["items"] or 0, row["online"] or 0)


# --- The cases behind a figure --------------------------------------------------------------


def _events(actions, f: Filter) -> Exists:
    return Exists(
        CaseEvent.objects.filter(
            period_filter(f.start, f.end, "at"), application=OuterRef("pk"), action__in=actions
        )
    )


def visit_count() -> Coalesce:
    """Per application: the days it had an act at a window with the applicant there."""
    days = (
        CaseEvent.objects.filter(
            application=OuterRef("pk"),
            action__in=VISIT_ACTIONS,
            window_id__isnull=False,
            actor_id__isnull=False,
        )
        .annotate(_day=TruncDate("at"))
        .order_by()
        .values("application")
        .annotate(n=Count("_day", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(days, output_field=IntegerField()), Value(0))


#: Count code → its Chinese label, for the case search's heading.
CASE_CODES = {
    "received": "收件",
    "received_online": "网上办收件",
    "accepted": "受理",
    "deemed_accepted": "逾期视为受理",
    "corrected": "一次性告知补正",
    "refused": "不予受理",
    "concluded": "办结",
    "immediate": "即办件办结",
    "on_time": "按时办结",
    "early": "提前办结",
    "overdue": "超期办结",
    "one_visit": "一次办结",
}
RATING_CODES = {
    "rated": "评价",
    "good": "好评",
    "active": "主动评价",
    "bad": "差评",
    "defaulted": "默认评价",
    "rectified": "已整改差评",
}


def ratings(code: str, f: Filter) -> QuerySet[Rating]:
    """The counted ratings behind the rating count ``code`` (``RATING_CODES``) of the
    filter: as many as ``rating_counts(f)`` holds under that name (the rollups store
    those counts of these rows; the tests compare them), what the rating list shows."""
    if code not in RATING_CODES:
        raise ValueError(code)
    behind = counted_ratings().filter(period_filter(f.start, f.end), f.ratings())
    return behind if code == "rated" else behind.filter(RATING_COUNTS[code])


def cases(code: str, f: Filter, base: QuerySet[Application] | None = None) -> QuerySet:
    """The applications behind the count ``code`` (``CASE_CODES``, or ``rating:<code>``
    of ``RATING_CODES``) of the filter: what the figure counts, listed."""
    qs = (base if base is not None else Application.objects.all()).filter(f.applications())
    if code.startswith("rating:"):
        behind = ratings(code.split(":", 1)[1], f).filter(instance__application=OuterRef("pk"))
        return (base if base is not None else Application.objects.all()).filter(Exists(behind))
    simple = {
        "received": RECEIVED,
        "accepted": ACCEPTED,
        "deemed_accepted": ("auto_accept",),
        "corrected": ("request_correction",),
        "refused": ("refuse",),
        "concluded": CONCLUDED,
        "immediate": ("conclude_immediately",),
    }
    if code in simple:
        return qs.filter(_events(simple[code], f))
    if code == "received_online":
        return qs.filter(_events(RECEIVED, f), channel=Channel.ONLINE)
    concluded = qs.filter(_events(CONCLUDED, f)).annotate(_day=TruncDate("concluded_at"))
    due = F("promised_due_date")
    if code == "on_time":
        return concluded.filter(Q(promised_due_date__isnull=True) | Q(_day__lte=due))
    if code == "early":
        return concluded.filter(_day__lt=due)
    if code == "overdue":
        return concluded.filter(_day__gt=due)
    if code == "one_visit":
        return concluded.annotate(_visits=visit_count()).filter(_visits__lte=1)
    raise ValueError(code)
