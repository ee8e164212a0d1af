"""Celery tasks of approvals: the minute clock sweep and the re-derivation of due dates
after a calendar edit."""

import datetime

from celery import shared_task


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@shared_task(
    name="approvals.tasks.clock_sweep", acks_late=True, time_limit=120, soft_time_limit=100
)
def clock_sweep(today: str | None = None) -> dict:
    """Every minute (beat): change the lights the day changes, warn once per rise, open
    the 督办 owed. Idempotent; a missed run is caught up by the next (stored dates).
    ``today`` (ISO date) replays a given day; by default the local date.

    Also queues the due-date re-derivation if the calendar changed since it last ran
    (an edit made while the broker was down)."""
    from .services.rederive import rederive_if_stale
    from .services.sweep import clock_sweep as sweep

    result = sweep(today=_day(today)).as_dict()
    result["rederive_queued"] = rederive_if_stale()
    return result


@shared_task(
    name="approvals.tasks.clocks_rederive",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,  # queued from the admin, which never waits for it
)
def clocks_rederive(today: str | None = None) -> dict:
    """After a calendar edit: re-derive every open clock's due date. Idempotent."""
    from .services.rederive import clocks_rederive as rederive

    return rederive(today=_day(today)).as_dict()
