"""Cache of the item detail API's JSON, keyed by the published version's id.

A published version is frozen (catalog.services refuses to change it; a change makes
a new version with a new id), so the JSON of a version id never goes stale on its own
account. The view still asks the database for the item's current version on every
request, so publishing or retiring shows at once.

What can change under a version is the name of a department, hall or service object
it refers to. Saving, deleting or bulk-updating one of those retires ``DETAIL``'s
generation (receivers in ``catalog.signals``); the shared entries carry the generation
they were stored under, and one of an older generation is a miss. Each process keeps the
entries it served in ``DETAIL`` (a ``jinpu_portal.generation_cache``: bounded LRU,
generation read at most once a second), so a hit costs no round trip and a rename shows
everywhere within a second. Entries, shared and in-process, live at most
``SHARED_SECONDS``, which bounds a rename made in SQL.
"""

from django.core.cache import cache

from jinpu_portal.generation_cache import GenerationCache

SHARED_SECONDS = 60 * 60
LOCAL_MAX_ENTRIES = 2000
# Bump when the detail representation changes, so a deploy does not serve old JSON.
FORMAT_VERSION = 2  # 2: file fields are download addresses, not media URLs

DETAIL = GenerationCache(
    "catalog:api:item-detail", max_age=SHARED_SECONDS, max_entries=LOCAL_MAX_ENTRIES
)


def _key(version_id: int) -> str:
    return f"catalog:api:item-detail:{FORMAT_VERSION}:{version_id}"


def detail_get(version_id: int) -> tuple[bytes | None, object]:
    """The cached JSON of a version (None on a miss) and the generation to store it
    under. A hit in this process costs no round trip."""
    generation = DETAIL.generation()
    body = DETAIL.get(version_id)
    if body is not None:
        return body, generation
    entry = cache.get(_key(version_id))
    if entry is not None and entry[0] == generation:
        DETAIL.set(version_id, entry[1])
        return entry[1], generation
    return None, generation


def detail_set(version_id: int, generation: object, body: bytes) -> None:
    cache.set(_key(version_id), (generation, body), SHARED_SECONDS)
    if DETAIL.generation() == generation:
        DETAIL.set(version_id, body)
