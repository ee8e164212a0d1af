"""The shared cache: Django's Redis cache backend, keeping one ``redis.Redis`` client per
connection pool (the per-process caches in front of it: ``jinpu_portal.generation_cache``).

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache operation, and
redis-py's constructor sets up a couple of hundred response callbacks each time: about a
quarter of a millisecond, more than the GET itself, on every API request (token
authentication reads the cache). A ``redis.Redis`` is safe to share between threads over
its pool (and redis-py's pool notices a fork), so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

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
