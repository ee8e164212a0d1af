"""The rating link's token: signed for one purpose, one instance of one case, valid
FEEDBACK_TOKEN_DAYS, usable once (the instance's state)."""

import datetime
import time

import pytest
from django.core import signing

from feedback import tokens
from feedback.constants import Level, RatingChannel, Stage
from feedback.errors import FeedbackError
from feedback.models import ServiceInstance
from feedback.services.ratings import rating_record
from feedback.tokens import instance_from_token, rating_token, rating_url

pytestmark = pytest.mark.django_db


def test_a_token_names_its_instance(intake_instance):
    token = rating_token(intake_instance)
    assert instance_from_token(token) == intake_instance
    assert rating_url(intake_instance) == f"/feedback/rate/{token}/"
    assert rating_url(intake_instance, via="sms").endswith("/?via=sms")


def test_a_token_is_usable_once(intake_instance):
    token = rating_token(intake_instance)
    rating_record(
        instance=instance_from_token(token), level=Level.SATISFIED, channel=RatingChannel.QR
    )
    with pytest.raises(FeedbackError) as refused:
        rating_record(
            instance=instance_from_token(token), level=Level.BASIC, channel=RatingChannel.QR
        )
    assert refused.value.code == "already_rated"


def test_a_token_cannot_rate_another_case(intake_instance, concluded):
    other = ServiceInstance.objects.get(application=concluded, stage=Stage.INTAKE)
    token = rating_token(intake_instance)
    # The payload changed to the other case's instance: the signature no longer holds.
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(f'{{"i":{other.pk},"a":{other.application_id}}}'.encode()).decode()
    with pytest.raises(FeedbackError) as refused:
        instance_from_token(f"{forged}:{rest}")
    assert refused.value.code == "token_invalid"
    # Signed, but the instance no longer belongs to the case it names.
    mixed = signing.dumps({"i": other.pk, "a": intake_instance.application_id}, salt=tokens.SALT)
    with pytest.raises(FeedbackError, match="评价链接无效"):
        instance_from_token(mixed)
    # Asked for on another case's page.
    with pytest.raises(FeedbackError, match="不属于这件办件"):
        instance_from_token(token, application=concluded)
    assert instance_from_token(token, application=intake_instance.application) == intake_instance


def test_a_token_of_another_purpose_is_refused(intake_instance):
    other_purpose = signing.dumps(
        {"i": intake_instance.pk, "a": intake_instance.application_id}, salt="another.purpose"
    )
    with pytest.raises(FeedbackError, match="评价链接无效"):
        instance_from_token(other_purpose)
    good = rating_token(intake_instance)
    for garbage in ("", "abc", "x:y:z", good[:3] + ("x" if good[3] != "x" else "y") + good[4:]):
        with pytest.raises(FeedbackError):
            instance_from_token(garbage)


def test_an_expired_token_is_refused(intake_instance, settings, monkeypatch):
    settings.FEEDBACK_TOKEN_DAYS = 15
    made = time.time() - datetime.timedelta(days=15, seconds=5).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: made)
    old = rating_token(intake_instance)
    monkeypatch.undo()
    with pytest.raises(FeedbackError) as refused:
        instance_from_token(old)
    assert refused.value.code == "token_expired"
    assert "评价链接已过期" in refused.value.messages[0]
    # Within the days it is good.
    monkeypatch.setattr(signing.time, "time", lambda: made + 10)
    recent = rating_token(intake_instance)
    monkeypatch.undo()
    assert instance_from_token(recent) == intake_instance


def test_the_per_token_limit_counts_every_token_of_an_instance_together(
    intake_instance, monkeypatch
):
    first = rating_token(intake_instance)
    later = time.time() + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    second = rating_token(intake_instance)
    monkeypatch.undo()
    assert first != second
    assert tokens.throttle_key(first) == tokens.throttle_key(second)


def test_via_gives_the_channel():
    assert tokens.channel_for("sms") == RatingChannel.SMS
    assert tokens.channel_for("") == RatingChannel.QR
    assert tokens.channel_for("anything") == RatingChannel.QR


def test_the_limits_cache_key_is_safe_whatever_is_sent():
    for sent in ("\x06樞𩑌¶$", "a b", "x" * 500, "\ud800"):
        key = tokens.throttle_key(sent)
        assert len(key) <= 80
        assert key.isascii()
        assert key.replace("-", "").replace("_", "").isalnum()


STEPS = [
    # (link, address, seconds since the step before)
    ("a", "10.0.0.1", 0),
    ("a", "10.0.0.1", 1),
    ("a", "10.0.0.2", 1),
    ("a", "10.0.0.1", 1),  # the link's 4th within the minute: refused by its limit
    ("b", "10.0.0.1", 5),
    ("c", "10.0.0.1", 5),
    ("d", "10.0.0.1", 5),  # the address's 6th: refused
    ("a", "10.0.0.3", 20),
    ("a", "10.0.0.3", 25),  # the first of link a left the window
    ("e", "10.0.0.1", 30),
    ("a", "10.0.0.3", 0.5),
    ("f", "10.0.0.1", 120),
]


@pytest.mark.parametrize("backend", ["configured", "locmem"])
def test_both_limits_count_and_wait_as_drfs_throttles(settings, monkeypatch, backend):
    """RatingThrottle (one round trip on Redis, get_many/set_many elsewhere) decides and
    waits exactly as DRF's two throttles checked one after the other."""
    from django.core.cache import cache
    from django.test import RequestFactory
    from rest_framework.throttling import SimpleRateThrottle

    from feedback.throttles import RatingAddressThrottle, RatingThrottle, RatingTokenThrottle

    if backend == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.FEEDBACK_RATE_LIMIT_TOKEN = "3/min"
    settings.FEEDBACK_RATE_LIMIT_ADDRESS = "5/min"
    clock = [1_764_900_000.123456]
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: clock[0])
    monkeypatch.setattr(RatingThrottle, "timer", lambda self: clock[0])
    factory = RequestFactory()

    def run(decide):
        cache.clear()
        clock[0] = 1_764_900_000.123456
        answers = []
        for link, address, seconds in STEPS:
            clock[0] += seconds
            request = factory.get("/", REMOTE_ADDR=address)
            view = type("View", (), {"kwargs": {"token": f"{link}:sig"}})()
            answers.append(decide(request, view))
        return answers

    def drf(request, view):
        waits = []
        for limit in (RatingTokenThrottle, RatingAddressThrottle):
            throttle = limit()
            if not throttle.allow_request(request, view):
                waits.append(throttle.wait())
        return (False, max(w for w in waits if w is not None)) if waits else (True, None)

    def ours(request, view):
        throttle = RatingThrottle()
        allowed = throttle.allow_request(request, view)
        return (True, None) if allowed else (False, throttle.wait())

    if backend == "configured" and settings.REDIS_URL:
        from django.core.cache import caches
        from django.core.cache.backends.redis import RedisCache

        assert isinstance(caches["default"], RedisCache)  # the script's path
    expected = run(drf)
    assert [allowed for allowed, _ in expected].count(False) >= 2
    assert run(ours) == [
        (allowed, None if wait is None else pytest.approx(wait)) for allowed, wait in expected
    ]
