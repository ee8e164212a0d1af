"""Rate limits of the rating link, for the page and the API alike: per link
(``FEEDBACK_RATE_LIMIT_TOKEN``) and per client address (``FEEDBACK_RATE_LIMIT_ADDRESS``),
counted together by ``RatingThrottle`` (``jinpu_portal.throttling``: on Redis one round
trip for both instead of DRF's four, with DRF's rate format, sliding window and wait).
"""

from jinpu_portal.throttling import AddressRate, LimitsThrottle, SettingsRate

from .tokens import throttle_key

TOO_MANY = "评价请求过于频繁，请稍后再试。"


class RatingTokenThrottle(SettingsRate):
    """Per rating link: the token's signed payload (one instance of one case)."""

    scope = "feedback_token"
    setting = "FEEDBACK_RATE_LIMIT_TOKEN"

    def get_cache_key(self, request, view):
        token = getattr(view, "kwargs", {}).get("token", "")
        return self.cache_format % {"scope": self.scope, "ident": throttle_key(token)}


class RatingAddressThrottle(AddressRate):
    """Per client address."""

    scope = "feedback_address"
    setting = "FEEDBACK_RATE_LIMIT_ADDRESS"


class RatingThrottle(LimitsThrottle):
    """Both limits, as DRF's two throttles checked one after the other."""

    limits = (RatingTokenThrottle, RatingAddressThrottle)


RATING_THROTTLES = [RatingThrottle]
