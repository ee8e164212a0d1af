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
from intake.page_hooks import VISIT_CHANGED, VISIT_GONE
from intake.services.cases import counter_receive, intake_accept, intake_refuse
from tests.factories import TicketFactory, accept_case, counter_draft, submit_online
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
    received at the window); the ticket is linked to that case, the panel names the
    一件事."""
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
    # The line names the 一件事 (its notice went to one of its item cases).
    assert "一次性告知 · 一件事 · 我要开餐馆 · 2 个办件" in served_line(client, "A001")


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


# --- which visit an outcome belongs to -----------------------------------------------


def review_page(application) -> str:
    return reverse("intake:workbench-application", args=[application.pk])


@pytest.mark.parametrize("outcome", ["accept", "refuse", "correction"])
def test_an_online_pre_review_during_a_ticket_is_not_linked(
    client, clerk, scene, applicant, citizen, item, outcome
):
    """王芳 applied online from home; the clerk pre-reviews her application while 李华's
    A001 is in service: not A001's visit, nothing linked. Before, A001 was linked to it
    (and rated on the pad as its service)."""
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    online = submit_online(citizen, item)
    fields = OUTCOME_FIELDS[outcome]
    done = client.post(review_page(online), form_data(item, outcome=outcome, **fields))
    assert done.status_code == 302, done.content.decode()[:2000]
    online.refresh_from_db()
    assert online.status != CaseStatus.SUBMITTED
    ticket.refresh_from_db()
    assert ticket.application_id is None
    assert outcomes(ticket) == []
    act(client, "end", ticket)
    assert served_line(client, "A001") == "A001 企业登记 · 09:00 未关联办件 -> "


def test_an_online_application_marked_for_the_visit_is_linked(
    client, clerk, scene, applicant, citizen, item
):
    """王芳 came to the window with her online application: the review offers
    本次叫号群众办理 naming A001; ticked, the acceptance is A001's, as a counter intake's
    would be."""
    ticket = serve(client, clerk, scene, id_number=citizen.id_number)
    online = submit_online(citizen, item)
    page = client.get(review_page(online)).content.decode()
    mark = page.split('data-testid="outcome-visit"', 1)[1].split("</div>", 1)[0]
    assert f'value="{ticket.pk}"' in mark
    assert "本次叫号群众办理：申请人（或其代办人）就是正在办理的 A001 号" in mark
    done = client.post(review_page(online), form_data(item, visit=str(ticket.pk)))
    assert done.status_code == 302, done.content.decode()[:2000]
    online.refresh_from_db()
    ticket.refresh_from_db()
    assert (ticket.application_id, outcomes(ticket)) == (online.pk, ["accept"])
    act(client, "end", ticket)
    assert served_line(client, "A001").endswith(
        f"受理 · 办件 {online.case_number} -> {review_page(online)}"
    )


def test_a_mark_for_a_visit_that_changed_is_refused_with_what_was_typed(
    client, clerk, scene, citizen, item
):
    """The page marked A001, which ended meanwhile (A002 in service now, or nobody): the
    outcome is refused (400), nothing saved, the note kept, to be confirmed again."""
    first = serve(client, clerk, scene, id_number=citizen.id_number)
    online = submit_online(citizen, item)
    act(client, "end", first)
    serve(client, clerk, scene, label="A002")
    changed = client.post(review_page(online), form_data(item, visit=str(first.pk), note="已核"))
    assert changed.status_code == 400
    body = changed.content.decode()
    assert VISIT_CHANGED in body
    assert "已核</textarea>" in body
    online.refresh_from_db()
    assert online.status == CaseStatus.SUBMITTED
    act(client, "end", Ticket.objects.get(label="A002"))
    gone = client.post(review_page(online), form_data(item, visit=str(first.pk)))
    assert gone.status_code == 400
    assert VISIT_GONE in gone.content.decode()
    assert 'data-testid="outcome-visit"' not in gone.content.decode()
    online.refresh_from_db()
    assert online.status == CaseStatus.SUBMITTED
    assert not Ticket.objects.filter(application__isnull=False).exists()


def test_the_mark_is_offered_only_on_an_online_review_while_a_ticket_is_in_service(
    client, clerk, scene, applicant, citizen, item
):
    online = submit_online(citizen, item)
    client.force_login(clerk)
    assert 'data-testid="outcome-visit"' not in client.get(review_page(online)).content.decode()
    serve(client, clerk, scene, id_number=applicant.id_number)
    assert 'data-testid="outcome-visit"' in client.get(review_page(online)).content.decode()
    counter = counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    assert 'data-testid="outcome-visit"' not in client.get(review_page(counter)).content.decode()


def test_a_counter_intake_received_before_the_service_is_not_that_visits(
    at, clerk, scene, applicant, citizen, item
):
    """李华's application was received at the window at 9:00 (a 一件事's item left for
    acceptance); at 9:10 the clerk accepts it while serving 王芳's ticket, started at
    9:05: not her visit. A counter intake received during the service is (the tests
    above)."""
    received = counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    at(2026, 11, 2, 9, 5)
    ticket = served_by_services(scene, clerk)
    at(2026, 11, 2, 9, 10)
    verdicts = [{"material": m, "status": "received", "originals": 1} for m in item.materials.all()]
    intake_accept(application=received, actor=clerk, verdicts=verdicts)
    ticket.refresh_from_db()
    assert (ticket.application_id, outcomes(ticket)) == (None, [])
    # Brought again during a service (收取补正材料 sets it received then): that visit's.
    later = counter_receive(application=counter_draft(clerk, citizen, item), actor=clerk)
    intake_accept(application=later, actor=clerk, verdicts=verdicts)
    ticket.refresh_from_db()
    assert (ticket.application_id, outcomes(ticket)) == (later.pk, ["accept"])


def test_a_bundle_visit_names_its_bundle(client, clerk, scene, applicant, bundle, approver):
    """A 一件事 accepted during A001's service: the line names the 一件事 and its item
    cases, linked to the clerk's page of the 一件事, not its first item case alone; for
    someone who may not see the cases, the outcome alone."""
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    assert client.post(url, bundle_form()).status_code == 302
    shop = Application.objects.order_by("pk").first()
    result = reverse("intake:workbench-bundle-result", args=[shop.bundle_application_id])
    current = client.get(reverse("hall:panel")).content.decode()
    line = current.split('data-testid="panel-current-case-outcome">', 1)[1].split("</dd>", 1)[0]
    assert f'href="{result}"' in line
    assert (
        " ".join(re.sub(r"<[^>]+>", " ", line).split()) == "受理 · 一件事 · 我要开餐馆 · 2 个办件"
    )
    act(client, "end", ticket)
    assert (
        served_line(client, "A001")
        == f"A001 企业登记 · 09:00 受理 · 一件事 · 我要开餐馆 · 2 个办件 -> {result}"
    )
    assert client.get(result).status_code == 200
    outsider = page_selectors.panel_cases(scene.window, user=approver, current=None)
    assert [row["case"] for row in outsider["served"]] == [{"outcome": "受理"}]


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
