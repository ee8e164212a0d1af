"""API authentication: DRF's token scheme, with the signed-in user read from
``accounts.token_users`` (the shared cache, and each process's copies in front of it)."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import token_users


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; the same keys and messages as DRF's."""

    def authenticate(self, request):
        # Without the header DRF's answer is None, read through ``request.headers``: a
        # dictionary of every header, built for this one lookup on each API request
        # (the public rating and ticket included, which send no token). META holds the
        # same header (Django derives ``headers`` from it).
        if not request.META.get("HTTP_AUTHORIZATION"):
            return None
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        shared = token_users.cache_is_shared()
        token = token_users.get(key) if shared else None
        if token is None:
            since = token_users.LOCAL.stamp()
            token = token_users.load(key)
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            if shared and token.user.is_active:
                token_users.keep(key, token, since=since)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
