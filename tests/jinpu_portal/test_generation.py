"""``jinpu_portal.generation_cache``: the per-process caches, retired by a shared
generation (also when a change's transaction was still open), bounded in size and age,
wired to their models in ``AppConfig.ready()``."""

import os
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from catalog.api import cache as detail_cache
from jinpu_portal.generation_cache import GenerationCache, generation_bump
from tests.factories import DepartmentFactory

KEY = "test:generation"

pytestmark = pytest.mark.redis


@pytest.mark.django_db(transaction=True)
def test_it_bumps_now_and_again_at_the_commit():
    forgotten = []
    generation_bump(KEY, forget=lambda: forgotten.append(cache.get(KEY)))
    assert len(forgotten) == 1  # no transaction: once

    with transaction.atomic():
        generation_bump(KEY, forget=lambda: forgotten.append(cache.get(KEY)))
        inside = cache.get(KEY)
        assert forgotten[-1] == inside
        assert len(forgotten) == 2
    assert len(forgotten) == 3
    assert cache.get(KEY) != inside


@pytest.mark.django_db(transaction=True)
def test_item_detail_json_cached_by_a_reader_before_the_commit_is_retired_by_it():
    department = DepartmentFactory(code="RACE", name="旧名称")
    version_id = 4711
    with transaction.atomic():
        department.name = "新名称"
        department.save()  # the receiver bumps the generation
        # Another process, before the commit: it sees the new generation but the old
        # name, and stores its JSON under that generation.
        detail_cache.DETAIL.clear()
        body, generation = detail_cache.detail_get(version_id)
        assert body is None
        detail_cache.detail_set(version_id, generation, '{"department": "旧名称"}'.encode())
        assert detail_cache.detail_get(version_id)[0] is not None
    detail_cache.DETAIL.clear()  # as that other process, after the commit
    body, _ = detail_cache.detail_get(version_id)
    assert body is None


def later(monkeypatch, seconds):
    clock = time.monotonic() + seconds
    monkeypatch.setattr(time, "monotonic", lambda: clock)


def test_entries_expire_after_the_maximum_age(monkeypatch):
    kept = GenerationCache("test:max-age", max_age=30)
    kept.set("a", 1)
    later(monkeypatch, 29)
    assert kept.get("a") == 1
    later(monkeypatch, 30)
    assert kept.get("a") is None


def test_the_generation_is_asked_at_most_once_per_interval(monkeypatch):
    kept = GenerationCache("test:interval", max_age=300)
    kept.set("a", 1)
    asked = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **k: asked.append(a) or real_get(*a, **k))
    for _ in range(100):
        assert kept.get("a") == 1
    assert len(asked) <= 1
    cache.set(kept.key, "moved elsewhere", None)
    assert kept.get("a") == 1  # within the interval
    later(monkeypatch, kept.check_every)
    assert kept.get("a") is None


def test_the_oldest_entries_go_when_full():
    kept = GenerationCache("test:size", max_age=300, max_entries=2)
    kept.set("a", 1)
    kept.set("b", 2)
    kept.set("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, 2, 3)


def test_a_load_that_raced_an_invalidation_is_not_kept():
    kept = GenerationCache("test:race", max_age=300)

    def load():
        kept.invalidate()  # a change committed while this load read the old rows
        return "old"

    assert kept.get_or_load("a", load) == "old"
    assert kept.get("a") is None
    assert kept.get_or_load("a", lambda: "new") == "new"
    assert kept.get("a") == "new"


def test_watch_refuses_a_model_whose_bulk_changes_it_cannot_see():
    from django.contrib.auth.models import Permission

    with pytest.raises(ImproperlyConfigured, match="auth.Permission"):
        GenerationCache("test:refused", max_age=1).watch(Permission)


def test_the_receivers_are_connected_by_setup_alone():
    """A process that loads only the apps (a Celery worker, a management command) and
    imports none of the modules holding the caches still retires them on a change."""
    script = """
import django
django.setup()
from django.core.cache import cache
from accounts.models import Department, Hall, Citizen, StaffProfile, User, Window
from catalog.models import CalendarDay, CalendarYear, ItemVersion, ServiceItem
from jinpu_portal.generation_cache import bulk_changed
for model in (Department, Hall, Citizen, StaffProfile, User, Window, CalendarDay,
              CalendarYear, ItemVersion, ServiceItem):
    assert bulk_changed.has_listeners(model), model
keys = ["generation:catalog:api:item-detail", "generation:catalog:version-cache"]
before = [cache.get(key) for key in keys]
bulk_changed.send(sender=Department)  # as Department.objects.update(...) sends it
after = [cache.get(key) for key in keys]
assert all(b != a for b, a in zip(before, after)), (before, after)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jinpu_portal.settings"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
