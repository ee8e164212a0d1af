"""The hall's pages (hall/views*.py): the ticket page, the issued ticket and its follow
page, the display and its poll, the clerk's queue panel, windows, the hall view,
appointments and kiosk mode; who may open and act on each."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hall.constants import AppointmentStatus, TicketStatus, WindowState
from hall.models import Appointment, Ticket, WindowSeat
from hall.services.windows import categories_token
from jinpu_portal.kiosk import KIOSK
from tests.factories import accept_case
from tests.hall.pages_support import act, hall_scene, take_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(clerk, supervisor):
    return hall_scene(clerk, supervisor)


# --- tickets: anyone ---------------------------------------------------------------------


def test_anonymous_takes_a_ticket_and_sees_its_number_place_and_qr(client, scene):
    page = client.get(reverse("hall:ticket", args=["JP"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "企业登记" in text
    assert "工程建设项目" in text
    take_ticket(client, scene.hall, scene.a)
    first = Ticket.objects.get()
    response = take_ticket(client, scene.hall, scene.a, id_number="11010519491231002X")
    second = Ticket.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("hall:ticket-issued", args=[second.token])
    assert second.id_number == "11010519491231002X"
    issued = client.get(response.url)
    body = issued.content.decode()
    assert issued.status_code == 200
    assert "A002" in body
    assert re.search(r'data-testid="ticket-ahead">1 人<', body), body
    assert reverse("hall:follow-qr", args=[second.token]) in body
    # Never the ID number on a public page.
    assert "11010519491231002X" not in body
    qr = client.get(reverse("hall:follow-qr", args=[second.token]))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")


def test_the_ticket_page_refuses_a_bad_id_number_and_a_missing_category(client, scene):
    url = reverse("hall:ticket", args=["JP"])
    missing = client.post(url, {})
    assert missing.status_code == 400
    assert "请选择要办理的业务" in missing.content.decode()
    bad = client.post(url, {"category": scene.a.pk, "id_number": "110105194912310021"})
    assert bad.status_code == 400
    assert not Ticket.objects.exists()
    other_hall = client.post(reverse("hall:ticket", args=["JZ"]), {"category": scene.a.pk})
    assert other_hall.status_code == 404  # no such hall in this scene


def test_the_ticket_page_shares_the_apis_limit_per_address(client, scene, settings):
    settings.HALL_RATE_LIMIT_ADDRESS = "2/hour"
    take_ticket(client, scene.hall, scene.a)
    take_ticket(client, scene.hall, scene.a)
    refused = client.post(reverse("hall:ticket", args=["JP"]), {"category": scene.a.pk})
    assert refused.status_code == 429
    assert "取号过于频繁" in refused.content.decode()
    assert Ticket.objects.count() == 2


def test_the_follow_page_polls_204_until_the_ticket_moves(client, clerk, scene):
    take_ticket(client, scene.hall, scene.a)
    ticket = Ticket.objects.get()
    page = client.get(reverse("hall:follow", args=[ticket.token]))
    assert page.status_code == 200
    marker = re.search(r"poll/\?v=([\w-]+)", page.content.decode()).group(1)
    poll = reverse("hall:follow-poll", args=[ticket.token])
    assert client.get(poll, {"v": marker}).status_code == 204
    client.force_login(clerk)
    assert act(client, "call_next").status_code == 302
    client.logout()
    moved = client.get(poll, {"v": marker})
    assert moved.status_code == 200
    assert "请到 3 号窗口办理" in moved.content.decode()
    assert client.get(reverse("hall:follow", args=["no-such-token"])).status_code == 404


def test_the_follow_page_of_a_ticket_left_waiting_yesterday_says_it_lapsed(client, scene, at):
    at(2026, 11, 2, 16, 50)
    take_ticket(client, scene.hall, scene.a)
    ticket = Ticket.objects.get()
    at(2026, 11, 3, 9)
    body = client.get(reverse("hall:follow", args=[ticket.token])).content.decode()
    assert "11月2日 的号，当天未叫到，已失效" in body
    assert 'data-testid="ticket-ahead"' not in body
    assert reverse("hall:follow-poll", args=[ticket.token]) not in body


def test_the_display_answers_204_while_unchanged_and_the_call_once_called(client, clerk, scene):
    take_ticket(client, scene.hall, scene.a, id_number="11010519491231002X")
    page = client.get(reverse("hall:display", args=["JP"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="display-waiting-A">1<' in body
    marker = re.search(r'data-marker="(\d+)"', body).group(1)
    poll = reverse("hall:display-poll", args=["JP"])
    assert client.get(poll, {"v": marker}).status_code == 204
    client.force_login(clerk)
    act(client, "call_next")
    client.logout()
    board = client.get(poll, {"v": marker})
    assert board.status_code == 200
    text = board.content.decode()
    assert 'data-testid="display-latest-number">A001<' in text
    assert 'data-say="请 A001 号到 3 号窗口"' in text
    assert 'data-testid="display-waiting-A">0<' in text
    assert "110105" not in text  # never the ID number, not even masked


def test_the_display_costs_the_same_queries_with_more_calls(
    client, clerk, scene, assert_flat_queries, django_assert_max_num_queries
):
    poll = reverse("hall:display-poll", args=["JP"])

    def add(n):
        for _ in range(n):
            take_ticket(client, scene.hall, scene.b)

    assert_flat_queries(lambda: client.get(poll), add)
    marker = re.search(r"v=(\d+)", client.get(poll).content.decode())[1]
    with django_assert_max_num_queries(2):  # the hall, its marker
        assert client.get(poll, {"v": marker}).status_code == 204


# --- the clerk's panel --------------------------------------------------------------------


def test_the_clerk_calls_recalls_and_may_mark_a_no_show_only_after_three_calls(
    client, clerk, scene
):
    take_ticket(client, scene.hall, scene.a)
    ticket = Ticket.objects.get()
    client.force_login(clerk)
    panel = client.get(reverse("hall:panel"))
    assert panel.status_code == 200
    assert "叫下一位" in panel.content.decode()
    act(client, "call_next")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.call_count) == (TicketStatus.CALLED, 1)
    assert 'data-testid="panel-current">A001<' in client.get(reverse("hall:panel")).content.decode()
    early = act(client, "no_show", ticket)
    assert early.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    refused = client.get(reverse("hall:panel")).content.decode()
    assert 'data-testid="panel-error"' in refused
    act(client, "recall", ticket)
    act(client, "recall", ticket)
    ticket.refresh_from_db()
    assert ticket.call_count == 3
    act(client, "no_show", ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW
    act(client, "requeue", ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert ticket.requeued


def test_start_service_lands_in_the_counter_intake_with_the_applicant_found(
    client, clerk, citizen, scene
):
    take_ticket(client, scene.hall, scene.a, id_number=citizen.id_number)
    ticket = Ticket.objects.get()
    client.force_login(clerk)
    act(client, "call_next")
    started = act(client, "start", ticket)
    assert started.status_code == 302
    assert started.url == f"{reverse('intake:workbench-items')}?applicant={citizen.pk}"
    landing = client.get(started.url)
    assert landing.status_code == 200
    assert citizen.name in landing.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING
    ended = act(client, "end", ticket)
    assert ended.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE


def test_the_panel_links_the_case_a_ticket_led_to(client, clerk, citizen, item, scene):
    """The intake accepted while a ticket is in service is linked to it: the panel shows
    the case number beside the ticket in service and, once the service ends, in 今日已办结,
    a link to the clerk's page of the case; a service that led to no case says so."""
    take_ticket(client, scene.hall, scene.a, id_number=citizen.id_number)
    take_ticket(client, scene.hall, scene.a)
    with_case, without = Ticket.objects.order_by("label")
    client.force_login(clerk)
    act(client, "call_next")
    act(client, "start", with_case)
    case = accept_case(item, clerk=clerk, applicant=citizen)
    case_page = reverse("intake:workbench-application", args=[case.pk])
    serving = client.get(reverse("hall:panel")).content.decode()
    assert (
        f'<a class="text-nowrap" href="{case_page}" data-testid="panel-current-case">'
        f'办件 <span class="font-monospace">{case.case_number}</span></a>'
    ) in serving
    assert (
        '<span class="text-nowrap" data-testid="panel-current-case-outcome">受理</span>' in serving
    )
    act(client, "end", with_case)
    act(client, "call_next")
    act(client, "start", without)
    act(client, "end", without)
    page = client.get(reverse("hall:panel")).content.decode()
    assert 'data-testid="panel-current-case"' not in page
    served = page.split('data-testid="panel-served"', 1)[1].split("</ul>", 1)[0]
    # The latest first: A002 (no case), then A001 with its case.
    assert served.index("A002") < served.index("未关联办件") < served.index("A001")
    assert f'href="{case_page}" data-testid="panel-served-case"' in served
    assert f'<span class="font-monospace">{case.case_number}</span>' in served
    assert served.count('data-testid="panel-served-case"') == 1
    assert 'data-testid="panel-served-case-outcome">受理<' in served
    assert client.get(case_page).status_code == 200


def test_transfer_and_green_channel_from_the_panel(client, clerk, scene):
    take_ticket(client, scene.hall, scene.a, priority="elderly")
    ticket = Ticket.objects.get()
    client.force_login(clerk)
    act(client, "call_next")
    act(client, "priority", ticket, group="elderly")
    ticket.refresh_from_db()
    assert ticket.priority_confirmed
    act(client, "transfer", ticket, to=f"category:{scene.b.pk}")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.category_id) == (TicketStatus.WAITING, scene.b.pk)


def test_the_panel_offers_a_closed_window_for_transfer_greyed_out(client, clerk, scene):
    """Picking a closed window was refused only after the post (2 号窗口已关闭); the
    list offered every closed window of the hall as if it took transfers."""
    from tests.factories import HallWindowFactory, WindowFactory

    closed = WindowFactory(hall=scene.hall, number=7)
    paused = HallWindowFactory(categories=[scene.a], number=8, open=False).window
    take_ticket(client, scene.hall, scene.a)
    client.force_login(clerk)
    act(client, "call_next")
    html = client.get(reverse("hall:panel")).content.decode()
    options = dict(re.findall(r'<option value="window:(\d+)"([^>]*)>', html))
    assert "disabled" in options[str(closed.pk)]
    assert "disabled" not in options[str(paused.pk)]
    assert "7 号窗口（关闭，不能转入）" in html


def test_a_citizen_cannot_open_the_panel_or_call(client, citizen, scene):
    take_ticket(client, scene.hall, scene.a)
    client.force_login(citizen.user)
    assert client.get(reverse("hall:panel")).status_code == 403
    assert act(client, "call_next").status_code == 403
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_anonymous_is_sent_to_sign_in_for_the_panel(client, scene):
    response = act(client, "call_next")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_clerk_of_another_hall_cannot_touch_this_halls_windows(client, other_clerk, clerk, scene):
    take_ticket(client, scene.hall, scene.a)
    client.force_login(other_clerk)
    url = reverse("hall:window-act", args=["JP", scene.window.pk])
    assert client.post(url, {"action": "state", "state": "closed"}).status_code == 403
    assert client.get(reverse("hall:windows", args=["JP"])).status_code == 403
    assert WindowSeat.objects.get(window=scene.window).state == WindowState.OPEN
    # Their own panel calls only their own window's categories: nothing of 金普厅.
    act(client, "state", state="open")
    act(client, "call_next")
    assert Ticket.objects.get().status == TicketStatus.WAITING
    # Nor can they transfer into this hall from their window: they hold no ticket here.
    jp_ticket = Ticket.objects.get()
    assert act(client, "recall", jp_ticket).status_code == 302
    assert Ticket.objects.get().call_count == 0


def test_a_clerk_sets_his_own_window_state_but_not_its_categories(client, clerk, scene):
    client.force_login(clerk)
    page = client.get(reverse("hall:windows", args=["JP"]))
    assert page.status_code == 200
    url = reverse("hall:window-act", args=["JP", scene.window.pk])
    assert client.post(url, {"action": "state", "state": "paused"}).status_code == 302
    assert WindowSeat.objects.get(window=scene.window).state == WindowState.PAUSED
    refused = client.post(url, {"action": "categories", "categories": [scene.a.pk]})
    assert refused.status_code == 403
    assert WindowSeat.objects.get(window=scene.window).categories.count() == 2


def test_a_supervisor_manages_windows_and_sees_the_hall_view(client, supervisor, clerk, scene):
    take_ticket(client, scene.hall, scene.a)
    client.force_login(supervisor)
    url = reverse("hall:window-act", args=["JP", scene.window.pk])
    seen = categories_token([scene.a.pk, scene.b.pk])  # what the page shows
    client.post(url, {"action": "categories", "categories": [scene.b.pk], "seen": seen})
    assert list(WindowSeat.objects.get(window=scene.window).categories.all()) == [scene.b]
    overview = client.get(reverse("hall:overview"), {"hall": "JP"})
    assert overview.status_code == 200
    body = overview.content.decode()
    assert 'data-testid="overview-waiting">1 人<' in body
    assert "3 号" in body
    assert 'data-testid="overview-linked-only"' not in body  # district-wide


def test_a_supervisor_of_a_department_sees_the_hall_view_as_supervision_counts(
    client, supervisor, clerk, scene
):
    """The waiting ticket is linked to no case: a supervisor of one department counts
    none of it (as supervision's pages and the figures API), and the page says why."""
    from tests.factories import DepartmentFactory, make_supervisor

    take_ticket(client, scene.hall, scene.a)
    client.force_login(make_supervisor(DepartmentFactory(), username="dept-supervisor"))
    body = client.get(reverse("hall:overview"), {"hall": "JP"}).content.decode()
    assert 'data-testid="overview-waiting">0 人<' in body
    assert "按本人督查部门，只统计已关联到相应办件的排队号" in body
    assert "3 号" in body  # the windows themselves are listed


def test_the_hall_view_is_for_supervisors_only(client, clerk, citizen, scene):
    client.force_login(clerk)
    assert client.get(reverse("hall:overview")).status_code == 403
    client.force_login(citizen.user)
    assert client.get(reverse("hall:overview")).status_code == 403


# --- appointments -------------------------------------------------------------------------


def test_a_citizen_books_a_slot_sees_the_code_and_cancels(client, citizen, scene):
    from hall.services.appointments import bookable_days

    client.force_login(citizen.user)
    page = client.get(reverse("hall:appointment-new"))
    assert page.status_code == 200
    day = next(d for d in bookable_days() if d > timezone.localdate())
    slot = f"{day.isoformat()}T09:30"
    booked = client.post(reverse("hall:appointment-new"), {"category": scene.a.pk, "slot": slot})
    assert booked.status_code == 302, booked.content.decode()[:3000]
    appointment = Appointment.objects.get()
    assert (appointment.day, appointment.slot) == (day, datetime.time(9, 30))
    mine = client.get(reverse("hall:appointments")).content.decode()
    assert appointment.code in mine
    cancel = client.post(reverse("hall:appointment-cancel", args=[appointment.pk]))
    assert cancel.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_appointments_are_for_citizens(client, clerk, scene):
    client.force_login(clerk)
    assert client.get(reverse("hall:appointments")).status_code == 403
    client.logout()
    assert client.get(reverse("hall:appointments")).status_code == 302


# --- kiosk mode -----------------------------------------------------------------------------


def test_the_kiosk_page_makes_this_browser_a_kiosk_with_the_idle_timeout(client, scene, settings):
    settings.HALL_KIOSK_IDLE_SECONDS = 90
    first = client.get(reverse("hall:kiosk", args=["JP"]))
    assert first.status_code == 302
    assert KIOSK.name in first.cookies
    home = client.get(reverse("hall:kiosk", args=["JP"]))
    body = home.content.decode()
    assert 'data-kiosk-idle="90"' in body
    assert "hall/kiosk.js" in body
    # The online pages too (base.html), and the ticket page is issued as a kiosk ticket.
    guide = client.get(reverse("catalog:home")).content.decode()
    assert 'class="d-flex flex-column min-vh-100 bg-body-tertiary kiosk"' in guide
    take_ticket(client, scene.hall, scene.a)
    assert Ticket.objects.get().source == "kiosk"


def test_the_kiosk_reset_signs_out_and_keeps_the_kiosk(client, citizen, scene):
    client.get(reverse("hall:kiosk", args=["JP"]))
    client.force_login(citizen.user)
    reset = client.post(reverse("hall:kiosk-reset"))
    assert reset.status_code == 302
    assert reset.url == reverse("hall:kiosk", args=["JP"])
    assert "_auth_user_id" not in client.session
    assert 'data-kiosk-idle="' in client.get(reset.url).content.decode()


def test_only_staff_leave_kiosk_mode(client, clerk, scene):
    client.get(reverse("hall:kiosk", args=["JP"]))
    assert client.post(reverse("hall:kiosk-exit")).status_code == 403
    client.force_login(clerk)
    left = client.post(reverse("hall:kiosk-exit"))
    assert left.status_code == 302
    assert left.cookies[KIOSK.name].value == ""
