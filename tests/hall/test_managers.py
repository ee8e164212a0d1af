"""Who manages the halls (``hall.services.base.is_manager``, the one rule): system
administrators and district-wide supervisors (全区督查) open, pause and close any window,
seat clerks, set its categories and do the desk's acts on tickets and appointments. A
supervisor of some departments only watches: the hall view and the figures API, counted
in their scope as before, but every one of those acts is refused to them by the
services (saying why), on the pages (a 403, no button) and in the API (a 403)."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from accounts.models import User
from accounts.services import staff_assign_window, staff_grant_department, staff_set_district_wide
from hall.constants import AppointmentStatus, TicketStatus, WindowState
from hall.errors import HallPermissionDenied
from hall.models import Appointment, WindowSeat
from hall.services import appointments, calling, tickets, windows
from tests.factories import (
    DepartmentFactory,
    TicketFactory,
    UserFactory,
    WindowFactory,
    make_citizen,
    make_supervisor,
    resident_id,
)

pytestmark = pytest.mark.django_db

#: What a supervisor of some departments is told when refused a manager's act.
SAYS_WHY = "按部门督查的督查人员只能查看大厅实时概况"

MANAGERS = {
    "district-wide supervisor": lambda: make_supervisor(),
    "system administrator": lambda: UserFactory(system_admin=True),
}


@pytest.fixture
def watcher(db):
    """A supervisor of one department (not district-wide)."""
    return make_supervisor(DepartmentFactory(), username="dept-watcher")


def _seat_now(seat) -> tuple:
    seat = WindowSeat.objects.get(pk=seat.pk)
    return seat.state, seat.clerk_id, sorted(seat.categories.values_list("pk", flat=True))


# --- the services -------------------------------------------------------------------------

WINDOW_ACTS = {
    "open": lambda seat, actor: windows.window_open(window=seat.window, actor=actor),
    "pause": lambda seat, actor: windows.window_pause(window=seat.window, actor=actor),
    "close": lambda seat, actor: windows.window_close(window=seat.window, actor=actor),
    "seat": lambda seat, actor: windows.window_seat(window=seat.window, clerk=None, actor=actor),
    "categories": lambda seat, actor: windows.window_set_categories(
        window=seat.window, category_ids=[], actor=actor
    ),
}


@pytest.mark.parametrize("act", WINDOW_ACTS)
def test_a_supervisor_of_some_departments_manages_no_window(seat, watcher, act):
    before = _seat_now(seat)
    with pytest.raises(HallPermissionDenied) as refused:
        WINDOW_ACTS[act](seat, watcher)
    assert SAYS_WHY in str(refused.value)
    assert _seat_now(seat) == before


@pytest.mark.parametrize("who", MANAGERS)
@pytest.mark.parametrize("act", WINDOW_ACTS)
def test_the_managers_manage_every_window(seat, act, who):
    assert isinstance(WINDOW_ACTS[act](seat, MANAGERS[who]()), WindowSeat)


TICKET_ACTS = {
    "cancel": lambda ticket, actor: tickets.ticket_cancel(ticket=ticket, actor=actor),
    "priority": lambda ticket, actor: tickets.priority_confirm(
        ticket=ticket, group="ill", actor=actor
    ),
    "requeue": lambda ticket, actor: calling.requeue(ticket=ticket, actor=actor),
}


@pytest.mark.parametrize("act", TICKET_ACTS)
def test_a_supervisor_of_some_departments_does_not_act_on_tickets(monday, category, watcher, act):
    ticket = TicketFactory(category=category)
    with pytest.raises(HallPermissionDenied) as refused:
        TICKET_ACTS[act](ticket, watcher)
    assert SAYS_WHY in str(refused.value)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority_confirmed_at) == (TicketStatus.WAITING, None)


@pytest.mark.parametrize("who", MANAGERS)
def test_the_managers_act_on_tickets_of_every_hall(monday, category, who):
    manager = MANAGERS[who]()
    confirmed = TICKET_ACTS["priority"](TicketFactory(category=category), manager)
    assert confirmed.priority_confirmed_by == manager
    cancelled = TICKET_ACTS["cancel"](TicketFactory(category=category), manager)
    assert cancelled.status == TicketStatus.CANCELLED


def _booked(at, category):
    at(2026, 11, 2, 10)
    person = make_citizen("赵丽", id_number=resident_id(501), phone="13911112222").user
    return appointments.appointment_book(
        category_id=category.pk, day=datetime.date(2026, 11, 3), slot=datetime.time(9), actor=person
    )


def _book_for_someone(category, actor):
    return appointments.appointment_book(
        category_id=category.pk,
        day=datetime.date(2026, 11, 3),
        slot=datetime.time(10),
        actor=actor,
        name="电话预约",
        id_number=resident_id(502),
    )


def test_a_supervisor_of_some_departments_manages_no_appointment(at, category, watcher):
    booked = _booked(at, category)
    with pytest.raises(HallPermissionDenied) as refused:
        appointments.appointment_cancel(appointment=booked, actor=watcher)
    assert SAYS_WHY in str(refused.value)
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.BOOKED
    with pytest.raises(HallPermissionDenied) as refused:
        _book_for_someone(category, watcher)
    assert SAYS_WHY in str(refused.value)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("who", MANAGERS)
def test_the_managers_manage_appointments(at, category, who):
    manager = MANAGERS[who]()
    booked = _booked(at, category)
    cancelled = appointments.appointment_cancel(appointment=booked, actor=manager)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert _book_for_someone(category, manager).status == AppointmentStatus.BOOKED


# --- the pages ------------------------------------------------------------------------------


def test_a_supervisor_of_some_departments_sees_the_hall_view_but_no_window_management(
    client, seat, watcher
):
    TicketFactory(category=seat.categories.get())
    code = seat.window.hall.code
    windows_url = reverse("hall:windows", args=[code])
    client.force_login(watcher)
    overview = client.get(reverse("hall:overview"), {"hall": code})
    assert overview.status_code == 200
    body = overview.content.decode()
    assert 'data-testid="overview-linked-only"' in body  # their scope, as before
    assert 'data-testid="overview-waiting">0 人<' in body
    assert windows_url not in body  # no 窗口管理 button
    page = client.get(windows_url)
    assert page.status_code == 403
    assert SAYS_WHY in page.content.decode()
    before = _seat_now(seat)
    posted = client.post(
        reverse("hall:window-act", args=[code, seat.window.pk]),
        {"action": "state", "state": WindowState.CLOSED},
    )
    assert posted.status_code == 403
    assert SAYS_WHY in posted.content.decode()
    assert _seat_now(seat) == before
    assert client.post(reverse("hall:kiosk-exit")).status_code == 403  # not hall staff


@pytest.mark.parametrize("who", MANAGERS)
def test_the_managers_see_the_hall_view_and_manage_its_windows(client, seat, who):
    TicketFactory(category=seat.categories.get())
    code = seat.window.hall.code
    windows_url = reverse("hall:windows", args=[code])
    client.force_login(MANAGERS[who]())
    body = client.get(reverse("hall:overview"), {"hall": code}).content.decode()
    assert 'data-testid="overview-waiting">1 人<' in body
    assert windows_url in body
    assert client.get(windows_url).status_code == 200
    posted = client.post(
        reverse("hall:window-act", args=[code, seat.window.pk]),
        {"action": "state", "state": WindowState.CLOSED},
    )
    assert posted.status_code == 302
    assert _seat_now(seat)[:2] == (WindowState.CLOSED, None)


# --- the API -------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_figures_api_answers_a_supervisor_of_some_departments_in_their_scope(seat, watcher):
    TicketFactory(category=seat.categories.get())
    answer = _api(watcher).get(f"/api/v1/hall/halls/{seat.window.hall_id}/figures/")
    assert answer.status_code == 200
    assert answer.json()["linked_only"] is True
    assert answer.json()["hall"]["issued"] == 0


def _clerk_seated_then_unassigned(category, *, district_wide: bool):
    """A clerk who is a supervisor too, seated at a window of ``category``'s hall, whose
    window an administrator then took away (``StaffProfile.window`` none): at that seat
    only a manager may still act."""
    user = UserFactory(roles=[Role.CLERK, Role.SUPERVISOR])
    if district_wide:
        staff_set_district_wide(user=user, district_wide=True)
    else:
        staff_grant_department(user=user, department=DepartmentFactory(), supervise=True)
    window = WindowFactory(hall=category.hall, number=77)
    windows.window_set_categories(
        window=window, category_ids=[category.pk], actor=UserFactory(system_admin=True)
    )
    staff_assign_window(user=user, window=window)
    windows.window_open(window=window, actor=User.objects.get(pk=user.pk))
    staff_assign_window(user=user, window=None)
    return User.objects.get(pk=user.pk), window


def test_the_window_api_refuses_a_supervisor_of_some_departments_a_managers_act(monday, category):
    user, window = _clerk_seated_then_unassigned(category, district_wide=False)
    answer = _api(user).post("/api/v1/hall/window/", {"state": "closed"}, format="json")
    assert answer.status_code == 403
    assert SAYS_WHY in answer.json()["detail"]
    assert WindowSeat.objects.get(window=window).state == WindowState.OPEN


def test_the_window_api_lets_a_district_wide_supervisor_close_the_window(monday, category):
    user, window = _clerk_seated_then_unassigned(category, district_wide=True)
    answer = _api(user).post("/api/v1/hall/window/", {"state": "closed"}, format="json")
    assert answer.status_code == 200, answer.json()
    assert WindowSeat.objects.get(window=window).state == WindowState.CLOSED
