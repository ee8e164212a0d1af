"""Kiosk mode (自助办): a self-service terminal in a hall shows the portal's pages with
large touch targets, an on-screen keypad for ID numbers and an idle timeout that signs
out and clears the screen (static/hall/kiosk.js, loaded by base.html in this mode).

The mode belongs to the terminal, not to whoever signs in on it: a signed cookie holding
the hall's code, set by the hall's kiosk page (``hall:kiosk``) and kept across sign-out.
It lives here, below every app, because base.html and the context processor read it on
every page (the online application pages included).
"""

from django.conf import settings

KIOSK_COOKIE = "jinpu_kiosk"
KIOSK_SALT = "jinpu.kiosk"
KIOSK_COOKIE_AGE = 400 * 24 * 60 * 60  # browsers keep a cookie 400 days at most
KIOSK_WARN_SECONDS = 15  # the countdown shows in the idle timeout's last seconds


def kiosk_hall_code(request) -> str | None:
    """The code of the hall whose kiosk this browser is, or None (not a kiosk)."""
    code = request.get_signed_cookie(KIOSK_COOKIE, default=None, salt=KIOSK_SALT)
    return code or None


def set_kiosk(response, hall_code: str) -> None:
    response.set_signed_cookie(
        KIOSK_COOKIE,
        hall_code,
        salt=KIOSK_SALT,
        max_age=KIOSK_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def clear_kiosk(response) -> None:
    response.delete_cookie(KIOSK_COOKIE, samesite="Lax")


def kiosk_context(request) -> dict:
    """What base.html needs in kiosk mode (empty otherwise)."""
    code = kiosk_hall_code(request)
    if not code:
        return {}
    return {
        "KIOSK": code,
        "KIOSK_IDLE_SECONDS": settings.HALL_KIOSK_IDLE_SECONDS,
        "KIOSK_WARN_SECONDS": KIOSK_WARN_SECONDS,
    }
