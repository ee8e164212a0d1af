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
window or hall they sit at (receivers in ``accounts.signals``), at once and again when
the change commits: a request racing the commit may have cached the old user again.
Only a shared cache (Redis) is used: with the per-process cache of the embedded default a
change made in one process could not reach the others, so there every request reads the
database.

In front of Redis each process keeps the users it served (pickled: every request gets
its own copy) and asks Redis for a generation at most every ``LOCAL_CHECK_SECONDS``; any
of the changes above moves it (``jinpu_portal.cache.generation_bump``), so a change
reaches every process within that second, and the process that made it at once. That
saves a Redis round trip per request, about 5% of the intake's CPU under load.
"""

import hashlib
import pickle
import threading
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from jinpu_portal.cache import generation_bump

CACHE_SECONDS = 300
LOCAL_CHECK_SECONDS = 1.0
LOCAL_MAX_ENTRIES = 10_000
# Bump when what is cached changes shape, so a deploy does not read old entries.
_FORMAT = 1
_GENERATION_KEY = f"accounts:token-user:{_FORMAT}:generation"

_lock = threading.Lock()
_local: dict[str, tuple[bytes, float]] = {}  # cache key -> (pickled token, stored at)
_state = {"generation": None, "checked": 0.0}


def cache_is_shared() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def cache_key(token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()[:40]
    return f"accounts:token-user:{_FORMAT}:{digest}"


def forget_tokens(token_keys) -> None:
    """Drop the cached users of these tokens (the receivers call this): now, and again
    when the change commits; and every process's copies (``generation_bump``)."""
    keys = [cache_key(key) for key in token_keys]
    if not keys or not cache_is_shared():
        return

    def drop():
        cache.delete_many(keys)

    drop()
    if connection.in_atomic_block:
        transaction.on_commit(drop)  # before the generation's bump, registered next
    generation_bump(_GENERATION_KEY, forget=forget_local)


def forget_local() -> None:
    """Forget this process's copies (tests; a change made here, at once)."""
    with _lock:
        _local.clear()
        _state.update(generation=None, checked=0.0)


def _local_get(key: str) -> Token | None:
    now = time.monotonic()
    if now - _state["checked"] >= LOCAL_CHECK_SECONDS:
        generation = cache.get(_GENERATION_KEY)
        with _lock:
            if generation != _state["generation"]:
                _local.clear()
                _state["generation"] = generation
            _state["checked"] = now
    entry = _local.get(key)
    if entry is None or now - entry[1] >= CACHE_SECONDS:
        return None
    return pickle.loads(entry[0])  # noqa: S301 (pickled by this process, above)


def _local_keep(key: str, token: Token) -> None:
    with _lock:
        if len(_local) >= LOCAL_MAX_ENTRIES:
            _local.clear()
        _local[key] = (pickle.dumps(token, pickle.HIGHEST_PROTOCOL), time.monotonic())


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
        token = None
        if shared:
            stored = cache_key(key)
            token = _local_get(stored)
            if token is None:
                token = cache.get(stored)
                if token is not None:
                    _local_keep(stored, token)
        if token is None:
            token = _load(key)
            if token is None:
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            if shared and token.user.is_active:
                cache.set(stored, token, CACHE_SECONDS)
                _local_keep(stored, token)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
