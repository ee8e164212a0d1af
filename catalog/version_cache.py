"""Item versions as the intake services read them, kept in each process.

Every change of an application reads its item version with the item, the department,
the materials and (on acceptance) the workflow steps: three wide rows and two lists, on
every upload and every acceptance.
A version that has left the draft state is frozen (catalog.services refuses to change
it; a change makes a new version with a new id), so each process keeps the versions it
has read (``version_get``) and, per item code, which version is the published one
(``published_version_get``).

What can still change under a kept version: its status (published → retired), which
version of an item is published, and the department's name or phone. Any save of a
version, an item or a department bumps a generation in the shared cache, at once and
again when its transaction commits (receivers below, ``generation_bump``); a process
re-reads the generation at most every
``CHECK_SECONDS`` and forgets everything when it moved. The process that made the
change forgets at once. So a retirement reaches every process within that time; a
draft is never kept.

The kept objects are shared by the threads of a process: callers read them, never
change them.
"""

import threading
import time

from django.core.cache import cache
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from accounts.models import Department
from jinpu_portal.cache import generation_bump

from .constants import VersionStatus
from .models import ItemMaterial, ItemVersion, ServiceItem, WorkflowStep

CHECK_SECONDS = 1.0
MAX_ENTRIES = 5000
_GENERATION_KEY = "catalog:version-cache:generation"

_lock = threading.Lock()
_versions: dict[int, ItemVersion] = {}
_published: dict[str, int] = {}  # item code -> id of its published version
_state = {"generation": None, "checked": 0.0}


def _queryset():
    return ItemVersion.objects.select_related("item", "department").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")),
        Prefetch(
            "steps",
            queryset=WorkflowStep.objects.select_related("department").order_by("stage", "id"),
        ),
    )


def _fresh() -> None:
    """Forget everything if another process changed the catalog since we last looked."""
    now = time.monotonic()
    if now - _state["checked"] < CHECK_SECONDS:
        return
    generation = cache.get(_GENERATION_KEY)
    with _lock:
        if generation != _state["generation"]:
            _versions.clear()
            _published.clear()
            _state["generation"] = generation
        _state["checked"] = now


def _keep(version: ItemVersion) -> ItemVersion:
    if version.status != VersionStatus.DRAFT:
        with _lock:
            if len(_versions) >= MAX_ENTRIES:
                _versions.clear()
                _published.clear()
            _versions[version.pk] = version
            if version.status == VersionStatus.PUBLISHED:
                _published[version.item.code] = version.pk
    return version


def version_get(pk: int) -> ItemVersion:
    """The version with its item, department and materials (in catalog order)."""
    _fresh()
    version = _versions.get(pk)
    if version is None:
        version = _keep(_queryset().get(pk=pk))
    return version


def published_version_get(code: str) -> ItemVersion | None:
    """The published version of the item with implementation code ``code``, loaded as
    ``version_get`` loads it; None if the item has none."""
    _fresh()
    pk = _published.get(code)
    version = _versions.get(pk) if pk is not None else None
    if version is None:
        version = _queryset().filter(item__code=code, status=VersionStatus.PUBLISHED).first()
        if version is not None:
            _keep(version)
    return version


def forget_all() -> None:
    """Forget this process's versions (tests; the editing process, at once)."""
    with _lock:
        _versions.clear()
        _published.clear()
        _state.update(generation=None, checked=0.0)


def catalog_changed(**kwargs) -> None:
    generation_bump(_GENERATION_KEY, forget=forget_all)


for _model in (ItemVersion, ServiceItem, Department):
    post_save.connect(catalog_changed, sender=_model, dispatch_uid=f"version-cache-{_model}")
    post_delete.connect(catalog_changed, sender=_model, dispatch_uid=f"version-cache-d-{_model}")
