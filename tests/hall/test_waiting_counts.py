"""The waiting counts per lane on the day's counter (hall.services.waiting): they move
with every change of a ticket into or out of the waiting state, so they always equal a
count of the queue, and a new ticket's people ahead read from them equal the waiting
tickets of its lane and the lanes before it."""

import datetime

import pytest
from django.db.models import Count

from hall.constants import Lane, TicketStatus
from hall.models import DayCounter, Ticket
from hall.services import appointments, calling, tickets
from hall.services.waiting import WAITING_FIELDS, recount
from tests.factories import (
    HallWindowFactory,
    ServiceCategoryFactory,
    TicketFactory,
    make_citizen,
    resident_id,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 2)


def counted(category) -> dict[int, int]:
    """The counter's waiting counts of the category's Monday, per lane."""
    row = DayCounter.objects.filter(category=category, day=MONDAY).values(*WAITING_FIELDS.values())
    found = row.first() or dict.fromkeys(WAITING_FIELDS.values(), 0)
    return {lane: found[name] for lane, name in WAITING_FIELDS.items()}


def direct(category) -> dict[int, int]:
    """The same counted from the tickets."""
    rows = (
        Ticket.objects.filter(category=category, day=MONDAY, status=TicketStatus.WAITING)
        .values("lane")
        .annotate(n=Count("id"))
    )
    return {lane: 0 for lane in Lane.values} | {row["lane"]: row["n"] for row in rows}


def agree(*categories) -> None:
    for category in categories:
        assert counted(category) == direct(category), category.letter


def test_issuing_counts_each_ticket_in_its_lane_and_reads_the_people_ahead(monday, category):
    people = [TicketFactory(category=category) for _ in range(3)]
    assert [p.issued.ahead for p in people] == [0, 1, 2]
    # a claim of 绿色通道 is not confirmed yet: a normal ticket, behind the three
    claimed = TicketFactory(category=category, priority="elderly")
    assert (claimed.lane, claimed.issued.ahead) == (Lane.NORMAL, 3)
    assert counted(category) == {Lane.PRIORITY: 0, Lane.APPOINTMENT: 0, Lane.NORMAL: 4}
    agree(category)


def test_every_move_in_and_out_of_the_queue_keeps_the_counts(at, monday):
    a = ServiceCategoryFactory(letter="A")
    b = ServiceCategoryFactory(letter="B", hall=a.hall)
    seat = HallWindowFactory(categories=[a])
    window, clerk = seat.window, seat.clerk
    first, second, third, fourth = (TicketFactory(category=a) for _ in range(4))
    agree(a, b)

    tickets.priority_confirm(ticket=third, group="elderly", actor=clerk)  # normal → 绿色通道
    assert counted(a) == {Lane.PRIORITY: 1, Lane.APPOINTMENT: 0, Lane.NORMAL: 3}
    agree(a)

    called = calling.call_next(window=window, actor=clerk)  # the 绿色通道 ticket first
    assert called.pk == third.pk
    assert counted(a)[Lane.PRIORITY] == 0
    agree(a)

    tickets.ticket_cancel(ticket=fourth, actor=clerk)  # a waiting ticket leaves
    agree(a)
    assert counted(a)[Lane.NORMAL] == 2

    calling.transfer(ticket=third, window=window, actor=clerk, to_category=b)  # waits in B
    agree(a, b)
    assert counted(b)[Lane.PRIORITY] == 1

    called = calling.call_next(window=window, actor=clerk)
    assert called.pk == first.pk
    for _ in range(2):
        calling.recall(ticket=called, window=window, actor=clerk)
    calling.no_show(ticket=called, window=window, actor=clerk)  # no change: it was called
    agree(a)
    at(2026, 11, 2, 9, 30)
    calling.requeue(ticket=called, actor=clerk)  # back at the end of the queue
    agree(a)
    assert counted(a)[Lane.NORMAL] == 2

    # a new ticket's people ahead: the two waiting in A, whatever happened before
    assert TicketFactory(category=a).issued.ahead == 2
    # cancelling a called ticket, and confirming 绿色通道 on one, leave the counts alone
    called = calling.call_next(window=window, actor=clerk)
    assert called.pk == second.pk
    tickets.priority_confirm(ticket=called, group="ill", actor=clerk)
    tickets.ticket_cancel(ticket=called, actor=clerk)
    agree(a, b)


def test_an_appointment_counts_in_its_lane_ahead_of_normal_tickets(at):
    at(2026, 11, 1, 10)
    person = make_citizen(id_number=resident_id(502), phone="13911113333").user
    category = ServiceCategoryFactory()
    appointment = appointments.appointment_book(
        category_id=category.pk, day=MONDAY, slot=datetime.time(9, 0), actor=person
    )
    at(2026, 11, 2, 9, 5)
    TicketFactory(category=category)
    TicketFactory(category=category)
    checked_in = appointments.appointment_check_in(code=appointment.code)
    assert checked_in.ticket.lane == Lane.APPOINTMENT
    assert checked_in.ahead == 0  # the two normal tickets are behind it
    assert TicketFactory(category=category).issued.ahead == 3
    assert counted(category) == {Lane.PRIORITY: 0, Lane.APPOINTMENT: 1, Lane.NORMAL: 3}


def test_recount_sets_the_counts_from_the_tickets(monday, category):
    for _ in range(3):
        TicketFactory(category=category)
    DayCounter.objects.filter(category=category).update(waiting_normal=40, waiting_priority=-2)
    assert recount(hall=category.hall, day=MONDAY) == 1
    assert counted(category) == {Lane.PRIORITY: 0, Lane.APPOINTMENT: 0, Lane.NORMAL: 3}
