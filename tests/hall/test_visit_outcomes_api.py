"""本次叫号群众办理 through the clerks' API (``visit`` on accept, correction and refuse):
the same choice as the review page's box, checked by the same rule
(``intake.page_hooks.visit_refusal``) and linked by the same receiver
(``hall.receivers``). Before, the API could not mark a visit: an online application
reviewed through it was never linked, and a ``visit`` sent was silently ignored."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hall.models import Ticket
from intake.api import clerk as clerk_api
from intake.constants import CaseStatus, MaterialStatus, NoticeKind, RefusalKind
from intake.models import Notice
from intake.page_hooks import VISIT_CHANGED, VISIT_GONE
from intake.services.cases import counter_receive
from tests.factories import all_received, counter_draft, submit_online, verdict
from tests.hall.pages_support import act, hall_scene
from tests.hall.test_visit_outcome_race import OUTCOMES, Before, ended_first
from tests.hall.test_visit_outcomes import outcomes, served_by_services
from tests.hall.test_workbench_banner import serve

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clerk/applications"


@pytest.fixture
def scene(clerk, supervisor, monday):
    return hall_scene(clerk, supervisor)


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    return client


def outcome_request(api, application, outcome: str, **fields):
    """POST ``outcome`` (accept, correction, refuse) on ``application`` with what it
    needs (every material received; one defective; a refusal's kind and reason)."""
    if outcome == "accept":
        body = {"verdicts": all_received(application)}
    elif outcome == "correction":
        [first, *_] = application.materials.select_related("material")
        body = {"verdicts": [verdict(first.material, MaterialStatus.DEFECTIVE, reason="缺签字")]}
    else:
        body = {"kind": RefusalKind.NOT_ELIGIBLE, "reason": "不符合条件"}
    return api.post(f"{BASE}/{application.pk}/{outcome}/", {**body, **fields}, format="json")


def untouched(application) -> bool:
    """Nothing of an outcome saved: still waiting for review, no outcome's notice, no
    ticket linked."""
    application.refresh_from_db()
    notices = Notice.objects.filter(application=application).exclude(kind=NoticeKind.RECEIPT)
    return (
        application.status == CaseStatus.SUBMITTED
        and not notices.exists()
        and not Ticket.objects.filter(application__isnull=False).exists()
    )


@pytest.mark.parametrize("outcome", ["accept", "correction", "refuse"])
def test_an_outcome_marked_for_the_visit_is_linked(
    client, api, clerk, scene, citizen, item, outcome
):
    """王芳 brought her online application to the window, A001: the clerk's client sends
    A001's id as ``visit``; the outcome is A001's, as on the review page."""
    ticket = serve(client, clerk, scene, id_number=citizen.id_number)
    online = submit_online(citizen, item)
    response = outcome_request(api, online, outcome, visit=ticket.pk)
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.application_id, outcomes(ticket)) == (online.pk, [outcome])


@pytest.mark.parametrize("fields", [{}, {"visit": ""}])
def test_an_outcome_not_marked_is_not_linked(client, api, clerk, scene, citizen, item, fields):
    """Left out or empty: the online application is not the visit's (its applicant
    applied from elsewhere), as with the page's box unticked."""
    ticket = serve(client, clerk, scene, id_number=citizen.id_number)
    online = submit_online(citizen, item)
    response = outcome_request(api, online, "accept", **fields)
    assert response.status_code == 200, response.json()
    assert response.json()["case_number"]
    ticket.refresh_from_db()
    assert (ticket.application_id, outcomes(ticket)) == (None, [])


def test_a_mark_for_a_visit_that_changed_or_ended_is_refused_and_nothing_is_done(
    client, api, clerk, scene, citizen, item
):
    """The client marked A001, which ended meanwhile: with A002 in service, and then with
    nobody, the outcome is refused on the field (400, the page's words), nothing saved."""
    first = serve(client, clerk, scene, id_number=citizen.id_number)
    online = submit_online(citizen, item)
    act(client, "end", first)
    second = serve(client, clerk, scene, label="A002")
    changed = outcome_request(api, online, "accept", visit=first.pk)
    assert changed.status_code == 400
    assert changed.json() == {
        "detail": f"本次叫号群众办理：{VISIT_CHANGED}",
        "code": "visit_changed",
        "errors": {"visit": [VISIT_CHANGED]},
    }
    assert untouched(online)
    act(client, "end", second)
    gone = outcome_request(api, online, "refuse", visit=first.pk)
    assert gone.status_code == 400
    assert (gone.json()["code"], gone.json()["errors"]) == ("visit_gone", {"visit": [VISIT_GONE]})
    assert untouched(online)


def test_a_clerk_serving_nobody_who_marks_a_visit_is_told(api, citizen, item):
    """No ticket in service at the window: a mark is refused with the page's words; a
    plain ``true`` (not a ticket's id) says what to send."""
    online = submit_online(citizen, item)
    gone = outcome_request(api, online, "accept", visit="1")
    assert gone.status_code == 400
    assert gone.json()["code"] == "visit_gone"
    assert gone.json()["errors"] == {"visit": [VISIT_GONE]}
    true = outcome_request(api, online, "accept", visit=True)
    assert true.status_code == 400
    [said] = true.json()["errors"]["visit"]
    assert said.startswith("请填写本窗口正在办理的号的 id（GET /api/v1/hall/window/ 的")
    assert untouched(online)


def test_a_counter_intake_cannot_be_marked(client, api, clerk, scene, applicant, item):
    """A counter intake received during the service is linked without a mark; one
    received before is not that visit's, and a mark cannot make it so."""
    received = counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    response = outcome_request(api, received, "accept", visit=ticket.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "visit_not_offered"
    assert untouched(received)


def test_the_schema_documents_the_mark(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    for name in ("ClerkAcceptRequest", "ClerkCorrectionRequest", "ClerkRefuseRequest"):
        field = components[name]["properties"]["visit"]
        assert field["type"] == "string", name
        assert field["description"].startswith("本次叫号群众办理（网上或自助终端提交的申请）")
        assert "visit" not in components[name].get("required", [])


#: The service each outcome's request calls (``intake.api.clerk``).
SERVICES = {
    "accept": "intake_accept",
    "correction": "intake_request_correction",
    "refuse": "intake_refuse",
}


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_mark_for_a_ticket_ended_after_the_check_is_refused_and_nothing_is_done(
    api, clerk, scene, citizen, item, monkeypatch, outcome
):
    """A001 was checked in service, then ended (another tab, the panel's 结束办理)
    before the service ran: the same 400 on ``visit`` as the check's, nothing saved.
    Before, the outcome was saved and A001 silently left unlinked (test_visit_outcome_race)."""
    ticket = served_by_services(scene, clerk)
    online = submit_online(citizen, item)
    before = Before(online)
    name = SERVICES[outcome]
    monkeypatch.setattr(
        clerk_api, name, ended_first(getattr(clerk_api, name), ticket, scene, clerk)
    )
    response = outcome_request(api, online, outcome, visit=ticket.pk)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"本次叫号群众办理：{VISIT_GONE}",
        "code": "visit_gone",
        "errors": {"visit": [VISIT_GONE]},
    }
    assert before.untouched()
