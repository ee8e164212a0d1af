"""``catalog.version_cache``: each process keeps the item versions intake reads, and
forgets them when the catalog changes (saved, deleted or in bulk), here at once and
elsewhere within a second (the shared generation), and after MAX_AGE in any case."""

import time

import pytest
from django.core.cache import cache
from django.db.models import QuerySet

from catalog import version_cache
from catalog.constants import VersionStatus
from catalog.services import version_retire
from tests.factories import DepartmentFactory, make_item

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


def later(monkeypatch, seconds):
    clock = time.monotonic() + seconds
    monkeypatch.setattr(time, "monotonic", lambda: clock)


def test_a_change_elsewhere_is_seen_after_the_generation_check(
    django_assert_num_queries, monkeypatch
):
    from accounts.models import Department

    version = make_item()
    version_cache.version_get(version.pk)
    # Another process renames the department and bumps the shared generation (a plain
    # QuerySet sends no signal in this process).
    QuerySet(model=Department).filter(pk=version.department_id).update(name="市场监督管理局（新）")
    cache.set(version_cache.VERSIONS.key, "bumped elsewhere", None)
    with django_assert_num_queries(0):
        stale = version_cache.version_get(version.pk)  # not asked within the second
    assert stale.department.name != "市场监督管理局（新）"
    later(monkeypatch, version_cache.VERSIONS.check_every)
    assert version_cache.version_get(version.pk).department.name == "市场监督管理局（新）"


def test_saves_bump_the_shared_generation_on_commit(django_capture_on_commit_callbacks):
    version = make_item()
    before = cache.get(version_cache.VERSIONS.key)
    with django_capture_on_commit_callbacks(execute=True):
        version.department.phone = "0411-87654321"
        version.department.save()
    assert cache.get(version_cache.VERSIONS.key) not in (None, before)


def test_drafts_are_never_kept():
    from catalog.services import version_create_draft

    version = make_item()
    draft = version_create_draft(item=version.item, actor=None)
    assert version_cache.version_get(draft.pk).status == VersionStatus.DRAFT
    assert version_cache.VERSIONS.get(("version", draft.pk)) is None


def test_bulk_changes_are_seen_at_once():
    from accounts.models import Department
    from catalog.models import ItemVersion, ServiceItem

    version = make_item()
    version_cache.version_get(version.pk)
    Department.objects.filter(pk=version.department_id).update(name="市场监督管理局（新）")
    assert version_cache.version_get(version.pk).department.name == "市场监督管理局（新）"
    ServiceItem.objects.filter(pk=version.item_id).update(code="RENAMED-CODE")
    assert version_cache.version_get(version.pk).item.code == "RENAMED-CODE"
    ItemVersion.objects.filter(pk=version.pk).update(status=VersionStatus.RETIRED)
    assert version_cache.published_version_get(version.item.code) is None


def test_a_deleted_department_is_seen_at_once():
    version = make_item()
    version_cache.version_get(version.pk)
    other = DepartmentFactory(code="GONE", name="撤销的部门")
    before = cache.get(version_cache.VERSIONS.key)
    other.delete()
    assert cache.get(version_cache.VERSIONS.key) != before
    assert version_cache.VERSIONS.get(("version", version.pk)) is None


def test_a_version_is_kept_at_most_max_age(monkeypatch):
    from accounts.models import Department

    version = make_item()
    version_cache.version_get(version.pk)
    QuerySet(model=Department).filter(pk=version.department_id).update(name="未发信号")
    later(monkeypatch, version_cache.MAX_AGE - 1)
    assert version_cache.version_get(version.pk).department.name != "未发信号"
    later(monkeypatch, version_cache.MAX_AGE)
    assert version_cache.version_get(version.pk).department.name == "未发信号"
