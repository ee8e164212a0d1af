"""The hall's queue figures (取号叫号: tickets issued, served, 过号 and 已失效, average
wait, waits over 30 minutes) of the overview's period and hall, and the annual
report's, read from the hall rollups (``HallDay`` / ``HallMonth``, kept by
``supervision.refresh`` within a minute; they equal ``hall.selectors.period_figures``,
which the tests compare).

The queue belongs to a hall, not to a department: a district-wide supervisor with no
other dimension chosen sees every ticket of the period and hall (every hall when none is
chosen). A supervisor of some departments, or a filter naming a department, item,
channel or delegated unit, counts only the tickets linked to a case of that scope and
those dimensions (the application the window accepted or refused while serving the
ticket: ``Ticket.application``); the overview says so (``linked_only``). The rollup
rows carry the linked case's dimensions (none for a ticket without a case), so the
filter's ``rows()`` applies to them as to the case rollups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from hall.constants import LONG_WAIT_MINUTES
from hall.selectors import Figures, minutes_of

from .models import HallCounts, HallDay, HallMonth
from .rollups import Filter, period_parts

_SUMS = {name: Sum(name) for name in HallCounts.COUNTS}


@dataclass
class HallFigures:
    available: bool
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    expired: int = 0  # 已失效: closed by the day's close, not served that day
    long_waits: int = 0
    average_wait_minutes: Decimal | None = None
    average_service_minutes: Decimal | None = None
    #: only the tickets linked to a case of the scope and the filter's dimensions
    linked_only: bool = False
    long_wait_minutes: int = LONG_WAIT_MINUTES


def _sources(f: Filter) -> list[tuple[QuerySet, bool]]:
    """(rows, monthly?) covering the filter: whole months from HallMonth, the rest of
    the period from HallDay."""
    monthly, daily = period_parts(f.start, f.end)
    where = f.rows()
    sources = []
    if monthly is not None:
        sources.append((HallMonth.objects.filter(monthly, where), True))
    if daily != Q(pk__in=[]):
        sources.append((HallDay.objects.filter(daily, where), False))
    return sources


_DURATIONS = ("wait_total", "service_total")


def _add(total: dict, row: dict) -> dict:
    def zero(name):
        return datetime.timedelta(0) if name in _DURATIONS else 0

    return {
        name: (total.get(name) or zero(name)) + (row.get(name) or zero(name))
        for name in HallCounts.COUNTS
    }


def _figures(key, name: str, sums: dict) -> Figures:
    def average(total, n):
        return total / n if n and total is not None else None

    return Figures(
        key=key,
        name=name,
        issued=sums.get("issued") or 0,
        waiting=sums.get("waiting") or 0,
        served=sums.get("served") or 0,
        no_show=sums.get("no_show") or 0,
        expired=sums.get("expired") or 0,
        average_wait=average(sums.get("wait_total"), sums.get("called")),
        average_service=average(sums.get("service_total"), sums.get("timed")),
        long_waits=sums.get("long_waits") or 0,
    )


def period_row(f: Filter, name: str = "") -> Figures:
    """The tickets of the filter, as ``hall.selectors.period_figures`` counts them (one
    statement, two when the period has a partial month)."""
    total: dict = {}
    for rows, _monthly in _sources(f):
        total = _add(total, rows.aggregate(**_SUMS))
    return _figures(f.hall, name, total)


def period_rows(f: Filter, by: str) -> dict:
    """The tickets of the filter per ``hall`` (key: its id) or ``month`` (key: its first
    day), as ``period_row`` (a statement per source)."""
    totals: dict = {}
    for rows, monthly in _sources(f):
        field = "hall_id" if by == "hall" else "day"
        for row in rows.values(field).annotate(**_SUMS).order_by():
            key = row[field]
            if by == "month" and not monthly:
                key = datetime.date(key.year, key.month, 1)
            totals[key] = _add(totals.get(key, {}), row)
    return {key: _figures(key, "", sums) for key, sums in totals.items()}


def hall_figures(f: Filter) -> HallFigures:
    """The queue figures of the filter's period and hall (one or two statements)."""
    linked_only = f.scope is not None or bool(f.department or f.item or f.channel or f.unit)
    row = period_row(f)
    return HallFigures(
        available=True,
        tickets=row.issued,
        served=row.served,
        no_show=row.no_show,
        expired=row.expired,
        long_waits=row.long_waits,
        average_wait_minutes=minutes_of(row.average_wait),
        average_service_minutes=minutes_of(row.average_service),
        linked_only=linked_only,
    )
