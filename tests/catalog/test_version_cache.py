"""``catalog.version_cache``: each process keeps the item versions intake reads, and
forgets them when the catalog changes, here at once and elsewhere within
CHECK_SECONDS (the shared generation)."""

import pytest
from django.core.cache import cache

from catalog import version_cache
from catalog.constants import VersionStatus
from catalog.services import version_retire
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_kept_with_item_department_materials_and_steps(django_assert_num_queries):
    version = make_item(name="食品经营许可")
    kept = version_cache.version_get(version.pk)
    assert version_cache.published_version_get(version.item.code) is kept
    with django_assert_num_queries(0):
        again = version_cache.version_get(version.pk)
        assert again is kept
        assert again.item.code == version.item.code
        assert again.department.name
        assert [m.name for m in again.materials.all()] == ["身份证明", "申请表", "其他材料"]
        assert len(again.steps.all()) >= 1


def test_retiring_here_is_seen_at_once():
    version = make_item()
    assert version_cache.published_version_get(version.item.code) is not None
    version_retire(version=version, actor=None)
    assert version_cache.published_version_get(version.item.code) is None
    assert version_cache.version_get(version.pk).status == VersionStatus.RETIRED


def test_a_change_elsewhere_is_seen_after_the_generation_check(django_assert_num_queries):
    from accounts.models import Department

    version = make_item()
    version_cache.version_get(version.pk)
    # Another process renames the department and bumps the shared generation.
    Department.objects.filter(pk=version.department_id).update(name="市场监督管理局（新）")
    cache.set(version_cache._GENERATION_KEY, "bumped elsewhere", None)
    with django_assert_num_queries(0):
        stale = version_cache.version_get(version.pk)  # not asked within CHECK_SECONDS
    assert stale.department.name != "市场监督管理局（新）"
    version_cache._state["checked"] = 0.0
    assert version_cache.version_get(version.pk).department.name == "市场监督管理局（新）"


def test_saves_bump_the_shared_generation_on_commit(django_capture_on_commit_callbacks):
    version = make_item()
    before = cache.get(version_cache._GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        version.department.phone = "0411-87654321"
        version.department.save()
    assert cache.get(version_cache._GENERATION_KEY) not in (None, before)


def test_drafts_are_never_kept():
    from catalog.services import version_create_draft

    version = make_item()
    draft = version_create_draft(item=version.item, actor=None)
    assert version_cache.version_get(draft.pk).status == VersionStatus.DRAFT
    assert draft.pk not in version_cache._versions
