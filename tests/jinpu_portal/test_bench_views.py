"""The benchmark baseline views are routed only by bench/urls.py (bench.settings)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from approvals.models import Clock, Task
from intake.models import Application, CaseEvent, Notice
from jinpu_portal.models import Notification
from tests.factories import make_citizen, make_item

bench_urls = override_settings(ROOT_URLCONF="bench.urls")


def test_not_routed_by_the_portal(client):
    with pytest.raises(NoReverseMatch):
        reverse("bench-bare-json")
    assert client.get("/bench/bare-json/").status_code == 404


@bench_urls
def test_routed_by_the_bench_urlconf(client):
    response = client.get(reverse("bench-bare-json"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    # The portal's own pages are still there.
    assert reverse("healthz") == "/healthz"


def test_minimal_views_write_the_rows_of_an_application(client, db):
    """The yardstick of bench/intake_load_bench.py: the four steps write the rows."""
    assert client.post("/bench/minimal/applications/").status_code == 404
    with bench_urls:
        _walk_the_minimal_views(client)


def _walk_the_minimal_views(client):
    version = make_item()
    citizen = make_citizen()
    materials = list(version.materials.values_list("pk", flat=True))
    base = "/bench/minimal/applications/"
    body = {"item_version": version.pk, "applicant": citizen.pk, "materials": materials}
    response = client.post(base, json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    pk = response.json()["id"]
    for material in materials:
        upload = SimpleUploadedFile("m.pdf", b"%PDF-1.4\n", "application/pdf")
        response = client.post(f"{base}{pk}/materials/", {"material_id": material, "file": upload})
        assert response.status_code == 200
    assert client.post(f"{base}{pk}/submit/?user={citizen.user_id}").status_code == 200
    body = {"department": version.department_id, "step": version.steps.first().pk}
    response = client.post(
        f"{base}{pk}/accept/?user={citizen.user_id}", json.dumps(body), "application/json"
    )
    assert response.status_code == 200
    application = Application.objects.get(pk=pk)
    assert application.status == "in_approval"
    assert application.case_number.startswith("MB")
    events = 1 + len(materials) + 1 + 3  # create, uploads, submit, accept (3 events)
    assert CaseEvent.objects.filter(application=application).count() == events
    assert Notice.objects.filter(application=application).count() == 1
    assert Clock.objects.filter(application=application).count() == 3
    assert Task.objects.filter(application=application).count() == 1
    assert Notification.objects.filter(recipient=citizen.user).count() == 2
