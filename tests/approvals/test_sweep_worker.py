"""The sweep through the real machinery: a Celery worker subprocess on Redis, against this
test database, runs approvals.tasks.clock_sweep sent through the broker; with the broker
unreachable nothing is swept and nothing is lost, and the next sweep catches up."""

import datetime
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from approvals.constants import Light
from approvals.models import Escalation
from approvals.tasks import clock_sweep
from jinpu_portal.celery import app as celery_app
from tests.approvals.sweep_checks import lights, messages_to
from tests.factories import start_clock

# Transactional: the worker's connection must see the rows. serialized_rollback: the
# flush after each test would drop the seeded calendar and role groups.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _database_url() -> str:
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A real worker (solo pool) on this test's Redis and this test database."""
    name = f"sweep-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    celery_app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(CELERY), "-A", "jinpu_portal", "worker", "--pool=solo", "--loglevel=INFO"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
            + ["-n", f"{name}@%h"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[f"{name}@{os.uname().nodename}"]):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker did not answer:\n" + log.read_text()
            time.sleep(0.2)
        celery_app.conf.task_always_eager = False
        yield log
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        celery_app.control.purge()


def _sweep_through_broker(day: str) -> dict:
    return clock_sweep.apply_async(kwargs={"today": day}).get(timeout=60)


def test_a_real_worker_runs_the_sweep(at, spj, spj_approver, worker):
    at(2026, 9, 28, 9)
    clock = start_clock(spj, datetime.date(2026, 9, 28), 5)  # due 10/10

    result = _sweep_through_broker("2026-10-08")

    assert (result["turned_yellow"], result["warned"], result["notifications"]) == (1, 1, 1)
    assert lights(clock) == [(Light.YELLOW, Light.YELLOW)]
    [message] = messages_to(spj_approver)
    assert message.title == "时限预警（黄灯）：1 件即将到期"
    assert "approvals.tasks.clock_sweep" in worker.read_text()


def test_broker_down_nothing_is_lost_the_next_sweep_catches_up(at, spj, spj_approver, worker):
    at(2026, 9, 28, 9)
    late = start_clock(spj, datetime.date(2026, 9, 28), 5)  # due 10/10
    nearly = start_clock(spj, datetime.date(2026, 9, 28), 20)  # due 10/30, yellow 10/26
    calm = start_clock(spj, datetime.date(2026, 9, 28), 60)
    everything = (late, nearly, calm)

    # Beat fires every day of a long outage; every publish is refused.
    with celery_app.connection_for_write(UNREACHABLE_BROKER) as down:
        for day in ("2026-10-08", "2026-10-12", "2026-10-26"):
            with pytest.raises(OperationalError):
                clock_sweep.apply_async(kwargs={"today": day}, connection=down, retry=False)
    assert {light for light, _ in lights(*everything)} == {Light.GREEN}
    assert messages_to(spj_approver) == []

    # The broker is back, time has moved on: one sweep catches every change up.
    result = _sweep_through_broker("2026-10-27")

    assert (result["turned_red"], result["turned_yellow"], result["warned"]) == (1, 1, 2)
    assert lights(*everything) == [
        (Light.RED, Light.RED),
        (Light.YELLOW, Light.YELLOW),
        (Light.GREEN, Light.GREEN),
    ]
    assert sorted(m.title for m in messages_to(spj_approver)) == [
        "时限预警（红灯）：1 件已超期",
        "时限预警（黄灯）：1 件即将到期",
    ]
    assert list(Escalation.objects.values_list("clock", "rule")) == [
        (late.pk, "case_overdue_promised")
    ]

    again = _sweep_through_broker("2026-10-27")
    assert (again["turned_red"], again["turned_yellow"], again["warned"]) == (0, 0, 0)
    assert len(messages_to(spj_approver)) == 2
    assert Escalation.objects.count() == 1
