"""The hall's API: issuing at a kiosk (public) and at the desk, following a ticket by its
token, the clerk's window and acts, appointments, the display and figures; the one
error shape with the services' Chinese messages and codes."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hall.constants import TicketSource, TicketStatus
from hall.models import Ticket
from tests.factories import (
    CitizenFactory,
    HallFactory,
    HallWindowFactory,
    ServiceCategoryFactory,
    TicketFactory,
    UserFactory,
    make_citizen,
    make_supervisor,
    resident_id,
)

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_kiosk_issues_without_an_account(monday):
    category = ServiceCategoryFactory(letter="A", name="企业登记")
    HallWindowFactory(categories=[category])
    TicketFactory(category=category)
    answer = client_for().post(
        "/api/v1/hall/tickets/", {"category": category.pk, "mobile": "13900000000"}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["label"] == "A002"
    assert body["ahead"] == 1
    assert body["expected_minutes"] == 10
    assert body["category"] == "企业登记"
    assert body["hall"] == category.hall.name
    assert body["status"] == "waiting"
    assert body["status_label"] == "等候中"
    assert "id_number" not in body
    ticket = Ticket.objects.get(token=body["token"])
    assert ticket.source == TicketSource.KIOSK


def test_a_clerk_of_the_hall_issues_as_the_desk(monday):
    seat = HallWindowFactory()
    category = seat.categories.get()
    answer = client_for(seat.clerk).post(
        "/api/v1/hall/tickets/", {"category": category.pk}, format="json"
    )
    assert answer.status_code == 201
    assert Ticket.objects.get(token=answer.json()["token"]).source == TicketSource.DESK


def test_issue_errors_are_chinese_in_the_one_shape(monday):
    category = ServiceCategoryFactory(is_active=False)
    answer = client_for().post("/api/v1/hall/tickets/", {"category": category.pk}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "inactive"
    assert "业务类别" in answer.json()["detail"]
    answer = client_for().post(
        "/api/v1/hall/tickets/",
        {"category": ServiceCategoryFactory().pk, "id_number": "123"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"


def test_issuing_is_limited_per_address(monday, settings):
    settings.HALL_RATE_LIMIT_ADDRESS = "2/hour"
    category = ServiceCategoryFactory()
    statuses = [
        client_for().post("/api/v1/hall/tickets/", {"category": category.pk}).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_follow_by_token(category, seat):
    first = TicketFactory(category=category, id_number=resident_id(5))
    second = TicketFactory(category=category)
    answer = client_for().get(f"/api/v1/hall/follow/{second.token}/").json()
    assert answer["ahead"] == 1
    assert answer["window_number"] is None
    calling = client_for(seat.clerk).post("/api/v1/hall/window/call-next/")
    assert calling.status_code == 200
    answer = client_for().get(f"/api/v1/hall/follow/{first.token}/").json()
    assert answer["status"] == "called"
    assert answer["window_number"] == seat.window.number
    assert answer["ahead"] is None
    assert "id_number" not in answer
    assert client_for().get("/api/v1/hall/follow/nosuchtoken/").status_code == 404


def test_the_clerks_acts(category, seat):
    person = CitizenFactory(id_number=resident_id(9))
    TicketFactory(category=category, id_number=person.id_number)
    clerk = client_for(seat.clerk)
    window = clerk.get("/api/v1/hall/window/").json()
    assert window["state"] == "open"
    assert window["waiting"] == 1
    assert window["queue"][0]["id_number"].endswith(person.id_number[-4:])
    assert "*" in window["queue"][0]["id_number"]
    called = clerk.post("/api/v1/hall/window/call-next/").json()
    pk = called["id"]
    assert clerk.post(f"/api/v1/hall/tickets/{pk}/recall/").json()["call_count"] == 2
    started = clerk.post(f"/api/v1/hall/tickets/{pk}/start/").json()
    assert started["ticket"]["status"] == "serving"
    assert started["intake_url"] == f"/intake/workbench/counter/items/?applicant={person.pk}"
    ended = clerk.post(f"/api/v1/hall/tickets/{pk}/end/").json()
    assert ended["status"] == "done"
    empty = clerk.post("/api/v1/hall/window/call-next/")
    assert empty.status_code == 400
    assert empty.json()["code"] == "empty"
    paused = clerk.post("/api/v1/hall/window/", {"state": "paused"}, format="json")
    assert paused.json()["state"] == "paused"


def test_no_show_requeue_and_cancel_over_the_api(category, seat):
    """The acts the clerks' page uses besides calling and serving: 过号 after three calls,
    re-queued once, then cancelled with a reason; each answers the ticket as it stands, and
    a ticket of another hall is the Chinese 404."""
    TicketFactory(category=category)
    clerk = client_for(seat.clerk)
    pk = clerk.post("/api/v1/hall/window/call-next/").json()["id"]
    early = clerk.post(f"/api/v1/hall/tickets/{pk}/no-show/")
    assert (early.status_code, early.json()["code"]) == (400, "no_show_early")
    for _ in range(2):
        clerk.post(f"/api/v1/hall/tickets/{pk}/recall/")
    assert clerk.post(f"/api/v1/hall/tickets/{pk}/no-show/").json()["status"] == "no_show"
    requeued = clerk.post(f"/api/v1/hall/tickets/{pk}/requeue/").json()
    assert (requeued["status"], requeued["requeued"]) == ("waiting", True)
    cancelled = clerk.post(
        f"/api/v1/hall/tickets/{pk}/cancel/", {"reason": "已离开"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    far = HallWindowFactory(categories=[ServiceCategoryFactory(hall=HallFactory(code="JZ"))])
    elsewhere = client_for(far.clerk).post(f"/api/v1/hall/tickets/{pk}/cancel/")
    assert elsewhere.status_code == 404
    assert elsewhere.json()["detail"] == "未找到该排队号。"


def test_another_window_gets_a_403_or_409(monday, category):
    one = HallWindowFactory(categories=[category])
    two = HallWindowFactory(categories=[category])
    TicketFactory(category=category)
    pk = client_for(one.clerk).post("/api/v1/hall/window/call-next/").json()["id"]
    answer = client_for(two.clerk).post(f"/api/v1/hall/tickets/{pk}/start/")
    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    citizen = UserFactory(citizen=True)
    assert client_for(citizen).post(f"/api/v1/hall/tickets/{pk}/start/").status_code == 403
    assert client_for().post(f"/api/v1/hall/tickets/{pk}/start/").status_code in (401, 403)


def test_transfer_and_priority_over_the_api(monday):
    a = ServiceCategoryFactory()
    b = ServiceCategoryFactory(hall=a.hall)
    one = HallWindowFactory(categories=[a])
    two = HallWindowFactory(categories=[b])
    waiting = TicketFactory(category=a, priority="pregnant")
    confirmed = client_for(one.clerk).post(
        f"/api/v1/hall/tickets/{waiting.pk}/priority/", {"group": "pregnant"}, format="json"
    )
    assert confirmed.json()["priority_confirmed"] is True
    pk = client_for(one.clerk).post("/api/v1/hall/window/call-next/").json()["id"]
    moved = client_for(one.clerk).post(
        f"/api/v1/hall/tickets/{pk}/transfer/", {"to_window": two.window.pk}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "waiting"
    assert client_for(two.clerk).post("/api/v1/hall/window/call-next/").json()["id"] == pk


def test_display_and_figures(monday):
    category = ServiceCategoryFactory(letter="C")
    seat = HallWindowFactory(categories=[category])
    TicketFactory(category=category)
    TicketFactory(category=category)
    client_for(seat.clerk).post("/api/v1/hall/window/call-next/")
    display = client_for().get(f"/api/v1/hall/halls/{category.hall_id}/display/").json()
    assert display["calls"][0]["label"] == "C001"
    assert display["calls"][0]["window_number"] == seat.window.number
    assert display["categories"] == [{"letter": "C", "name": category.name, "waiting": 1}]
    assert display["marker"] > 0
    figures_path = f"/api/v1/hall/halls/{category.hall_id}/figures/"
    assert client_for(seat.clerk).get(figures_path).status_code == 403
    figures = client_for(make_supervisor()).get(figures_path).json()  # district-wide
    assert figures["hall"]["issued"] == 2
    assert figures["hall"]["waiting"] == 1
    assert figures["linked_only"] is False
    # a supervisor of no department: no ticket is linked to a case of theirs
    nobody = client_for(UserFactory(supervisor=True)).get(figures_path).json()
    assert (nobody["hall"]["issued"], nobody["hall"]["waiting"]) == (0, 0)
    assert nobody["linked_only"] is True


def test_appointments_for_citizens(at):
    at(2026, 11, 2, 10)
    user = make_citizen(id_number=resident_id(77)).user
    category = ServiceCategoryFactory(appointment_limit=1)
    client = client_for(user)
    slots = (
        client_for()
        .get(f"/api/v1/hall/categories/{category.pk}/slots/", {"day": "2026-11-03"})
        .json()
    )
    assert slots[0] == {"start": "08:30", "limit": 1, "booked": 0, "free": 1, "past": False}
    booked = client.post(
        "/api/v1/hall/appointments/",
        {"category": category.pk, "day": "2026-11-03", "slot": "09:00"},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    body = booked.json()
    assert body["status"] == "booked"
    assert "*" in body["id_number"]
    assert [a["code"] for a in client.get("/api/v1/hall/appointments/").json()] == [body["code"]]
    other = make_citizen(id_number=resident_id(78)).user
    again = client_for(other).post(
        "/api/v1/hall/appointments/",
        {"category": category.pk, "day": "2026-11-03", "slot": "09:00"},
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["code"] == "slot_full"
    cancelled = client.post(f"/api/v1/hall/appointments/{body['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    at(2026, 11, 3, 9, 5)
    # a cancelled code does not check in
    answer = client_for().post("/api/v1/hall/check-in/", {"code": body["code"]}, format="json")
    assert answer.status_code == 400


def test_check_in_over_the_api(at):
    at(2026, 11, 2, 10)
    user = make_citizen(id_number=resident_id(79)).user
    category = ServiceCategoryFactory(letter="B")
    code = (
        client_for(user)
        .post(
            "/api/v1/hall/appointments/",
            {"category": category.pk, "day": "2026-11-03", "slot": "09:00"},
            format="json",
        )
        .json()["code"]
    )
    at(2026, 11, 3, 8, 55)
    answer = client_for().post(
        "/api/v1/hall/check-in/", {"code": code, "hall": category.hall_id}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["label"] == "B001"
    assert answer.json()["lane"] == 1
    assert Ticket.objects.get().status == TicketStatus.WAITING
    assert Ticket.objects.get().appointment.code == code
    assert timezone.localtime(Ticket.objects.get().due_at).time() == datetime.time(9, 0)


def test_the_appointments_api_refuses_staff_in_the_words_of_the_citizens_api(seat):
    """One IsCitizen (accounts.api.permissions) for the hall's and the intake's APIs."""
    clerk = client_for(seat.clerk)
    for path in ("/api/v1/hall/appointments/", "/api/v1/applications/"):
        response = clerk.get(path)
        assert response.status_code == 403, path
        assert response.json()["detail"] == "仅办事群众账号可以使用此接口。", path
