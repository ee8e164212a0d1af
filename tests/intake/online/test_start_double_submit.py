"""One 在线申请 start form, one draft: the citizen's start page (of an item or of a 一件事)
posted twice (a double click, the page resubmitted, two tabs) makes one draft; the
second post is taken, with a Chinese message, to the draft the first one made. A form
refused (nothing made) may be corrected and posted again."""

import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from intake.models import Application, BundleApplication
from tests.concurrency import run_at_once
from tests.factories import make_bundle, make_citizen, make_enterprise, make_item
from tests.form_keys import rendered_form

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications/"


def start_url(item) -> str:
    return f"/intake/apply/{item.item.code}/"


def test_the_same_start_form_posted_twice_makes_one_draft(client, applicant, item):
    client.force_login(applicant.user)
    data = rendered_form(client, start_url(item), {"apply_as": "person"})
    first = client.post(start_url(item), data)
    assert first.status_code == 302
    second = client.post(start_url(item), data, follow=True)
    application = Application.objects.get()
    assert first["Location"] == f"/intake/my/{application.pk}/edit/"
    assert second.redirect_chain[0][0] == first["Location"]
    page = second.content.decode()
    assert "该申请表单已提交过，未重复创建申请。已为您打开首次提交创建的申请。" in page
    assert application.events.filter(action="create").count() == 1


def test_a_new_start_form_makes_a_new_draft(client, applicant, item):
    client.force_login(applicant.user)
    for _ in range(2):
        data = rendered_form(client, start_url(item), {"apply_as": "person"})
        assert client.post(start_url(item), data).status_code == 302
    assert Application.objects.count() == 2


def test_a_refused_start_form_may_be_corrected_and_posted_again(client, applicant, item):
    client.force_login(applicant.user)
    foreign = make_enterprise(make_citizen("赵强"), name="别人的公司")
    data = rendered_form(client, start_url(item), {"apply_as": str(foreign.pk)})
    refused = client.post(start_url(item), data)
    assert refused.status_code == 400
    assert f'value="{data["submission"]}"' in refused.content.decode()
    assert not Application.objects.exists()
    data["apply_as"] = "person"
    assert client.post(start_url(item), data).status_code == 302
    assert Application.objects.count() == 1


@pytest.fixture
def bundle():
    return make_bundle("kaiban", [make_item(name="企业设立登记"), make_item(name="社保登记")])


BUNDLE_URL = "/intake/bundles/kaiban/apply/"


def test_the_same_bundle_start_form_posted_twice_makes_one_bundle(client, applicant, bundle):
    client.force_login(applicant.user)
    data = rendered_form(client, BUNDLE_URL, {"apply_as": "person", "contact_phone": "138-0"})
    refused = client.post(BUNDLE_URL, data)  # the phone is refused by the form
    assert refused.status_code == 400
    assert 'value="138-0"' in refused.content.decode()  # what was typed is kept
    assert not BundleApplication.objects.exists()
    data["contact_phone"] = "13800000000"
    first = client.post(BUNDLE_URL, data)
    assert first.status_code == 302
    second = client.post(BUNDLE_URL, data, follow=True)
    bundle_application = BundleApplication.objects.get()
    assert Application.objects.count() == 2
    assert first["Location"] == f"/intake/my/bundles/{bundle_application.pk}/"
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "该一件事申请表单已提交过，未重复创建。" in second.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_starting_the_same_form_at_once_make_one_draft(applicant, item):
    browser = Client()
    browser.force_login(applicant.user)
    data = rendered_form(browser, start_url(item), {"apply_as": "person"})
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.cookies = browser.cookies

    results = run_at_once(*(lambda tab=tab: tab.post(start_url(item), data) for tab in tabs))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    application = Application.objects.get()
    assert {response["Location"] for _, response in results} == {
        f"/intake/my/{application.pk}/edit/"
    }


def test_the_citizens_api_starts_one_draft_per_request_key(applicant, item):
    """POST /api/v1/applications/ twice with one ``submission`` key: one 201, one 409
    naming the first request's draft; a request refused by the service (a phone it
    refuses) leaves the key free for the corrected one."""
    api = APIClient()
    api.force_authenticate(applicant.user)
    key = str(uuid.uuid4())
    body = {"item_code": item.item.code, "submission": key}
    refused = api.post(APPLICATIONS, {**body, "delivery_method": "post"}, format="json")
    assert refused.status_code == 400, refused.json()
    assert not Application.objects.exists()
    created = api.post(APPLICATIONS, body, format="json")
    assert created.status_code == 201, created.json()
    again = api.post(APPLICATIONS, body, format="json")
    application = Application.objects.get()
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_submission"
    assert again.json()["detail"] == (
        f"该申请表单已提交过，未重复创建申请。首次办理的申请 id：{application.pk}。"
    )
