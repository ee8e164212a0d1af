"""Celery tasks of accounts, run by beat (settings.CELERY_BEAT_SCHEDULE): the expiry of
agent authorizations past their last day."""

from celery import shared_task


@shared_task(name="accounts.tasks.agent_authorizations_expire")
def agent_authorizations_expire() -> int:
    """Hourly: the expiry audit row of each agent authorization past its last day (the
    access rule already ignores them, checked in the query)."""
    from .authorization import agent_authorizations_expire as expire

    return expire()
