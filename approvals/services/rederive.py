"""Calendar edits move due dates: re-derive every open clock with the edited calendar.

``clock_derive`` (approvals.services.clocks) is the definition; walking the calendar a
day at a time is fine for one clock and far too slow for a million. Here one calendar
snapshot becomes a ``WorkingDayIndex``: for each date of the span involved, the number of
working days up to it (its ordinal), and for each ordinal the working day that has it.
Then ``working_days_between(a, b)`` is ``ordinal(b) - ordinal(a)`` and
``add_working_days(s, n)`` is the working day with ordinal ``ordinal(s) + n``.

The index is loaded into two temporary tables and the database does the rest: one
``UPDATE ... FROM`` per range of clock ids joins each open clock to the ordinal of its
start, sums its closed pauses as ordinal differences, looks its due date and yellow day
up by ordinal, and writes only the rows whose values change. No clock travels to Python
and back, so a million open clocks take well under a minute on PostgreSQL; the same SQL
runs on SQLite.

Lights: the re-derivation lowers a light when the due date moved away (a new holiday)
but never raises one: raising is the sweep's job, so every rise goes through the one
place that warns and opens 督办 (within a minute). ``warned_level`` is left alone (one
warning per clock per level).

A row a service changed while its range was being updated (its ``updated_at`` moved
after the statement's snapshot) is skipped: that service derived it itself.

How the re-derivation is started: ``catalog.signals.calendar_edited`` (after the commit
of an edit) → ``approvals.receivers.rederive_on_calendar_edit`` → ``rederive_request``
queues the task.
If the broker was down at that moment, the minute sweep task notices that the calendar's
fingerprint differs from the one last applied and queues it then (``rederive_if_stale``).
"""

import datetime
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.utils import timezone

from catalog.calendar import WorkingCalendar, load_calendar
from catalog.statutory import provisional_holidays

from ..constants import ClockKind, Light
from ..models import Clock, ClockPause
from .clocks import yellow_threshold

logger = logging.getLogger(__name__)

APPLIED_KEY = "approvals:calendar-applied"
QUEUED_KEY = "approvals:rederive-queued"
# A queued re-derivation not started within this time no longer holds back new requests.
QUEUED_TIMEOUT = 15 * 60
CHUNK_IDS = 100_000
# Database sessions updating id ranges side by side (PostgreSQL).
SESSIONS = 2
# Days kept before the earliest date involved: yellow_from of a short limit started on a
# holiday is the last working day before the start.
_MARGIN_BEFORE = 400
_GROW = 31


def _is_working_day(calendar: WorkingCalendar, day: datetime.date) -> bool:
    """``calendar.is_working_day`` without its warning: the index spans margins that no
    due date may reach; the years the derived dates do reach are checked afterwards."""
    if day.year in calendar.covered_years:
        if day in calendar.workdays:
            return True
        if day in calendar.holidays:
            return False
    elif day in provisional_holidays(day.year):
        return False
    return day.weekday() < 5


class WorkingDayIndex:
    """Working-day ordinals of one calendar snapshot over a span of dates.

    With day indexes ``i = date.toordinal() - base``: ``ordinal[i]`` counts the working
    days in ``[base, i]``, ``working_day[k]`` is the index of the k-th working day, so

    - ``working_days_between(a, b) == ordinal[b] - ordinal[a]``
    - ``add_working_days(s, n) == working_day[ordinal[s] + n]`` for n > 0
    - ``subtract_working_days(d, n) == working_day[ordinal[d] - n]`` for a working day d

    ``derive`` computes one clock in Python (bench data, tests); the re-derivation hands
    the index to the database (``rows`` and ``working_days``).
    """

    def __init__(self, calendar: WorkingCalendar, first: datetime.date, last: datetime.date):
        self.calendar = calendar
        self.base = first.toordinal() - _MARGIN_BEFORE
        self.ordinal: list[int] = []
        self.working_day: list[int] = [-1]  # there is no 0th working day
        self.day: list[datetime.date] = []
        self._extend(last.toordinal())

    def _extend(self, end: int) -> None:
        count = self.ordinal[-1] if self.ordinal else 0
        for number in range(self.base + len(self.ordinal), end + 1):
            day = datetime.date.fromordinal(number)
            if _is_working_day(self.calendar, day):
                count += 1
                self.working_day.append(number - self.base)
            self.ordinal.append(count)
            self.day.append(day)

    @property
    def last(self) -> datetime.date:
        return self.day[-1]

    def rows(self):
        """(date, ordinal) for every day of the span."""
        return zip(self.day, self.ordinal, strict=True)

    def working_days(self):
        """(ordinal, date) for every working day of the span."""
        return ((k, self.day[i]) for k, i in enumerate(self.working_day) if k)

    def derive(
        self, started_on: datetime.date, days: int, pauses, thresholds: dict[int, int]
    ) -> tuple[int, datetime.date, datetime.date]:
        """(paused_days, due_date, yellow_from) exactly as ``clock_derive`` computes them.

        ``days`` is budget + extension, ``pauses`` the closed (start, end) pairs,
        ``thresholds`` a cache of ``yellow_threshold`` shared across calls. Dates from
        ``first`` on; the span grows as needed.
        """
        while True:
            try:
                return self._derive(started_on, days, pauses, thresholds)
            except IndexError:
                self._extend(self.base + len(self.ordinal) - 1 + _GROW)

    def _derive(self, started_on, days, pauses, thresholds):
        ordinal, base = self.ordinal, self.base
        paused = 0
        for began, ended in pauses:
            paused += ordinal[ended.toordinal() - base] - ordinal[began.toordinal() - base]
        total = days + paused
        if not total:
            return paused, started_on, started_on
        threshold = thresholds.get(days)
        if threshold is None:
            threshold = thresholds[days] = yellow_threshold(days)
        k = ordinal[started_on.toordinal() - base] + total
        working_day, day = self.working_day, self.day
        return paused, day[working_day[k]], day[working_day[k - min(threshold, total)]]


@dataclass(frozen=True)
class RederiveResult:
    examined: int
    written: int
    seconds: float
    fingerprint: str

    def as_dict(self) -> dict:
        return asdict(self)


def calendar_fingerprint() -> str:
    """Changes whenever a row of the calendar table is added, edited or deleted."""
    from catalog.models import CalendarDay, CalendarYear

    parts = []
    for model in (CalendarDay, CalendarYear):
        stats = model.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
        parts.append(f"{stats['n']}@{stats['at'].isoformat() if stats['at'] else '-'}")
    return "|".join(parts)


_ORD = "_rederive_ordinal"  # (day, ord): every day of the span
_DAY = "_rederive_working_day"  # (ord, day): the working days
_THRESHOLD = "_rederive_threshold"  # (days, threshold): yellow_threshold(budget + ext)

# One range of clock ids. Pauses are summed as ordinal differences (working days in
# (start, end]); the due date is the working day with ordinal ordinal(start) + total and
# yellow comes min(threshold, total) working days before it; a limit of 0 days ends on
# its start. The light is only ever lowered (see the module docstring).
_UPDATE = """
WITH paused AS (
    SELECT p.clock_id AS clock_id, SUM(e.ord - s.ord) AS days
    FROM {pause} p
    JOIN {ord} s ON s.day = p.started_on
    JOIN {ord} e ON e.day = p.ended_on
    WHERE p.ended_on IS NOT NULL AND p.clock_id > %(low)s AND p.clock_id <= %(high)s
    GROUP BY p.clock_id
), base AS (
    SELECT c.id AS id, c.updated_at AS seen, c.started_on AS started_on,
           c.budget_days + c.extension_days AS days,
           COALESCE(paused.days, 0) AS paused,
           s.ord + c.budget_days + c.extension_days + COALESCE(paused.days, 0) AS due_ord
    FROM {clock} c
    JOIN {ord} s ON s.day = c.started_on
    LEFT JOIN paused ON paused.clock_id = c.id
    WHERE c.is_open AND c.id > %(low)s AND c.id <= %(high)s
), dates AS (
    SELECT base.id AS id, base.seen AS seen, base.paused AS paused,
           CASE WHEN base.days + base.paused = 0 THEN base.started_on ELSE due.day END
               AS due_date,
           CASE WHEN base.days + base.paused = 0 THEN base.started_on ELSE yellow.day END
               AS yellow_from
    FROM base
    JOIN {threshold} t ON t.days = base.days
    LEFT JOIN {day} due ON due.ord = base.due_ord
    LEFT JOIN {day} yellow ON yellow.ord = base.due_ord - (
        CASE WHEN t.threshold < base.days + base.paused THEN t.threshold
             ELSE base.days + base.paused END)
), derived AS (
    SELECT dates.id AS id, dates.seen AS seen, dates.paused AS paused,
           dates.due_date AS due_date, dates.yellow_from AS yellow_from,
           CASE WHEN %(today)s > dates.due_date THEN {red}
                WHEN %(today)s >= dates.yellow_from THEN {yellow}
                ELSE {green} END AS light
    FROM dates
)
UPDATE {clock}
SET paused_days = derived.paused,
    due_date = derived.due_date,
    yellow_from = derived.yellow_from,
    light = CASE WHEN {clock}.paused_since IS NULL AND {clock}.light > derived.light
                 THEN derived.light ELSE {clock}.light END,
    updated_at = %(now)s
FROM derived
WHERE {clock}.id = derived.id AND {clock}.updated_at = derived.seen AND (
    {clock}.paused_days <> derived.paused
    OR {clock}.due_date <> derived.due_date
    OR {clock}.yellow_from <> derived.yellow_from
    OR ({clock}.paused_since IS NULL AND {clock}.light > derived.light))
"""


def _insert(cursor, table: str, rows: list[tuple], width: int) -> None:
    ops = connection.ops
    for start in range(0, len(rows), 400):
        chunk = rows[start : start + 400]
        marks = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
        params = [
            ops.adapt_datefield_value(value) if isinstance(value, datetime.date) else value
            for row in chunk
            for value in row
        ]
        cursor.execute(f"INSERT INTO {table} VALUES {marks}", params)  # noqa: S608


def _rowcount(cursor) -> int:
    if connection.vendor == "sqlite":
        # Python's sqlite3 leaves rowcount at -1 for a statement opening with WITH.
        cursor.execute("SELECT changes()")
        return cursor.fetchone()[0]
    return cursor.rowcount


def _drop_tables(cursor) -> None:
    for table in (_ORD, _DAY, _THRESHOLD):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _load_index(cursor, index: WorkingDayIndex, budgets: list[int]) -> None:
    _drop_tables(cursor)
    cursor.execute(f"CREATE TEMPORARY TABLE {_ORD} (day date PRIMARY KEY, ord integer NOT NULL)")
    cursor.execute(f"CREATE TEMPORARY TABLE {_DAY} (ord integer PRIMARY KEY, day date NOT NULL)")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_THRESHOLD} (days integer PRIMARY KEY, threshold integer)"
    )
    _insert(cursor, _ORD, list(index.rows()), 2)
    _insert(cursor, _DAY, list(index.working_days()), 2)
    _insert(cursor, _THRESHOLD, [(days, yellow_threshold(days)) for days in budgets], 2)
    if connection.vendor == "postgresql":
        for table in (_ORD, _DAY, _THRESHOLD):
            cursor.execute(f"ANALYZE {table}")


def _span(calendar: WorkingCalendar) -> tuple[WorkingDayIndex, list[int], dict] | None:
    """The index covering every date the open clocks may need, the distinct budgets
    (budget + extension) and the clocks' id range; None without open clocks."""
    clocks = Clock.objects.filter(is_open=True).aggregate(
        n=Count("pk"),
        first_id=Min("pk"),
        last_id=Max("pk"),
        first=Min("started_on"),
        last=Max("started_on"),
        days=Max(F("budget_days") + F("extension_days")),
    )
    if not clocks["n"]:
        return None
    pauses = ClockPause.objects.filter(clock__is_open=True, ended_on__isnull=False).aggregate(
        first=Min("started_on"), last=Max("ended_on")
    )
    first, last = clocks["first"], clocks["last"]
    paused_span = 0
    if pauses["first"]:
        first, last = min(first, pauses["first"]), max(last, pauses["last"])
        paused_span = (pauses["last"] - pauses["first"]).days
    # N working days never take more than 2N + 60 calendar days (the longest run of
    # days off is the Spring Festival's nine).
    end = last + datetime.timedelta(days=2 * (clocks["days"] + paused_span) + 60)
    budgets = sorted(
        set(
            Clock.objects.filter(is_open=True)
            .annotate(total=F("budget_days") + F("extension_days"))
            .values_list("total", flat=True)
            .distinct()
        )
    )
    return WorkingDayIndex(calendar, first, end), budgets, clocks


def _warn_uncovered_years(calendar: WorkingCalendar) -> None:
    """Say loudly (catalog.calendar's warning) which uncovered years open clocks reach."""
    reach = Clock.objects.filter(is_open=True).aggregate(
        first=Min("yellow_from"), last=Max("due_date")
    )
    if reach["first"] is None:
        return
    for year in range(reach["first"].year, reach["last"].year + 1):
        calendar.is_working_day(datetime.date(year, 1, 1))


def _update_ranges(
    sql: str, index: WorkingDayIndex, budgets: list[int], ranges: list[int], chunk_ids: int, today
) -> int:
    """Run the UPDATE for the id ranges starting after each of ``ranges`` on this thread's
    connection (its own temporary tables), one transaction per range."""
    ops = connection.ops
    written = 0
    with connection.cursor() as cursor:
        try:
            _load_index(cursor, index, budgets)
            for low in ranges:
                params = {
                    "low": low,
                    "high": low + chunk_ids,
                    "today": ops.adapt_datefield_value(today),
                    "now": ops.adapt_datetimefield_value(timezone.now()),
                }
                with transaction.atomic():
                    cursor.execute(sql, params)
                    written += _rowcount(cursor)
        finally:
            _drop_tables(cursor)
    return written


def _in_session(*args) -> int:
    """``_update_ranges`` in a worker thread, with (and then closing) its own connection."""
    try:
        return _update_ranges(*args)
    finally:
        connection.close()


def sync_case_due_dates() -> int:
    """Copy the case clocks' re-derived due dates onto their cases (the dates notices and
    pages show), set-based, only where they differ."""
    from intake.models import Application

    changed = 0
    for kind, field in (
        (ClockKind.PROMISED, "promised_due_date"),
        (ClockKind.STATUTORY, "statutory_due_date"),
    ):
        stale = (
            Clock.objects.filter(kind=kind, is_open=True, application__isnull=False)
            .exclude(due_date=F(f"application__{field}"))
            .values("application_id")
        )
        due = Clock.objects.filter(application=OuterRef("pk"), kind=kind).values("due_date")[:1]
        changed += Application.objects.filter(pk__in=stale).update(**{field: Subquery(due)})
    return changed


def clocks_rederive(
    *,
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
    chunk_ids: int = CHUNK_IDS,
    sessions: int = SESSIONS,
) -> RederiveResult:
    """Re-derive paused_days, due_date, yellow_from (and lower lights) of every open clock
    from the calendar table as it is now. Idempotent: a second run writes nothing.

    On PostgreSQL the id ranges are shared among ``sessions`` database sessions working
    side by side (the rows are disjoint), unless the caller is inside a transaction whose
    rows other sessions could not see."""
    began = time.monotonic()
    cache.delete(QUEUED_KEY)
    fingerprint = calendar_fingerprint()
    calendar = calendar or load_calendar()
    today = today or timezone.localdate()
    examined = written = 0
    span = _span(calendar)
    if span is not None:
        index, budgets, clocks = span
        examined = clocks["n"]
        sql = _UPDATE.format(
            clock=connection.ops.quote_name(Clock._meta.db_table),
            pause=connection.ops.quote_name(ClockPause._meta.db_table),
            ord=_ORD,
            day=_DAY,
            threshold=_THRESHOLD,
            red=Light.RED.value,
            yellow=Light.YELLOW.value,
            green=Light.GREEN.value,
        )
        ranges = list(range(clocks["first_id"] - 1, clocks["last_id"], chunk_ids))
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            sessions = 1
        sessions = max(1, min(sessions, len(ranges)))
        if sessions == 1:
            written = _update_ranges(sql, index, budgets, ranges, chunk_ids, today)
        else:
            with ThreadPoolExecutor(max_workers=sessions) as pool:
                shares = [ranges[n::sessions] for n in range(sessions)]
                written = sum(
                    pool.map(
                        lambda share: _in_session(sql, index, budgets, share, chunk_ids, today),
                        shares,
                    )
                )
        _warn_uncovered_years(calendar)
        written += sync_case_due_dates()
    seconds = time.monotonic() - began
    cache.set(APPLIED_KEY, fingerprint, timeout=None)
    logger.info(
        "Clocks re-derived: %d open, %d rows written in %.1f s (%d sessions)",
        examined,
        written,
        seconds,
        sessions if span else 0,
    )
    return RederiveResult(examined, written, round(seconds, 3), fingerprint)


def rederive_request() -> bool:
    """Queue ``approvals.tasks.clocks_rederive`` unless one is already queued and not yet
    started. A broker that does not answer is logged, not raised: the sweep queues the
    re-derivation later (``rederive_if_stale``). Returns whether a task was queued."""
    from ..tasks import clocks_rederive as task

    if not cache.add(QUEUED_KEY, 1, timeout=QUEUED_TIMEOUT):
        return False
    try:
        task.delay()
    except Exception:
        cache.delete(QUEUED_KEY)
        logger.exception("Could not queue the due-date re-derivation; the sweep will retry")
        return False
    return True


def rederive_if_stale() -> bool:
    """Queue the re-derivation when the calendar table changed since it last ran."""
    if cache.get(APPLIED_KEY) == calendar_fingerprint():
        return False
    return rederive_request()
