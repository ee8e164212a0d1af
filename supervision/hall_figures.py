"""The hall's queue figures (取号叫号: tickets issued and served, average wait, waits over
30 minutes) of the overview's period and hall, read through ``hall.selectors``.

The queue belongs to a hall, not to a department: a district-wide supervisor with no
other dimension chosen sees every ticket of the period and hall (every hall when none is
chosen). A supervisor of some departments, or a filter naming a department, item,
channel or delegated unit, counts only the tickets linked to a case of that scope and
those dimensions (the application the window accepted or refused while serving the
ticket: ``Ticket.application``); the overview says so (``linked_only``)."""

from __future__ import annotations

import dataclasses
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
    #: only the tickets linked to a case of the scope and the filter's dimensions
    linked_only: bool = False
    long_wait_minutes: int = LONG_WAIT_MINUTES


def _minutes(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / 60).quantize(TENTH, ROUND_HALF_UP)


def hall_figures(f) -> HallFigures:
    """The queue figures of the filter's period and hall (one statement)."""
    linked_only = f.scope is not None or bool(f.department or f.item or f.channel or f.unit)
    row = period_figures(
        f.start,
        f.end,
        f.hall,
        cases=dataclasses.replace(f, hall=None).applications() if linked_only else None,
    )
    return HallFigures(
        available=True,
        tickets=row.issued,
        served=row.served,
        no_show=row.no_show,
        long_waits=row.long_waits,
        average_wait_minutes=_minutes(row.average_wait),
        average_service_minutes=_minutes(row.average_service),
        linked_only=linked_only,
    )
