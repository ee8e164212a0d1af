"""API authentication: DRF's token scheme, with the signed-in user kept in the shared
cache.

Every API request of the portal asks the same things of its user: the roles
(``User.role_names``), the citizen record (网上办) and the staff profile with its window
and hall (综窗). Loading them costs a query with five joins, or four queries, on every
request; the intake load benchmark (bench/intake_load_bench.py) spends more time there
than in the intake itself. So the user, loaded once with all of that, is cached under
a hash of the token for ``CACHE_SECONDS``.

The cache is dropped for a user whenever anything it holds changes: the user (which
includes deactivation), their roles, citizen record, staff profile or token, and the
window or hall they sit at (receivers in ``accounts.signals``). Only a shared cache
(Redis) is used: with the per-process cache of the embedded default a change made in one
process could not reach the others, so there every request reads the database.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

CACHE_SECONDS = 300
# Bump when what is cached changes shape, so a deploy does not read old entries.
_FORMAT = 1


def cache_is_shared() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def cache_key(token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()[:40]
    return f"accounts:token-user:{_FORMAT}:{digest}"


def forget_tokens(token_keys) -> None:
    """Drop the cached users of these tokens (the receivers call this)."""
    keys = [cache_key(key) for key in token_keys]
    if keys and cache_is_shared():
        cache.delete_many(keys)


def _load(key: str) -> Token | None:
    """The token with its user's roles, citizen record and staff profile (window, hall)."""
    queryset = Token.objects.select_related(
        "user", "user__citizen", "user__staff_profile__window__hall"
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        queryset = queryset.annotate(
            role_names=ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name"))
        )
    token = queryset.filter(key=key).first()
    if token is None:
        return None
    user = token.user
    user._role_names = (
        set(token.role_names) if hasattr(token, "role_names") else set(user.role_names)
    )
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; the same keys and messages as DRF's."""

    def authenticate_credentials(self, key):
        shared = cache_is_shared()
        token = cache.get(cache_key(key)) if shared else None
        if token is None:
            token = _load(key)
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            if shared and token.user.is_active:
                cache.set(cache_key(key), token, CACHE_SECONDS)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
