"""Cache of the item detail API's JSON, keyed by the published version's id.

A published version is frozen (catalog.services refuses to change it; a change makes
a new version with a new id), so the JSON of a version id never goes stale on its own
account. The view still asks the database for the item's current version on every
request, so publishing or retiring shows at once.

What can change under a version is the name of a department, hall or service object
it refers to. Saving one of those bumps a generation in the shared cache, and again at
the commit (receivers below, ``generation_bump``); an entry of an older generation is a
miss. Each process keeps the entries it
served in a bounded in-memory LRU in front of the shared cache, and re-reads the
generation at most every GENERATION_CHECK_SECONDS: a rename shows within that time.
Processes that never load the URLs (management commands) do not bump the generation;
entries, shared and in-process, live at most SHARED_SECONDS, which bounds how long
such a rename can stay unseen.
"""

import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from accounts.models import Department, Hall
from jinpu_portal.cache import generation_bump

from ..models import ServiceObjectType

SHARED_SECONDS = 60 * 60
GENERATION_CHECK_SECONDS = 10
LOCAL_MAX_ENTRIES = 2000
# Bump when the detail representation changes, so a deploy does not serve old JSON.
FORMAT_VERSION = 1
_GENERATION_KEY = "catalog:api:item-detail:generation"

_lock = threading.Lock()
# version id -> (generation, JSON, monotonic time stored)
_local: OrderedDict[int, tuple[str, bytes, float]] = OrderedDict()
_generation: dict = {"value": None, "checked": 0.0}


def _key(version_id: int) -> str:
    return f"catalog:api:item-detail:{FORMAT_VERSION}:{version_id}"


def current_generation() -> str:
    now = time.monotonic()
    if _generation["value"] is None or now - _generation["checked"] > GENERATION_CHECK_SECONDS:
        value = cache.get(_GENERATION_KEY)
        if value is None:
            cache.add(_GENERATION_KEY, time.time_ns(), None)
            value = cache.get(_GENERATION_KEY)
        _generation.update(value=value, checked=now)
    return _generation["value"]


def detail_get(version_id: int) -> tuple[bytes | None, str]:
    """The cached JSON of a version (None on a miss) and the generation to store it
    under. A hit in this process costs no round trip."""
    generation = current_generation()
    with _lock:
        local = _local.get(version_id)
        fresh = local is not None and time.monotonic() - local[2] < SHARED_SECONDS
        if fresh and local[0] == generation:
            _local.move_to_end(version_id)
            return local[1], generation
    entry = cache.get(_key(version_id))
    if entry is not None and entry[0] == generation:
        _remember(version_id, entry)
        return entry[1], generation
    return None, generation


def detail_set(version_id: int, generation: str, body: bytes) -> None:
    entry = (generation, body)
    cache.set(_key(version_id), entry, SHARED_SECONDS)
    _remember(version_id, entry)


def _remember(version_id: int, entry: tuple[str, bytes]) -> None:
    with _lock:
        _local[version_id] = (*entry, time.monotonic())
        _local.move_to_end(version_id)
        while len(_local) > LOCAL_MAX_ENTRIES:
            _local.popitem(last=False)


def forget_all() -> None:
    """Drop this process's entries and generation (tests; the shared cache stays)."""
    with _lock:
        _local.clear()
    _generation.update(value=None, checked=0.0)


def _forget_generation() -> None:
    _generation.update(value=None, checked=0.0)


def referenced_rows_changed(**kwargs) -> None:
    generation_bump(_GENERATION_KEY, forget=_forget_generation)


for _model in (Department, Hall, ServiceObjectType):
    post_save.connect(referenced_rows_changed, sender=_model, dispatch_uid=f"api-{_model}")
    post_delete.connect(referenced_rows_changed, sender=_model, dispatch_uid=f"api-d-{_model}")
