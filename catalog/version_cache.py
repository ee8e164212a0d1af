"""Item versions as the intake services read them, kept in each process.

Every change of an application reads its item version with the item, the department,
the materials and (on acceptance) the workflow steps: three wide rows and two lists, on
every upload and every acceptance.
A version that has left the draft state is frozen (catalog.services refuses to change
it; a change makes a new version with a new id), so each process keeps the versions it
has read (``version_get``) and, per item code, which version is the published one
(``published_version_get``).

What can still change under a kept version: its status (published → retired), which
version of an item is published, and the department's name or phone. Any save, delete or
bulk change of a version, an item or a department retires ``VERSIONS``'s generation
(receivers in ``catalog.signals``); ``VERSIONS`` is a ``jinpu_portal.generation_cache``,
which re-reads the generation at most once a second, so a retirement reaches every
process within that second and the process that made it at once. A draft is never kept;
a version is kept at most ``MAX_AGE`` seconds.

The kept objects are shared by the threads of a process: callers read them, never
change them.
"""

from django.db.models import Prefetch

from jinpu_portal.generation_cache import GenerationCache

from .constants import VersionStatus
from .models import ItemMaterial, ItemVersion, WorkflowStep

MAX_AGE = 10 * 60
MAX_ENTRIES = 5000
# ("version", id) -> ItemVersion; ("published", item code) -> id of its published version
VERSIONS = GenerationCache("catalog:version-cache", max_age=MAX_AGE, max_entries=MAX_ENTRIES)


def _queryset():
    return ItemVersion.objects.select_related("item", "department").prefetch_related(
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("position")),
        Prefetch(
            "steps",
            queryset=WorkflowStep.objects.select_related("department").order_by("stage", "id"),
        ),
    )


def _keep(version: ItemVersion | None, since: int) -> ItemVersion | None:
    if version is not None and version.status != VersionStatus.DRAFT:
        VERSIONS.set(("version", version.pk), version, since=since)
        if version.status == VersionStatus.PUBLISHED:
            VERSIONS.set(("published", version.item.code), version.pk, since=since)
    return version


def version_get(pk: int) -> ItemVersion:
    """The version with its item, department and materials (in catalog order)."""
    version = VERSIONS.get(("version", pk))
    if version is None:
        since = VERSIONS.stamp()
        version = _keep(_queryset().get(pk=pk), since)
    return version


def published_version_get(code: str) -> ItemVersion | None:
    """The published version of the item with implementation code ``code``, loaded as
    ``version_get`` loads it; None if the item has none."""
    pk = VERSIONS.get(("published", code))
    version = VERSIONS.get(("version", pk)) if pk is not None else None
    if version is None:
        since = VERSIONS.stamp()
        version = _queryset().filter(item__code=code, status=VersionStatus.PUBLISHED).first()
        _keep(version, since)
    return version
