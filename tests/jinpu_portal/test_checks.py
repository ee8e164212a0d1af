"""The portal's own system checks: the Celery queue in a Redis database apart from the
cache's, since clearing the cache (FLUSHDB) would empty the queue with it."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jinpu_portal.checks import check_broker_apart_from_cache, redis_database

REDIS = "django.core.cache.backends.redis.RedisCache"


def redis_cache(location):
    return {"default": {"BACKEND": REDIS, "LOCATION": location}}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://redis:6379/1", ("redis", 6379, 1)),
        ("redis://redis", ("redis", 6379, 0)),
        ("redis://:secret@10.0.0.5:6380/", ("10.0.0.5", 6380, 0)),
        ("rediss://cache.internal:6379/2?ssl_cert_reqs=none", ("cache.internal", 6379, 2)),
        ("filesystem://", None),
        ("unix:///run/redis.sock", None),
    ],
)
def test_redis_database_reads_host_port_and_number(url, expected):
    assert redis_database(url) == expected


@pytest.mark.parametrize(
    ("cache_location", "broker"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/0"),
        ("redis://redis:6379", "redis://redis:6379/0"),  # no number is database 0
        (["redis://replica:6379/0", "redis://redis:6379/3"], "redis://:pw@redis:6379/3"),
    ],
)
def test_a_broker_in_the_caches_database_is_warned_of(settings, cache_location, broker):
    settings.CACHES = redis_cache(cache_location)
    settings.CELERY_BROKER_URL = broker
    (warning,) = check_broker_apart_from_cache(None)
    assert warning.id == "jinpu_portal.W001"
    assert "CELERY_BROKER_URL" in warning.hint


@pytest.mark.parametrize(
    ("caches", "broker"),
    [
        (redis_cache("redis://redis:6379/0"), "redis://redis:6379/1"),
        (redis_cache("redis://redis:6379/0"), "redis://other-host:6379/0"),
        (redis_cache("redis://redis:6379/0"), "filesystem://"),
        (
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "redis://redis:6379/0",
        ),
    ],
)
def test_a_broker_apart_from_the_cache_passes(settings, caches, broker):
    settings.CACHES = caches
    settings.CELERY_BROKER_URL = broker
    assert check_broker_apart_from_cache(None) == []


def test_check_deploy_runs_it(settings):
    """Registered for `check --deploy` (by the app's ready()), not for every check."""
    settings.CACHES = redis_cache("redis://redis:6379/0")
    settings.CELERY_BROKER_URL = "redis://redis:6379/0"
    call_command("check", tags=["caches"])  # without --deploy: not run
    with pytest.raises(SystemCheckError, match="jinpu_portal.W001"):
        call_command("check", "--deploy", tags=["caches"], fail_level="WARNING")
