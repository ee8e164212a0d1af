"""Per-process caches of database rows, retired by a shared generation: ``GenerationCache``
(the one way the portal keeps rows in a process's memory), ``NotifyingQuerySet`` (tells
them of bulk changes) and ``reset_all`` (the tests' reset).

A ``GenerationCache`` keeps its entries in a bounded LRU with a maximum age (cachetools'
``TTLCache``) in front of a generation counter in the shared cache (Redis).
``invalidate()`` sets the generation anew and drops this process's entries, at once and
again when the current transaction commits (``generation_bump``). Every other process
asks for the generation at most every ``check_every`` seconds (one Redis GET a second per
cache at most, never one per request) and drops its entries when it moved. The maximum
age bounds what no receiver sees: a change made in SQL, or a bulk change of a model whose
query sets this module cannot hook (``watch(..., unhooked=...)`` says which and why).

Invalidation is wired by ``watch(*models)``: ``post_save``, ``post_delete`` and
``bulk_changed`` of each model invalidate the cache. ``bulk_changed`` is sent by
``NotifyingQuerySet`` after ``update()``, ``bulk_create()`` and ``bulk_update()``, so a
watched model's default manager must be built on it (``watch`` refuses one that is not).
``QuerySet.delete()`` sends ``post_delete`` for each row when a receiver is connected,
so bulk deletes need nothing more. The apps call ``watch`` in ``AppConfig.ready()``,
never on import: a process that never imports the module holding a cache (a Celery
worker, a management command) still invalidates every process's copies when it edits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import TTLCache
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

# Sent (sender: the model) after a NotifyingQuerySet's update(), bulk_create() or
# bulk_update() changed rows; no instance, as those paths load none.
bulk_changed = Signal()

_MISSING = object()
_registry: list[GenerationCache] = []


def _now() -> float:
    return time.monotonic()  # looked up at each call, so tests can move the clock


def generation_bump(key: str, *, forget: Callable[[], None]) -> None:
    """Set the shared generation ``key`` anew and call ``forget`` (drop this process's
    copies), now and again when the current transaction commits.

    A bump before the commit alone is not enough: a reader in another process between
    the bump and the commit still sees the old rows, and would keep them under the new
    generation; the bump at the commit retires those. The bump now keeps the editing
    transaction itself (and tests, which never commit) from reading its old copy."""

    def bump():
        cache.set(key, time.time_ns(), None)
        forget()

    bump()
    if connection.in_atomic_block:
        transaction.on_commit(bump)


class GenerationCache:
    """A bounded, aging per-process cache retired by the shared generation ``name``."""

    def __init__(
        self, name: str, *, max_age: float, max_entries: int = 1000, check_every: float = 1.0
    ):
        self.key = f"generation:{name}"
        self.max_age = max_age
        self.check_every = check_every
        self._lock = threading.Lock()
        self._entries: TTLCache = TTLCache(max_entries, max_age, timer=_now)
        self._generation: Any = None
        self._checked: float | None = None
        self._epoch = 0  # moves whenever the entries are dropped
        _registry.append(self)

    # --- Reading and keeping ---------------------------------------------------

    def generation(self) -> Any:
        """The shared generation, asked of Redis at most every ``check_every`` seconds;
        this process's entries are dropped when it moved."""
        now = _now()
        checked = self._checked
        if checked is not None and now - checked < self.check_every:
            return self._generation
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, time.time_ns(), None)
            value = cache.get(self.key)
        with self._lock:
            if value != self._generation:
                self._entries.clear()
                self._epoch += 1
                self._generation = value
            self._checked = now
        return value

    def get(self, key: Hashable, default: Any = None) -> Any:
        self.generation()
        with self._lock:
            return self._entries.get(key, default)

    def stamp(self) -> int:
        """Take before loading what ``set(..., since=)`` keeps: an invalidation between
        the two means the load may have read the old rows, so it is not kept."""
        with self._lock:
            return self._epoch

    def set(self, key: Hashable, value: Any, *, since: int | None = None) -> None:
        self.generation()  # kept under the current generation, not dropped by its first read
        with self._lock:
            if since is None or since == self._epoch:
                self._entries[key] = value

    def get_or_load(
        self,
        key: Hashable,
        load: Callable[[], Any],
        *,
        keep: Callable[[Any], bool] = lambda value: value is not None,
    ) -> Any:
        """The entry for ``key``, else ``load()``, kept when ``keep`` says so."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            since = self.stamp()
            value = load()
            if keep(value):
                self.set(key, value, since=since)
        return value

    # --- Invalidation ----------------------------------------------------------

    def clear(self) -> None:
        """Drop this process's entries; the next read asks for the generation."""
        with self._lock:
            self._entries.clear()
            self._epoch += 1
            self._generation, self._checked = None, None

    def invalidate(self, **signal_kwargs) -> None:
        """Retire every process's entries (a receiver, or a caller that changed what
        the cache holds)."""
        generation_bump(self.key, forget=self.clear)

    def watch(
        self,
        *watched: type[models.Model],
        receiver: Callable[..., None] | None = None,
        on_bulk: Callable[..., None] | None = None,
        unhooked: str = "",
    ) -> None:
        """Call ``receiver`` (default: ``invalidate``) on every save and delete of each
        model, and ``on_bulk`` (default: ``receiver``) on each of its bulk changes. A
        model whose bulk changes cannot send ``bulk_changed`` (its default manager is not
        built on ``NotifyingQuerySet``, as for models of django.contrib) is refused
        unless ``unhooked`` says why, and what bounds it."""
        receiver = receiver or self.invalidate
        on_bulk = on_bulk or receiver
        for model in watched:
            notifying = isinstance(model._default_manager.get_queryset(), NotifyingQuerySet)
            if not notifying and not unhooked:
                raise ImproperlyConfigured(
                    f"{self.key}: {model._meta.label}'s bulk changes send no bulk_changed "
                    "(build its manager on NotifyingQuerySet, or say why not)"
                )
            for signal, label in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    receiver,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"{self.key}:{label}:{model._meta.label}",
                )
            bulk_changed.connect(
                on_bulk,
                sender=model,
                weak=False,
                dispatch_uid=f"{self.key}:bulk:{model._meta.label}",
            )


class NotifyingQuerySet(models.QuerySet):
    """A query set whose bulk writes send ``bulk_changed``, so the caches watching its
    model are retired as on a save."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            bulk_changed.send(sender=self.model)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bulk_changed.send(sender=self.model)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            bulk_changed.send(sender=self.model)
        return rows

    bulk_update.alters_data = True


NotifyingManager = models.Manager.from_queryset(NotifyingQuerySet)


def reset_all() -> None:
    """Drop every cache's entries in this process (tests: a rolled-back change bumps no
    generation, and the database reuses the ids of rolled-back rows)."""
    for generation_cache in _registry:
        generation_cache.clear()
