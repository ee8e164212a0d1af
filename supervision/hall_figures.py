"""The hall's queue figures (取号叫号: tickets issued and served, average wait) for the
overview.

The queue app (``hall``) is being built alongside; until its models are on main this
answers ``available=False`` and the overview shows a labelled placeholder instead of
figures (never zeros that would read as "no tickets")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class HallFigures:
    available: bool
    tickets: int = 0
    served: int = 0
    average_wait_minutes: Decimal | None = None


def hall_figures(f) -> HallFigures:
    """The queue figures of the filter's period and hall (none yet: see the module)."""
    return HallFigures(available=False)
