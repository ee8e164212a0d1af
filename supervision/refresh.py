"""Keeping the rollups current: the one writer of supervision's tables.

Why a refresher reading the record since a watermark, not receivers of the lower apps'
signals (docs/architecture.md, "Supervision's rollups"): intake writes its events in
multi-row INSERTs (``jinpu_portal.db.insert``, no ``post_save``), the sweep opens 督办
in set-based SQL, feedback's ratings and orders change in services of their own; a
receiver per writer would have to be kept in step with every one of them, and would add
a write to the hot paths (acceptance, rating) that the load benchmarks measure. The
record is append-only and indexed by id and time, so "what changed" is cheap to ask.

Every minute (``supervision.tasks.rollups_refresh``, Celery beat) ``refresh``:

1. reads the ids of the ``CaseEvent``, ``Rating`` and ``OrderEvent`` rows past its
   marks (``RollupState``) and turns them into *dirty days*: the local day of each new
   case event, and of the earlier counted events of a case a new window act gave a
   hall (an online application has none until a window receives, accepts, refuses or
   corrects it: a figure's hall is the application's); the ``rated_at`` day of each
   new rating and of the rating of each order
   that moved (rectified, reopened, visited, appealed away), since a rating's figures
   belong to the day it was rated;
2. compares the working-day calendar with the snapshot it last used: an edit makes
   dirty every day with conclusions from the first changed date on, and every day with
   replied rectification orders up to the last changed date (their working-day sums
   span the edit);
3. rebuilds each dirty day from the record (delete and insert, in one transaction) and
   each dirty day's month from its days (one ``INSERT ... SELECT ... GROUP BY``); a
   day's ratings are read in one grouped query and written to both rating levels, per
   item (``RatingItemDay``) and per service (``RatingServiceDay``: window, staff member,
   stage, rating channel), so the two always agree;
4. the hall's tickets (``HallDay`` / ``HallMonth``): reads the ``TicketEvent`` rows
   past ``ticket_mark`` (every act on a ticket writes one, linking its case included)
   and rebuilds the (hall, day) of each one's ticket, and every (hall, day) that still
   has a waiting ticket (its wait grows into a long wait without an act), then their
   months; ``rebuild_halls`` rebuilds them all from the tickets (the bench's tickets
   have no events).

A day is always rebuilt whole from the record, so a refresh is idempotent and a
late-committing writer costs nothing but a second rebuild. The marks stay behind any
row younger than ``LAG`` (5 minutes), which is read again on each pass: a transaction
that commits an older id after a younger one is still seen while it is younger than
that (the portal's transactions last milliseconds). ``reconcile`` (nightly) rebuilds the
last ``RECONCILE_DAYS`` days whatever the marks say; ``rebuild`` rebuilds everything
(the first run, a restored database, a bulk load).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from approvals.constants import ApprovalEvent
from catalog.calendar import current_calendar, working_days_between
from feedback.figures import Counts, counted_ratings, counts_by, period_filter
from feedback.models import OrderEvent, Rating
from hall.constants import TicketStatus
from hall.models import Ticket, TicketEvent
from hall.selectors import long_wait_filter
from intake.constants import CaseAction
from intake.models import CaseEvent

from .models import (
    CaseDay,
    CaseItemDay,
    CaseItemMonth,
    CaseMonth,
    DurationDay,
    DurationItemDay,
    DurationItemMonth,
    DurationMonth,
    HallDay,
    HallMonth,
    RatingCounts,
    RatingDay,
    RatingItemDay,
    RatingItemMonth,
    RatingMonth,
    RatingServiceDay,
    RatingServiceMonth,
    RollupState,
)

logger = logging.getLogger(__name__)

LAG = datetime.timedelta(minutes=5)
RECONCILE_DAYS = 7

A = CaseAction
RECEIVED = (A.SUBMIT, A.RECEIVE)
ACCEPTED = (A.ACCEPT, A.AUTO_ACCEPT)
CONCLUDED = (A.CONCLUDE, A.CONCLUDE_IMMEDIATELY)
#: The case events a day's figures count.
COUNTED_ACTIONS = (*RECEIVED, *ACCEPTED, A.REQUEST_CORRECTION, A.REFUSE, *CONCLUDED)
#: Acts at a window that set the application's hall (and window) to the window's:
#: ``intake.services.cases`` (counter_receive, intake_accept, intake_refuse,
#: intake_request_correction; an immediate conclusion comes with its acceptance).
HALL_ACTIONS = (A.RECEIVE, A.ACCEPT, A.REFUSE, A.REQUEST_CORRECTION)
#: Acts at a window with the applicant there: a visit (到现场) on the day they happen.
VISIT_ACTIONS = (
    A.RECEIVE,
    A.RESUBMIT,
    A.ACCEPT,
    A.REFUSE,
    A.REQUEST_CORRECTION,
    A.CONCLUDE_IMMEDIATELY,
    A.SUPPLEMENT_RECEIVED,
    ApprovalEvent.DELIVERED,
)

#: Paths from CaseEvent to the dimensions, in ``Dimensions.DIMENSIONS`` order.
CASE_KEYS = (
    "application__hall_id",
    "application__item_version__department_id",
    "application__item_version__item_id",
    "application__channel",
    "application__accepting_unit_id",
)
#: Paths from Rating: the instance's hall, department and item, the case's channel and unit.
RATING_KEYS = (
    "instance__hall_id",
    "instance__department_id",
    "instance__item_id",
    "instance__application__channel",
    "instance__application__accepting_unit_id",
)
#: Further paths from Rating for the per-service levels (``RatingServiceDay``): the
#: instance's window, staff member and stage, and the rating's own channel (评价渠道).
SERVICE_KEYS = ("instance__window_id", "instance__staff_id", "instance__stage", "channel")
DIMENSION_COLUMNS = ("hall_id", "department_id", "item_id", "channel", "unit_id")
#: RatingServiceDay's columns and where each is in a row grouped by RATING_KEYS + SERVICE_KEYS.
SERVICE_COLUMNS = {
    "hall_id": 0,
    "department_id": 1,
    "window_id": 5,
    "staff_id": 6,
    "stage": 7,
    "rating_channel": 8,
}


@dataclass(frozen=True)
class Family:
    """The four tables of one kind of figure: per item and day (built from the record),
    per day (summed from those), and the two months (summed from their days)."""

    item_day: type
    item_month: type
    day: type
    month: type

    @property
    def tables(self) -> tuple[type, ...]:
        return (self.item_day, self.item_month, self.day, self.month)


FAMILIES = {
    "case": Family(CaseItemDay, CaseItemMonth, CaseDay, CaseMonth),
    "duration": Family(DurationItemDay, DurationItemMonth, DurationDay, DurationMonth),
    "rating": Family(RatingItemDay, RatingItemMonth, RatingDay, RatingMonth),
}


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(), zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), zone)


def visit_days(application_ids) -> dict[int, int]:
    """Application id → the number of local days it had an act at a window with the
    applicant there (``VISIT_ACTIONS`` by a staff member at a window)."""
    days: dict[int, set] = defaultdict(set)
    rows = CaseEvent.objects.filter(
        application_id__in=list(application_ids),
        action__in=VISIT_ACTIONS,
        window_id__isnull=False,
        actor_id__isnull=False,
    ).values_list("application_id", "at")
    for application_id, at in rows.order_by():
        days[application_id].add(timezone.localtime(at).date())
    return {pk: len(d) for pk, d in days.items()}


# --- One day --------------------------------------------------------------------------------


def _case_rows(day: datetime.date, calendar) -> tuple[list[CaseItemDay], list[DurationItemDay]]:
    start, end = day_bounds(day)
    events = CaseEvent.objects.filter(
        at__gte=start, at__lt=end, action__in=COUNTED_ACTIONS
    ).values_list(
        "application_id",
        "action",
        *CASE_KEYS,
        "application__accepted_at",
        "application__promised_due_date",
        "application__item_version__promised_limit_days",
        "application__item_version__statutory_limit_days",
    )
    events = list(events.order_by())
    concluded = {row[0] for row in events if row[1] in CONCLUDED}
    visits = visit_days(concluded) if concluded else {}
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    durations: dict[tuple, int] = defaultdict(int)
    for application_id, action, *rest in events:
        key = tuple(rest[:5])
        accepted_at, due, promised, statutory = rest[5:]
        cell = cells[key]
        if action in RECEIVED:
            cell["received"] += 1
        elif action in ACCEPTED:
            cell["accepted"] += 1
            cell["deemed_accepted"] += action == A.AUTO_ACCEPT
        elif action == A.REQUEST_CORRECTION:
            cell["corrected"] += 1
        elif action == A.REFUSE:
            cell["refused"] += 1
        else:
            cell["concluded"] += 1
            cell["immediate"] += action == A.CONCLUDE_IMMEDIATELY
            cell["on_time"] += due is None or day <= due
            cell["early"] += due is not None and day < due
            cell["overdue"] += due is not None and day > due
            cell["one_visit"] += visits.get(application_id, 0) <= 1
            cell["promised_total"] += promised or 0
            cell["statutory_total"] += statutory or 0
            if accepted_at is not None:
                days = max(
                    working_days_between(timezone.localtime(accepted_at).date(), day, calendar), 0
                )
                cell["days_total"] += days
                durations[(*key, days)] += 1
    case_rows = [
        CaseItemDay(day=day, **dict(zip(DIMENSION_COLUMNS, key, strict=True)), **counts)
        for key, counts in cells.items()
    ]
    duration_rows = [
        DurationItemDay(
            day=day, **dict(zip(DIMENSION_COLUMNS, key[:5], strict=True)), days=key[5], cases=n
        )
        for key, n in durations.items()
    ]
    return case_rows, duration_rows


def _rating_rows(day: datetime.date) -> tuple[list[RatingItemDay], list[RatingServiceDay]]:
    """The day's per-item rows and per-service rows, from one grouped query of the day's
    counted ratings by every dimension of both (summed into each level's groups here)."""
    ratings = counted_ratings().filter(period_filter(day, day))
    items: dict[tuple, Counts] = {}
    services: dict[tuple, Counts] = {}
    for key, counts in counts_by(ratings, RATING_KEYS + SERVICE_KEYS).items():
        for groups, group in (
            (items, key[: len(RATING_KEYS)]),
            (services, tuple(key[i] for i in SERVICE_COLUMNS.values())),
        ):
            groups[group] = groups[group] + counts if group in groups else counts

    def values(counts: Counts) -> dict[str, int]:
        return {name: getattr(counts, name) for name in RatingCounts.COUNTS}

    return [
        RatingItemDay(day=day, **dict(zip(DIMENSION_COLUMNS, key, strict=True)), **values(c))
        for key, c in items.items()
    ], [
        RatingServiceDay(day=day, **dict(zip(SERVICE_COLUMNS, key, strict=True)), **values(c))
        for key, c in services.items()
    ]


def rebuild_days(days) -> None:
    """Rebuild the rows of ``days`` and of their months from the record, in one
    transaction: the per-item day rows from the record, the day rows and the months'
    rows summed from them in SQL."""
    days = sorted(set(days))
    if not days:
        return
    calendar = current_calendar()
    with transaction.atomic():
        for day in days:
            case_rows, duration_rows = _case_rows(day, calendar)
            rating_rows, service_rows = _rating_rows(day)
            rows = {"case": case_rows, "duration": duration_rows, "rating": rating_rows}
            for name, family in FAMILIES.items():
                family.item_day.objects.filter(day=day).delete()
                family.item_day.objects.bulk_create(rows[name], batch_size=1000)
                family.day.objects.filter(day=day).delete()
                _sum_into(family.item_day, family.day, day, day + datetime.timedelta(days=1))
            RatingServiceDay.objects.filter(day=day).delete()
            RatingServiceDay.objects.bulk_create(service_rows, batch_size=1000)
        for month in sorted({day.replace(day=1) for day in days}):
            after = _next_month(month)
            for family in FAMILIES.values():
                family.item_month.objects.filter(day=month).delete()
                _sum_into(family.item_day, family.item_month, month, after, month=month)
                family.month.objects.filter(day=month).delete()
                _sum_into(family.day, family.month, month, after, month=month)
            _sum_service_month(month)


def _sum_service_month(month: datetime.date) -> None:
    RatingServiceMonth.objects.filter(day=month).delete()
    _sum_into(RatingServiceDay, RatingServiceMonth, month, _next_month(month), month=month)


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _sum_into(source, target, start, end, month: datetime.date | None = None) -> None:
    """INSERT INTO target SELECT the sums of source's rows from start to end (excluded),
    grouped by target's dimensions (and by day, unless ``month`` is the day to write)."""
    q = connection.ops.quote_name
    groups = [
        q(target._meta.get_field(name).column) for name in (*target.DIMENSIONS, *target.GROUP_EXTRA)
    ]
    sums = [q(c) for c in target.COUNTS]
    day = q("day")
    by = groups if month is not None else [day, *groups]
    # Names from the models' own fields, quoted; the values are parameters.
    sql = (
        f"INSERT INTO {q(target._meta.db_table)} ({day}, {', '.join(groups + sums)}) "  # noqa: S608
        f"SELECT {'%s' if month is not None else day}, {', '.join(groups)}, "
        f"{', '.join(f'SUM({c})' for c in sums)} "
        f"FROM {q(source._meta.db_table)} WHERE {day} >= %s AND {day} < %s "
        f"GROUP BY {', '.join(by)}"
    )
    params = [month, start, end] if month is not None else [start, end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- What changed ---------------------------------------------------------------------------


def calendar_snapshot(calendar=None) -> dict:
    calendar = calendar or current_calendar()
    return {
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "workdays": sorted(d.isoformat() for d in calendar.workdays),
        "years": sorted(calendar.covered_years),
    }


def _calendar_changes(old: dict, new: dict) -> list[datetime.date]:
    """The dates whose working status may differ between two snapshots."""
    if not old:
        return []
    changed = set()
    for name in ("holidays", "workdays"):
        changed |= set(old.get(name, [])) ^ set(new[name])
    dates = {datetime.date.fromisoformat(d) for d in changed}
    for year in set(old.get("years", [])) ^ set(new["years"]):
        dates.add(datetime.date(year, 1, 1))
        dates.add(datetime.date(year, 12, 31))
    return sorted(dates)


def _days_of_calendar_edit(changes: list[datetime.date]) -> set[datetime.date]:
    if not changes:
        return set()
    first, last = changes[0], changes[-1]
    days = set(
        CaseDay.objects.filter(day__gte=first, concluded__gt=0)
        .values_list("day", flat=True)
        .distinct()
    )
    days |= set(
        RatingDay.objects.filter(day__lte=last, replied__gt=0)
        .values_list("day", flat=True)
        .distinct()
    )
    return days


def _new_days(queryset, time_field: str, day_paths, mark: int, cutoff):
    """(The local days of each of ``day_paths`` (a path, or a (path, filter) pair) among
    the rows past ``mark``, the new mark): the mark stops before the first row younger
    than ``cutoff``, so those are read again."""
    rows = queryset.filter(pk__gt=mark)
    days = set()
    for path in day_paths:
        path, narrow = path if isinstance(path, tuple) else (path, {})
        days |= set(
            rows.filter(**narrow)
            .annotate(_day=TruncDate(path))
            .values_list("_day", flat=True)
            .distinct()
        )
    days.discard(None)
    if not days:
        return set(), mark
    young = rows.filter(**{f"{time_field}__gt": cutoff}).aggregate(first=Min("pk"))["first"]
    new_mark = young - 1 if young is not None else rows.aggregate(last=Max("pk"))["last"]
    return days, max(mark, new_mark)


@dataclass
class RefreshResult:
    days: list[datetime.date]
    rebuilt_all: bool = False
    skipped: bool = False


def _state_for_update() -> RollupState | None:
    """The bookkeeping row, locked; None when another refresh holds it."""
    RollupState.objects.get_or_create(pk=1)
    rows = RollupState.objects.select_for_update(skip_locked=True).filter(pk=1)
    return rows.first()


def refresh(now: datetime.datetime | None = None) -> RefreshResult:
    """Bring the rollups up to the record (see the module docstring). Runs alone: a
    second refresh while one runs returns at once (``skipped``)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _state_for_update()
        if state is None:
            return RefreshResult([], skipped=True)
        if not state.built:
            days = _rebuild_all(state)
            _rebuild_all_halls(state, now)
            state.refreshed_at = now
            state.save()
            return RefreshResult(days, rebuilt_all=True)
        if not state.services_built:
            _rebuild_all_services(state)
        cutoff = now - LAG
        # A visit after the conclusion (the result fetched at a window) changes the
        # conclusion day's 一次办结.
        late_visits = {
            "action__in": VISIT_ACTIONS,
            "window_id__isnull": False,
            "application__concluded_at__isnull": False,
        }
        # A window act gives the application the window's hall (an online application
        # has none before it): the days of its earlier counted events, counted under
        # the hall it had then, are counted again under this one.
        hall_moves = {
            "action__in": HALL_ACTIONS,
            "window_id__isnull": False,
            "application__events__action__in": COUNTED_ACTIONS,
        }
        event_days, state.event_mark = _new_days(
            CaseEvent.objects.all(),
            "at",
            (
                "at",
                ("application__concluded_at", late_visits),
                ("application__events__at", hall_moves),
            ),
            state.event_mark,
            cutoff,
        )
        rating_days, state.rating_mark = _new_days(
            Rating.objects.all(), "created_at", ("rated_at",), state.rating_mark, cutoff
        )
        order_days, state.order_mark = _new_days(
            OrderEvent.objects.all(),
            "at",
            ("order__rating__rated_at",),
            state.order_mark,
            cutoff,
        )
        snapshot = calendar_snapshot()
        calendar_days = _days_of_calendar_edit(_calendar_changes(state.calendar, snapshot))
        days = event_days | rating_days | order_days | calendar_days
        rebuild_days(days)
        _refresh_halls(state, now, cutoff)
        state.calendar = snapshot
        state.refreshed_at = now
        state.save()
        if calendar_days:
            logger.info("Rollups: the calendar changed, %d days rebuilt.", len(calendar_days))
        return RefreshResult(sorted(days))


def _rebuild_all(state: RollupState) -> list[datetime.date]:
    for family in FAMILIES.values():
        for model in family.tables:
            model.objects.all().delete()
    RatingServiceDay.objects.all().delete()
    RatingServiceMonth.objects.all().delete()
    marks = {
        "event_mark": CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
        "rating_mark": Rating.objects.aggregate(m=Max("pk"))["m"] or 0,
        "order_mark": OrderEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
    }
    days = set(
        CaseEvent.objects.filter(action__in=COUNTED_ACTIONS)
        .annotate(_day=TruncDate("at"))
        .values_list("_day", flat=True)
        .distinct()
    )
    days |= _rated_days()
    rebuild_days(days)
    for name, value in marks.items():
        setattr(state, name, value)
    state.calendar = calendar_snapshot()
    state.built = state.services_built = True
    return sorted(days)


def _rated_days() -> set[datetime.date]:
    return set(
        Rating.objects.annotate(_day=TruncDate("rated_at"))
        .values_list("_day", flat=True)
        .distinct()
    )


def _rebuild_all_services(state: RollupState) -> None:
    """Build the per-service rating rows alone, for every rated day (a database whose
    other rollups were built before these tables existed): the marks stay, the rows
    past them are read again by the refresh that follows."""
    RatingServiceDay.objects.all().delete()
    RatingServiceMonth.objects.all().delete()
    days = sorted(_rated_days())
    for day in days:
        RatingServiceDay.objects.bulk_create(_rating_rows(day)[1], batch_size=1000)
    for month in sorted({day.replace(day=1) for day in days}):
        _sum_service_month(month)
    state.services_built = True


def rebuild() -> RefreshResult:
    """Rebuild every rollup from the record (the first run does it by itself; call it
    after a bulk load that wrote the record without the services)."""
    RollupState.objects.update_or_create(
        pk=1, defaults={"built": False, "halls_built": False, "services_built": False}
    )
    return refresh()


def reconcile(today: datetime.date | None = None) -> RefreshResult:
    """Rebuild the last ``RECONCILE_DAYS`` days whatever the marks say (nightly)."""
    today = today or timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(RECONCILE_DAYS)]
    rebuild_days(days)
    rebuild_hall_days(Q(day__in=days))
    return RefreshResult(days)


# --- The hall's tickets ---------------------------------------------------------------------


def _ticket_rows(tickets: Q, now: datetime.datetime):
    """The HallDay values of the tickets matching ``tickets``: per day, hall and the
    linked case's dimensions, the sums behind hall.selectors.period_figures (a long
    wait as ``hall.selectors.long_wait_filter`` has it at ``now``)."""
    zero = Value(datetime.timedelta(0), output_field=DurationField())
    waited = ExpressionWrapper(F("first_called_at") - F("created_at"), output_field=DurationField())
    service = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    called = Q(first_called_at__isnull=False)
    done = Q(status=TicketStatus.DONE)
    return (
        Ticket.objects.filter(tickets)
        .order_by()
        .values(
            "day",
            "hall_id",
            department_id=F("application__item_version__department_id"),
            item_id=F("application__item_version__item_id"),
            channel=Coalesce("application__channel", Value("")),
            unit_id=F("application__accepting_unit_id"),
        )
        .annotate(
            issued=Count("id"),
            waiting=Count("id", filter=Q(status=TicketStatus.WAITING)),
            served=Count("id", filter=done),
            no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            expired=Count("id", filter=Q(status=TicketStatus.EXPIRED)),
            called=Count("id", filter=called),
            wait_total=Coalesce(Sum(waited, filter=called), zero),
            long_waits=Count("id", filter=long_wait_filter(now)),
            timed=Count("id", filter=Q(done, started_at__isnull=False, ended_at__isnull=False)),
            service_total=Coalesce(Sum(service, filter=done), zero),
        )
    )


def rebuild_hall_days(tickets: Q, now: datetime.datetime | None = None) -> None:
    """Rebuild the HallDay rows of the tickets matching ``tickets`` (a condition on
    ``day`` and ``hall_id`` only, so that it applies to the rows as well) and their
    months, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        old = HallDay.objects.filter(tickets)
        months = set(
            old.annotate(_month=TruncMonth("day")).values_list("_month", flat=True).distinct()
        )
        old.delete()
        rows = [HallDay(**row) for row in _ticket_rows(tickets, now)]
        HallDay.objects.bulk_create(rows, batch_size=1000)
        for month in sorted(months | {row.day.replace(day=1) for row in rows}):
            HallMonth.objects.filter(day=month).delete()
            _sum_into(HallDay, HallMonth, month, _next_month(month), month=month)


def _pairs(pairs) -> Q:
    """The condition matching the tickets (and rows) of these (hall id, day) pairs."""
    q = Q()
    for hall_id, day in sorted(pairs):
        q |= Q(hall_id=hall_id, day=day)
    return q


def _refresh_halls(state: RollupState, now: datetime.datetime, cutoff) -> None:
    """Rebuild the (hall, day) of the tickets acted on past the mark and of the waiting
    tickets (see the module docstring)."""
    if not state.halls_built:
        _rebuild_all_halls(state, now)
        return
    events = TicketEvent.objects.filter(pk__gt=state.ticket_mark, ticket__isnull=False)
    pairs = set(events.order_by().values_list("hall_id", "ticket__day").distinct())
    if pairs:
        young = events.filter(at__gt=cutoff).aggregate(first=Min("pk"))["first"]
        last = young - 1 if young is not None else events.aggregate(last=Max("pk"))["last"]
        state.ticket_mark = max(state.ticket_mark, last)
    pairs |= set(
        Ticket.objects.filter(status=TicketStatus.WAITING)
        .order_by()
        .values_list("hall_id", "day")
        .distinct()
    )
    if pairs:
        rebuild_hall_days(_pairs(pairs), now)


def _rebuild_all_halls(state: RollupState, now: datetime.datetime) -> None:
    state.ticket_mark = TicketEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    HallDay.objects.all().delete()
    HallMonth.objects.all().delete()
    rebuild_hall_days(Q(), now)
    state.halls_built = True


def rebuild_halls() -> None:
    """Rebuild the hall's rollups alone from the tickets (after a bulk load of tickets,
    or the first time on a database whose case rollups are built)."""
    with transaction.atomic():
        RollupState.objects.get_or_create(pk=1)
        state = RollupState.objects.select_for_update().get(pk=1)
        _rebuild_all_halls(state, timezone.now())
        state.save(update_fields=["ticket_mark", "halls_built"])
