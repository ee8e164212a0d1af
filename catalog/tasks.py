"""Celery tasks of the catalog: the daily calendar coverage check."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="catalog.tasks.calendar_coverage_check")
def calendar_coverage_check() -> list[str]:
    """Daily: say loudly in the worker log when a year the portal needs is not entered."""
    from .checks import calendar_coverage_warnings

    messages = [warning.msg for warning in calendar_coverage_warnings()]
    for message in messages:
        logger.warning("%s", message)
    return messages
