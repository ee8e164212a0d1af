"""Appointments (预约): half-hour slots of working days, the limit per slot and
category, one per person and day, cancelling, checking in at the kiosk (in the slot:
the appointment lane; late beyond the grace period: a normal ticket), and the order of
service once due."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from hall.constants import AppointmentStatus, Lane, TicketAction, TicketSource
from hall.errors import HallError, HallPermissionDenied
from hall.models import Appointment, TicketEvent
from hall.selectors import slots
from hall.services import appointments, calling
from jinpu_portal.models import Notification
from tests.factories import (
    HallWindowFactory,
    ServiceCategoryFactory,
    TicketFactory,
    UserFactory,
    make_citizen,
    resident_id,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 2)
TUESDAY = datetime.date(2026, 11, 3)
NINE = datetime.time(9, 0)


@pytest.fixture
def person(db):
    """A citizen with a verified identity and an account (role citizen)."""
    return make_citizen("赵丽", id_number=resident_id(501), phone="13911112222").user


def book(category, user, day=TUESDAY, slot=NINE, **kwargs):
    return appointments.appointment_book(
        category_id=category.pk, day=day, slot=slot, actor=user, **kwargs
    )


def test_a_citizen_books_a_slot_and_gets_the_code(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    appointment = book(category, person)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.name == "赵丽"
    assert appointment.id_number == resident_id(501)
    assert appointment.mobile == "13911112222"
    assert len(appointment.code) == 8
    message = Notification.objects.get(recipient=person)
    assert appointment.code in message.body
    assert TicketEvent.objects.filter(action=TicketAction.BOOKED).count() == 1


def test_the_limit_per_slot_and_category(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory(appointment_limit=2)
    other = ServiceCategoryFactory(hall=category.hall, appointment_limit=2)
    clerk = HallWindowFactory(categories=[category]).clerk
    for n in range(2):
        appointments.appointment_book(
            category_id=category.pk,
            day=TUESDAY,
            slot=NINE,
            actor=clerk,
            name=f"电话预约{n}",
            id_number=resident_id(600 + n),
            mobile="13900001111",
        )
    with pytest.raises(HallError) as error:
        book(category, person)
    assert error.value.code == "slot_full"
    book(category, person, slot=datetime.time(9, 30))  # the next slot is free
    book(other, person)  # and the same slot of another category
    free = {slot.start: slot.free for slot in slots(category, TUESDAY)}
    assert free[NINE] == 0
    assert free[datetime.time(9, 30)] == 1
    assert free[datetime.time(10, 0)] == 2


def test_a_cancelled_place_is_free_again(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory(appointment_limit=1)
    first = book(category, person)
    appointments.appointment_cancel(appointment=first, actor=person)
    other = make_citizen(id_number=resident_id(502)).user
    assert book(category, other).status == AppointmentStatus.BOOKED


def test_one_appointment_per_person_category_and_day(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    book(category, person)
    with pytest.raises(HallError) as error:
        book(category, person, slot=datetime.time(14, 0))
    assert error.value.code == "booked"
    assert book(category, person, day=datetime.date(2026, 11, 4)).day.day == 4  # another day


@pytest.mark.parametrize("late", [False, True], ids=["checked-in", "late"])
def test_after_the_check_in_the_same_service_that_day_is_not_booked_again(at, person, late):
    """Checked in (a ticket in hand, or passed, or served): a second appointment of the
    same service that day would be a second live appointment and a second ticket. The
    citizen is told to take a ticket at the hall; nothing is booked. Another service
    that day, or the same one another day, may still be booked."""
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    other = ServiceCategoryFactory(hall=category.hall)
    first = book(category, person)
    at(2026, 11, 3, 9, 40 if late else 8, 50)
    appointments.appointment_check_in(code=first.code, hall_id=category.hall_id)
    first.refresh_from_db()
    assert first.status == (AppointmentStatus.LATE if late else AppointmentStatus.CHECKED_IN)
    for slot in (datetime.time(14, 0), datetime.time(10, 0)):
        with pytest.raises(HallError) as error:
            book(category, person, slot=slot)
        assert error.value.code == "checked_in"
        assert error.value.messages == [
            "您当天已凭预约签到取号办理该业务，不能再预约；如需再次办理，请到大厅直接取号。"
        ]
    assert Appointment.objects.count() == 1
    assert TicketEvent.objects.filter(action=TicketAction.BOOKED).count() == 1
    # Nor by a clerk's telephone booking for the same person.
    clerk = HallWindowFactory(categories=[category]).clerk
    with pytest.raises(HallError):
        appointments.appointment_book(
            category_id=category.pk,
            day=TUESDAY,
            slot=datetime.time(14, 0),
            actor=clerk,
            name="赵丽",
            id_number=resident_id(501),
            mobile="13911112222",
        )
    assert book(other, person, slot=datetime.time(14, 0)).status == AppointmentStatus.BOOKED
    assert book(category, person, day=datetime.date(2026, 11, 4)).status == AppointmentStatus.BOOKED


def _written_past_the_service(booked: Appointment, status: str, code: str) -> Appointment:
    """Another appointment of ``booked``'s person, category and day with ``status``,
    written straight to the table (an import, the admin, a script): no service check."""
    return Appointment.objects.create(
        hall_id=booked.hall_id,
        category_id=booked.category_id,
        day=booked.day,
        slot=datetime.time(14, 0),
        name=booked.name,
        id_number=booked.id_number,
        code=code,
        status=status,
    )


@pytest.mark.parametrize(
    "status",
    [AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.LATE],
)
def test_the_database_refuses_a_second_live_appointment_of_the_day(at, person, status):
    """The partial unique index covers every live appointment (booked, checked in, late),
    so the rule holds for a writer past ``appointment_book``; cancelled ones are outside
    it: any number of them, and a cancelled one frees the day."""
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    first = book(category, person)
    Appointment.objects.filter(pk=first.pk).update(status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        _written_past_the_service(first, AppointmentStatus.BOOKED, "ROGUE234")
    _written_past_the_service(first, AppointmentStatus.CANCELLED, "GONE2345")
    _written_past_the_service(first, AppointmentStatus.CANCELLED, "GONE3456")
    if status == AppointmentStatus.BOOKED:
        appointments.appointment_cancel(appointment=first, actor=person)
        assert book(category, person, slot=datetime.time(10, 0)).status == status
    assert Appointment.objects.filter(status__in=appointments.LIVE_STATUSES).count() == 1


def test_a_check_in_written_past_the_service_meanwhile_answers_checked_in(at, person, monkeypatch):
    """A checked-in appointment of the person written straight to the table just after
    the booking's check: the booking's insert meets the unique index, and the person is
    told why (``checked_in``), not an error page or a code-generation failure."""
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    first = book(category, person)
    appointments.appointment_cancel(appointment=first, actor=person)
    checked = appointments._refuse_second

    def checked_then_written(live, id_number):
        checked(live, id_number)
        if not live.filter(id_number=id_number).exists():
            _written_past_the_service(first, AppointmentStatus.CHECKED_IN, "ROGUE234")

    monkeypatch.setattr(appointments, "_refuse_second", checked_then_written)
    with pytest.raises(HallError) as error:
        book(category, person, slot=datetime.time(10, 0))
    assert error.value.code == "checked_in"
    assert "已凭预约签到取号" in error.value.messages[0]


@pytest.mark.parametrize(
    ("day", "slot", "code"),
    [
        (datetime.date(2026, 11, 7), NINE, "not_working_day"),  # a Saturday
        (datetime.date(2026, 10, 1), NINE, "invalid"),  # the past
        (datetime.date(2026, 11, 30), NINE, "invalid"),  # beyond HALL_APPOINTMENT_DAYS
        (MONDAY, NINE, "slot_past"),  # began an hour ago
        (TUESDAY, datetime.time(12, 0), "invalid"),  # lunch: not a slot
        (TUESDAY, datetime.time(9, 15), "invalid"),  # not a half hour
    ],
)
def test_slots_outside_the_rules_are_refused(at, person, day, slot, code):
    at(2026, 11, 2, 10)
    with pytest.raises(HallError) as error:
        book(ServiceCategoryFactory(), person, day=day, slot=slot)
    assert error.value.code == code
    assert not Appointment.objects.exists()


def test_an_unverified_account_cannot_book(at):
    at(2026, 11, 2, 10)
    user = make_citizen(verified=False, id_number=resident_id(503)).user
    with pytest.raises(HallError) as error:
        book(ServiceCategoryFactory(), user)
    assert error.value.code == "not_verified"


def test_a_category_without_appointments(at, person):
    at(2026, 11, 2, 10)
    with pytest.raises(HallError):
        book(ServiceCategoryFactory(appointment_limit=0), person)


def test_only_the_booker_cancels(at, person):
    at(2026, 11, 2, 10)
    appointment = book(ServiceCategoryFactory(), person)
    stranger = UserFactory(citizen=True)
    with pytest.raises(HallPermissionDenied):
        appointments.appointment_cancel(appointment=appointment, actor=stranger)


def test_check_in_within_the_grace_period_joins_the_appointment_lane(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    appointment = book(category, person)
    at(2026, 11, 3, 9, 10)  # ten minutes into the slot (grace: 15)
    issued = appointments.appointment_check_in(code=appointment.code.lower())
    ticket = issued.ticket
    assert ticket.lane == Lane.APPOINTMENT
    assert ticket.source == TicketSource.APPOINTMENT
    assert ticket.id_number == resident_id(501)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CHECKED_IN
    with pytest.raises(HallError) as error:
        appointments.appointment_check_in(code=appointment.code)
    assert error.value.code == "appointment"


def test_a_late_check_in_becomes_a_normal_ticket(at, person, settings):
    settings.HALL_APPOINTMENT_GRACE_MINUTES = 15
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    appointment = book(category, person)
    at(2026, 11, 3, 9, 16)
    ticket = appointments.appointment_check_in(code=appointment.code).ticket
    assert ticket.lane == Lane.NORMAL
    assert ticket.due_at is None
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LATE


def test_check_in_on_another_day_or_hall_is_refused(at, person):
    at(2026, 11, 2, 10)
    appointment = book(ServiceCategoryFactory(), person)
    with pytest.raises(HallError):
        appointments.appointment_check_in(code=appointment.code)  # Monday: not its day
    at(2026, 11, 3, 9)
    with pytest.raises(HallError):
        appointments.appointment_check_in(code=appointment.code, hall_id=appointment.hall_id + 1)
    with pytest.raises(HallError):
        appointments.appointment_check_in(code="NOSUCH00")


def test_a_due_appointment_is_served_before_earlier_walk_ins(at, person):
    at(2026, 11, 2, 10)
    category = ServiceCategoryFactory()
    seat = HallWindowFactory(categories=[category])
    appointment = book(category, person)
    at(2026, 11, 3, 8, 40)
    walk_in = TicketFactory(category=category)
    at(2026, 11, 3, 8, 50)  # checked in before the slot: waits as first come until 9:00
    booked = appointments.appointment_check_in(code=appointment.code).ticket
    at(2026, 11, 3, 8, 55)
    later = TicketFactory(category=category)
    assert calling.call_next(window=seat.window, actor=seat.clerk).pk == walk_in.pk
    calling.service_start(ticket=walk_in, window=seat.window, actor=seat.clerk)
    calling.service_end(ticket=walk_in, window=seat.window, actor=seat.clerk)
    at(2026, 11, 3, 9, 1)  # the slot has begun: before the earlier walk-in
    TicketFactory(category=category)
    assert calling.call_next(window=seat.window, actor=seat.clerk).pk == booked.pk
    calling.service_start(ticket=booked, window=seat.window, actor=seat.clerk)
    calling.service_end(ticket=booked, window=seat.window, actor=seat.clerk)
    assert calling.call_next(window=seat.window, actor=seat.clerk).pk == later.pk
