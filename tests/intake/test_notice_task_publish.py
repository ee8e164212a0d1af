"""Publishing a notice's render from a web process, against the real Redis broker and
result backend: the message is queued, and the process does not subscribe to the
task's result (nobody waits for it; the notice row is the result)."""

import uuid

import pytest
import redis
from django.conf import settings

from intake.tasks import notice_render
from jinpu_portal.celery import app as celery_app

pytestmark = pytest.mark.redis


@pytest.fixture
def real_broker():
    """Celery publishing for real to the test Redis, into a queue no worker reads."""
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    queue = f"jinpu-test-unread-{uuid.uuid4().hex[:8]}"
    yield queue
    conf.task_always_eager = saved
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def test_a_notice_render_is_queued_without_a_result_subscription(real_broker):
    backend = celery_app.backend
    assert backend.__class__.__name__ == "RedisBackend"
    subscribed = set(getattr(backend.result_consumer, "subscribed_to", set()))

    result = notice_render.apply_async(kwargs={"notice_id": 0}, queue=real_broker)

    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(real_broker) == 1
    key = backend.get_key_for_task(result.id)
    assert key not in getattr(backend.result_consumer, "subscribed_to", set())
    assert set(getattr(backend.result_consumer, "subscribed_to", set())) == subscribed
