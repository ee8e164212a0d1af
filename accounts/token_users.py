"""The signed-in user of an API token, kept in the shared cache and in each process
(``accounts.authentication`` reads it; ``accounts.signals`` keeps it true).

Every API request of the portal asks the same things of its user: the roles
(``User.role_names``), the citizen record (网上办) and the staff profile with its window
and hall (综窗). Loading them costs a query with five joins, or four queries, on every
request; the intake load benchmark (bench/intake_load_bench.py) spends more time there
than in the intake itself. So the token, loaded once with all of that, is cached under a
hash of its key for ``CACHE_SECONDS``: in the shared cache (Redis), and in front of it
in ``LOCAL``, a ``jinpu_portal.generation_cache`` holding each process's copies (pickled:
every request gets its own copy) and asking Redis for its generation at most once a
second. That saves a Redis round trip per request, about 5% of the intake's CPU.

Whenever anything a cached user carries changes, the entries of the users concerned are
dropped from Redis and every process's copies are retired (``forget_tokens``), at once
and again when the change commits (a request racing the commit may have cached the old
user again): the user (deactivation included), their roles, citizen record, staff
profile or token, the window or hall they sit at, a role group's name (receivers in
``accounts.signals``, bulk updates included). Code that changes what a cached user may
do in another way (revoking an enterprise authorization, for instance) calls
``forget_users(user_ids)``; ``invalidate()`` forgets every user.

Only a shared cache is used: with the per-process cache of the embedded default a change
made in one process could not reach the others, so there every request reads the
database.
"""

import hashlib
import pickle

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef
from rest_framework.authtoken.models import Token

from jinpu_portal.generation_cache import GenerationCache

CACHE_SECONDS = 300
LOCAL_MAX_ENTRIES = 10_000
# Bump when what is cached changes shape, so a deploy does not read old entries.
_FORMAT = 1

LOCAL = GenerationCache(
    f"accounts:token-user:{_FORMAT}", max_age=CACHE_SECONDS, max_entries=LOCAL_MAX_ENTRIES
)


def cache_is_shared() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def cache_key(token_key: str) -> str:
    digest = hashlib.sha256(token_key.encode()).hexdigest()[:40]
    return f"accounts:token-user:{_FORMAT}:{digest}"


def get(token_key: str) -> Token | None:
    """The cached token with its user (a copy of its own), or None. A hit in this
    process costs no round trip."""
    stored = cache_key(token_key)
    pickled = LOCAL.get(stored)
    if pickled is not None:
        return pickle.loads(pickled)  # noqa: S301 (pickled by this process, below)
    since = LOCAL.stamp()
    token = cache.get(stored)
    if token is not None:
        LOCAL.set(stored, pickle.dumps(token, pickle.HIGHEST_PROTOCOL), since=since)
    return token


def load(token_key: str) -> Token | None:
    """The token with its user's roles, citizen record and staff profile (window, hall)."""
    queryset = Token.objects.select_related(
        "user", "user__citizen", "user__staff_profile__window__hall"
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        queryset = queryset.annotate(
            role_names=ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name"))
        )
    token = queryset.filter(key=token_key).first()
    if token is None:
        return None
    user = token.user
    user._role_names = (
        set(token.role_names) if hasattr(token, "role_names") else set(user.role_names)
    )
    return token


def keep(token_key: str, token: Token, *, since: int) -> None:
    """Cache a token ``load`` returned; ``since`` is ``LOCAL.stamp()`` taken before."""
    stored = cache_key(token_key)
    cache.set(stored, token, CACHE_SECONDS)
    LOCAL.set(stored, pickle.dumps(token, pickle.HIGHEST_PROTOCOL), since=since)


def forget_tokens(token_keys) -> None:
    """Drop the cached users of these tokens: now, and again when the change commits;
    and every process's copies (the generation)."""
    keys = [cache_key(key) for key in token_keys]
    if not keys or not cache_is_shared():
        return

    def drop():
        cache.delete_many(keys)

    drop()
    if connection.in_atomic_block:
        transaction.on_commit(drop)  # before the generation's bump, registered next
    LOCAL.invalidate()


def forget_users(user_ids) -> None:
    """Drop the cached users with these ids (one query for their tokens)."""
    if cache_is_shared():
        forget_tokens(
            Token.objects.filter(user_id__in=list(user_ids)).values_list("key", flat=True)
        )


def invalidate(**signal_kwargs) -> None:
    """Forget every cached user (a bulk change of rows they carry: one query for all the
    tokens, one Redis DELETE of their entries)."""
    if cache_is_shared():
        forget_tokens(Token.objects.values_list("key", flat=True))
