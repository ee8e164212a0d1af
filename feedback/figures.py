"""The figures of 好差评, each defined once here, with the standard it comes from.

Every page, API answer and export that shows a figure reads it from this module:

- the *counts* (``COUNTS``) say which ratings each figure counts, as filters over
  ``Rating`` and its ``ServiceInstance``;
- each *figure* is one function of those counts (``@figure``), whose docstring names
  the standard that defines it;
- ``figure_table`` computes every count of every group in **one grouped query**
  (conditional aggregation: ``COUNT(*) FILTER (WHERE ...)`` on PostgreSQL, ``CASE``
  elsewhere) over the ratings of a period, grouped by month, item, department, hall,
  window, staff member, channel or service stage (一事一评 rollups, GB/T 39734-2020).

What is counted: every rating of a service instance (一次一评), the citizen's and the
default 基本满意 recorded when the period ends unrated, except ratings an accepted appeal
(申诉复核) ruled mistaken or malicious (``Rating.excluded``): those stay in the record and
the ratings list, never in a figure. A rating belongs to the period of its ``rated_at``
(local date, Asia/Shanghai); a follow-up (追评) does not change the level counted.

The order figures (差评整改率, 回访率, average working days to rectify) read each 差评's
rectification order (one to one, so the grouped query's rows are not multiplied) and
whether it has a return visit (an EXISTS in the count's filter). The average needs the
working-day calendar (``catalog.calendar``, a cached table with its rules), so it takes
a second query: the opening and reply moments of the replied orders, per group.

Rates are percentages with two decimals (``Decimal``, rounded half up), the average
working days one decimal; ``None`` when nothing is counted under the denominator (shown
as "—", never as 0 % or 100 %).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Self

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Hall, Window
from catalog.calendar import current_calendar, working_days_between
from catalog.models import ServiceItem

from .constants import BAD_LEVELS, GOOD_LEVELS, OrderStatus, RatingChannel, Stage
from .models import Rating, ReturnVisit

# --- What is counted ---------------------------------------------------------------------


class Summable:
    """Base of a dataclass of counts: two add up field by field (``a + b``, ``total +=
    row``) into a new one of the same class."""

    def __add__(self, other: Self) -> Self:
        return type(self)(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


@dataclass
class Counts(Summable):
    """The counts one group's figures are computed from (all over counted ratings:
    in the period, not excluded by an accepted appeal)."""

    #: every rating counted, the citizen's and the default ones
    rated: int = 0
    #: levels 1-3 (非常满意, 满意, 基本满意), default ratings included
    good: int = 0
    #: ratings the citizen gave (主动评价): not default
    active: int = 0
    #: active ratings of levels 1-3
    active_good: int = 0
    #: 差评: levels 4 and 5 (a default rating is never one)
    bad: int = 0
    #: default ratings (基本满意 recorded when the period ended unrated)
    defaulted: int = 0
    #: 差评 whose order has been rectified and replied to (waiting for or past the
    #: return visit; a reopened order counts again once replied again)
    rectified: int = 0
    #: 差评 whose order has had a return visit (回访评价)
    visited: int = 0
    #: replied orders with their working days from opening to the (last) reply
    replied: int = 0
    rectify_days: int = 0


#: The filter of each count, over Rating (the row is a counted rating already).
COUNTS: dict[str, Q] = {
    "good": Q(level__in=sorted(GOOD_LEVELS)),
    "active": Q(is_default=False),
    "active_good": Q(is_default=False, level__in=sorted(GOOD_LEVELS)),
    "bad": Q(level__in=sorted(BAD_LEVELS)),
    "defaulted": Q(is_default=True),
    "rectified": Q(
        level__in=sorted(BAD_LEVELS),
        rectification_order__status__in=[OrderStatus.VISIT, OrderStatus.RULING, OrderStatus.CLOSED],
    ),
    "visited": Q(
        Exists(ReturnVisit.objects.filter(order__rating=OuterRef("pk"))),
        level__in=sorted(BAD_LEVELS),
    ),
}


def counted_ratings() -> QuerySet[Rating]:
    """The ratings every figure counts: all but those an accepted appeal excluded."""
    return Rating.objects.filter(excluded=False)


# --- The figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    standard: str
    definition: str  # the 口径 in Chinese, as pages and the API show it
    unit: str  # "%" or "个工作日"
    func: Callable[[Counts], Decimal | None] = field(repr=False)

    do_not_call_in_templates = True  # a template reads f.label; it never calls f()

    def __call__(self, counts: Counts) -> Decimal | None:
        return self.func(counts)


FIGURES: dict[str, Figure] = {}


def figure(code: str, label: str, standard: str, definition: str, unit: str = "%"):
    """Register a figure: ``code`` (API field), Chinese ``label``, the ``standard`` it
    comes from, its ``definition`` (口径) in Chinese for pages and the API, its unit."""

    def register(func):
        FIGURES[code] = Figure(code, label, standard, definition, unit, func)
        return func

    return register


HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage with two decimals, rounded half up;
    None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


GB_T_39735 = "GB/T 39735-2020《政务服务评价工作指南》"


@figure(
    "good_rate",
    "好评率",
    GB_T_39735,
    "非常满意、满意、基本满意的评价数 ÷ 评价总数（均含默认评价）",
)
def good_rate(c: Counts) -> Decimal | None:
    """好评率 (GB/T 39735-2020): ratings of 非常满意, 满意 and 基本满意 over all ratings,
    default ratings (基本满意) included in both."""
    return percent(c.good, c.rated)


@figure(
    "active_good_rate",
    "主动评价好评率",
    GB_T_39735,
    "主动评价中非常满意、满意、基本满意的评价数 ÷ 主动评价数（均不含默认评价）",
)
def active_good_rate(c: Counts) -> Decimal | None:
    """主动评价好评率 (GB/T 39735-2020): the same over the ratings the citizens gave
    themselves (主动评价), default ratings out of both."""
    return percent(c.active_good, c.active)


@figure("bad_rate", "差评率", GB_T_39735, "不满意、非常不满意的评价数 ÷ 评价总数（含默认评价）")
def bad_rate(c: Counts) -> Decimal | None:
    """差评率 (GB/T 39735-2020, the complement of 好评率): ratings of 不满意 and 非常不满意
    over all ratings, default ratings included in the denominator."""
    return percent(c.bad, c.rated)


@figure(
    "unrated_rate",
    "不评率",
    GB_T_39735,
    "默认评价数（评价期内未评价、记为基本满意）÷ 评价总数",
)
def unrated_rate(c: Counts) -> Decimal | None:
    """不评率 (GB/T 39735-2020): default ratings (not rated within the period, recorded
    as 基本满意) over all ratings."""
    return percent(c.defaulted, c.rated)


GUOBANFA_51 = "国办发〔2019〕51号《关于建立政务服务“好差评”制度提高政务服务水平的意见》"


@figure(
    "rectified_rate",
    "差评整改率",
    GUOBANFA_51,
    "已整改并答复群众的差评数（整改单待回访评价、待督查裁定或已办结）÷ 差评数",
)
def rectified_rate(c: Counts) -> Decimal | None:
    """差评整改率 (国办发〔2019〕51号: every 差评 verified, rectified and replied to): 差评
    whose order has been rectified and replied (status visit, ruling or closed) over all
    差评 counted."""
    return percent(c.rectified, c.bad)


@figure(
    "visited_rate",
    "回访率",
    GUOBANFA_51,
    "已回访（群众对整改结果作出评价）的差评数 ÷ 差评数",
)
def visited_rate(c: Counts) -> Decimal | None:
    """回访率 (国办发〔2019〕51号: return visits to 100 % of real-name 差评): 差评 whose
    order has had a return visit (the citizen's rating of the fix) over all 差评 counted."""
    return percent(c.visited, c.bad)


TENTH = Decimal("0.1")


@figure(
    "rectify_days",
    "平均整改工作日",
    GUOBANFA_51,
    "已答复的整改单从生成到（最后一次）整改答复经过的工作日数的平均值（按工作日历）",
    unit="个工作日",
)
def rectify_days(c: Counts) -> Decimal | None:
    """Average working days to rectify (国办发〔2019〕51号 sets the rectification period;
    working days per catalog.calendar): from the order's opening to the unit's last
    reply, over the replied orders, one decimal."""
    if not c.replied:
        return None
    return (Decimal(c.rectify_days) / Decimal(c.replied)).quantize(TENTH, ROUND_HALF_UP)


# --- Groupings (一事一评 rollups) ------------------------------------------------------------


class Grouping(models.TextChoices):
    TOTAL = "total", _("合计")
    MONTH = "month", _("月份")
    ITEM = "item", _("事项")
    DEPARTMENT = "department", _("部门")
    HALL = "hall", _("大厅")
    WINDOW = "window", _("窗口")
    STAFF = "staff", _("工作人员")
    CHANNEL = "channel", _("评价渠道")
    STAGE = "stage", _("服务环节")


@dataclass(frozen=True)
class _GroupSpec:
    key: str  # the value the rows are grouped by (a path from Rating), "" for the total
    labels: tuple[str, ...] = ()  # further values naming the group
    none_label: str = ""  # the label of the group whose key is NULL


_GROUPS: dict[str, _GroupSpec] = {
    Grouping.TOTAL: _GroupSpec(""),
    Grouping.MONTH: _GroupSpec("month"),
    Grouping.ITEM: _GroupSpec(
        "instance__item_id", ("instance__item__code", "instance__item__current_version__name")
    ),
    Grouping.DEPARTMENT: _GroupSpec(
        "instance__department_id",
        ("instance__department__name", "instance__department__code"),
        "（未指定部门）",
    ),
    Grouping.HALL: _GroupSpec("instance__hall_id", ("instance__hall__name",), "网上办理（无大厅）"),
    Grouping.WINDOW: _GroupSpec(
        "instance__window_id",
        ("instance__window__hall__name", "instance__window__number"),
        "无窗口（网上办理或办结服务）",
    ),
    Grouping.STAFF: _GroupSpec(
        "instance__staff_id",
        ("instance__staff__full_name", "instance__staff__username"),
        "（未指定人员）",
    ),
    Grouping.CHANNEL: _GroupSpec("channel"),
    Grouping.STAGE: _GroupSpec("instance__stage"),
}


def _label(grouping: str, row: dict) -> str:
    spec = _GROUPS[grouping]
    key = row.get(spec.key) if spec.key else None
    if grouping == Grouping.TOTAL:
        return "合计"
    if key is None:
        return spec.none_label
    if grouping == Grouping.MONTH:
        return f"{key:%Y 年 %m 月}"
    if grouping == Grouping.CHANNEL:
        return str(RatingChannel(key).label)
    if grouping == Grouping.STAGE:
        return str(Stage(key).label)
    first, *rest = (row.get(name) for name in spec.labels)
    second = rest[0] if rest else None
    if grouping == Grouping.ITEM:
        return f"{second}（{first}）" if second else str(first)
    if grouping == Grouping.WINDOW:
        return f"{first} {second} 号窗口"
    if grouping == Grouping.STAFF:
        return first or second
    return str(first)


@dataclass
class FigureRow:
    """One group's counts and figures; ``key`` identifies the group (an id, a code, a
    month's first day; None for the group without one, and for the total)."""

    key: object
    label: str
    counts: Counts

    @property
    def figures(self) -> dict[str, Decimal | None]:
        return {code: f(self.counts) for code, f in FIGURES.items()}

    def __getattr__(self, name):
        # row.good_rate and so on, for templates.
        if name in FIGURES:
            return FIGURES[name](self.counts)
        raise AttributeError(name)


@dataclass
class FigureTable:
    grouping: str
    start: datetime.date | None
    end: datetime.date | None
    rows: list[FigureRow]
    total: FigureRow


def period_filter(start: datetime.date | None, end: datetime.date | None, path="rated_at") -> Q:
    """Rows whose ``path`` (a datetime) falls on a local day from ``start`` to ``end``,
    both included; an open end is no bound."""
    q = Q()
    zone = timezone.get_current_timezone()
    if start is not None:
        q &= Q(**{f"{path}__gte": datetime.datetime.combine(start, datetime.time(), zone)})
    if end is not None:
        after = end + datetime.timedelta(days=1)
        q &= Q(**{f"{path}__lt": datetime.datetime.combine(after, datetime.time(), zone)})
    return q


def figure_table(
    *,
    grouping: str = Grouping.TOTAL,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    scope: Q | None = None,
) -> FigureTable:
    """The counts and figures of every group of ``grouping`` among the counted ratings
    rated from ``start`` to ``end`` (local days, both included) within ``scope`` (a
    filter over Rating, ``feedback.selectors.StaffScope.rating_filter()``): one grouped query. The
    total is the sum of the groups (each rating is in exactly one group)."""
    grouping = Grouping(grouping)
    spec = _GROUPS[grouping]
    ratings = counted_ratings().filter(period_filter(start, end))
    if scope is not None:
        ratings = ratings.filter(scope)
    aggregates = {"rated": Count("pk")} | {
        name: Count("pk", filter=condition) for name, condition in COUNTS.items()
    }
    if grouping == Grouping.TOTAL:
        rows = [ratings.aggregate(**aggregates)]
    else:
        if grouping == Grouping.MONTH:
            ratings = ratings.annotate(month=TruncMonth("rated_at"))
        values = (spec.key, *spec.labels)
        rows = list(ratings.order_by().values(*values).annotate(**aggregates).order_by(spec.key))
    days = _rectify_days(ratings, spec.key)
    table_rows = []
    for row in rows:
        key = row.get(spec.key) if spec.key else None
        replied, total_days = days.get(key, (0, 0))
        counts = {name: row[name] or 0 for name in aggregates}
        table_rows.append(
            FigureRow(
                key=key,
                label=_label(grouping, row),
                counts=Counts(**counts, replied=replied, rectify_days=total_days),
            )
        )
    if grouping == Grouping.TOTAL:
        total = table_rows[0]
    else:
        total = FigureRow(None, "合计", sum((r.counts for r in table_rows), Counts()))
        table_rows.sort(key=_order_key(grouping))
    return FigureTable(grouping=grouping, start=start, end=end, rows=table_rows, total=total)


#: The groupings whose groups ``table_of`` can label from their keys alone: all but
#: the total.
KEYED_GROUPINGS = tuple(g for g in Grouping if g != Grouping.TOTAL)


def _labels_of(grouping: str, keys) -> dict:
    """Key → label of the groups of ``grouping`` (``KEYED_GROUPINGS``), as
    ``figure_table`` labels them: one query (none for months, channels and stages)."""
    ids = sorted(k for k in keys if k is not None)
    spec = _GROUPS[grouping]
    if grouping in (Grouping.MONTH, Grouping.CHANNEL, Grouping.STAGE):
        return {k: _label(grouping, {spec.key: k}) for k in ids}
    model, paths = {
        Grouping.ITEM: (ServiceItem, ("code", "current_version__name")),
        Grouping.DEPARTMENT: (Department, ("name", "code")),
        Grouping.HALL: (Hall, ("name",)),
        Grouping.WINDOW: (Window, ("hall__name", "number")),
        Grouping.STAFF: (get_user_model(), ("full_name", "username")),
    }[grouping]
    rows = model.objects.filter(pk__in=ids).values_list("pk", *paths)
    return {
        pk: _label(grouping, {spec.key: pk, **dict(zip(spec.labels, values, strict=True))})
        for pk, *values in rows
    }


def table_of(
    *,
    grouping: str,
    start: datetime.date | None,
    end: datetime.date | None,
    counts: dict[object, Counts],
) -> FigureTable:
    """The ``FigureTable`` of groups whose ``Counts`` were counted elsewhere (key → counts,
    e.g. supervision's rollups), labelled and ordered as ``figure_table`` would: groups
    with nothing rated are left out as ``figure_table`` never has them. ``grouping`` is
    one of ``KEYED_GROUPINGS``."""
    grouping = Grouping(grouping)
    if grouping not in KEYED_GROUPINGS:
        raise ValueError(grouping)
    # figure_table's groups come ordered by key (none last) before the sort below.
    kept = {
        key: counts[key]
        for key in sorted(counts, key=lambda k: (k is None, k))
        if counts[key].rated
    }
    labels = _labels_of(grouping, kept)
    none_label = _GROUPS[grouping].none_label
    rows = [
        FigureRow(
            key=key, label=labels.get(key, none_label) if key is not None else none_label, counts=c
        )
        for key, c in kept.items()
    ]
    total = FigureRow(None, "合计", sum((r.counts for r in rows), Counts()))
    rows.sort(key=_order_key(grouping))
    return FigureTable(grouping=grouping, start=start, end=end, rows=rows, total=total)


def _rectify_days(ratings: QuerySet[Rating], key: str) -> dict[object, tuple[int, int]]:
    """Group key → (replied orders, their working days from opening to the last reply)
    among ``ratings`` (counted and in the period, grouped by ``key``): one query, and
    the calendar only when there is an order to count."""
    days = rectify_days_by(ratings, (key,) if key else ())
    return {(group[0] if group else None): value for group, value in days.items()}


def rectify_days_by(
    ratings: QuerySet[Rating], keys: tuple[str, ...]
) -> dict[tuple, tuple[int, int]]:
    """Group (the values of ``keys``) → (replied orders, their working days from opening
    to the last reply) among ``ratings``: one query, and the calendar only when there
    is an order to count."""
    replied = ratings.filter(
        level__in=sorted(BAD_LEVELS), rectification_order__replied_at__isnull=False
    ).values_list(*keys, "rectification_order__created_at", "rectification_order__replied_at")
    days: dict[tuple, tuple[int, int]] = {}
    calendar = None
    for *group, opened, answered in replied.order_by():
        calendar = calendar or current_calendar()
        n = working_days_between(
            timezone.localtime(opened).date(), timezone.localtime(answered).date(), calendar
        )
        count, total = days.get(tuple(group), (0, 0))
        days[tuple(group)] = (count + 1, total + n)
    return days


def counts_by(ratings: QuerySet[Rating], keys: tuple[str, ...]) -> dict[tuple, Counts]:
    """The ``Counts`` of each group of ``ratings`` (counted ratings, already narrowed
    to a period) grouped by the values of ``keys`` (paths from Rating): one grouped
    query and one for the working days to rectify. Supervision's rollups store these
    per day, so a page shows the same figures as ``figure_table`` would."""
    aggregates = {"rated": Count("pk")} | {
        name: Count("pk", filter=condition) for name, condition in COUNTS.items()
    }
    rows = ratings.order_by().values(*keys).annotate(**aggregates)
    days = rectify_days_by(ratings, keys)
    result = {}
    for row in rows:
        group = tuple(row[key] for key in keys)
        replied, total_days = days.get(group, (0, 0))
        counts = {name: row[name] or 0 for name in aggregates}
        result[group] = Counts(**counts, replied=replied, rectify_days=total_days)
    return result


def _order_key(grouping: str):
    """Months in order; every other grouping most ratings first, then by label."""
    if grouping == Grouping.MONTH:
        return lambda row: row.key
    return lambda row: (row.key is None, -row.counts.rated, row.label)
