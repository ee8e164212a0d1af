"""One ticket page, one ticket: the kiosk's 取号 form posted twice (a double tap, the
page resubmitted, two taps at the same moment) issues one number, and the second post
is shown the first post's ticket, not a second number that would be called and passed
(过号). The key is the page's (jinpu_portal.submissions). A kiosk client of the API may
send one (``submission``) to retry a request: the same key again issues nothing and is
answered 409 naming the first ticket; without a key the API issues one ticket per
request, with the statement that has no claim."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from hall.constants import TicketAction
from hall.models import DayCounter, Ticket, TicketEvent
from hall.services import tickets
from hall.services.appointments import appointment_book
from jinpu_portal.models import FormSubmission
from tests.concurrency import run_at_once
from tests.form_keys import rendered_form
from tests.hall.pages_support import hall_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(clerk, supervisor):
    return hall_scene(clerk, supervisor)


def _page(scene) -> str:
    return reverse("hall:ticket", args=[scene.hall.code])


def test_the_same_page_posted_twice_issues_one_ticket_and_shows_it_again(client, scene):
    data = rendered_form(client, _page(scene), {"category": scene.a.pk, "mobile": "13900001111"})
    first = client.post(_page(scene), data)
    ticket = Ticket.objects.get()
    assert first.status_code == 302
    assert first.url == reverse("hall:ticket-issued", args=[ticket.token])

    second = client.post(_page(scene), data, follow=True)
    assert Ticket.objects.get() == ticket  # no second number
    assert DayCounter.objects.get().last == 1
    assert DayCounter.objects.get().waiting_normal == 1
    assert TicketEvent.objects.filter(action=TicketAction.ISSUED).count() == 1
    assert second.redirect_chain == [(reverse("hall:ticket-issued", args=[ticket.token]), 302)]
    body = second.content.decode()
    assert "该取号已提交过，未重复取号。这是刚才取到的 A001 号。" in body
    assert 'data-testid="ticket-number">A001<' in body

    # A new page (the 完成 button) has a new key: the next person gets the next number.
    client.post(_page(scene), rendered_form(client, _page(scene), {"category": scene.a.pk}))
    assert sorted(Ticket.objects.values_list("label", flat=True)) == ["A001", "A002"]


@pytest.fixture
def appointment(scene, citizen, at):
    """The citizen's appointment of A on Tuesday at 9:00 (booked on Monday); now is
    Tuesday 8:55, time to check in."""
    at(2026, 11, 2, 10)
    booked = appointment_book(
        category_id=scene.a.pk,
        day=datetime.date(2026, 11, 3),
        slot=datetime.time(9, 0),
        actor=citizen.user,
    )
    at(2026, 11, 3, 8, 55)
    return booked


def test_an_appointments_check_in_posted_twice_shows_its_one_ticket(client, scene, appointment):
    data = rendered_form(client, _page(scene), {"appointment_code": appointment.code})
    client.post(_page(scene), data)
    second = client.post(_page(scene), data, follow=True)
    ticket = Ticket.objects.get()
    assert ticket.appointment == appointment
    assert second.redirect_chain[-1][0] == reverse("hall:ticket-issued", args=[ticket.token])
    assert "该取号已提交过，未重复取号。" in second.content.decode()


def test_a_refused_post_may_be_posted_again_once_the_cause_is_gone(client, scene):
    """The refused post wrote nothing, its key's claim included (on PostgreSQL the claim
    is in the issuing statement, taken only for a category the statement issues in)."""
    data = rendered_form(client, _page(scene), {"category": scene.a.pk})
    scene.a.is_active = False
    scene.a.save()
    refused = client.post(_page(scene), data)
    assert refused.status_code == 400
    assert f'value="{data["submission"]}"' in refused.content.decode()
    assert not FormSubmission.objects.exists()
    assert not DayCounter.objects.exists()
    scene.a.is_active = True
    scene.a.save()
    assert client.post(_page(scene), data).status_code == 302
    assert Ticket.objects.get().label == "A001"


def test_a_key_posted_by_someone_else_issues_nothing_and_shows_nothing(client, clerk, scene):
    """The desk's clerk and the kiosk share no key: a key the kiosk's page was given,
    posted by a signed-in clerk, is refused without the kiosk's ticket."""
    data = rendered_form(client, _page(scene), {"category": scene.a.pk})
    client.post(_page(scene), data)
    desk = Client()
    desk.force_login(clerk)
    refused = desk.post(_page(scene), data)
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "该取号已提交过，未重复取号。" in body
    assert "A001" not in body
    assert Ticket.objects.count() == 1


def test_the_api_without_a_key_issues_a_ticket_per_request(client, scene):
    for _ in range(2):
        answer = client.post(
            "/api/v1/hall/tickets/", {"category": scene.a.pk}, content_type="application/json"
        )
        assert answer.status_code == 201
    assert sorted(Ticket.objects.values_list("label", flat=True)) == ["A001", "A002"]
    assert not FormSubmission.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_taps_at_the_same_moment_issue_one_ticket(clerk, supervisor):
    """PostgreSQL, two connections: the same page posted twice at once. The second post
    waits at the key's INSERT for the first one's commit and is shown its ticket."""
    scene = hall_scene(clerk, supervisor)
    data = rendered_form(Client(), _page(scene), {"category": scene.a.pk})

    def tap():
        response = Client().post(_page(scene), data)
        return response.status_code, response.url

    results = run_at_once(tap, tap, tap)
    assert all(kind == "ok" for kind, _ in results), results
    ticket = Ticket.objects.get()
    assert {answer for _, answer in results} == {
        (302, reverse("hall:ticket-issued", args=[ticket.token]))
    }
    counter = DayCounter.objects.get()
    assert (counter.last, counter.waiting_normal) == (1, 1)
    assert TicketEvent.objects.filter(action=TicketAction.ISSUED).count() == 1


@pytest.mark.postgres
def test_the_keyed_issue_is_still_one_statement(scene, django_assert_num_queries):
    assert connection.vendor == "postgresql"
    tickets.ticket_issue(category_id=scene.b.pk, submission=uuid.uuid4())  # content type cached
    key = uuid.uuid4()
    with django_assert_num_queries(1) as queries:
        issued = tickets.ticket_issue(category_id=scene.a.pk, submission=key)
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE hall_ticket_issue_keyed ")
    claim = FormSubmission.objects.get(key=key)
    assert claim.made == Ticket.objects.get(pk=issued.ticket.pk)
    assert claim.user is None
    assert claim.purpose == tickets.PURPOSE


API = "/api/v1/hall/tickets/"


def test_the_apis_request_key_sent_again_issues_nothing_and_names_the_first_ticket(
    client, clerk, scene
):
    body = {"category": scene.a.pk, "submission": str(uuid.uuid4())}
    first = client.post(API, body, content_type="application/json")
    assert first.status_code == 201, first.json()
    again = client.post(API, body, content_type="application/json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "该取号已提交过，未重复取号。首次取到的是 A001 号。",
        "code": "duplicate_submission",
        "errors": {},
    }
    assert Ticket.objects.get().label == "A001"
    counter = DayCounter.objects.get()
    assert (counter.last, counter.waiting_normal) == (1, 1)
    # the key another client sent (the desk's clerk): refused without the kiosk's ticket
    desk = Client()
    desk.force_login(clerk)
    refused = desk.post(API, body, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "该取号已提交过，未重复取号。"
    # a new key, the next number
    body["submission"] = str(uuid.uuid4())
    assert client.post(API, body, content_type="application/json").json()["label"] == "A002"


def test_an_api_check_in_sent_again_with_its_key_names_its_ticket(client, appointment):
    body = {"code": appointment.code, "submission": str(uuid.uuid4())}
    first = client.post("/api/v1/hall/check-in/", body, content_type="application/json")
    assert first.status_code == 201, first.json()
    again = client.post("/api/v1/hall/check-in/", body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_submission"
    assert again.json()["detail"].endswith(f"首次取到的是 {first.json()['label']} 号。")
    assert Ticket.objects.get().appointment == appointment


def test_an_invalid_request_key_is_a_chinese_400(client, scene):
    answer = client.post(
        API, {"category": scene.a.pk, "submission": "twice"}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("请求标识：")
    assert not Ticket.objects.exists()


@pytest.mark.postgres
def test_the_keyless_api_issue_is_the_statement_without_the_claim(
    client, scene, django_assert_num_queries
):
    with django_assert_num_queries(1) as queries:
        answer = client.post(API, {"category": scene.a.pk}, content_type="application/json")
    assert answer.status_code == 201
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE hall_ticket_issue ")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_sent_twice_at_the_same_moment_issues_one_ticket(clerk, supervisor):
    """PostgreSQL, two connections: a kiosk client's request and its retry at once. The
    retry waits at the key's INSERT for the first one's commit and is answered 409
    naming its ticket."""
    scene = hall_scene(clerk, supervisor)
    body = {"category": scene.a.pk, "submission": str(uuid.uuid4())}

    def send():
        answer = Client().post(API, body, content_type="application/json")
        return answer.status_code, answer.json()["code" if answer.status_code == 409 else "label"]

    results = run_at_once(send, send)
    assert sorted(answer for _, answer in results) == [
        (201, "A001"),
        (409, "duplicate_submission"),
    ], results
    assert Ticket.objects.get().label == "A001"
    assert DayCounter.objects.get().last == 1
