"""``jinpu_portal.cache.generation_bump``: a change retires what other processes cached
while its transaction was still open."""

import pytest
from django.core.cache import cache
from django.db import transaction

from catalog.api import cache as detail_cache
from jinpu_portal.cache import generation_bump
from tests.factories import DepartmentFactory

KEY = "test:generation"


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
        detail_cache.forget_all()
        body, generation = detail_cache.detail_get(version_id)
        assert body is None
        detail_cache.detail_set(version_id, generation, '{"department": "旧名称"}'.encode())
        assert detail_cache.detail_get(version_id)[0] is not None
    detail_cache.forget_all()  # as that other process, after the commit
    body, _ = detail_cache.detail_get(version_id)
    assert body is None
