"""Proof the real Celery parts work: a worker process against Redis runs a task sent
through the broker, and `make demo`'s embedded default (no REDIS_URL) does the same on
kombu's filesystem transport."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from jinpu_portal.celery import app as celery_app
from jinpu_portal.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
RAW_ID = "11010519491231002X"


def database_url_for_worker(tmp_path) -> str:
    """The test database, so the worker reads what the test sees."""
    db = settings.DATABASES["default"]
    if settings.IS_POSTGRES:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"  # SQLite test databases live in memory


def start_worker(env: dict, log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [CELERY, "-A", "jinpu_portal", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", *extra],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_ready(worker: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if " ready." in log.read_text(errors="replace"):
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"worker did not become ready:\n{log.read_text(errors='replace')}")


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()  # warm shutdown
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


def worker_env(**overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CELERY_")}
    env.update(DEBUG="1", PYTHONUNBUFFERED="1", **overrides)
    return env


@pytest.mark.redis
def test_the_suite_queues_in_its_workers_own_database():
    """tests/worker_services.py replaces a CELERY_BROKER_URL of the environment (the
    portal's own queue) with the worker's Redis database, which the cache shares."""
    suites = os.environ["REDIS_URL"]
    assert settings.CACHES["default"]["LOCATION"] == suites
    assert {settings.CELERY_BROKER_URL, celery_app.conf.broker_url} == {suites}


@pytest.mark.redis
def test_worker_runs_a_task_sent_through_redis(db, tmp_path, monkeypatch):
    queue = f"test-{uuid.uuid4().hex[:12]}"  # no other worker on this Redis takes it
    log = tmp_path / "worker.log"
    env = worker_env(
        REDIS_URL=os.environ["REDIS_URL"], DATABASE_URL=database_url_for_worker(tmp_path)
    )
    worker = start_worker(env, log, "-Q", queue, "-n", f"{queue}@%h")
    try:
        wait_until_ready(worker, log)
        monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
        assert celery_app.conf.broker_url.startswith("redis://")
        result = ping.apply_async(args=[f"申请人 {RAW_ID}"], queue=queue)
        reply = result.get(timeout=60)
        assert result.backend.__class__.__name__ == "RedisBackend"
    finally:
        stop(worker)
    assert reply["echo"] == f"申请人 {RAW_ID}"
    assert reply["database"] is True
    if settings.IS_POSTGRES:
        assert reply["database_name"] == settings.DATABASES["default"]["NAME"]
        assert reply["database_name"].startswith("test_")
    output = log.read_text(errors="replace")
    assert "Task jinpu_portal.ping[" in output
    assert "succeeded" in output
    # The task logged its payload: the worker's own handlers must redact it.
    assert "ping received: 申请人 110105********002X" in output
    assert RAW_ID not in output
    assert worker.returncode is not None


def test_embedded_default_uses_the_filesystem_transport(tmp_path):
    """`make demo` sets no REDIS_URL: settings pick kombu's filesystem transport."""
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings as s; from jinpu_portal.celery import app;"
        "print(json.dumps([s.CELERY_BROKER_URL, app.conf.broker_url, app.conf.result_backend,"
        " app.conf.broker_transport_options, s.CACHES['default']['BACKEND']]))"
    )
    env = worker_env(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="jinpu_portal.settings")
    env.pop("REDIS_URL", None)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=True,
    ).stdout  # fmt: skip
    import json

    broker, app_broker, backend, options, cache = json.loads(out.strip().splitlines()[-1])
    assert broker == app_broker == "filesystem://"
    assert backend == f"file://{tmp_path / 'celery' / 'results'}"
    assert (
        options["data_folder_in"]
        == options["data_folder_out"]
        == str(tmp_path / "celery" / "queue")
    )
    assert cache.endswith("LocMemCache")
    assert (tmp_path / "celery" / "queue").is_dir()  # created before anyone publishes


def test_embedded_default_round_trip_on_the_filesystem_transport(tmp_path):
    """A worker with beat (as scripts/run.sh starts it) takes a task from the folder
    queue and writes its result where the sender reads it; beat ticks its heartbeat."""
    env = worker_env(VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}")
    env.pop("REDIS_URL", None)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log, "--beat", f"--schedule={tmp_path / 'celerybeat-schedule'}")
    try:
        wait_until_ready(worker, log)
        sender = subprocess.run(  # noqa: S603
            [sys.executable, "-c",
             "import django; django.setup(); from jinpu_portal.tasks import ping;"
             "print(ping.delay('hello').get(timeout=60))"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=90,
        )  # fmt: skip
    finally:
        stop(worker)
    assert sender.returncode == 0, sender.stderr + log.read_text(errors="replace")
    assert "'echo': 'hello'" in sender.stdout
    assert "'database': True" in sender.stdout
    assert (tmp_path / "celerybeat-heartbeat").exists()
    assert "beat: Starting..." in log.read_text(errors="replace")


def test_celery_configuration():
    conf = celery_app.conf
    assert conf.task_serializer == conf.result_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert "calendar-coverage-check" in conf.beat_schedule
    assert conf.beat_scheduler == "jinpu_portal.celery:HeartbeatScheduler"
