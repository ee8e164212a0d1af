"""A value bound to one browser rather than to whoever signs in on it: the hall kiosk's
hall code (``jinpu_portal.kiosk``) and the counter pad's device key
(``feedback.views.pad``). One cookie policy for both: signed (the value cannot be
forged), HttpOnly (no script reads it), SameSite=Lax, Secure wherever the session
cookie is, and kept as long as browsers keep a cookie (400 days; renew it on use)."""

from dataclasses import dataclass

from django.conf import settings

#: Browsers keep a cookie 400 days at most.
MAX_AGE = 400 * 24 * 60 * 60


@dataclass(frozen=True)
class DeviceCookie:
    name: str
    salt: str
    path: str = "/"

    def read(self, request) -> str | None:
        """The value, or None: no cookie, an empty one, or a signature that fails."""
        return request.get_signed_cookie(self.name, default=None, salt=self.salt) or None

    def write(self, response, value: str) -> None:
        response.set_signed_cookie(
            self.name,
            value,
            salt=self.salt,
            max_age=MAX_AGE,
            path=self.path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

    def clear(self, response) -> None:
        response.delete_cookie(self.name, path=self.path, samesite="Lax")
