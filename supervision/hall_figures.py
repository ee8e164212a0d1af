"""The hall's queue figures (取号叫号: tickets issued and served, average wait, waits over
30 minutes) of the overview's period and hall, read through ``hall.selectors``.

The queue belongs to a hall, not to a department: the figures follow the filter's period
and hall only (every hall when none is chosen) and are the same for every supervisor;
the overview says so when the filter names a department, item, channel or unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hall.constants import LONG_WAIT_MINUTES
from hall.selectors import period_figures

TENTH = Decimal("0.1")


@dataclass
class HallFigures:
    available: bool
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    long_waits: int = 0
    average_wait_minutes: Decimal | None = None
    average_service_minutes: Decimal | None = None
    #: the filter names dimensions the queue does not have (department, item, ...)
    partial: bool = False
    long_wait_minutes: int = LONG_WAIT_MINUTES


def _minutes(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / 60).quantize(TENTH, ROUND_HALF_UP)


def hall_figures(f) -> HallFigures:
    """The queue figures of the filter's period and hall (one statement)."""
    row = period_figures(f.start, f.end, f.hall)
    return HallFigures(
        available=True,
        tickets=row.issued,
        served=row.served,
        no_show=row.no_show,
        long_waits=row.long_waits,
        average_wait_minutes=_minutes(row.average_wait),
        average_service_minutes=_minutes(row.average_service),
        partial=bool(f.department or f.item or f.channel or f.unit),
    )
