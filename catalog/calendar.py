"""Working-day arithmetic (工作日), pure functions over the calendar table.

A ``WorkingCalendar`` is an immutable snapshot of the table. The functions take one
explicitly (tests, bulk jobs that re-derive many due dates) or load the current one,
which is cached per process and rebuilt when an administrator edits the table
(``calendar_changed`` bumps a version in the shared cache).

Conventions: ``add_working_days(start, n)`` is the n-th working day after ``start``
(``start`` itself never counts, as a time limit runs from the day after acceptance);
``working_days_between(a, b)`` counts working days ``d`` with ``a < d <= b``, so the
two are inverse: ``working_days_between(s, add_working_days(s, n)) == n``.

A year the table does not cover (no CalendarYear row: not yet published) falls back to
Monday-Friday with the provisional statutory holidays of ``catalog.statutory``: the
system check ``catalog.W001`` and a log warning name the year.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass, field
from threading import Lock

from django.core.cache import cache

from jinpu_portal.cache import generation_bump

from .statutory import provisional_holidays

logger = logging.getLogger(__name__)

_VERSION_KEY = "catalog:calendar-version"
_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    covered_years: frozenset[int] = frozenset()
    _warned: set[int] = field(default_factory=set, compare=False, repr=False)

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self.covered_years:
            self._warn_uncovered(day.year)
            if day in provisional_holidays(day.year):
                return False
        elif day in self.workdays:
            return True
        elif day in self.holidays:
            return False
        return day.weekday() < 5

    def _warn_uncovered(self, year: int) -> None:
        if year not in self._warned:
            self._warned.add(year)
            logger.warning(
                "Working-day calendar has no entries for %s: falling back to Monday-Friday "
                "with the provisional statutory holidays. "
                "Enter that year's holidays in the admin (工作日历).",
                year,
            )


def is_working_day(day: datetime.date, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or current_calendar()).is_working_day(day)


def add_working_days(
    start: datetime.date, n: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The n-th working day after ``start``; ``start`` itself for n == 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = calendar or current_calendar()
    day = start
    remaining = n
    while remaining:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def subtract_working_days(
    end: datetime.date, n: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The n-th working day before ``end``; ``end`` for n == 0.

    The inverse of ``add_working_days`` on working days: for a working day ``d``,
    ``add_working_days(subtract_working_days(d, n), n) == d``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = calendar or current_calendar()
    day = end
    remaining = n
    while remaining:
        day -= _ONE_DAY
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(
    a: datetime.date, b: datetime.date, calendar: WorkingCalendar | None = None
) -> int:
    """Working days d with a < d <= b; negative when b is before a."""
    if b < a:
        return -working_days_between(b, a, calendar)
    calendar = calendar or current_calendar()
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if calendar.is_working_day(day):
            count += 1
    return count


# --- Loading and caching ----------------------------------------------------

_lock = Lock()
# (version, loaded at, calendar). A process re-reads the table when the shared version
# moves, and at least every _MAX_AGE seconds in case the cache is not shared (locmem).
_cached: tuple[int | None, float, WorkingCalendar] | None = None
_MAX_AGE = 60.0
# The shared version is asked at most this often: a request computing several due dates
# asks once, and an edit reaches every process within a second (the editing process at
# once: calendar_changed drops its copy).
_CHECK_EVERY = 1.0
_checked_at = 0.0


def load_calendar() -> WorkingCalendar:
    from .constants import CalendarDayKind
    from .models import CalendarDay, CalendarYear

    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
    years = set(CalendarYear.objects.values_list("year", flat=True))
    return WorkingCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def current_calendar() -> WorkingCalendar:
    global _cached, _checked_at
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - _checked_at < _CHECK_EVERY:
        return cached[2]
    version = cache.get(_VERSION_KEY)
    _checked_at = now
    if (
        cached is not None
        and version is not None
        and cached[0] == version
        and time.monotonic() - cached[1] < _MAX_AGE
    ):
        return cached[2]
    with _lock:
        if version is None:
            version = 1
            cache.add(_VERSION_KEY, version, timeout=None)
            version = cache.get(_VERSION_KEY, version)
        calendar = load_calendar()
        _cached = (version, time.monotonic(), calendar)
        return calendar


def forget_local() -> None:
    """Drop this process's copy (tests: a rolled-back edit leaves no version bump)."""
    global _cached, _checked_at
    _cached, _checked_at = None, 0.0


def calendar_changed() -> None:
    """Invalidate every process's cached calendar (called when the table is edited):
    now, and again when the edit commits (``generation_bump``)."""
    generation_bump(_VERSION_KEY, forget=forget_local)


def uncovered_years(years) -> list[int]:
    from .models import CalendarYear

    wanted = sorted(set(years))
    covered = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in covered]


def years_to_check(today: datetime.date, warn_days_ahead: int) -> list[int]:
    """The current year, and next year once it is within ``warn_days_ahead`` days."""
    years = [today.year]
    if (datetime.date(today.year + 1, 1, 1) - today).days <= warn_days_ahead:
        years.append(today.year + 1)
    return years
