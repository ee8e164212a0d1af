"""Rate limits of the public acts (a rating link, a kiosk's ticket): DRF's throttles
with their rate read from the settings, counted together on Django's cache.

``LimitsThrottle`` counts one or more ``SettingsRate`` limits with DRF's rate format,
sliding window and wait (a refused request is not counted in the limit that refused
it, and counted in the others). On Django's Redis cache all of them in one round trip
(a script over one sorted set of request times per key: its cost does not grow with
the requests the window holds, and two processes counting at once both count);
elsewhere (the local-memory cache of development and the quick tests) with one
``get_many`` and one ``set_many`` of DRF's lists of times.

The rates are read from the settings at each request, not frozen at import as DRF's
``THROTTLE_RATES`` are, so a deployment (or a test) changes them in the settings alone.
The address is ``REMOTE_ADDR``; X-Forwarded-For only when DRF's ``NUM_PROXIES`` says
how many proxies to trust (DRF would otherwise take the header as the client sends it,
and a client could name a new address with every request).
"""

import functools
import re
import secrets
from collections import defaultdict

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_address(request) -> str:
    """The client's address as the limits count it (see above): with ``NUM_PROXIES``
    set, the address that many hops back in X-Forwarded-For, as DRF's
    ``BaseThrottle.get_ident`` takes it (tests/jinpu_portal/test_throttling.py compares
    the two), read from ``META``: DRF reads it through ``request.headers``, a dictionary
    of every header built for this one lookup."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    proxies = api_settings.NUM_PROXIES
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies is None or proxies == 0 or forwarded is None:
        return remote
    hops = forwarded.split(",")
    return hops[-min(proxies, len(hops))].strip()


class SettingsRate(SimpleRateThrottle):
    """A limit whose rate (DRF's ``N/period``) is the setting named ``setting``."""

    setting = ""

    def __init__(self):
        # SimpleRateThrottle reads the rate in __init__ from THROTTLE_RATES.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return getattr(settings, self.setting)


class AddressRate(SettingsRate):
    """A ``SettingsRate`` counted per client address (``client_address``)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class LimitsThrottle(BaseThrottle):
    """The ``limits`` (``SettingsRate`` classes) counted together, as DRF's throttles
    checked one after the other would count and wait."""

    limits: tuple[type[SettingsRate], ...] = ()
    timer = SimpleRateThrottle.timer

    def __init__(self):
        self._wait = None

    def allow_request(self, request, view) -> bool:
        throttles = [limit() for limit in self.limits]
        keys = [throttle.get_cache_key(request, view) for throttle in throttles]
        cache = caches[DEFAULT_CACHE_ALIAS]
        now = self.timer()
        count = _count_on_redis if isinstance(cache, RedisCache) else _count_on_cache
        waits = [
            _drf_wait(throttle, seen, oldest, now)
            for throttle, (seen, oldest) in zip(
                throttles, count(cache, keys, throttles, now), strict=True
            )
            if seen >= throttle.num_requests
        ]
        if waits:
            self._wait = max((wait for wait in waits if wait is not None), default=None)
            return False
        return True

    def wait(self):
        return self._wait


def throttle_wait(throttle_class: type[LimitsThrottle], request, view) -> float | None:
    """For a page outside DRF: None when the request may go on (and is counted), else
    the seconds to wait."""
    throttle = throttle_class()
    if throttle.allow_request(request, view):
        return None
    return throttle.wait() or 0


def _drf_wait(throttle, seen: int, oldest: float | None, now: float) -> float | None:
    """``SimpleRateThrottle.wait()`` of a history of ``seen`` times, the oldest
    ``oldest``."""
    remaining = throttle.duration - (now - oldest) if seen else throttle.duration
    available = throttle.num_requests - seen + 1
    if available <= 0:
        return None
    return remaining / float(available)


def _count_on_cache(cache, keys, throttles, now) -> list[tuple[int, float | None]]:
    """Per key: how many requests its window holds before this one, and the oldest;
    this one recorded in each key under its limit (DRF's pickled lists of times)."""
    stored = cache.get_many(keys)
    counts, writes = [], defaultdict(dict)  # by duration: one timeout per write
    for throttle, key in zip(throttles, keys, strict=True):
        history = stored.get(key, [])
        while history and history[-1] <= now - throttle.duration:
            history.pop()
        counts.append((len(history), history[-1] if history else None))
        if len(history) < throttle.num_requests:
            writes[throttle.duration][key] = [now, *history]
    for duration, histories in writes.items():
        cache.set_many(histories, duration)
    return counts


#: The same on Redis, one sorted set of times per key, atomic. KEYS: the limits' keys.
#: ARGV: now, a member name for this request, then per key: the window's start (times
#: at or before it are dropped), the limit and the seconds to keep the set. The times
#: go as Python wrote them (Lua would round them to 14 digits).
_COUNT_LUA = """
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3 * i])
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or ''
  counts[i] = {redis.call('ZCARD', key), oldest}
end
for i, key in ipairs(KEYS) do
  if counts[i][1] < tonumber(ARGV[3 * i + 1]) then
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    redis.call('EXPIRE', key, ARGV[3 * i + 2])
  end
end
return counts
"""


@functools.cache
def _count_script(location: str):
    """The counting script on a client of the cache's Redis server, one per process and
    server (redis-py's pool reconnects after a fork). Not the cache's own client: Django
    builds a new one for every cache call."""
    return redis.Redis.from_url(location).register_script(_COUNT_LUA)


def _count_on_redis(cache, keys, throttles, now) -> list[tuple[int, float | None]]:
    """``_count_on_cache`` in one round trip to Redis (EVALSHA; the script is sent whole
    only when the server does not have it yet). The sorted sets are keyed with the
    cache's prefix and version."""
    location = settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"]
    # Several servers (a list, or one string split as Django splits it): the cache
    # writes to the first.
    servers = re.split("[;,]", location) if isinstance(location, str) else location
    # make_key, not make_and_validate_key: the validation warns of keys memcached would
    # refuse, character by character (about 10 µs a key); these are Redis keys.
    made = [cache.make_key(f"{key}:times") for key in keys]
    args = [repr(now), f"{now!r}:{secrets.token_hex(6)}"]
    for throttle in throttles:
        args += [repr(now - throttle.duration), throttle.num_requests, throttle.duration]
    replies = _count_script(servers[0])(keys=made, args=args)
    return [(int(seen), float(oldest) if oldest else None) for seen, oldest in replies]
