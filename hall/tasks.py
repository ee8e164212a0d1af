"""Celery tasks of the hall, run by beat (settings.CELERY_BEAT_SCHEDULE): the day's
close (日终清号)."""

import datetime

from celery import shared_task


@shared_task(name="hall.tasks.day_close", acks_late=True, time_limit=900, soft_time_limit=840)
def day_close(now: str | None = None) -> dict:
    """Every hour: end every ticket of an earlier day still waiting, called or in service,
    and close the windows left open or paused since then (``hall.services.dayclose``).
    Idempotent; a missed run is caught up by the next. ``now`` (ISO date-time with
    offset) replays a given moment."""
    from .services.dayclose import day_close as close

    return close(now=datetime.datetime.fromisoformat(now) if now else None).as_dict()
