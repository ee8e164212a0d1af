"""The rating link's POST, the common rating in one statement (``rating_by_link``): a
rating other than a 差评, without reasons or sub-scores, claims the instance, inserts
the rating and reads back what the answer shows in one round trip. Everything else (and
whatever that statement does not record) goes the whole way, so each answer, its code
and their order are as they were: these tests pin both."""

import datetime
import json

import pytest
from django.core import signing
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.api.rate import _link_answer
from feedback.constants import InstanceState, Level, RatingChannel
from feedback.models import Rating, ServiceInstance
from feedback.tokens import SALT, instance_from_token, rating_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def url(instance_or_token):
    token = (
        instance_or_token if isinstance(instance_or_token, str) else rating_token(instance_or_token)
    )
    return f"/api/v1/feedback/rate/{token}/"


def post(api, instance_or_token, body, **extra):
    return api.post(url(instance_or_token), body, format="json", **extra)


@pytest.mark.parametrize("stage", ["intake", "conclusion"])
def test_the_answer_is_the_one_the_whole_way_gives(
    api, stage, intake_instance, conclusion_instance
):
    """The 201 answer, from the statement's columns, is the answer built from the rated
    instance read back (a window and its hall, or a department and no window)."""
    instance = intake_instance if stage == "intake" else conclusion_instance
    response = post(api, instance, {"level": 2, "text": " 满意 ", "via": "sms"})
    assert response.status_code == 201, response.json()
    rated = instance_from_token(rating_token(instance))
    assert response.json() == json.loads(json.dumps(_link_answer(rated), default=str))
    assert response.json() == api.get(url(instance)).json()
    body = response.json()
    assert body["state"] == "rated"
    assert body["can_rate"] is False
    assert body["rating"]["channel"] == "sms"
    if stage == "intake":
        assert body["window"] == str(intake_instance.window)
        assert body["sub_scores"] == ["efficiency", "competence", "attitude"]
    else:
        assert body["window"] == ""
        assert body["department"] == conclusion_instance.department.name
        assert body["sub_scores"] == ["efficiency", "guide", "convenience", "usability"]


def test_the_rating_is_stored_as_rating_record_stores_it(api, intake_instance):
    before = timezone.now()
    assert post(api, intake_instance, {"level": Level.BASIC, "text": "还行"}).status_code == 201
    rating = Rating.objects.get()
    assert (rating.instance_id, rating.level, rating.text, rating.channel) == (
        intake_instance.pk,
        Level.BASIC,
        "还行",
        RatingChannel.QR,
    )
    assert (rating.reasons, rating.sub_scores, rating.is_default, rating.rater) == (
        [],
        {},
        False,
        None,
    )
    assert (rating.excluded, rating.push_status, rating.follow_up_level) == (False, "pending", None)
    assert rating.created_at == rating.updated_at == rating.rated_at >= before
    intake_instance.refresh_from_db()
    assert intake_instance.state == InstanceState.RATED
    assert intake_instance.updated_at == rating.rated_at


def test_a_signed_in_citizen_is_the_rater(api, intake_instance, applicant):
    token, _ = Token.objects.get_or_create(user=applicant.user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(api, intake_instance, {"level": 1}).status_code == 201
    assert Rating.objects.get().rater == applicant.user


def test_what_the_statement_does_not_record_answers_as_before(api, intake_instance, case):
    """A link of another case, a closed period, a defaulted or already rated service,
    a rating written past the claim: the whole way's answers."""
    other_case = signing.dumps({"i": intake_instance.pk, "a": case.pk + 1000}, salt=SALT)
    response = post(api, other_case, {"level": 1})
    assert (response.status_code, response.json()["code"]) == (404, "token_invalid")

    ServiceInstance.objects.filter(pk=intake_instance.pk).update(
        rate_until=intake_instance.served_at, served_at=intake_instance.served_at
    )
    response = post(api, intake_instance, {"level": 1})
    assert (response.status_code, response.json()["code"]) == (400, "period_over")

    ServiceInstance.objects.filter(pk=intake_instance.pk).update(
        rate_until=timezone.now() + datetime.timedelta(days=1), state=InstanceState.DEFAULTED
    )
    response = post(api, intake_instance, {"level": 1})
    assert (response.status_code, response.json()["code"]) == (409, "already_rated")
    assert "默认评价" in response.json()["detail"]

    # Open again, but rated meanwhile past the claim (the default rating job's insert).
    ServiceInstance.objects.filter(pk=intake_instance.pk).update(state=InstanceState.OPEN)
    Rating.objects.create(
        instance_id=intake_instance.pk,
        level=Level.BASIC,
        channel=RatingChannel.DEFAULT,
        is_default=True,
        rated_at=timezone.now(),
    )
    response = post(api, intake_instance, {"level": 1})
    assert (response.status_code, response.json()["code"]) == (409, "already_rated")
    assert Rating.objects.count() == 1


def test_the_link_is_refused_before_the_body(api, intake_instance):
    """A link that does not verify, or whose service is gone, is a 404 whatever the
    body; a body that is not JSON is a 400 for a good link."""
    malformed = {"data": "{not json", "content_type": "application/json"}
    response = api.post(url("nonsense"), **malformed)
    assert (response.status_code, response.json()["code"]) == (404, "token_invalid")
    token = rating_token(intake_instance)
    response = api.post(url(token), **malformed)
    assert (response.status_code, response.json()["code"]) == (400, "parse_error")
    response = api.post(url(token), "level=1", content_type="text/plain")
    assert response.status_code == 415
    ServiceInstance.objects.filter(pk=intake_instance.pk).delete()
    for body in (malformed, {"data": "level=1", "content_type": "text/plain"}):
        response = api.post(url(token), **body)
        assert (response.status_code, response.json()["code"]) == (404, "token_invalid")
    response = post(api, token, {"level": 1})
    assert (response.status_code, response.json()["code"]) == (404, "token_invalid")
