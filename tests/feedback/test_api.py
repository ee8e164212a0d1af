"""The rating link's API: GET the service, POST the rating (no login), in the one error
shape: 404 for a bad or expired link, 409 once rated, 400 for a refused rating, 403 for
staff, 429 past the rate limits; documented in the OpenAPI schema. The common rating in
one statement answers and refuses as the whole way does."""

import datetime
import json

import pytest
import yaml
from django.core import signing
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.api.rate import RatingLinkSerializer, _link_answer
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


def assert_error_shape(body, code):
    assert set(body) == {"detail", "code", "errors"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str)
    assert body["detail"]


def test_get_describes_the_service_without_staff_names(api, conclusion_instance, concluded):
    response = api.get(url(conclusion_instance))
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "conclusion"
    assert body["stage_label"] == "办结服务"
    assert body["item_name"] == concluded.item_version.name
    assert body["can_rate"] is True
    assert body["rating"] is None
    assert body["sub_scores"] == ["efficiency", "guide", "convenience", "usability"]
    text = response.content.decode()
    assert "审批乙某" not in text
    assert "窗口甲某" not in text


def test_post_rates_by_qr_or_sms(api, intake_instance, conclusion_instance):
    response = api.post(url(intake_instance), {"level": 2, "text": "满意"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["rating"]["channel"] == "qr"
    assert response.json()["state"] == "rated"
    assert response.json()["can_rate"] is False
    response = api.post(url(conclusion_instance), {"level": 1, "via": "sms"}, format="json")
    assert response.status_code == 201
    assert sorted(Rating.objects.values_list("channel", flat=True)) == ["qr", "sms"]


def test_a_token_is_used_once(api, intake_instance):
    assert api.post(url(intake_instance), {"level": 1}, format="json").status_code == 201
    response = api.post(url(intake_instance), {"level": 5, "reasons": ["other"]}, format="json")
    assert response.status_code == 409
    assert_error_shape(response.json(), "already_rated")
    assert Rating.objects.get().level == Level.VERY_SATISFIED


def test_bad_and_forged_tokens_are_404(api, intake_instance):
    good = rating_token(intake_instance)
    forged = good[:3] + ("x" if good[3] != "x" else "y") + good[4:]  # the payload changed
    for token in ("nonsense", forged):
        response = api.get(url(token))
        assert response.status_code == 404
        assert_error_shape(response.json(), "token_invalid")
        assert "评价链接无效" in response.json()["detail"]


def test_a_bad_rating_needs_a_reason(api, intake_instance):
    response = api.post(url(intake_instance), {"level": 4}, format="json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "reason_required")
    assert "请至少选择一项原因" in response.json()["detail"]
    response = api.post(url(intake_instance), {"level": 4, "reasons": ["nonsense"]}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("差评原因")  # the field's Chinese label
    assert not Rating.objects.exists()


def test_staff_are_refused(api, intake_instance, clerk):
    token, _ = Token.objects.get_or_create(user=clerk)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(url(intake_instance)).status_code == 200  # reading is harmless
    response = api.post(url(intake_instance), {"level": 1}, format="json")
    assert response.status_code == 403
    assert "工作人员账号不能参与好差评" in response.json()["detail"]
    assert not Rating.objects.exists()


def test_rate_limited_with_429_in_the_error_shape(api, intake_instance, settings):
    settings.FEEDBACK_RATE_LIMIT_TOKEN = "2/hour"
    for _ in range(2):
        assert api.get(url(intake_instance)).status_code == 200
    response = api.post(url(intake_instance), {"level": 1}, format="json")
    assert response.status_code == 429
    assert_error_shape(response.json(), "throttled")
    assert "评价请求过于频繁" in response.json()["detail"]
    assert "Retry-After" in response
    assert not Rating.objects.exists()


def test_rate_limited_per_address(api, intake_instance, settings):
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "2/hour"
    assert api.get(url("a")).status_code == 404
    assert api.get(url("b")).status_code == 404
    response = api.get(url(intake_instance))
    assert response.status_code == 429
    # From another address the link goes.
    assert api.get(url(intake_instance), REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_schema_documents_the_endpoint(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(out.read_text())
    operations = schema["paths"]["/api/v1/feedback/rate/{token}/"]
    assert set(operations["post"]["responses"]) >= {"201", "400", "403", "404", "409", "429"}
    assert set(operations["get"]["responses"]) >= {"200", "404", "429"}
    assert "security" not in operations["post"] or {} in operations["post"]["security"]
    request = schema["components"]["schemas"]["RateRequest"]["properties"]
    assert request["level"]["title"] == "评价等级"
    assert request["reasons"]["title"] == "差评原因"


def test_the_channel_comes_from_the_link(api, intake_instance):
    api.post(url(intake_instance), {"level": 3, "via": "sms"}, format="json")
    assert Rating.objects.get().channel == RatingChannel.SMS


def test_a_forged_forwarded_for_does_not_escape_the_address_limit(api, settings, db):
    """Without NUM_PROXIES the header is the client's word: the limit counts REMOTE_ADDR."""
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "1/hour"
    assert api.get(url("a")).status_code == 404
    assert api.get(url("b"), HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_both_limits_count_as_drf_counts_them(api, intake_instance, conclusion_instance, settings):
    """One read and one write of the cache for both limits, with DRF's counting: a
    request refused by one limit still counts in the other."""
    settings.FEEDBACK_RATE_LIMIT_TOKEN = "1/hour"
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "3/hour"
    assert api.get(url(intake_instance)).status_code == 200  # link 1, address 1
    refused = api.get(url(intake_instance))  # refused by the link's limit: address 2
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert api.get(url("b")).status_code == 404  # another link: address 3
    assert api.get(url(conclusion_instance)).status_code == 429  # the address's limit


BODIES = [
    {"level": 1},
    {"level": 2, "text": "  满意  ", "via": "sms"},
    {"level": 4, "reasons": ["efficiency", "attitude", "efficiency"], "text": "慢"},
    {"level": 3, "sub_scores": {"attitude": 5, "efficiency": 1}, "unknown": 1},
    {"level": 1, "text": "好" * 500},
    # What the plain check leaves to the serializer (its errors, or its coercions):
    {"level": "2"},
    {"level": True},
    {"level": 6},
    {"level": None},
    {},
    {"level": 1, "reasons": "efficiency"},
    {"level": 1, "reasons": ["nonsense"]},
    {"level": 1, "reasons": ["other"] * 10},
    {"level": 1, "text": 5},
    {"level": 1, "text": None},
    {"level": 1, "text": "好" * 501},
    {"level": 1, "text": " a\x00b "},
    {"level": 1, "text": "\ud800"},
    {"level": 1, "sub_scores": {"attitude": 6}},
    {"level": 1, "sub_scores": {"attitude": True}},
    {"level": 1, "sub_scores": {"attitude": "4"}},
    {"level": 1, "sub_scores": []},
    {"level": 1, "via": "email"},
    {"level": 1, "via": ""},
    [{"level": 1}],
]


@pytest.mark.parametrize("body", BODIES)
def test_the_plain_check_validates_as_the_serializer_does(body):
    from feedback.api.rate import RateSerializer, _plain_rating

    plain = _plain_rating(body)
    serializer = RateSerializer(data=body)
    if plain is not None:
        assert serializer.is_valid(), serializer.errors
        assert plain == dict(serializer.validated_data)


def test_the_plain_check_takes_the_plain_bodies():
    from feedback.api.rate import _plain_rating

    assert all(_plain_rating(body) is not None for body in BODIES[:5])


def test_the_answer_is_the_serializers(api, intake_instance):
    from feedback.api.rate import _link_data
    from feedback.tokens import instance_from_token

    instance = instance_from_token(rating_token(intake_instance))
    assert _link_answer(instance) == RatingLinkSerializer(_link_data(instance)).data
    api.post(url(intake_instance), {"level": 5, "reasons": ["other"]}, format="json")
    rated = instance_from_token(rating_token(intake_instance))
    answer = _link_answer(rated)
    assert answer == RatingLinkSerializer(_link_data(rated)).data
    assert answer["rating"]["level"] == 5
    assert answer["rating"]["level_label"] == rated.rating.get_level_display() == "非常不满意"
    assert answer["stage_label"] == rated.get_stage_display() == "受理服务"
    assert api.get(url(intake_instance)).json() == {
        **answer,
        "can_rate": False,
    }


# --- the common rating in one statement (feedback.services.ratings.rating_by_link) --------
# A rating other than a 差评, without reasons or sub-scores, claims the instance, inserts
# the rating and reads back what the answer shows in one round trip. Everything else (and
# whatever that statement does not record) goes the whole way, so each answer, its code
# and their order are as they were: these tests pin both.


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
    assert response.content == api.get(url(instance)).content  # byte for byte
    assert list(response.json()) == list(RatingLinkSerializer().fields)  # in its order
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
