"""Celery tasks of the portal: ping (health check), dispatching notifications and
purging the keys of create-only forms."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="jinpu_portal.ping")
def ping(payload: str) -> dict:
    """Round trip used by the health check and the broker test: says which database the
    worker reached, and logs the payload (the test checks the worker's log is redacted)."""
    from django.db import connection

    logger.info("ping received: %s", payload)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "echo": payload,
        "database": one == 1,
        "database_name": str(connection.settings_dict["NAME"]),
    }


@shared_task(name="jinpu_portal.notifications_dispatch_pending", ignore_result=True)
def notifications_dispatch_pending() -> int:
    """Send the outbox's messages by SMS and e-mail (beat, every 30 seconds)."""
    from .notifications import notifications_dispatch_pending as dispatch

    return dispatch()


@shared_task(name="jinpu_portal.notification_dispatch", ignore_result=True)
def notification_dispatch(payload: dict) -> None:
    """One message queued by the release before the outbox (none are queued now)."""
    from .notifications import dispatch_external

    dispatch_external(payload)


@shared_task(name="jinpu_portal.submissions_purge", ignore_result=True)
def submissions_purge() -> int:
    """Delete the create-only forms' keys older than two days (beat, nightly)."""
    from .submissions import submissions_purge as purge

    return purge()
