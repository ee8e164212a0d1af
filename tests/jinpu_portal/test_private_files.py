"""No URL serves the media folder, in any mode (the demo's DEBUG=1 included), and stored
files get random names; the guide's files go out through a view, published versions
only (issue 11 item 4)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve

from catalog.constants import VersionStatus
from catalog.models import ItemVersion
from intake.services.cases import material_upload
from intake.services.online import application_update_online, power_of_attorney_upload
from tests.factories import make_citizen, make_item, pdf_file, start_online

pytestmark = pytest.mark.django_db

RANDOM = r"[0-9a-f]{32}"


def _callbacks(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry)
        elif isinstance(entry, URLPattern):
            yield str(entry.pattern), entry.callback


def test_no_route_serves_the_media_folder():
    assert [route for route, callback in _callbacks() if callback is serve] == []


def test_a_known_file_under_media_is_a_404_on_the_demo_settings(settings, citizen):
    settings.DEBUG = True  # what `make demo` runs with
    name = default_storage.save("intake/materials/2026/01/known.pdf", ContentFile(b"%PDF-1.4"))
    assert default_storage.exists(name)
    client = Client()
    client.force_login(citizen.user)
    for url in (f"/media/{name}", "/media/", f"{settings.MEDIA_URL}{name}"):
        assert client.get(url).status_code == 404


def test_uploads_are_stored_under_random_names_and_keep_the_original_for_display():
    citizen = make_citizen("李明")
    item = make_item(name="食品经营许可")
    application = start_online(item, citizen)
    slot = application.materials.select_related("material").first()
    material_upload(
        application=application,
        material=slot.material,
        uploaded_file=pdf_file("李明-身份证-110105194912310021.pdf"),
        actor=citizen.user,
    )
    slot.refresh_from_db()
    assert re.fullmatch(rf"intake/materials/\d{{4}}/\d{{2}}/{RANDOM}\.pdf", slot.file.name)
    assert "李明" not in slot.file.name
    assert slot.original_filename == "李明-身份证-110105194912310021.pdf"

    application_update_online(
        application=application,
        actor=citizen.user,
        agent={"name": "王芳", "id_number": "11010519491231002X", "phone": ""},
    )
    attorney = power_of_attorney_upload(
        application=application, uploaded_file=pdf_file("王芳委托书.pdf"), actor=citizen.user
    )
    assert re.fullmatch(rf"intake/attorney/\d{{4}}/\d{{2}}/{RANDOM}\.pdf", attorney["file"])
    assert attorney["original_filename"] == "王芳委托书.pdf"


def test_the_guides_files_are_served_by_a_view_for_published_versions_only(client):
    item = make_item(name="食品经营许可")
    material = item.materials.first()
    material.blank_form.save("申请表-空白.docx", ContentFile(b"PK\x03\x04form"))
    assert re.fullmatch(rf"catalog/forms/\d{{4}}/\d{{2}}/{RANDOM}\.docx", material.blank_form.name)
    url = f"/guide/files/blank-form/{material.pk}/"
    page = client.get(f"/guide/items/{item.item.code}/").content.decode()
    assert f'href="{url}"' in page
    assert "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04form"
    assert "attachment" in response["Content-Disposition"]
    api = client.get(f"/api/v1/items/{item.item.code}/").json()
    assert api["materials"][0]["blank_form"] == url
    assert client.get(f"/guide/files/sample/{material.pk}/").status_code == 404  # none
    assert client.get(f"/guide/files/other/{material.pk}/").status_code == 404
    ItemVersion.objects.filter(pk=item.pk).update(status=VersionStatus.DRAFT)
    assert client.get(url).status_code == 404
