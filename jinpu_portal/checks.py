"""The portal's own system checks (``manage.py check --deploy``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


def redis_database(url: str) -> tuple[str, int, int] | None:
    """Host, port and database number of a ``redis://`` or ``rediss://`` URL; None for
    anything else (the filesystem transport, a socket path)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        return None
    number = parts.path.strip("/") or "0"
    if not number.isdigit():
        return None
    return parts.hostname, parts.port or 6379, int(number)


@register(Tags.caches, deploy=True)
def check_broker_apart_from_cache(app_configs, **kwargs):
    """Django's ``RedisCache.clear()`` is a FLUSHDB of the cache's database: were the
    Celery queue in the same one, clearing the cache would drop every queued task."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache"):
        return []
    locations = cache["LOCATION"]
    if isinstance(locations, str):
        locations = [locations]
    broker = redis_database(settings.CELERY_BROKER_URL)
    if broker is None or broker not in {redis_database(url) for url in locations}:
        return []
    return [
        Warning(
            "Celery 任务队列与缓存共用同一个 Redis 库：清空缓存（FLUSHDB）会丢弃排队中的任务。",
            hint="把 CELERY_BROKER_URL 指向另一个 Redis 库，例如 REDIS_URL 为 "
            "redis://redis:6379/0 时用 redis://redis:6379/1。",
            id="jinpu_portal.W001",
        )
    ]
