"""Double submission on PostgreSQL: the same rating posted twice at the same moment
(a double tap, two tabs, a retry), each in its own thread and connection, gives one
rating; the other submission is told the service is already rated. The loser's claim (a
conditional UPDATE) waits on the instance's row lock and then finds it rated. Over the API too:
twenty clients posting one link at once, exactly one 201."""

import time

import pytest
from rest_framework.test import APIClient

from feedback.constants import InstanceState, Level, RatingChannel, Reason
from feedback.errors import FeedbackError
from feedback.models import Rating, ServiceInstance
from feedback.services import ratings
from feedback.signals import bad_rating_recorded
from feedback.tokens import rating_token
from tests.concurrency import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_orders():
    """Hold the winner's transaction open a moment after its rating is written (where the
    order would open), so the loser really waits on the lock."""

    def slow(sender, **kwargs):
        time.sleep(0.3)

    bad_rating_recorded.connect(slow, dispatch_uid="test-slow-order")
    yield
    bad_rating_recorded.disconnect(dispatch_uid="test-slow-order")


def test_two_submissions_at_once_give_one_rating(intake_instance, slow_orders):
    def submit(text):
        return lambda: ratings.rating_record(
            instance=ServiceInstance.objects.get(pk=intake_instance.pk),
            level=Level.DISSATISFIED,
            reasons=[Reason.EFFICIENCY],
            text=text,
            channel=RatingChannel.QR,
        )

    results = run_at_once(submit("第一次"), submit("第二次"))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    [(_, error)] = [r for r in results if r[0] == "error"]
    assert isinstance(error, FeedbackError)
    assert error.code == "already_rated"
    assert Rating.objects.count() == 1
    intake_instance.refresh_from_db()
    assert intake_instance.state == InstanceState.RATED


def test_twenty_clients_posting_one_link_give_one_rating(intake_instance, settings):
    settings.FEEDBACK_RATE_LIMIT_TOKEN = "1000/hour"
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "1000/hour"
    path = f"/api/v1/feedback/rate/{rating_token(intake_instance)}/"

    def post():
        return APIClient().post(path, {"level": 1}, format="json").status_code

    results = run_at_once(*[post] * 20)
    statuses = sorted(status for _, status in results)
    assert statuses == [201] + [409] * 19, results
    assert Rating.objects.filter(instance=intake_instance).count() == 1


def test_a_good_rating_is_one_statement_without_a_transaction_block(intake_instance):
    """On PostgreSQL the claim and the rating go as one statement (no BEGIN/COMMIT of
    their own), prepared on the server (jinpu_portal.prepared); every column is written
    as the ORM would write it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    instance = ServiceInstance.objects.select_related("application").get(pk=intake_instance.pk)
    with CaptureQueriesContext(connection) as captured:
        rating = ratings.rating_record(
            instance=instance,
            level=Level.SATISFIED,
            text="好",
            sub_scores={"attitude": 5},
            channel=RatingChannel.SMS,
        )
    sent = [q["sql"] for q in captured.captured_queries]
    assert len(sent) == 1
    assert sent[0].startswith("EXECUTE feedback_rating_claim_insert ")
    stored = Rating.objects.get()
    assert stored.pk == rating.pk
    assert (stored.level, stored.text, stored.channel, stored.sub_scores) == (
        Level.SATISFIED,
        "好",
        RatingChannel.SMS,
        {"attitude": 5},
    )
    assert (stored.reasons, stored.is_default, stored.rater, stored.excluded) == (
        [],
        False,
        None,
        False,
    )
    assert stored.push_status == "pending"
    assert (stored.created_at, stored.updated_at) == (rating.created_at, rating.updated_at)
    intake_instance.refresh_from_db()
    assert intake_instance.state == InstanceState.RATED
    assert intake_instance.updated_at == stored.rated_at


def test_a_rating_by_link_is_one_statement(intake_instance, settings):
    """Over the API, on PostgreSQL, the common rating (not a 差评, no reasons or
    sub-scores) is one statement: the claim, the rating and the answer's columns of the
    link's service (feedback.services.ratings.rating_by_link), where the link's read and
    the rating were two round trips; no BEGIN/COMMIT of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = f"/api/v1/feedback/rate/{rating_token(intake_instance)}/"
    client = APIClient()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, {"level": 2, "text": "好"}, format="json")
    assert response.status_code == 201, response.json()
    sent = [q["sql"] for q in captured.captured_queries]
    assert len(sent) == 1, sent
    assert sent[0].startswith("EXECUTE feedback_rating_by_link ")
    assert response.json()["window"] == str(intake_instance.window)
    assert Rating.objects.get(instance=intake_instance).text == "好"
