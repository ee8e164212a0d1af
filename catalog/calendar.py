"""Working-day arithmetic (工作日), pure functions over the calendar table.

A ``WorkingCalendar`` is an immutable snapshot of the table. The functions take one
explicitly (tests, bulk jobs that re-derive many due dates) or load the current one,
which is cached per process (``CALENDAR``, a ``jinpu_portal.generation_cache``) and
rebuilt when the table is edited.

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
from dataclasses import dataclass, field

from jinpu_portal.generation_cache import GenerationCache

from .statutory import provisional_holidays

logger = logging.getLogger(__name__)

#: The uncovered years this process has already warned about.
_WARNED_YEARS: set[int] = set()

_ONE_DAY = datetime.timedelta(days=1)

#: How many years past this one the calendar answers for and staff may enter (the API's
#: horizon and the year entry page's): the statutory rule reaches any year, but a limit
#: never runs years ahead.
YEARS_AHEAD = 5


# The chinesecalendar package names its days in English; the table and every page keep
# the Chinese names (the seed migration's rows were renamed by 0007).
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def holiday_name_zh(name: str) -> str:
    """The Chinese name of a holiday named by the chinesecalendar package; any other
    name (already Chinese, typed in the admin) as it is."""
    return HOLIDAY_NAMES_ZH.get(name, name)


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    covered_years: frozenset[int] = frozenset()
    # The names of the table's days (holiday or worked weekend day), for the calendar API.
    names: dict[datetime.date, str] = field(default_factory=dict, compare=False, repr=False)

    def is_provisional(self, year: int) -> bool:
        """True for a year not yet published: its days off are the statutory ones."""
        return year not in self.covered_years

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
        # Once per process and year: a calendar is rebuilt whenever the table changes.
        if year not in _WARNED_YEARS:
            _WARNED_YEARS.add(year)
            logger.warning(
                "Working-day calendar has no entries for %s: falling back to Monday-Friday "
                "with the provisional statutory holidays. "
                "Enter that year's holidays in the admin (工作日历).",
                year,
            )


def is_working_day(day: datetime.date, calendar: WorkingCalendar | None = None) -> bool:
    return (calendar or current_calendar()).is_working_day(day)


def _walk_working_days(
    start: datetime.date, n: int, step: datetime.timedelta, calendar: WorkingCalendar | None
) -> datetime.date:
    """The n-th working day from ``start`` going by ``step`` (a day forward or back)."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = calendar or current_calendar()
    day = start
    remaining = n
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def add_working_days(
    start: datetime.date, n: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The n-th working day after ``start``; ``start`` itself for n == 0."""
    return _walk_working_days(start, n, _ONE_DAY, calendar)


def subtract_working_days(
    end: datetime.date, n: int, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The n-th working day before ``end``; ``end`` for n == 0.

    The inverse of ``add_working_days`` on working days: for a working day ``d``,
    ``add_working_days(subtract_working_days(d, n), n) == d``.
    """
    return _walk_working_days(end, n, -_ONE_DAY, calendar)


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


@dataclass(frozen=True)
class DayException:
    """A day that differs from Monday-Friday: a weekday off or a weekend day worked."""

    date: datetime.date
    kind: str  # CalendarDayKind: "holiday" or "workday"
    name: str
    provisional: bool  # from the statutory rule, the year not yet published


def year_exceptions(year: int, calendar: WorkingCalendar | None = None) -> list[DayException]:
    """Every day of ``year`` whose working status differs from Monday-Friday, in date
    order: weekdays off (with the holiday's name) and weekend days worked (调休). A
    statutory day falling on a weekend changes nothing and is not listed; its 补假 is."""
    from .constants import CalendarDayKind

    calendar = calendar or current_calendar()
    provisional = calendar.is_provisional(year)
    names = provisional_holidays(year) if provisional else calendar.names
    days = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        if working != (day.weekday() < 5):
            kind = CalendarDayKind.WORKDAY if working else CalendarDayKind.HOLIDAY
            days.append(DayException(day, str(kind), names.get(day, ""), provisional))
        day += _ONE_DAY
    return days


# --- Loading and caching ----------------------------------------------------

# Each process keeps the current calendar; an edit (receivers in catalog.signals, bulk
# changes included) retires every process's copy within a second, the editing
# process's at once; a copy is at most MAX_AGE seconds old in any case.
MAX_AGE = 60.0
CALENDAR = GenerationCache("catalog:calendar", max_age=MAX_AGE, max_entries=1)


def load_calendar() -> WorkingCalendar:
    from .constants import CalendarDayKind
    from .models import CalendarDay, CalendarYear

    holidays, workdays, names = set(), set(), {}
    for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
        names[day] = holiday_name_zh(name)
    years = set(CalendarYear.objects.values_list("year", flat=True))
    return WorkingCalendar(frozenset(holidays), frozenset(workdays), frozenset(years), names=names)


def current_calendar() -> WorkingCalendar:
    return CALENDAR.get_or_load("calendar", load_calendar)


def calendar_changed() -> None:
    """Retire every process's cached calendar (the table was edited in a way no
    receiver sees, as in SQL)."""
    CALENDAR.invalidate()


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
