"""Rankings and time-limit analysis (排名与时限分析): departments, windows and staff by
volume, on-time rate and 好评率, and per item the working days actually taken from
acceptance to conclusion against the promised and statutory limits (the distribution,
not only the mean), for a ``rollups.Filter`` within the supervisor's scope.

Where the figures come from
---------------------------
- departments and items: the rollups (departments: ``rollups.breakdown``, the
  overview's rows; items: ``rollups.case_breakdown``, ``rollups.duration_distribution``):
  a fixed number of queries whatever the data;
- windows and staff are not dimensions of the rollups (``rollups`` says so): they are
  counted from intake's record, ``CaseEvent`` by ``(action, at)`` (the
  ``case_event_action_at`` index), one grouped query each, and their ratings with
  ``feedback.figures.counts_by`` over the ratings of the period (the rating's service
  instance names the window and the staff member).

What each row counts (the rollups' definitions, ``rollups`` module docstring)
------------------------------------------------------------------------------
- ``accepted``: acceptances in the period (accept, auto_accept); a window's are those
  made at it, a staff member's those they made (an acceptance deemed by law has no one);
- ``concluded`` (conclude, conclude_immediately) and ``on_time`` (on or before the
  promised due date; none: on time): a window's are the conclusions of the cases
  accepted at it, a staff member's the conclusions they recorded;
- 按时办结率 = on_time / concluded; 好评率 = ``feedback.figures.FIGURES["good_rate"]``
  over the ratings rated in the period of the department's, window's or staff
  member's services.

Time limits (per item)
----------------------
From the duration rollups: ``n`` concluded cases and how many took each number of
working days. ``median`` and ``p90`` are nearest-rank percentiles (the smallest number
of days at least half, resp. 90 %, of the cases took no more than), ``maximum`` the
longest; ``within`` the cases done within the item's current promised limit. An item is
flagged (``cuttable``) when at least ``CUT_MIN_CASES`` cases concluded and its p90 is at
most ``CUT_RATIO`` of the promised limit: nine cases in ten finish well inside it, so
the centre may cut it (as 水气报装 went from 15 to 11 working days). The limits shown are
the item's current version's (the one a cut would change); ``average_promised`` is the
mean of the limits the concluded cases ran under (rollups' ``promised_total``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from accounts.models import User, Window
from catalog.models import ServiceItem
from feedback.figures import FIGURES, Counts, counted_ratings, counts_by, percent, period_filter
from intake.models import CaseEvent

from . import rollups
from .refresh import ACCEPTED, CONCLUDED

#: An item needs this many concluded cases before its limit is judged.
CUT_MIN_CASES = 5
#: ... and its p90 at most this share of the promised limit.
CUT_RATIO = Decimal("0.6")
TENTH = Decimal("0.1")


# --- Rankings ------------------------------------------------------------------------------


@dataclass
class Ranked:
    """One department, window or staff member."""

    key: object
    label: str
    detail: str = ""  # a window's hall, a staff member's username
    accepted: int = 0
    concluded: int = 0
    on_time: int = 0
    ratings: Counts = field(default_factory=Counts)
    cases: rollups.CaseFigures | None = None  # a department's: the overview's row's

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.concluded)

    @property
    def rated(self) -> int:
        return self.ratings.rated

    @property
    def good_rate(self) -> Decimal | None:
        return FIGURES["good_rate"](self.ratings)


def department_ranking(f: rollups.Filter) -> list[Ranked]:
    """Per department with cases or ratings: the overview's rows (``rollups.breakdown``,
    which add up to the totals), each with its ``CaseFigures`` (the columns only
    departments have: 逾期视为受理, 提前办结率, 即办件占比). Four to six queries."""
    return _by_volume(
        Ranked(
            r.key,
            r.label,
            "",
            r.cases.accepted,
            r.cases.concluded,
            r.cases.on_time,
            r.ratings,
            r.cases,
        )
        for r in rollups.breakdown(f, "department")
    )


def _events(f: rollups.Filter, actions):
    return CaseEvent.objects.filter(
        period_filter(f.start, f.end, "at"),
        f.applications("application__"),
        action__in=list(actions),
    ).order_by()


def _on_time() -> Q:
    return Q(application__promised_due_date__isnull=True) | Q(
        _day__lte=F("application__promised_due_date")
    )


def _ratings_by(f: rollups.Filter, key: str) -> dict:
    ratings = counted_ratings().filter(period_filter(f.start, f.end), f.ratings())
    return {group[0]: counts for group, counts in counts_by(ratings, (key,)).items()}


def window_ranking(f: rollups.Filter) -> list[Ranked]:
    """Per window: acceptances made there, conclusions of the cases accepted there, the
    ratings of its services. Five queries whatever the data."""
    rows: dict = {}
    accepted = (
        _events(f, ACCEPTED)
        .filter(window_id__isnull=False)
        .values("window_id")
        .annotate(n=Count("pk"))
    )
    for row in accepted:
        rows[row["window_id"]] = Ranked(row["window_id"], "", accepted=row["n"])
    concluded = (
        _events(f, CONCLUDED)
        .filter(application__window_id__isnull=False)
        .annotate(_day=TruncDate("at"))
        .values("application__window_id")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=_on_time()))
    )
    for row in concluded:
        key = row["application__window_id"]
        ranked = rows.setdefault(key, Ranked(key, ""))
        ranked.concluded, ranked.on_time = row["n"], row["on_time"]
    for key, counts in _ratings_by(f, "instance__window_id").items():
        if key is not None:
            rows.setdefault(key, Ranked(key, "")).ratings = counts
    windows = Window.objects.filter(pk__in=list(rows)).select_related("hall")
    for window in windows:
        rows[window.pk].label = f"{window.hall.name} {window.number} 号窗口"
        rows[window.pk].detail = window.hall.name
    return _by_volume(rows.values())


def staff_ranking(f: rollups.Filter) -> list[Ranked]:
    """Per staff member: the acceptances they made, the conclusions they recorded, the
    ratings of their services. Four queries whatever the data. Names are for
    supervisors only (never on a citizen's page)."""
    rows: dict = {}
    acts = (
        _events(f, (*ACCEPTED, *CONCLUDED))
        .filter(actor_id__isnull=False)
        .annotate(_day=TruncDate("at"))
        .values("actor_id")
        .annotate(
            accepted=Count("pk", filter=Q(action__in=ACCEPTED)),
            concluded=Count("pk", filter=Q(action__in=CONCLUDED)),
            on_time=Count("pk", filter=Q(action__in=CONCLUDED) & _on_time()),
        )
    )
    for row in acts:
        rows[row["actor_id"]] = Ranked(
            row["actor_id"],
            "",
            accepted=row["accepted"],
            concluded=row["concluded"],
            on_time=row["on_time"],
        )
    for key, counts in _ratings_by(f, "instance__staff_id").items():
        if key is not None:
            rows.setdefault(key, Ranked(key, "")).ratings = counts
    for pk, full_name, username in User.objects.filter(pk__in=list(rows)).values_list(
        "pk", "full_name", "username"
    ):
        rows[pk].label = full_name or username
        rows[pk].detail = username
    return _by_volume(rows.values())


def _by_volume(rows) -> list[Ranked]:
    return sorted(rows, key=lambda r: (-(r.accepted + r.concluded), -r.rated, r.label))


# --- Time limits -----------------------------------------------------------------------------


def percentile(distribution: dict[int, int], share: float) -> int | None:
    """The nearest-rank percentile of a {days: cases} distribution: the smallest number
    of days that at least ``share`` of the cases took no more than."""
    n = sum(distribution.values())
    if not n:
        return None
    rank = max(1, math.ceil(share * n))
    seen = 0
    for days in sorted(distribution):
        seen += distribution[days]
        if seen >= rank:
            return days
    return max(distribution)


@dataclass
class ItemLimits:
    key: int | None
    label: str
    department: str
    promised: int | None  # the current version's limits (working days)
    statutory: int | None
    distribution: dict[int, int]
    on_time: int = 0
    #: the case rollups' concluded (also those without an acceptance time) and the sum
    #: of the limits they ran under
    case_concluded: int = 0
    promised_total: int = 0

    @property
    def concluded(self) -> int:
        return sum(self.distribution.values())

    @property
    def mean(self) -> Decimal | None:
        if not self.concluded:
            return None
        total = sum(days * n for days, n in self.distribution.items())
        return (Decimal(total) / self.concluded).quantize(TENTH, ROUND_HALF_UP)

    @property
    def median(self) -> int | None:
        return percentile(self.distribution, 0.5)

    @property
    def p90(self) -> int | None:
        return percentile(self.distribution, 0.9)

    @property
    def maximum(self) -> int | None:
        return max(self.distribution) if self.distribution else None

    @property
    def within(self) -> int:
        """Cases done within the current promised limit."""
        if self.promised is None:
            return 0
        return sum(n for days, n in self.distribution.items() if days <= self.promised)

    @property
    def within_share(self) -> Decimal | None:
        return percent(self.within, self.concluded) if self.promised is not None else None

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.case_concluded)

    @property
    def average_promised(self) -> Decimal | None:
        if not self.case_concluded:
            return None
        return (Decimal(self.promised_total) / self.case_concluded).quantize(TENTH, ROUND_HALF_UP)

    @property
    def headroom(self) -> int | None:
        """Working days between the p90 and the promised limit."""
        if self.promised is None or self.p90 is None:
            return None
        return self.promised - self.p90

    @property
    def cuttable(self) -> bool:
        return (
            bool(self.promised)
            and self.concluded >= CUT_MIN_CASES
            and self.p90 is not None
            and Decimal(self.p90) <= CUT_RATIO * self.promised
        )


def time_limits(f: rollups.Filter) -> list[ItemLimits]:
    """Per item with cases concluded in the filter: the distribution of working days
    taken and its figures (see the module). Three to five queries whatever the data;
    the items that could be cut first, then the most concluded."""
    distributions = rollups.duration_distribution(f, "item")
    cases = {row.key: row.figures for row in rollups.case_breakdown(f, "item")}
    items = {
        row["pk"]: row
        for row in ServiceItem.objects.filter(pk__in=[k for k in distributions if k]).values(
            "pk",
            "code",
            "current_version__name",
            "current_version__promised_limit_days",
            "current_version__statutory_limit_days",
            "current_version__department__name",
        )
    }
    rows = []
    for key, distribution in distributions.items():
        item = items.get(key, {})
        figures = cases.get(key)
        rows.append(
            ItemLimits(
                key=key,
                label=item.get("current_version__name") or item.get("code") or "（未知事项）",
                department=item.get("current_version__department__name") or "",
                promised=item.get("current_version__promised_limit_days"),
                statutory=item.get("current_version__statutory_limit_days"),
                distribution=distribution,
                on_time=figures.on_time if figures else 0,
                case_concluded=figures.concluded if figures else 0,
                promised_total=figures.promised_total if figures else 0,
            )
        )
    rows.sort(key=lambda r: (not r.cuttable, -r.concluded, r.label))
    return rows
