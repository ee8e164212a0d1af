"""Two hall managers editing one thing: the categories a window serves and who sits
at it (window management), and a business category's settings (the admin). The second save of a page
shown before the first was saved is refused instead of undoing the first."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hall.errors import HallConflict
from hall.models import WindowSeat
from hall.services.windows import (
    SEATING_CHANGED,
    categories_token,
    window_seat,
    window_set_categories,
)
from jinpu_portal.concurrency import STALE_MESSAGE
from tests.catalog.test_admin import form_data
from tests.concurrency import run_at_once
from tests.factories import ServiceCategoryFactory, UserFactory, make_clerk, make_supervisor
from tests.hall.pages_support import hall_scene


@pytest.fixture
def scene(clerk, supervisor):
    return hall_scene(clerk, supervisor)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seen_on(page, window) -> str:
    """The categories form's token of ``window`` on the windows page ("" if none)."""
    html = page.content.decode()
    form = re.search(
        rf'action="{reverse("hall:window-act", args=["JP", window.pk])}"[^>]*>'
        r'(?:(?!</form>).)*?name="action" value="categories"(?:(?!</form>).)*?</form>',
        html,
        re.S,
    )
    assert form is not None
    token = re.search(r'name="seen" value="([^"]*)"', form.group(0))
    return token.group(1) if token else ""


def seating_seen_on(page) -> str:
    """The token of the hall's seating that the page's 安排坐席 forms send."""
    forms = re.findall(
        r'name="action" value="clerk">\s*<input type="hidden" name="seen" value="([^"]*)"',
        page.content.decode(),
    )
    assert len(set(forms)) == 1, forms  # one token, in every window's form
    return forms[0]


def seated(window):
    return WindowSeat.objects.get(window=window).clerk_id


def served(window) -> set[int]:
    return set(WindowSeat.objects.get(window=window).categories.values_list("pk", flat=True))


def test_a_stale_windows_page_does_not_undo_a_colleagues_categories(scene, supervisor):
    c = ServiceCategoryFactory(hall=scene.hall, letter="C", name="社会事务", order=3)
    first, second = signed_in(supervisor), signed_in(UserFactory(system_admin=True))
    url = reverse("hall:windows", args=["JP"])
    act = reverse("hall:window-act", args=["JP", scene.window.pk])
    first_seen = seen_on(first.get(url), scene.window)
    second_seen = seen_on(second.get(url), scene.window)

    ids = [scene.a.pk, scene.b.pk, c.pk]
    first.post(act, {"action": "categories", "categories": ids, "seen": first_seen})
    assert served(scene.window) == set(ids)

    # the second manager's page still shows A and B; they untick B
    response = second.post(
        act, {"action": "categories", "categories": [scene.a.pk], "seen": second_seen}
    )

    assert response.status_code == 302
    assert served(scene.window) == set(ids)  # C kept, B not taken off by a stale page
    page = second.get(url)
    assert STALE_MESSAGE in page.content.decode()
    # reloaded, the manager's change goes through
    response = second.post(
        act,
        {
            "action": "categories",
            "categories": [scene.a.pk, c.pk],
            "seen": seen_on(page, scene.window),
        },
    )
    assert served(scene.window) == {scene.a.pk, c.pk}


def test_a_category_edited_by_two_managers_in_the_admin(scene):
    first, second = (signed_in(UserFactory(system_admin=True)) for _ in range(2))
    url = reverse("admin:hall_servicecategory_change", args=[scene.a.pk])
    first_data, second_data = form_data(first.get(url)), form_data(second.get(url))

    first_data["appointment_limit"] = "1"  # a manager lowers the limit per slot (2)
    assert first.post(url, first_data).status_code == 302
    second_data["name"] = "企业开办"  # the other renames it on an older page
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    scene.a.refresh_from_db()
    assert (scene.a.appointment_limit, scene.a.name) == (1, "企业登记")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_setting_a_windows_categories_at_once(clerk):
    manager = make_supervisor(username="supervisor-lu")
    scene = hall_scene(clerk, manager)
    seen = categories_token([scene.a.pk, scene.b.pk])  # both pages show A and B

    results = run_at_once(
        lambda: window_set_categories(
            window=scene.window, category_ids=[scene.a.pk], actor=manager, seen=seen
        ),
        lambda: window_set_categories(
            window=scene.window, category_ids=[scene.b.pk], actor=manager, seen=seen
        ),
    )

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, HallConflict)
    assert error.messages == [STALE_MESSAGE]
    assert served(scene.window) in ({scene.a.pk}, {scene.b.pk})


def test_the_seat_admin_writes_back_no_state_it_read_before_its_lock(scene, monkeypatch):
    """The seat's page edits its categories only; its state and clerk are the window
    services'. A window closed by its clerk between the admin's read of the row and its
    save stays closed (the admin's whole-row save wrote the state it had read)."""
    from hall.admin import WindowSeatAdmin
    from hall.constants import WindowState

    seat = WindowSeat.objects.get(window=scene.window)
    client = signed_in(UserFactory(system_admin=True))
    url = reverse("admin:hall_windowseat_change", args=[seat.pk])
    data = form_data(client.get(url))
    data["categories"] = [str(scene.a.pk)]
    read = WindowSeatAdmin.get_object

    def read_then_the_clerk_closes(self, request, object_id, from_field=None):
        found = read(self, request, object_id, from_field)
        if request.method == "POST":  # a service commits between the read and the save
            WindowSeat.objects.filter(pk=seat.pk).update(state=WindowState.CLOSED, clerk=None)
        return found

    monkeypatch.setattr(WindowSeatAdmin, "get_object", read_then_the_clerk_closes)
    assert client.post(url, data).status_code == 302

    seat.refresh_from_db()
    assert (seat.state, seat.clerk_id) == (WindowState.CLOSED, None)
    assert served(scene.window) == {scene.a.pk}


def test_a_stale_windows_page_does_not_replace_whom_a_colleague_seated(scene, clerk, supervisor):
    """安排坐席 from a page shown before a colleague seated someone else at the window:
    refused, with the reason, instead of silently taking the colleague's clerk off."""
    other, third = make_clerk(number=5), make_clerk(number=6)
    first, second = signed_in(supervisor), signed_in(UserFactory(system_admin=True))
    url = reverse("hall:windows", args=["JP"])
    act = reverse("hall:window-act", args=["JP", scene.window.pk])
    first_seen, second_seen = seating_seen_on(first.get(url)), seating_seen_on(second.get(url))

    second.post(act, {"action": "clerk", "clerk": other.pk, "seen": second_seen})
    assert seated(scene.window) == other.pk
    response = first.post(act, {"action": "clerk", "clerk": third.pk, "seen": first_seen})

    assert response.status_code == 302
    assert seated(scene.window) == other.pk  # the colleague's choice stands
    page = first.get(url)
    assert SEATING_CHANGED in page.content.decode()
    # reloaded, the page shows who sits there now and the manager's choice goes through
    first.post(act, {"action": "clerk", "clerk": third.pk, "seen": seating_seen_on(page)})
    assert seated(scene.window) == third.pk


def test_the_same_seating_sent_twice_is_done_once_not_refused(scene, supervisor):
    other = make_clerk(number=5)
    manager = signed_in(supervisor)
    url = reverse("hall:windows", args=["JP"])
    act = reverse("hall:window-act", args=["JP", scene.window.pk])
    form = {"action": "clerk", "clerk": other.pk, "seen": seating_seen_on(manager.get(url))}

    manager.post(act, form)
    manager.post(act, form)  # a double click: the page's token is stale by now

    assert seated(scene.window) == other.pk
    assert SEATING_CHANGED not in manager.get(url).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_seating_two_clerks_at_one_window_at_once(clerk):
    manager = make_supervisor(username="supervisor-lu")
    scene = hall_scene(clerk, manager)
    one, two = make_clerk(number=5), make_clerk(number=6)
    url = reverse("hall:windows", args=["JP"])
    seen = seating_seen_on(signed_in(manager).get(url))  # both pages show the same hall

    results = run_at_once(
        lambda: window_seat(window=scene.window, clerk=one, actor=manager, seen=seen),
        lambda: window_seat(window=scene.window, clerk=two, actor=manager, seen=seen),
    )

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, HallConflict)
    assert error.messages == [SEATING_CHANGED]
    assert seated(scene.window) in (one.pk, two.pk)
