"""Deadline clocks: start, pause, resume, extend, stop, and the derivation of the due
date and the lights from the stored facts.

Conventions (see catalog.calendar): a limit of N working days started on day S ends on
``add_working_days(S, N)``; a pause from day A to day B does not count the working days
in (A, B]. The yellow light comes on when the working days left are at or below the
threshold: by default the larger of 2 and 20 % of the budget (settings).
"""

import datetime
import math

from django.conf import settings
from django.utils import timezone

from catalog.calendar import (
    WorkingCalendar,
    add_working_days,
    current_calendar,
    subtract_working_days,
    working_days_between,
)

from ..constants import Light
from ..models import Clock, ClockPause


def yellow_threshold(total_days: int) -> int:
    return max(
        settings.APPROVALS_YELLOW_MIN_DAYS,
        math.ceil(total_days * settings.APPROVALS_YELLOW_RATIO),
    )


def light_for(*, due_date: datetime.date, yellow_from: datetime.date, today: datetime.date) -> int:
    if today > due_date:
        return Light.RED
    if today >= yellow_from:
        return Light.YELLOW
    return Light.GREEN


def clock_derive(
    clock: Clock,
    *,
    pauses: list[ClockPause] | None = None,
    calendar: WorkingCalendar | None = None,
    today: datetime.date | None = None,
) -> Clock:
    """Recompute paused_days, due_date, yellow_from and light from the stored facts.

    Does not save. ``pauses`` may be passed to avoid a query per clock in bulk jobs.
    """
    calendar = calendar or current_calendar()
    today = today or timezone.localdate()
    if pauses is None:
        pauses = list(clock.pauses.all()) if clock.pk else []
    clock.paused_days = sum(
        working_days_between(p.started_on, p.ended_on, calendar) for p in pauses if p.ended_on
    )
    total = clock.budget_days + clock.extension_days + clock.paused_days
    clock.due_date = add_working_days(clock.started_on, total, calendar)
    threshold = min(yellow_threshold(clock.budget_days + clock.extension_days), total)
    clock.yellow_from = subtract_working_days(clock.due_date, threshold, calendar)
    if clock.is_open and clock.paused_since is None:
        clock.light = light_for(due_date=clock.due_date, yellow_from=clock.yellow_from, today=today)
    elif not clock.is_open:
        end = clock.stopped_on or today
        clock.light = Light.RED if end > clock.due_date else Light.GREEN
    return clock


def clock_new(
    *,
    kind: str,
    department,
    budget_days: int,
    started_on: datetime.date,
    application=None,
) -> Clock:
    """A clock started on ``started_on``, derived but not saved (for bulk_create)."""
    clock = Clock(
        application=application,
        kind=kind,
        department=department,
        started_on=started_on,
        budget_days=budget_days,
    )
    clock_derive(clock, pauses=[])
    clock.warned_level = Light.GREEN
    return clock


def clock_start(**fields) -> Clock:
    """``clock_new``, saved."""
    clock = clock_new(**fields)
    clock.save()
    return clock


# What the services write after a derivation. ``warned_level`` is the sweep's alone: a
# service saving a stale copy of it could make the sweep warn twice.
DERIVED_FIELDS = [
    "paused_days",
    "paused_since",
    "extension_days",
    "is_open",
    "stopped_on",
    "due_date",
    "yellow_from",
    "light",
    "updated_at",
]


def clock_pause(
    *, clock: Clock, kind: str, reason: str, on: datetime.date, actor=None, expected_days=None
) -> ClockPause:
    """Stop counting from ``on``; the caller holds the case lock."""
    if not clock.is_open:
        raise ValueError("a stopped clock cannot be paused")
    if clock.paused_since is not None:
        raise ValueError("the clock is already paused")
    pause = ClockPause.objects.create(
        clock=clock,
        kind=kind,
        reason=reason,
        started_on=on,
        expected_days=expected_days,
        created_by=actor,
    )
    clock.paused_since = on
    clock.save(update_fields=["paused_since", "updated_at"])
    return pause


def clock_resume(*, clock: Clock, on: datetime.date, result: str = "") -> Clock:
    """Count again from ``on``; the paused working days move the due date."""
    pause = clock.pauses.filter(ended_on__isnull=True).first()
    if pause is not None:
        pause.ended_on = max(on, pause.started_on)
        pause.result = result
        pause.save(update_fields=["ended_on", "result"])
    clock.paused_since = None
    clock_derive(clock)
    clock.save(update_fields=DERIVED_FIELDS)
    return clock


def clock_extend(*, clock: Clock, days: int) -> Clock:
    clock.extension_days += days
    clock_derive(clock)
    clock.save(update_fields=DERIVED_FIELDS)
    return clock


def clock_stop(*, clock: Clock, on: datetime.date) -> Clock:
    if not clock.is_open:
        return clock
    if clock.paused_since is not None:
        clock_resume(clock=clock, on=on)
    clock.is_open = False
    clock.stopped_on = on
    clock_derive(clock)
    clock.save(update_fields=DERIVED_FIELDS)
    return clock


def clock_days_left(clock: Clock, today: datetime.date | None = None) -> int:
    """Working days left (negative: overdue by that many), for "剩 2 个工作日"."""
    today = today or timezone.localdate()
    return working_days_between(today, clock.due_date)
