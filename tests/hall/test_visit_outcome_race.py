"""本次叫号群众办理 and the ticket ending meanwhile: the review page and the clerks' API
check the marked ticket is still in service, then call the outcome's service, whose
signal makes the hall link that ticket (``hall.receivers``). A ticket ended in between
(another tab, the panel's 结束办理, the day's close) made the outcome saved but silently
not linked. The link is now part of the outcome: the hall refuses it
(``intake.page_hooks.VisitRefused``), the whole outcome is rolled back, and the clerk
gets the check's refusal.

The race is made deterministic by ordering the calls: the ticket is ended by the hall's
own service (``calling.service_end``) right after the check, just before the outcome's
service runs (the page's ``outcome_apply``, the API's services), or before a service
called directly with the ended ticket's id. The API's side is in
test_visit_outcomes_api.py."""

import pytest

from hall.constants import TicketAction
from hall.models import Ticket, TicketEvent
from hall.services import calling
from intake.constants import CaseStatus, MaterialStatus, NoticeKind, RefusalKind
from intake.models import CaseEvent, Notice
from intake.page_hooks import VISIT_CHANGED, VISIT_GONE, VisitRefused
from intake.services.cases import intake_accept, intake_refuse, intake_request_correction
from intake.views import workbench as workbench_views
from tests.factories import all_received, submit_online, verdict
from tests.hall.pages_support import OUTCOME_FIELDS, hall_scene
from tests.hall.test_visit_outcomes import outcomes, review_page, served_by_services
from tests.intake.test_counter import form_data

pytestmark = pytest.mark.django_db

OUTCOMES = ["accept", "correction", "refuse"]


@pytest.fixture
def scene(clerk, supervisor, monday):
    return hall_scene(clerk, supervisor)


def ended_first(service, ticket, scene, clerk, then_serve=False):
    """``service`` run after ``ticket`` is ended at the window (结束办理, the hall's own
    service), and, with ``then_serve``, after the next ticket's service began."""

    def run(**kwargs):
        calling.service_end(ticket=ticket, window=scene.window, actor=clerk)
        if then_serve:
            served_by_services(scene, clerk)
        return service(**kwargs)

    return run


class Before:
    """What an application had before an outcome was tried, to check none was saved."""

    def __init__(self, application):
        self.application = application
        self.events = CaseEvent.objects.filter(application=application).count()

    def untouched(self) -> bool:
        """Still waiting for review, no outcome's notice, no case event, no ticket linked
        nor any ticket event about an application."""
        application = self.application
        application.refresh_from_db()
        notices = Notice.objects.filter(application=application).exclude(kind=NoticeKind.RECEIPT)
        return (
            application.status == CaseStatus.SUBMITTED
            and not notices.exists()
            and CaseEvent.objects.filter(application=application).count() == self.events
            and not Ticket.objects.filter(application__isnull=False).exists()
            and not TicketEvent.objects.filter(action=TicketAction.APPLICATION).exists()
        )


def service_call(outcome: str, application, clerk, visit: str):
    """The outcome's service called directly, as the page and the API call it."""
    if outcome == "accept":
        return intake_accept(
            application=application, actor=clerk, verdicts=all_received(application), visit=visit
        )
    if outcome == "correction":
        [first, *_] = application.materials.select_related("material")
        return intake_request_correction(
            application=application,
            actor=clerk,
            verdicts=[verdict(first.material, MaterialStatus.DEFECTIVE, reason="缺签字")],
            visit=visit,
        )
    return intake_refuse(
        application=application,
        actor=clerk,
        kind=RefusalKind.NOT_ELIGIBLE,
        reason="不符合条件",
        visit=visit,
    )


# --- the services ------------------------------------------------------------------


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_a_service_marked_for_a_ticket_just_ended_saves_nothing(
    clerk, scene, citizen, item, outcome
):
    """A001 was checked in service, then ended: the service marked for it is refused
    as the check would refuse it (visit_gone), and nothing of the outcome is saved.
    Before, the outcome was saved and A001 silently left unlinked."""
    ticket = served_by_services(scene, clerk)
    online = submit_online(citizen, item)
    before = Before(online)
    calling.service_end(ticket=ticket, window=scene.window, actor=clerk)
    with pytest.raises(VisitRefused) as refused:
        service_call(outcome, online, clerk, visit=str(ticket.pk))
    assert (refused.value.code, refused.value.message) == ("visit_gone", VISIT_GONE)
    assert before.untouched()


def test_a_service_marked_for_a_ticket_ended_while_the_next_is_served_says_changed(
    clerk, scene, citizen, item
):
    ticket = served_by_services(scene, clerk)
    online = submit_online(citizen, item)
    before = Before(online)
    calling.service_end(ticket=ticket, window=scene.window, actor=clerk)
    served_by_services(scene, clerk)
    with pytest.raises(VisitRefused) as refused:
        service_call("accept", online, clerk, visit=str(ticket.pk))
    assert (refused.value.code, refused.value.message) == ("visit_changed", VISIT_CHANGED)
    assert before.untouched()


def test_a_second_application_marked_for_a_ticket_already_linked_still_stands(
    clerk, scene, citizen, item
):
    """Two online applications of the person at the window, both marked: the ticket is
    in service, it keeps the first; the second outcome stands (not refused)."""
    ticket = served_by_services(scene, clerk)
    first, second = submit_online(citizen, item), submit_online(citizen, item)
    service_call("accept", first, clerk, visit=str(ticket.pk))
    service_call("refuse", second, clerk, visit=str(ticket.pk))
    second.refresh_from_db()
    ticket.refresh_from_db()
    assert second.status == CaseStatus.REFUSED
    assert (ticket.application_id, outcomes(ticket)) == (first.pk, ["accept"])


# --- the review page ---------------------------------------------------------------


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_page_refuses_a_mark_for_a_ticket_ended_after_its_check(
    client, clerk, scene, citizen, item, monkeypatch, outcome
):
    """The form checked A001 in service; A001 ended before the outcome was saved: 400
    with the check's words, what was typed kept, the box gone (nobody in service), the
    window's bar no longer naming A001, and nothing saved."""
    ticket = served_by_services(scene, clerk)
    online = submit_online(citizen, item)
    before = Before(online)
    client.force_login(clerk)
    page = client.get(review_page(online)).content.decode()
    assert 'data-testid="outcome-visit"' in page
    monkeypatch.setattr(
        workbench_views,
        "outcome_apply",
        ended_first(workbench_views.outcome_apply, ticket, scene, clerk),
    )
    fields = OUTCOME_FIELDS[outcome]
    response = client.post(
        review_page(online),
        form_data(item, outcome=outcome, visit=str(ticket.pk), note="已核", **fields),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert VISIT_GONE in body
    assert "已核</textarea>" in body
    assert 'data-testid="outcome-visit"' not in body
    assert 'data-testid="workbench-ticket"' not in body
    assert before.untouched()


def test_the_page_names_the_ticket_now_in_service_when_the_marked_one_ended(
    client, clerk, scene, citizen, item, monkeypatch
):
    ticket = served_by_services(scene, clerk)
    online = submit_online(citizen, item)
    before = Before(online)
    client.force_login(clerk)
    monkeypatch.setattr(
        workbench_views,
        "outcome_apply",
        ended_first(workbench_views.outcome_apply, ticket, scene, clerk, then_serve=True),
    )
    response = client.post(review_page(online), form_data(item, visit=str(ticket.pk)))
    assert response.status_code == 400
    body = response.content.decode()
    assert VISIT_CHANGED in body
    [now_serving] = Ticket.objects.exclude(pk=ticket.pk)
    mark = body.split('data-testid="outcome-visit"', 1)[1].split("</div>", 1)[0]
    assert f"正在办理的 {now_serving.label} 号" in mark
    assert before.untouched()
