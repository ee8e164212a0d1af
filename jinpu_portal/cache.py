"""The shared cache: Django's Redis cache backend, keeping one ``redis.Redis`` client per
connection pool; and ``generation_bump``, how the per-process caches learn of a change.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache operation, and
redis-py's constructor sets up a couple of hundred response callbacks each time: about a
quarter of a millisecond, more than the GET itself, on every API request (token
authentication reads the cache). A ``redis.Redis`` is safe to share between threads over
its pool (and redis-py's pool notices a fork), so one per pool is enough.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connection, transaction

from .db import fastpath_off


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class PooledRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache``, reusing its clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        if not fastpath_off("pooled_redis"):
            self._class = _ReusingClient


def generation_bump(key: str, *, forget: Callable[[], None]) -> None:
    """Retire everything cached under the shared generation ``key``: set it anew and
    call ``forget`` (drop this process's copies), now and again when the current
    transaction commits.

    The caches that use it (the working calendar, the kept item versions, the item
    detail JSON) re-read the generation at intervals and reload what changed. A bump
    before the commit alone is not enough: a reader in another process between the bump
    and the commit still sees the old rows, and would keep them under the new
    generation; the bump at the commit retires those. The bump now keeps the editing
    transaction itself (and tests, which never commit) from reading its old copy."""

    def bump():
        cache.set(key, time.time_ns(), None)
        forget()

    bump()
    if connection.in_atomic_block:
        transaction.on_commit(bump)
