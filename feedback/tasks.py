"""Celery tasks of feedback (好差评), run by beat (settings.CELERY_BEAT_SCHEDULE): the
default ratings of periods that ended unrated, and the one invitation to rate."""

import datetime

from celery import shared_task


def _moment(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


@shared_task(
    name="feedback.tasks.ratings_default", acks_late=True, time_limit=900, soft_time_limit=840
)
def ratings_default(now: str | None = None) -> dict:
    """Every 10 minutes: record 基本满意 (default) for each instance whose rating period
    ended unrated. Idempotent; a missed run is caught up by the next. ``now`` (ISO
    date-time with offset) replays a given moment."""
    from .services.jobs import ratings_default_record

    return ratings_default_record(now=_moment(now)).as_dict()


@shared_task(
    name="feedback.tasks.invitations_send", acks_late=True, time_limit=300, soft_time_limit=240
)
def invitations_send(now: str | None = None) -> dict:
    """In the daytime, every 15 minutes: one invitation to rate to whoever has not rated
    FEEDBACK_INVITE_DAYS after the service. Idempotent (ServiceInstance.invited_at)."""
    from .services.jobs import invitations_send as send

    return send(now=_moment(now)).as_dict()
