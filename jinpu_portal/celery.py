"""The Celery application. Configuration lives in settings under CELERY_*."""

import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinpu_portal.settings")

app = Celery("jinpu_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _ensure_filesystem_folders(sender, **kwargs):
    """kombu's filesystem transport needs its folders to exist before anyone publishes."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        os.makedirs(backend.removeprefix("file://"), exist_ok=True)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_worker_logs(logger, **kwargs):
    """The worker replaces the root logger's handlers with its own (worker_hijack_root_logger),
    dropping settings.LOGGING's redaction filter: put it back on them."""
    from .logging import add_redaction

    add_redaction(logger)


class HeartbeatScheduler(PersistentScheduler):
    """Celery's file-backed beat scheduler, touching settings.BEAT_HEARTBEAT_FILE on
    every tick (at least once a minute: CELERY_BEAT_MAX_LOOP_INTERVAL)."""

    def tick(self, *args, **kwargs):
        from django.conf import settings

        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)
