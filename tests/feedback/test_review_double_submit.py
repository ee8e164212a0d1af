"""One 回头看 form, one batch: the supervisor's form posted twice (a double click, the
page resubmitted, two tabs) opens one batch; the second post is taken, with a Chinese
message, to the batch the first one opened. A period the service refuses (rolled back)
may be corrected and the same form posted again."""

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import ReviewBatch, ReviewEntry
from tests.concurrency import run_at_once
from tests.factories import accept_case
from tests.feedback.orders_support import bad_rating, order_of
from tests.form_keys import rendered_form

REVIEWS = "feedback:reviews"
NOVEMBER = {"title": "11月回头看", "period_start": "2026-11-01", "period_end": "2026-11-30"}


@pytest.fixture
def bad_ratings(orders_scene):
    """Two 差评 of 2 November in the 审批局's scope."""
    s = orders_scene
    other = accept_case(s.version, clerk=s.hall_clerk, applicant=s.citizen)
    return [order_of(bad_rating(s.case)), order_of(bad_rating(other))]


def one_batch_opened() -> ReviewBatch:
    batch = ReviewBatch.objects.get()
    assert ReviewEntry.objects.count() == 2
    return batch


@pytest.mark.django_db
def test_the_same_form_posted_twice_opens_one_batch(client, orders_scene, bad_ratings):
    client.force_login(orders_scene.spj_supervisor)
    url = reverse(REVIEWS)
    data = rendered_form(client, url, NOVEMBER)
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=True)
    batch = one_batch_opened()
    assert first["Location"] == reverse("feedback:review", args=[batch.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    page = second.content.decode()
    assert "该回头看表单已提交过，未重复开展。" in page
    assert "首次提交已开展“11月回头看”" in page


@pytest.mark.django_db
def test_a_new_form_opens_a_new_batch(client, orders_scene, bad_ratings):
    client.force_login(orders_scene.spj_supervisor)
    url = reverse(REVIEWS)
    for _ in range(2):
        assert client.post(url, rendered_form(client, url, NOVEMBER)).status_code == 302
    assert ReviewBatch.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_period_may_be_corrected_and_posted_again(client, orders_scene, bad_ratings):
    client.force_login(orders_scene.spj_supervisor)
    url = reverse(REVIEWS)
    # The form takes the dates; the service refuses the end before the start, after it
    # claimed the key: the claim rolls back with the rest.
    data = rendered_form(client, url, {**NOVEMBER, "period_end": "2026-10-01"})
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "截止日期不能早于起始日期" in refused.content.decode()
    assert f'value="{data["submission"]}"' in refused.content.decode()
    assert not ReviewBatch.objects.exists()
    data["period_end"] = "2026-11-30"
    assert client.post(url, data).status_code == 302
    one_batch_opened()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_posting_the_same_form_at_once_open_one_batch(orders_scene, bad_ratings):
    browser = Client()
    browser.force_login(orders_scene.spj_supervisor)
    url = reverse(REVIEWS)
    data = rendered_form(browser, url, NOVEMBER)
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.cookies = browser.cookies

    results = run_at_once(*(lambda tab=tab: tab.post(url, data) for tab in tabs))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    batch = one_batch_opened()
    assert {response["Location"] for _, response in results} == {
        reverse("feedback:review", args=[batch.pk])
    }
