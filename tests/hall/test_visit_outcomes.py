"""What a ticket's service produced at the window (hall.receivers, the panel's 今日已办结):
an application accepted, refused or sent back for correction (一次性告知补正) by the
clerk while the window serves a ticket is linked to the ticket, with an event naming
the outcome; the panel says 受理 / 不予受理 / 一次性告知 with the case or application
number, linked to its page. And the message 开始办理 brings to the intake page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hall import page_selectors
from hall.constants import TicketAction, TicketStatus
from hall.models import Ticket, TicketEvent
from hall.services import calling
from intake.constants import CaseStatus, RefusalKind
from intake.models import Application
from intake.services.cases import counter_receive, intake_accept, intake_refuse
from tests.factories import TicketFactory, accept_case, counter_draft
from tests.hall.pages_support import OUTCOME_FIELDS, act, hall_scene, take_ticket
from tests.hall.test_workbench_banner import serve
from tests.intake.test_counter import bundle_form, form_data, intake_url

pytestmark = pytest.mark.django_db

ALERT = r'<div class="alert alert-[^"]*" role="alert">\s*(.*?)\s*<button'
DEFECTIVE = OUTCOME_FIELDS["correction"]["overrides"]


@pytest.fixture
def scene(clerk, supervisor, monday):
    return hall_scene(clerk, supervisor)


def outcomes(ticket) -> list[str]:
    events = TicketEvent.objects.filter(ticket=ticket, action=TicketAction.APPLICATION)
    return [e.details["outcome"] for e in events.order_by("id")]


def served_line(client, label: str) -> str:
    """The text of ``label``'s line in the panel's 今日已办结, and its link's href."""
    page = client.get(reverse("hall:panel")).content.decode()
    served = page.split('data-testid="panel-served"', 1)[1].split("</ul>", 1)[0]
    [line] = [li for li in served.split("<li")[1:] if f">{label}</span>" in li]
    href = re.search(r'href="([^"]+)" data-testid="panel-served-case"', line)
    text = " ".join(re.sub(r"<[^>]+>", " ", "<li" + line).split())
    return f"{text} -> {href[1] if href else ''}"


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        ("accept", "受理 · 办件 {case_number}"),
        ("refuse", "不予受理 · 申请编号 {pk}"),
        ("correction", "一次性告知 · 申请编号 {pk}"),
    ],
)
def test_the_served_line_says_what_the_visit_produced(
    client, clerk, scene, applicant, item, outcome, said
):
    """Before, a correction notice was not linked (未关联办件) and a refusal read
    "办件 不予受理"."""
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    fields = OUTCOME_FIELDS[outcome]
    done = client.post(intake_url(item, applicant), form_data(item, outcome=outcome, **fields))
    assert done.status_code == 302, done.content.decode()[:2000]
    application = Application.objects.get()
    ticket.refresh_from_db()
    assert ticket.application_id == application.pk
    assert outcomes(ticket) == [outcome]
    act(client, "end", ticket)
    page = reverse("intake:workbench-application", args=[application.pk])
    number = said.format(case_number=application.case_number, pk=application.pk)
    assert served_line(client, "A001") == f"A001 企业登记 · 09:00 {number} -> {page}"


def test_corrected_on_the_spot_and_accepted_the_line_says_accepted(
    client, clerk, scene, applicant, item
):
    """The applicant fixes the form at the window: the notice, then the acceptance of
    the same application in the same service; the ticket's latest event says 受理."""
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    client.post(intake_url(item, applicant), form_data(item, "correction", DEFECTIVE))
    application = Application.objects.get()
    page = reverse("intake:workbench-application", args=[application.pk])
    client.post(reverse("intake:workbench-correction-received", args=[application.pk]))
    assert client.post(page, form_data(item)).status_code == 302
    application.refresh_from_db()
    assert application.case_number
    assert outcomes(ticket) == ["correction", "accept"]
    act(client, "end", ticket)
    assert served_line(client, "A001").endswith(f"受理 · 办件 {application.case_number} -> {page}")


def test_a_later_visit_keeps_its_own_outcome(client, clerk, scene, applicant, item):
    """Sent back for correction on A001's visit, accepted on A002's: each line says what
    its own visit produced, both linked to the same application, named as it is now
    (its case number)."""
    first = serve(client, clerk, scene, id_number=applicant.id_number)
    client.post(intake_url(item, applicant), form_data(item, "correction", DEFECTIVE))
    act(client, "end", first)
    application = Application.objects.get()
    second = serve(client, clerk, scene, label="A002", id_number=applicant.id_number)
    client.post(reverse("intake:workbench-correction-received", args=[application.pk]))
    page = reverse("intake:workbench-application", args=[application.pk])
    client.post(page, form_data(item))
    act(client, "end", second)
    application.refresh_from_db()
    assert (outcomes(first), outcomes(second)) == (["correction"], ["accept"])
    assert f"一次性告知 · 办件 {application.case_number}" in served_line(client, "A001")
    assert f"受理 · 办件 {application.case_number}" in served_line(client, "A002")


def test_a_bundle_correction_links_the_item_case_sent_back(client, clerk, scene, applicant, bundle):
    """一件事 at the counter: the notice goes to 户外招牌设置 only (食品经营许可 stays
    received at the window); the ticket is linked to that case."""
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    defective = {"招牌设计图": {"status": "defective", "reason": "缺少尺寸"}}
    assert client.post(url, bundle_form("correction", overrides=defective)).status_code == 302
    shop, sign = Application.objects.order_by("pk")
    assert (shop.status, sign.status) == (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED)
    ticket.refresh_from_db()
    assert ticket.application_id == sign.pk
    assert outcomes(ticket) == ["correction"]
    act(client, "end", ticket)
    assert "一次性告知 · 申请编号" in served_line(client, "A001")


def test_a_bundle_accepted_links_its_first_case_once(client, clerk, scene, applicant, bundle):
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    assert client.post(url, bundle_form()).status_code == 302
    shop, _sign = Application.objects.order_by("pk")
    ticket.refresh_from_db()
    assert ticket.application_id == shop.pk
    assert outcomes(ticket) == ["accept"]


def served_by_services(scene, clerk) -> Ticket:
    """A ticket of category A called and started at the clerk's window (services)."""
    ticket = TicketFactory(category=scene.a)
    calling.call_next(window=scene.window, actor=clerk)
    return calling.service_start(ticket=ticket, window=scene.window, actor=clerk)


def test_an_acceptance_with_no_clerk_is_no_act_at_the_window(clerk, scene, applicant, item):
    """逾期视为受理 (the pre-review sweep, no actor) of an intake received at this window
    while it serves someone else: not that person's visit, nothing linked. Before, the
    ticket in service was linked to it."""
    received = counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    ticket = served_by_services(scene, clerk)
    intake_accept(application=received, actor=None, auto=True)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.application_id) == (TicketStatus.SERVING, None)
    assert outcomes(ticket) == []


def test_an_event_written_before_outcomes_were_recorded(clerk, scene, applicant, item):
    """A 关联办件 event of the old shape ({"application": pk}) was an acceptance or a
    refusal: the case number tells which."""
    accepted = accept_case(item, clerk=clerk, applicant=applicant)
    refused = counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    intake_refuse(application=refused, actor=clerk, kind=RefusalKind.NOT_ELIGIBLE, reason="不符")
    for application in (accepted, refused):
        ticket = served_by_services(scene, clerk)
        Ticket.objects.filter(pk=ticket.pk).update(application=application)
        TicketEvent.objects.create(
            hall=scene.hall,
            ticket=ticket,
            action=TicketAction.APPLICATION,
            at=timezone.now(),
            window=scene.window,
            details={"application": application.pk},
        )
        calling.service_end(ticket=ticket, window=scene.window, actor=clerk)
    cases = page_selectors.panel_cases(scene.window, user=clerk, current=None)
    assert [(row["case"]["outcome"], row["case"]["number"]) for row in cases["served"]] == [
        ("不予受理", str(refused.pk)),
        ("受理", accepted.case_number),
    ]


# --- 开始办理: the message the intake page shows --------------------------------------


def messages_on(client, url) -> list[str]:
    return re.findall(ALERT, client.get(url).content.decode(), re.S)


def test_start_says_it_started_and_not_what_the_panel_said_before(client, clerk, scene, applicant):
    """开始办理 goes to the intake page: it says 开始办理 A001 号。 there, and what an
    earlier act said for the panel and the clerk did not see (the panel not shown in
    between: 已叫 A001 号。) is not carried there. Before, the intake page said
    已叫 A001 号。 and nothing of the start."""
    take_ticket(client, scene.hall, scene.a, id_number=applicant.id_number)
    client.force_login(clerk)
    act(client, "call_next")
    started = act(client, "start", Ticket.objects.get())
    assert started.url == f"{reverse('intake:workbench-items')}?applicant={applicant.pk}"
    assert messages_on(client, started.url) == ["开始办理 A001 号。"]
    # 窗口收件 from the panel while A001 is in service: no message of its own, nothing stale.
    act(client, "state", state="paused")
    went = act(client, "intake")
    assert went.url == started.url
    assert messages_on(client, went.url) == []
    # The panel's own acts still say what they did on the panel.
    ended = act(client, "end", Ticket.objects.get())
    assert messages_on(client, ended.url) == ["A001 号办理结束。"]
