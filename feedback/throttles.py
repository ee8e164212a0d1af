"""Rate limits of the rating link, for the page and the API alike: per link
(``FEEDBACK_RATE_LIMIT_TOKEN``) and per client address (``FEEDBACK_RATE_LIMIT_ADDRESS``).

DRF's throttles on Django's cache (Redis in production, shared by every process; the
local-memory cache in development), counted together by ``RatingThrottle``: both
histories in one read (``get_many``) and one write (``set_many``), two round trips to
Redis instead of DRF's four, with DRF's rate format, history and wait. The rates are
read from the settings at each request, not frozen at import as DRF's
``THROTTLE_RATES`` are, so a deployment (or a test) changes them in the settings alone.
The address is ``REMOTE_ADDR`` as the progress query counts it; X-Forwarded-For only
when DRF's ``NUM_PROXIES`` says how many proxies to trust (DRF would otherwise take the
header as the client sends it, and a client could name a new address with every
request).
"""

from collections import defaultdict

from django.conf import settings
from django.core.cache import cache as default_cache
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
    cache = default_cache
    timer = SimpleRateThrottle.timer

    def __init__(self):
        self._wait = None

    def allow_request(self, request, view) -> bool:
        throttles = [limit() for limit in self.limits]
        keys = [throttle.get_cache_key(request, view) for throttle in throttles]
        stored = self.cache.get_many(keys)
        now = self.timer()
        writes: dict[int, dict] = defaultdict(dict)  # by duration: one timeout per write
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
                writes[throttle.duration][key] = [now, *history]
        for duration, histories in writes.items():
            self.cache.set_many(histories, duration)
        if waits:
            self._wait = max((wait for wait in waits if wait is not None), default=None)
            return False
        return True

    def wait(self):
        return self._wait


RATING_THROTTLES = [RatingThrottle]


def throttle_wait(request, view) -> float | None:
    """For a page outside DRF: None when the request may go on (and is counted), else
    the seconds to wait. Every limit is counted, as DRF's view does."""
    throttle = RatingThrottle()
    if throttle.allow_request(request, view):
        return None
    return throttle.wait() or 0
