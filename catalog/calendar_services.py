"""Entering a whole year's working-day schedule in one act: the State Council's 放假安排
(holiday ranges with their names, and the weekend days worked in lieu, 调休上班) as the
centre types it from the published notice.

``schedule_days`` turns the ranges and the worked weekend days into the table's rows
(every day of a range is a holiday row, weekends included, as the chinesecalendar
package lists them); ``year_schedule`` reads what the table holds for a year now, with
the edit token of it the preview page carries; ``calendar_year_enter`` writes the year
in one transaction: the year's previous rows are replaced, its ``CalendarYear`` row
created (or its note updated), and every row added or removed is recorded in the
admin's history (who, when), as an edit in the admin (工作日历) is.

The table's models notify the calendar cache (``catalog.signals``): the save retires
every process's calendar and, after the commit, sends ``calendar_edited``, which
re-derives the due dates of open clocks (approvals). Nothing here guesses a schedule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from jinpu_portal.concurrency import STALE_MESSAGE, edit_token

from .constants import CalendarDayKind, CalendarSource
from .models import CalendarDay, CalendarYear
from .services import CatalogError

_ONE_DAY = datetime.timedelta(days=1)

ENTERED_ELSEWHERE = "该年度的安排刚刚已由他人录入，请刷新页面核对后再录入。"


@dataclass(frozen=True)
class HolidayRange:
    name: str
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class PlannedDay:
    """A row the entry will write."""

    date: datetime.date
    kind: str  # CalendarDayKind
    name: str

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


def schedule_days(
    ranges: list[HolidayRange], workdays: list[tuple[datetime.date, str]]
) -> list[PlannedDay]:
    """The rows of a year's schedule in date order: each day of each range a holiday,
    each worked weekend day a workday (the caller has validated them)."""
    days = []
    for holiday in ranges:
        day = holiday.start
        while day <= holiday.end:
            days.append(PlannedDay(day, CalendarDayKind.HOLIDAY.value, holiday.name))
            day += _ONE_DAY
    days.extend(PlannedDay(day, CalendarDayKind.WORKDAY.value, name) for day, name in workdays)
    return sorted(days, key=lambda planned: planned.date)


@dataclass(frozen=True)
class YearSchedule:
    """What the table holds for a year now."""

    year: int
    entry: CalendarYear | None  # None: not entered, the year is provisional
    days: list[CalendarDay]

    @property
    def token(self) -> str:
        return _token(self.entry, self.days)


def _token(entry: CalendarYear | None, days: list[CalendarDay]) -> str:
    return edit_token(
        {
            "year": None if entry is None else [entry.pk, entry.note, entry.updated_at],
            "days": [[day.pk, day.date, day.kind, day.name, day.updated_at] for day in days],
        }
    )


def year_schedule(year: int) -> YearSchedule:
    return YearSchedule(
        year,
        CalendarYear.objects.filter(year=year).first(),
        list(CalendarDay.objects.filter(date__year=year).order_by("date")),
    )


def _log(actor, objects, flag: int, message: str) -> None:
    if actor is not None and objects:
        LogEntry.objects.log_actions(actor.pk, objects, flag, change_message=message)


@transaction.atomic
def calendar_year_enter(
    *, year: int, days: list[PlannedDay], note: str, actor, seen: str | None = None
) -> CalendarYear:
    """Write ``year``'s schedule: its previous rows replaced by ``days``, the year marked
    entered (published) with ``note`` (the notice's number). ``seen`` is the token of
    ``year_schedule`` the person previewed: refused (``stale``) when the table's rows of
    the year changed since, and (``conflict``) when someone entered the year meanwhile.
    All or nothing."""
    if any(day.date.year != year for day in days):
        raise ValueError("every day must fall in the year entered")
    entry = CalendarYear.objects.select_for_update().filter(year=year).first()
    existing = list(
        CalendarDay.objects.select_for_update().filter(date__year=year).order_by("date")
    )
    if seen is not None and seen != _token(entry, existing):
        raise CatalogError(STALE_MESSAGE, code="stale")
    summary = (
        f"工作日历录入页：录入 {year} 年全年安排"
        f"（放假 {sum(d.kind == CalendarDayKind.HOLIDAY for d in days)} 天，"
        f"调休上班 {sum(d.kind == CalendarDayKind.WORKDAY for d in days)} 天）"
    )
    _log(actor, existing, DELETION, summary)
    CalendarDay.objects.filter(pk__in=[day.pk for day in existing]).delete()
    try:
        with transaction.atomic():
            if entry is None:
                entry = CalendarYear.objects.create(
                    year=year, source=CalendarSource.ADMIN, note=note
                )
                flag = ADDITION
            else:
                entry.source, entry.note = CalendarSource.ADMIN, note
                entry.save(update_fields=["source", "note", "updated_at"])
                flag = CHANGE
            created = CalendarDay.objects.bulk_create(
                CalendarDay(date=d.date, kind=d.kind, name=d.name, source=CalendarSource.ADMIN)
                for d in days
            )
    except IntegrityError as error:  # a colleague's entry of the same year committed first
        raise CatalogError(ENTERED_ELSEWHERE, code="conflict") from error
    _log(actor, [entry], flag, summary)
    _log(actor, created, ADDITION, summary)
    return entry


@dataclass(frozen=True)
class YearStatus:
    """A year as the entry page lists it: entered or provisional, its rows, and the
    last entry or edit recorded in the admin's history (who, when)."""

    year: int
    entry: CalendarYear | None
    holidays: int
    workdays: int
    last_change: LogEntry | None


def years_status(years: list[int]) -> list[YearStatus]:
    """Three statements whatever the number of years."""
    entries = {e.year: e for e in CalendarYear.objects.filter(year__in=years)}
    counts = {
        row["y"]: row
        for row in CalendarDay.objects.filter(date__year__in=years)
        .annotate(y=ExtractYear("date"))
        .values("y")
        .annotate(
            holidays=Count("pk", filter=Q(kind=CalendarDayKind.HOLIDAY)),
            workdays=Count("pk", filter=Q(kind=CalendarDayKind.WORKDAY)),
        )
    }
    changes = {}
    if entries:
        logs = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(CalendarYear),
                object_id__in=[str(e.pk) for e in entries.values()],
            )
            .select_related("user")
            .order_by("object_id", "-action_time")
        )
        for log in logs:
            changes.setdefault(log.object_id, log)
    return [
        YearStatus(
            year,
            entries.get(year),
            counts.get(year, {}).get("holidays", 0),
            counts.get(year, {}).get("workdays", 0),
            changes.get(str(entries[year].pk)) if year in entries else None,
        )
        for year in years
    ]
