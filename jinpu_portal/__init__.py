"""The portal's project package (settings, root URLconf, base pieces); importing it
loads the Celery application, so ``@shared_task`` binds to it in every process."""

from .celery import app as celery_app

__all__ = ["celery_app"]
