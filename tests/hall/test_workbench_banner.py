"""The ticket in service on the clerk's workbench pages (hall.workbench through
intake.page_hooks): while today's ticket at the clerk's window is in service, every
workbench page but the queue panel shows its number, category and start, a link to the
panel and the panel's own 结束办理; an outcome given at the window reminds the clerk to
end the service. Read in the statement that loads the clerk's window: no statement
more."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hall.constants import TicketAction, TicketStatus
from hall.models import DayCounter, Ticket, TicketEvent
from intake.models import Application, BundleApplication
from tests.factories import make_clerk
from tests.hall.pages_support import OUTCOME_FIELDS, act, hall_scene, take_ticket
from tests.intake.test_counter import bundle_form, form_data, intake_url

pytestmark = pytest.mark.django_db

BANNER = 'data-testid="workbench-ticket"'
SUCCESS = r'<div class="alert alert-success[^"]*" role="alert">\s*(.*?)\s*<button'
REMINDER = "A001 号仍在办理中：办完后请在叫号面板结束办理，或点下方的“结束办理”。"


@pytest.fixture
def scene(clerk, supervisor, monday):
    return hall_scene(clerk, supervisor)


def serve(client, clerk, scene, label="A001", **ticket):
    """A ticket of category A taken, then called and started at the clerk's window
    through the panel (the clerk signed in): the ticket, in service."""
    take_ticket(client, scene.hall, scene.a, **ticket)
    client.force_login(clerk)
    act(client, "call_next")
    started = Ticket.objects.get(label=label)
    assert act(client, "start", started).status_code == 302
    started.refresh_from_db()
    assert started.status == TicketStatus.SERVING
    return started


def workbench_pages(applicant, item) -> list[str]:
    return [
        reverse("intake:workbench"),
        reverse("intake:workbench-cases"),
        reverse("intake:workbench-counter"),
        f"{reverse('intake:workbench-items')}?applicant={applicant.pk}",
        intake_url(item, applicant),
    ]


def banner_of(html: str) -> str:
    assert html.count(BANNER) == 1, html[:3000]
    return html.split(BANNER, 1)[1].split("</section>", 1)[0]


def test_every_workbench_page_shows_the_ticket_in_service(
    client, clerk, scene, at, applicant, item
):
    at(2026, 11, 2, 9, 5)
    ticket = serve(client, clerk, scene, id_number=applicant.id_number)
    case = client.post(intake_url(item, applicant), form_data(item))
    pages = [*workbench_pages(applicant, item), case.url]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        banner = banner_of(page.content.decode())
        assert 'data-testid="workbench-ticket-label">A001</span> 号' in banner, url
        since = re.sub(r"<[^>]+>", "", banner.split('data-testid="workbench-ticket-since">')[1])
        assert since.startswith("企业登记 · 09:05 开始办理"), url
        assert f'href="{reverse("hall:panel")}"' in banner, url
        # The panel's own act: a POST to the panel naming this ticket.
        form = re.search(
            r'<form method="post" action="(?P<action>[^"]+)" data-confirm="(?P<ask>[^"]+)">'
            r"(?P<body>.*?)</form>",
            banner,
            re.S,
        )
        assert form["action"] == reverse("hall:panel-act")
        # Ending is for good: the bar's button asks first, as the panel's does.
        assert form["ask"].startswith("结束办理 A001 号？结束后不能恢复")
        assert '<input type="hidden" name="action" value="end">' in form["body"]
        assert f'<input type="hidden" name="ticket" value="{ticket.pk}">' in form["body"]
        assert "csrfmiddlewaretoken" in form["body"]
        assert 'data-testid="workbench-ticket-end"' in form["body"]
        # The ID number the ticket carries is not repeated in the bar.
        assert applicant.id_number not in banner
    # The queue panel shows the ticket itself, not the bar.
    assert BANNER not in client.get(reverse("hall:panel")).content.decode()


def test_no_bar_without_a_ticket_in_service_at_the_window(
    client, clerk, scene, at, applicant, item, citizen
):
    take_ticket(client, scene.hall, scene.a)
    take_ticket(client, scene.hall, scene.a)
    client.force_login(clerk)
    pages = workbench_pages(applicant, item)
    assert all(BANNER not in client.get(url).content.decode() for url in pages)
    act(client, "call_next")  # called, not started
    assert all(BANNER not in client.get(url).content.decode() for url in pages)
    ticket = Ticket.objects.get(label="A001")
    act(client, "start", ticket)
    # A clerk of another window of the hall does not see this window's ticket.
    other = make_clerk(number=2, username="clerk-other")
    client.force_login(other)
    assert all(BANNER not in client.get(url).content.decode() for url in pages)
    # Ended: the bar goes.
    client.force_login(clerk)
    assert BANNER in client.get(pages[0]).content.decode()
    act(client, "end", ticket)
    assert all(BANNER not in client.get(url).content.decode() for url in pages)
    # Started and left in service overnight: the day's close ends it, no bar tomorrow.
    act(client, "call_next")
    act(client, "start", Ticket.objects.get(label="A002"))
    assert BANNER in client.get(pages[0]).content.decode()
    at(2026, 11, 3, 9)
    assert all(BANNER not in client.get(url).content.decode() for url in pages)
    # Citizens never see it.
    client.force_login(citizen.user)
    assert BANNER not in client.get(reverse("intake:my_applications")).content.decode()


def test_the_bars_end_ends_the_service_once_as_the_panel_does(client, clerk, scene, at):
    ticket = serve(client, clerk, scene)  # at 9:00
    at(2026, 11, 2, 9, 12)
    banner = banner_of(client.get(reverse("intake:workbench-counter")).content.decode())
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]+)">', banner))
    fields.pop("csrfmiddlewaretoken")
    assert fields == {"action": "end", "ticket": str(ticket.pk)}
    ended = client.post(reverse("hall:panel-act"), fields)
    assert ended.url == reverse("hall:panel")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.ended_at.minute) == (TicketStatus.DONE, 12)
    counter = DayCounter.objects.get(category=scene.a, day=ticket.day)
    assert (counter.served, counter.service_seconds) == (1, 12 * 60)
    assert "A001 号办理结束。" in client.get(ended.url).content.decode()
    # The same form posted again (a second tab, a double click): refused, counted once.
    again = client.post(reverse("hall:panel-act"), fields)
    assert again.url == reverse("hall:panel")
    assert "A001 号当前已办结，不在本窗口" in client.get(again.url).content.decode()
    counter.refresh_from_db()
    assert counter.served == 1
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketAction.ENDED).count() == 1
    # A clerk of another window may not end it (the service's seat check).
    serving = serve(client, clerk, scene, label="A002")
    client.force_login(make_clerk(number=2, username="clerk-other"))
    client.post(reverse("hall:panel-act"), {"action": "end", "ticket": serving.pk})
    serving.refresh_from_db()
    assert serving.status == TicketStatus.SERVING


@pytest.mark.parametrize(
    ("outcome", "said"),
    [
        ("accept", "已受理，办件编号 "),
        ("refuse", "已出具不予受理通知书。"),
        ("correction", "已出具补正材料一次性告知书。"),
    ],
)
def test_an_outcome_at_the_window_reminds_to_end_the_service(
    client, clerk, scene, at, applicant, item, outcome, said
):
    serve(client, clerk, scene, id_number=applicant.id_number)
    fields = OUTCOME_FIELDS[outcome]
    done = client.post(intake_url(item, applicant), form_data(item, outcome=outcome, **fields))
    assert done.status_code == 302, done.content.decode()[:2000]
    page = client.get(done.url).content.decode()
    [message] = [m for m in re.findall(SUCCESS, page, re.S) if said in m]
    assert message.endswith(REMINDER)
    assert BANNER in page  # with the button, below the message


@pytest.mark.parametrize(
    ("outcome", "overrides"),
    [
        ("accept", None),
        ("correction", {"招牌设计图": {"status": "defective", "reason": "缺少尺寸"}}),
    ],
)
def test_a_bundle_outcome_at_the_window_reminds_to_end_the_service(
    client, clerk, scene, applicant, bundle, outcome, overrides
):
    """一件事 at the counter (its own view, ``counter_bundle``): its message on the bundle's
    result page ends with the same reminder, the bar below it."""
    serve(client, clerk, scene, id_number=applicant.id_number)
    url = reverse("intake:workbench-bundle", args=[bundle.pk]) + f"?applicant={applicant.pk}"
    done = client.post(url, bundle_form(outcome, overrides=overrides))
    assert done.status_code == 302, done.content.decode()[:2000]
    assert done.url == reverse(
        "intake:workbench-bundle-result", args=[BundleApplication.objects.get().pk]
    )
    page = client.get(done.url).content.decode()
    [message] = [m for m in re.findall(SUCCESS, page, re.S) if "我要开餐馆" in m]
    assert message == f"“我要开餐馆”已办理，共 2 个事项。{REMINDER}"
    assert BANNER in page


def test_an_outcome_without_a_ticket_in_service_reminds_nothing(
    client, clerk, scene, at, applicant, item
):
    take_ticket(client, scene.hall, scene.a)
    client.force_login(clerk)
    act(client, "call_next")  # called, not in service
    done = client.post(intake_url(item, applicant), form_data(item))
    page = client.get(done.url).content.decode()
    assert f"已受理，办件编号 {Application.objects.get().case_number}。" in page
    assert "请在叫号面板结束办理" not in page


def test_the_ticket_is_read_in_the_statement_that_loads_the_window(
    client, clerk, scene, at, applicant, item
):
    """The bar adds no statement to the workbench pages: the ticket in service comes
    with the clerk's window (and its hall), as subqueries of that one statement."""

    def statements() -> list[list[str]]:
        measured = []
        for url in workbench_pages(applicant, item):
            client.get(url)  # warms the per-process caches
            with CaptureQueriesContext(connection) as captured:
                html = client.get(url).content.decode()
            measured.append((BANNER in html, [q["sql"] for q in captured]))
        return measured

    client.force_login(clerk)
    idle = statements()
    assert not any(shown for shown, _ in idle)
    serve(client, clerk, scene)
    serving = statements()
    assert all(shown for shown, _ in serving)
    assert [len(sql) for _, sql in serving] == [len(sql) for _, sql in idle]
    for _, sql in serving:
        reading = [s for s in sql if "hall_ticket" in s]
        assert len(reading) == 1
        assert re.match(r'SELECT .* FROM "accounts_window" INNER JOIN "accounts_hall"', reading[0])
        assert not [s for s in sql if re.search(r'FROM "accounts_hall" WHERE', s)]
