"""Kiosk mode (自助办): a self-service terminal in a hall shows the portal's pages with
large touch targets, an on-screen keypad for ID numbers and an idle timeout that signs
out and clears the screen (static/hall/kiosk.js, loaded by base.html in this mode).

The mode belongs to the terminal, not to whoever signs in on it: a signed cookie holding
the hall's code, set by the hall's kiosk page (``hall:kiosk``) and kept across sign-out.
It lives here, below every app, because base.html and the context processor read it on
every page (the online application pages included).
"""

from django.conf import settings

from .device_cookie import DeviceCookie

#: The terminal's hall code.
KIOSK = DeviceCookie("jinpu_kiosk", salt="jinpu.kiosk")
KIOSK_WARN_SECONDS = 15  # the countdown shows in the idle timeout's last seconds


def kiosk_context(request) -> dict:
    """What base.html needs in kiosk mode (empty otherwise)."""
    code = KIOSK.read(request)
    if not code:
        return {}
    return {
        "KIOSK": code,
        "KIOSK_IDLE_SECONDS": settings.HALL_KIOSK_IDLE_SECONDS,
        "KIOSK_WARN_SECONDS": KIOSK_WARN_SECONDS,
    }
