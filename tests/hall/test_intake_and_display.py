"""From the ticket to the rating: the intake the serving window accepts is linked to
the ticket, ending the service offers its rating on the window's counter pad; and the
reads the pages poll: the marker, the display in two statements, the clerk's panel, the
supervisors' figures."""

import datetime

import pytest
from django.utils import timezone

from feedback.constants import Stage
from feedback.models import ServiceInstance
from feedback.services.pads import pad_create, pad_poll
from hall import selectors
from hall.constants import TicketAction
from hall.models import TicketEvent
from hall.services import calling, tickets
from intake.services.cases import counter_receive
from tests.factories import (
    HallWindowFactory,
    ServiceCategoryFactory,
    TicketFactory,
    accept_case,
    counter_draft,
    submit_online,
)

pytestmark = pytest.mark.django_db


def serve(seat, ticket=None):
    ticket = ticket or calling.call_next(window=seat.window, actor=seat.clerk)
    calling.service_start(ticket=ticket, window=seat.window, actor=seat.clerk)
    return ticket


def test_the_accepted_case_is_linked_and_offered_on_the_pad(
    at, citizen, item, settings, category, seat
):
    settings.FEEDBACK_PAD_RECENT_MINUTES = 5
    _pad, key = pad_create(window=seat.window, actor=seat.clerk)
    TicketFactory(category=category, id_number=citizen.id_number)
    ticket = serve(seat)
    application = accept_case(item, clerk=seat.clerk, applicant=citizen)
    ticket.refresh_from_db()
    assert ticket.application_id == application.pk
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketAction.APPLICATION).exists()
    instance = ServiceInstance.objects.get(application=application, stage=Stage.INTAKE)
    # the service goes on for ten minutes: past the pad's five, it would show nothing now
    at(2026, 11, 2, 9, 10)
    assert pad_poll(key).current is None
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    instance.refresh_from_db()
    assert instance.served_at == timezone.now()
    assert pad_poll(key).current == instance.pk


def test_the_link_finds_and_links_the_ticket_in_one_statement(
    citizen, item, category, seat, django_assert_num_queries
):
    """The ticket in service is found and linked by one UPDATE; its event, saying what
    the service produced, is the second statement. A window serving nobody new (its
    ticket linked to another application) pays the UPDATE alone."""
    from hall.receivers import link_application
    from intake.services.cases import case_accepted

    TicketFactory(category=category, id_number=citizen.id_number)
    ticket = serve(seat)
    # Received at the window during the service: that visit's (``hall.receivers``).
    application = counter_receive(
        application=counter_draft(seat.clerk, citizen, item), actor=seat.clerk
    )
    with django_assert_num_queries(2) as queries:
        link_application(None, signal=case_accepted, application=application, actor=seat.clerk)
    assert queries.captured_queries[0]["sql"].lstrip().startswith("UPDATE hall_ticket")
    ticket.refresh_from_db()
    assert ticket.application_id == application.pk
    event = TicketEvent.objects.get(ticket=ticket, action=TicketAction.APPLICATION)
    assert (event.hall_id, event.window_id, event.actor_id) == (
        ticket.hall_id,
        seat.window.pk,
        seat.clerk.pk,
    )
    assert event.details == {"application": application.pk, "outcome": "accept"}
    other = counter_receive(application=counter_draft(seat.clerk, citizen, item), actor=seat.clerk)
    with django_assert_num_queries(1):  # linked to another application: nobody new
        link_application(None, signal=case_accepted, application=other, actor=seat.clerk)
    assert TicketEvent.objects.filter(action=TicketAction.APPLICATION).count() == 1
    # An online application pre-reviewed at the window, not marked for the visit, is
    # not looked for: no statement.
    online = submit_online(citizen, item)
    online.window_id = seat.window.pk  # as the acceptance at this window sets it
    with django_assert_num_queries(0):
        link_application(None, signal=case_accepted, application=online, actor=seat.clerk)


def test_the_panel_names_the_case_only_to_whoever_may_see_it(
    citizen, item, category, seat, approver, django_assert_num_queries
):
    """The panel's cases (``page_selectors.panel_cases``): the ticket in service and
    today's served ones, each with what its intake produced and the case as a link to
    the clerk's page, for a user who may see the case there (intake's rule); for anyone
    else, the outcome alone. Two statements, whatever the number of tickets."""
    from django.urls import reverse

    from hall import page_selectors

    TicketFactory(category=category, id_number=citizen.id_number)
    TicketFactory(category=category)
    ticket = serve(seat)
    application = accept_case(item, clerk=seat.clerk, applicant=citizen)
    current = page_selectors.panel_state(seat.window)["current"]
    link = {
        "outcome": "受理",
        "case_number": application.case_number,
        "kind": "办件",
        "number": application.case_number,
        "url": reverse("intake:workbench-application", args=[application.pk]),
    }
    assert page_selectors.panel_cases(seat.window, user=seat.clerk, current=current) == {
        "current_case": link,
        "served": [],
    }
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    calling.service_end(ticket=serve(seat), window=seat.window, actor=seat.clerk)
    with django_assert_num_queries(2):
        cases = page_selectors.panel_cases(seat.window, user=seat.clerk, current=None)
    assert [(row["label"], row["case"]) for row in cases["served"]] == [
        (f"{category.letter}002", None),
        (f"{category.letter}001", link),
    ]
    # An approver sees cases through their tasks, not at the window: what the service
    # produced, without its number or link.
    outsider = page_selectors.panel_cases(seat.window, user=approver, current=None)
    assert [row["case"] for row in outsider["served"]] == [None, {"outcome": "受理"}]


def test_an_intake_at_a_window_serving_nobody_links_nothing(citizen, item, category, seat):
    TicketFactory(category=category)
    calling.call_next(window=seat.window, actor=seat.clerk)  # called, not yet served
    accept_case(item, clerk=seat.clerk, applicant=citizen)
    assert not TicketEvent.objects.filter(action=TicketAction.APPLICATION).exists()


def test_the_marker_moves_with_every_act(category, seat):
    hall_id = category.hall_id
    before = selectors.hall_marker(hall_id)
    ticket = TicketFactory(category=category)
    after_issue = selectors.hall_marker(hall_id)
    assert after_issue > before
    calling.call_next(window=seat.window, actor=seat.clerk)
    after_call = selectors.hall_marker(hall_id)
    assert after_call > after_issue
    calling.recall(ticket=ticket, window=seat.window, actor=seat.clerk)
    assert selectors.hall_marker(hall_id) > after_call


def test_the_display_in_two_statements(at, django_assert_num_queries):
    at(2026, 11, 2, 9)
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    one = HallWindowFactory(categories=[a, b])
    two = HallWindowFactory(categories=[a, b])
    for category in (a, a, a, b):
        TicketFactory(category=category)
    calling.call_next(window=one.window, actor=one.clerk)
    at(2026, 11, 2, 9, 1)
    calling.call_next(window=two.window, actor=two.clerk)
    with django_assert_num_queries(2):
        state = selectors.display_state(a.hall_id)
    assert [call.label for call in state.calls] == ["A002", "A001"]  # newest first
    assert state.calls[0].window_number == two.window.number
    assert [(c.letter, c.waiting) for c in state.categories] == [("A", 1), ("B", 1)]
    assert state.waiting == 2
    assert state.marker == selectors.hall_marker(a.hall_id)
    # a recall puts its ticket first again
    at(2026, 11, 2, 9, 2)
    calling.recall(ticket=_called(one), window=one.window, actor=one.clerk)
    assert selectors.display_state(a.hall_id).calls[0].label == "A001"


def _called(seat):
    return selectors.window_panel(seat.window).current


def test_the_clerks_panel(at):
    at(2026, 11, 2, 9)
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    seat = HallWindowFactory(categories=[a])
    TicketFactory(category=b)
    first = TicketFactory(category=a)
    at(2026, 11, 2, 9, 1)
    elderly = TicketFactory(category=a)
    tickets.priority_confirm(ticket=elderly, group="elderly", actor=seat.clerk)
    panel = selectors.window_panel(seat.window)
    assert [t.pk for t in panel.queue] == [elderly.pk, first.pk]
    assert panel.waiting == 2
    assert panel.current is None
    assert [c.letter for c in panel.categories] == ["A"]


def test_the_supervisors_figures(at):
    at(2026, 11, 2, 9)
    category = ServiceCategoryFactory(letter="A")
    seat = HallWindowFactory(categories=[category])
    for _ in range(3):
        TicketFactory(category=category)
    at(2026, 11, 2, 9, 40)  # the first waited 40 minutes
    ticket = serve(seat)
    at(2026, 11, 2, 9, 50)
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    at(2026, 11, 2, 9, 52)
    ticket = serve(seat)
    at(2026, 11, 2, 9, 58)
    calling.service_end(ticket=ticket, window=seat.window, actor=seat.clerk)
    figures = selectors.hall_figures(category.hall_id)
    hall = figures.hall
    assert (hall.issued, hall.waiting, hall.served, hall.no_show) == (3, 1, 2, 0)
    assert hall.average_wait == datetime.timedelta(minutes=46)  # 40 and 52
    assert hall.average_service_minutes == 8.0  # 10 and 6
    assert hall.long_waits == 3  # two served after 40+ minutes, one still waiting 58
    [row] = figures.categories
    assert row.name == f"A {category.name}"
    assert row.issued == 3
    [window] = figures.windows
    assert window.served == 2
    assert window.name == f"{seat.window.number} 号窗口"
