"""Celery tasks of supervision: keeping the rollups current (``supervision.refresh``)."""

from celery import shared_task

from . import refresh


@shared_task(acks_late=True, time_limit=3600)
def rollups_refresh() -> int:
    """Every minute: rebuild the days the record changed since the last pass."""
    return len(refresh.refresh().days)


@shared_task(acks_late=True, time_limit=3600)
def rollups_reconcile() -> int:
    """Nightly: rebuild the last days whatever the marks say (a safety net)."""
    return len(refresh.reconcile().days)
