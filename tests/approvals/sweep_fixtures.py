"""Helpers for the sweep and re-derivation tests: clocks through ``clock_start`` (no case
needed: ``Clock.application`` is nullable) and the messages the sweep sends."""

import datetime

from approvals.constants import ClockKind
from approvals.models import Clock
from approvals.services.clocks import clock_start
from jinpu_portal.models import Notification


def start_clock(
    department, started_on: datetime.date, budget_days: int, kind=ClockKind.PROMISED
) -> Clock:
    return clock_start(
        kind=kind, department=department, budget_days=budget_days, started_on=started_on
    )


def messages_to(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def lights(*clocks) -> list[tuple[int, int]]:
    """(light, warned_level) of each clock as stored."""
    stored = {
        pk: (light, warned)
        for pk, light, warned in Clock.objects.filter(
            pk__in=[clock.pk for clock in clocks]
        ).values_list("pk", "light", "warned_level")
    }
    return [stored[clock.pk] for clock in clocks]
