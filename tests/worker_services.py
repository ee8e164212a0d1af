"""Loaded with ``-p tests.worker_services`` (pyproject's addopts) before Django's
settings are read: each pytest-xdist worker gets a Redis database of its own.

The suite's cache and broker both live in REDIS_URL's database number plus 1 plus the
worker's index (gw0 -> +1, gw1 -> +2; a run without xdist counts as gw0), so the
autouse ``cache.clear()`` of one worker never empties another's keys, and a run of the
suite never touches the database REDIS_URL names for the portal itself. Each worker's
PostgreSQL test database gets its own suffix from pytest-django (``test_<name>_gw0``).
"""

import os
import re

_url = os.environ.get("REDIS_URL")
if _url:
    _worker = int(re.sub(r"\D", "", os.environ.get("PYTEST_XDIST_WORKER", "gw0")) or 0)
    _base, _, _db = _url.rstrip("/").rpartition("/")
    if not _db.isdigit():  # redis://host:port without a database: 0
        _base, _db = _url.rstrip("/"), "0"
    os.environ["REDIS_URL"] = f"{_base}/{int(_db) + 1 + _worker}"
# The broker shares the suite's database (or, without REDIS_URL, is the filesystem
# transport): a CELERY_BROKER_URL of the environment or of .env names the portal's own
# queue. Empty, settings fall back to REDIS_URL, and Celery, which reads a non-empty
# CELERY_BROKER_URL of the environment before its settings, keeps to them (a test may
# point the app at another broker). Sharing, each test's cache clearing also empties
# what earlier tests queued.
os.environ["CELERY_BROKER_URL"] = ""
