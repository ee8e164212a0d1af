"""Clerks see a full ID number only at the step that checks it against the card, at
their own window: the applicant lookup and the material check of a counter intake, and
the review of an application waiting at their window (or for any window). Everywhere
else (the item search, an accepted case, another window's case) it is masked."""

from django.urls import reverse

from intake.services.cases import (
    intake_accept,
)
from tests.factories import all_received, held_at_window, submit_online
from tests.intake.test_counter import intake_url

FULL = "360426199101010071"
MASKED = "360426********0071"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_counter_steps(client, clerk, applicant, item):
    client.force_login(clerk)
    items = reverse("intake:workbench-items") + f"?applicant={applicant.pk}&q=食品"
    html = page(client, items)
    assert FULL not in html
    assert MASKED in html
    assert FULL in page(client, intake_url(item, applicant))  # the documents are checked here


def test_the_review_at_this_window_then_masked_once_accepted(client, clerk, applicant, item):
    application = submit_online(applicant, item)
    url = reverse("intake:workbench-application", args=[application.pk])
    client.force_login(clerk)
    assert FULL in page(client, url)  # waiting for pre-review: this clerk checks it
    intake_accept(application=application, actor=clerk, verdicts=all_received(application))
    html = page(client, url)
    assert FULL not in html
    assert MASKED in html


def test_another_windows_application_is_masked(client, clerk, other_clerk, applicant, item):
    application = held_at_window(clerk, applicant, item)  # waiting at 3 号窗口
    url = reverse("intake:workbench-application", args=[application.pk])
    client.force_login(other_clerk)
    html = page(client, url)
    assert FULL not in html
    assert MASKED in html
    client.force_login(clerk)
    assert FULL in page(client, url)
