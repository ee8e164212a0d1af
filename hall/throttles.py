"""The rate limit of the public acts of the hall (issuing a ticket, an appointment's
check-in): per client address, ``HALL_RATE_LIMIT_ADDRESS`` (DRF's ``N/period``), on
Django's cache (Redis in production). A hall's kiosks share one address behind its NAT,
so the default is generous; it stops a script taking a hall's numbers from afar. The
address is counted as feedback's rate limits count it (``client_address``)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from feedback.throttles import client_address

TOO_MANY = "取号过于频繁，请稍后再试。"


class HallAddressThrottle(SimpleRateThrottle):
    scope = "hall_address"

    def __init__(self):
        # The rate is read from the settings at each request (tests change it).
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return settings.HALL_RATE_LIMIT_ADDRESS

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
