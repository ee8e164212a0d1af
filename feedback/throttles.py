"""Rate limits of the rating link, for the page and the API alike: per link
(``FEEDBACK_RATE_LIMIT_TOKEN``) and per client address (``FEEDBACK_RATE_LIMIT_ADDRESS``).

DRF's throttles on Django's cache (Redis in production, shared by every process; the
local-memory cache in development), counted together by ``RatingThrottle``: both
histories in one read and one write, two round trips to Redis instead of DRF's four,
with DRF's rate format, history and wait. The rates are
read from the settings at each request, not frozen at import as DRF's
``THROTTLE_RATES`` are, so a deployment (or a test) changes them in the settings alone.
The address is ``REMOTE_ADDR`` as the progress query counts it; X-Forwarded-For only
when DRF's ``NUM_PROXIES`` says how many proxies to trust (DRF would otherwise take the
header as the client sends it, and a client could name a new address with every
request).
"""

from collections import defaultdict

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .tokens import throttle_key

TOO_MANY = "评价请求过于频繁，请稍后再试。"


def client_address(request) -> str:
    """The client's address as the limits count it (see above)."""
    if api_settings.NUM_PROXIES is None:
        return request.META.get("REMOTE_ADDR", "")
    return BaseThrottle().get_ident(request)


class _SettingsRate(SimpleRateThrottle):
    setting = ""

    def __init__(self):
        # SimpleRateThrottle reads the rate in __init__ from THROTTLE_RATES.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return getattr(settings, self.setting)


class RatingTokenThrottle(_SettingsRate):
    """Per rating link: the token's signed payload (one instance of one case)."""

    scope = "feedback_token"
    setting = "FEEDBACK_RATE_LIMIT_TOKEN"

    def get_cache_key(self, request, view):
        token = getattr(view, "kwargs", {}).get("token", "")
        return self.cache_format % {"scope": self.scope, "ident": throttle_key(token)}


class RatingAddressThrottle(_SettingsRate):
    """Per client address."""

    scope = "feedback_address"
    setting = "FEEDBACK_RATE_LIMIT_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class RatingThrottle(BaseThrottle):
    """Both limits (``RatingTokenThrottle``, ``RatingAddressThrottle``) as DRF counts
    each (a sliding window of request times per key; a refused request is not counted
    in the limit that refused it, and counted in the others), read and written together."""

    limits = (RatingTokenThrottle, RatingAddressThrottle)
    timer = SimpleRateThrottle.timer

    def __init__(self):
        self._wait = None

    def allow_request(self, request, view) -> bool:
        throttles = [limit() for limit in self.limits]
        keys = [throttle.get_cache_key(request, view) for throttle in throttles]
        stored, write = _histories(caches[DEFAULT_CACHE_ALIAS], keys)
        now = self.timer()
        writes = {}
        waits = []
        for throttle, key in zip(throttles, keys, strict=True):
            throttle.key, throttle.now = key, now
            history = stored.get(key, [])
            while history and history[-1] <= now - throttle.duration:
                history.pop()
            throttle.history = history
            if len(history) >= throttle.num_requests:
                waits.append(throttle.wait())
            else:
                writes[key] = ([now, *history], throttle.duration)
        if writes:
            write(writes)
        if waits:
            self._wait = max((wait for wait in waits if wait is not None), default=None)
            return False
        return True

    def wait(self):
        return self._wait


def _histories(cache, keys: list[str]):
    """The stored histories of ``keys``, and the function that writes new ones
    (``{key: (history, seconds to keep it)}``). On Django's Redis cache through one
    client, in two round trips (an MGET, then the SETs with their expiry in one
    pipeline, no MULTI): Django builds a new ``redis.Redis`` for every operation and
    ``set_many`` wraps its writes in MULTI/EXEC. Elsewhere (the local-memory cache of
    development) ``get_many`` and ``set_many``. The values are the cache's own (its key
    prefix and version, its serializer), so the two ways read each other's."""
    if not isinstance(cache, RedisCache):

        def write_many(writes):
            by_duration = defaultdict(dict)
            for key, (history, duration) in writes.items():
                by_duration[duration][key] = history
            for duration, histories in by_duration.items():
                cache.set_many(histories, duration)

        return cache.get_many(keys), write_many

    client = cache._cache.get_client(None, write=True)
    serializer = cache._cache._serializer
    made = {key: cache.make_and_validate_key(key) for key in keys}
    values = client.mget(list(made.values()))
    stored = {
        key: serializer.loads(value)
        for key, value in zip(made, values, strict=True)
        if value is not None
    }

    def write_one_client(writes):
        pipeline = client.pipeline(transaction=False)
        for key, (history, duration) in writes.items():
            pipeline.set(made[key], serializer.dumps(history), ex=duration)
        pipeline.execute()

    return stored, write_one_client


RATING_THROTTLES = [RatingThrottle]


def throttle_wait(request, view) -> float | None:
    """For a page outside DRF: None when the request may go on (and is counted), else
    the seconds to wait. Every limit is counted, as DRF's view does."""
    throttle = RatingThrottle()
    if throttle.allow_request(request, view):
        return None
    return throttle.wait() or 0
