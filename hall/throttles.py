"""The rate limit of the public acts of the hall (issuing a ticket, an appointment's
check-in): per client address, ``HALL_RATE_LIMIT_ADDRESS`` (DRF's ``N/period``), on
Django's cache (Redis in production; ``jinpu_portal.throttling``: one round trip, its
cost flat however many requests the window holds). A hall's kiosks share one address
behind its NAT, so the default is generous; it stops a script taking a hall's numbers
from afar."""

from jinpu_portal.throttling import AddressRate, LimitsThrottle

TOO_MANY = "取号过于频繁，请稍后再试。"


class HallAddressRate(AddressRate):
    scope = "hall_address"
    setting = "HALL_RATE_LIMIT_ADDRESS"


class HallAddressThrottle(LimitsThrottle):
    limits = (HallAddressRate,)
