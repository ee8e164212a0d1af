"""With the broker unreachable at the commit, an acceptance still stands (no error for
the clerk, whose act is committed), its notice waits pending, and the catch-up task
``intake.notices_render_pending`` renders it once it is old enough; the SMS and e-mail
wait in the outbox, which needs no broker in the request."""

import datetime

import pytest
from django.utils import timezone

from intake.constants import NoticeKind, NoticeStatus
from intake.models import Notice
from intake.services.cases import intake_accept
from intake.services.notices import notices_render_pending
from jinpu_portal.celery import app as celery_app
from jinpu_portal.models import Notification
from tests.factories import all_received, submit_online

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down():
    """Celery publishing for real, to a broker nobody answers."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_transport_options
    conf.task_always_eager = False
    conf.broker_url = UNREACHABLE_BROKER
    conf.broker_transport_options = {"max_retries": 0}

    def fresh_pools():  # connection and producer pools made anew from the settings
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    fresh_pools()
    yield
    celery_app.pool.force_close_all()
    conf.task_always_eager, conf.broker_url, conf.broker_transport_options = saved
    fresh_pools()


@pytest.mark.django_db
def test_acceptance_stands_and_its_notice_is_caught_up(
    broker_down, clerk, applicant, item, django_capture_on_commit_callbacks, caplog
):
    application = submit_online(applicant, item)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = intake_accept(
            application=application, actor=clerk, verdicts=all_received(application)
        )
    assert accepted.case_number
    notice = Notice.objects.get(application=application, kind=NoticeKind.ACCEPTANCE)
    assert notice.status == NoticeStatus.PENDING
    # The notice's render message was lost, and logged; the SMS and e-mail wait in the
    # outbox (the in-portal message), sent by beat without the request's broker.
    assert caplog.text.count("in on_commit()") == 1
    assert "Connection refused" in caplog.text
    assert Notification.objects.filter(
        recipient=applicant.user, reference=accepted.case_number, dispatched_at__isnull=True
    ).exists()

    assert notices_render_pending() == 0  # too fresh: its message may still come
    Notice.objects.filter(pk=notice.pk).update(
        issued_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    assert notices_render_pending() == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.READY
    assert notice.sha256
    assert notices_render_pending() == 0
