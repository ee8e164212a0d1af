"""One counter form, one outcome: the same rendered intake form posted twice (a double
click, the page resubmitted, two tabs of it) makes one case with one case number and
one set of notices; the second post is shown the case the first one made."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from intake.models import Application, BundleApplication, CaseEvent, Notice
from tests.concurrency import run_at_once
from tests.form_keys import rendered_form
from tests.intake.test_counter import bundle_form, form_data, intake_url

COUNTER_INTAKES = "/api/v1/clerk/counter-intakes/"


def one_case_made():
    assert Application.objects.count() == 1
    application = Application.objects.get()
    assert application.case_number
    assert Notice.objects.filter(application=application).count() == 2  # 收件凭证, 受理通知书
    assert CaseEvent.objects.filter(action="create").count() == 1
    return application


def test_the_same_form_posted_twice_makes_one_case(client, clerk, applicant, item):
    client.force_login(clerk)
    url = intake_url(item, applicant)
    data = rendered_form(client, url, form_data(item))
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, data, follow=True)
    application = one_case_made()
    page = second.content.decode()
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "已提交过" in page
    assert application.case_number in page


def test_a_new_form_for_the_same_applicant_makes_a_new_case(client, clerk, applicant, item):
    client.force_login(clerk)
    url = intake_url(item, applicant)
    for _ in range(2):
        assert client.post(url, rendered_form(client, url, form_data(item))).status_code == 302
    assert Application.objects.count() == 2


def test_a_refused_form_may_be_corrected_and_posted_again(client, clerk, applicant, item):
    client.force_login(clerk)
    url = intake_url(item, applicant)
    data = rendered_form(client, url, form_data(item, outcome="refuse"))
    assert client.post(url, data).status_code == 400  # no reason given: nothing saved
    assert Application.objects.count() == 0
    data.update(outcome="accept")
    assert client.post(url, data).status_code == 302
    one_case_made()


def test_the_same_bundle_form_posted_twice_makes_one_bundle(client, clerk, applicant, bundle):
    client.force_login(clerk)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    data = rendered_form(client, url, bundle_form())
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, data, follow=True)
    assert BundleApplication.objects.count() == 1
    assert Application.objects.count() == bundle.items.count()
    assert "已提交过" in second.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_posting_the_same_form_at_once_make_one_case(clerk, applicant, item):
    url = intake_url(item, applicant)
    browser = Client()
    browser.force_login(clerk)
    data = rendered_form(browser, url, form_data(item))
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.cookies = browser.cookies  # the same browser session, two tabs

    results = run_at_once(*(lambda tab=tab: tab.post(url, data) for tab in tabs))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(response.status_code for _, response in results) == [302, 302]
    application = one_case_made()
    assert {response["Location"] for _, response in results} == {
        f"/intake/workbench/applications/{application.pk}/"
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_clerks_api_does_one_counter_intake_per_request_key(clerk, applicant, item):
    """POST /api/v1/clerk/counter-intakes/ twice at once with one ``submission`` key:
    one 201, one 409 naming the first request's application."""
    body = {
        "item_version": item.pk,
        "applicant_id_number": applicant.id_number,
        "verdicts": [
            {"material": m.pk, "status": "received", "originals": m.originals, "copies": m.copies}
            for m in item.materials.filter(requirement="required")
        ],
        "outcome": "accept",
        "submission": str(uuid.uuid4()),
    }
    clients = [APIClient(), APIClient()]
    for api in clients:
        api.force_authenticate(clerk)

    results = run_at_once(
        *(lambda api=api: api.post(COUNTER_INTAKES, body, format="json") for api in clients)
    )
    responses = sorted((response for _, response in results), key=lambda r: r.status_code)
    assert [r.status_code for r in responses] == [201, 409], [r.content for r in responses]
    created, refused = responses
    application = one_case_made()
    assert created.json()["id"] == application.pk
    assert refused.json()["code"] == "duplicate_submission"
    assert refused.json()["detail"] == (
        f"该受理表单已提交过，未重复办理。首次办理的申请 id：{application.pk}。"
    )
