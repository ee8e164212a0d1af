"""Celery tasks of supervision: keeping the rollups current (``supervision.refresh``) and
building annual reports (``supervision.reports``)."""

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


# ignore_result: the report row is the result (its state, progress and file).
@shared_task(
    name="supervision.annual_report_build", acks_late=True, time_limit=1800, ignore_result=True
)
def annual_report_build(report_id: int) -> str:
    """Build an annual report's PDF once (a report no longer queued is left alone)."""
    from .reports import report_build

    return report_build(report_id).state
