"""The one-time notice (一次告知书) of an item or a bundle, as PDF.

A published version is frozen, so its notice is rendered once and cached under a key
holding the version id; a new version has a new id and so a new notice. A bundle is
not versioned: its key holds the bundle's last change and the ids of its items'
published versions, so publishing any of its items or editing the bundle renders a
new one. Entries also expire after a day, for what the notice shows that lives outside
the version (hall addresses and hours).
"""

from django.core.cache import cache
from django.urls import reverse

from accounts.models import Hall
from jinpu_portal.pdf import absolute_url, qr_data_uri, render_pdf

from .models import Bundle, ItemVersion
from .selectors import bundle_material_list, bundle_versions, workflow_stages

NOTICE_CACHE_SECONDS = 24 * 60 * 60
# Bumped when the notice templates change, so cached notices are rendered again.
NOTICE_TEMPLATE_REVISION = 1


def item_notice_cache_key(version: ItemVersion) -> str:
    return f"catalog:notice:item:{version.pk}:r{NOTICE_TEMPLATE_REVISION}"


def item_notice_pdf(version: ItemVersion) -> bytes:
    """The notice of a published version (as loaded by published_version_for_code)."""
    key = item_notice_cache_key(version)
    pdf = cache.get(key)
    if pdf is None:
        url = absolute_url(reverse("catalog:item_detail", args=[version.item.code]))
        pdf = render_pdf(
            "documents/catalog_notice.html",
            {
                "version": version,
                "stages": workflow_stages(version.steps.all()),
                "halls": list(version.accepting_halls.all()),
                "guide_url": url,
                "qr": qr_data_uri(url),
            },
        )
        cache.set(key, pdf, NOTICE_CACHE_SECONDS)
    return pdf


def bundle_notice_cache_key(bundle: Bundle, versions: list[ItemVersion]) -> str:
    ids = "-".join(str(version.pk) for version in versions)
    changed = int(bundle.updated_at.timestamp())
    return f"catalog:notice:bundle:{bundle.pk}:{changed}:{ids}:r{NOTICE_TEMPLATE_REVISION}"


def bundle_notice_pdf(bundle: Bundle, versions: list[ItemVersion] | None = None) -> bytes:
    if versions is None:
        versions = bundle_versions(bundle=bundle)
    key = bundle_notice_cache_key(bundle, versions)
    pdf = cache.get(key)
    if pdf is None:
        url = absolute_url(reverse("catalog:bundle_detail", args=[bundle.code]))
        pdf = render_pdf(
            "documents/catalog_bundle_notice.html",
            {
                "bundle": bundle,
                "versions": versions,
                "materials": bundle_material_list(bundle, versions),
                "halls": list(Hall.objects.order_by("code")),
                "guide_url": url,
                "qr": qr_data_uri(url),
            },
        )
        cache.set(key, pdf, NOTICE_CACHE_SECONDS)
    return pdf
