"""The public acts' rate limits (jinpu_portal.throttling) on the configured Redis cache:
every request counted once even when many arrive at the same moment, and the cost does
not depend on how many requests the window already holds."""

import threading

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from hall.throttles import HallAddressThrottle

pytestmark = pytest.mark.redis


def _allowed_at_once(requests: int, threads: int) -> int:
    """``requests`` from one address in ``threads`` threads started together."""
    factory = RequestFactory()
    allowed, lock = [], threading.Lock()
    start = threading.Barrier(threads)

    def client(count: int) -> None:
        start.wait()
        for _ in range(count):
            answer = HallAddressThrottle().allow_request(
                factory.post("/", REMOTE_ADDR="10.9.8.7"), None
            )
            with lock:
                allowed.append(answer)

    workers = [threading.Thread(target=client, args=(requests // threads,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return allowed.count(True)


def test_concurrent_requests_are_each_counted_once(settings):
    assert isinstance(caches["default"], RedisCache)  # the script's path
    cache.clear()
    settings.HALL_RATE_LIMIT_ADDRESS = "50/hour"
    # 120 requests in 8 threads at once: exactly the limit passes (DRF's list of times,
    # read and written whole by each request, lost the times of simultaneous writers).
    assert _allowed_at_once(120, 8) == 50
    # ... and the address stays refused, with DRF's wait.
    throttle = HallAddressThrottle()
    assert not throttle.allow_request(RequestFactory().post("/", REMOTE_ADDR="10.9.8.7"), None)
    assert 0 < throttle.wait() <= 3600
    # Another address is counted apart.
    assert HallAddressThrottle().allow_request(
        RequestFactory().post("/", REMOTE_ADDR="10.9.8.8"), None
    )


def test_the_window_is_kept_in_redis_not_in_the_request(settings, monkeypatch):
    """A full window is not read back into the process: the request's round trip to
    Redis carries the counts, not the times."""
    from redis import Redis

    cache.clear()
    settings.HALL_RATE_LIMIT_ADDRESS = "100000/hour"
    assert _allowed_at_once(2000, 4) == 2000
    sent, received = [], []
    original = Redis.execute_command

    def spy(self, *args, **options):
        reply = original(self, *args, **options)
        sent.append(args)
        received.append(reply)
        return reply

    monkeypatch.setattr(Redis, "execute_command", spy)
    assert HallAddressThrottle().allow_request(
        RequestFactory().post("/", REMOTE_ADDR="10.9.8.7"), None
    )
    assert [args[0] for args in sent] == ["EVALSHA"]
    seen, _oldest = received[0][0]
    assert int(seen) == 2000


@pytest.mark.parametrize("proxies", [None, 0, 1, 2])
@pytest.mark.parametrize(
    "forwarded",
    [None, "203.0.113.9", "203.0.113.9, 10.0.0.2", " 198.51.100.1 ,203.0.113.9,10.0.0.2 ", ""],
)
def test_the_client_address_is_the_one_drf_takes(settings, proxies, forwarded):
    """``client_address`` reads META itself; with NUM_PROXIES set it names the address
    DRF's ``get_ident`` names (without it, REMOTE_ADDR: the header is the client's word)."""
    from rest_framework.throttling import BaseThrottle

    from jinpu_portal.throttling import client_address

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.8.7", **extra)
    expected = "10.9.8.7" if proxies is None else BaseThrottle().get_ident(request)
    assert client_address(request) == expected
