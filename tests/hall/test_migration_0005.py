"""Migration hall.0005 on a database that holds rows its index forbids: a booking made
after a visit of the same day (allowed before the service refused it) is cancelled with
an event saying why; two visits of one day stop the migration, naming the rows."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hall.constants import AppointmentStatus, TicketAction
from hall.models import Appointment, TicketEvent
from tests.factories import ServiceCategoryFactory, resident_id

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("hall", "0004_ticket_status_expired")]
AFTER = [("hall", "0005_appointment_one_live_per_day")]
DAY = datetime.date(2026, 11, 3)
PERSON = resident_id(601)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.fixture
def before_0005():
    """The database at hall.0004 (only booked rows unique); back at the newest after."""
    migrate(BEFORE)
    yield
    migrate(AFTER)


def appointment(category, code, status, id_number=PERSON):
    return Appointment.objects.create(
        hall=category.hall,
        category=category,
        day=DAY,
        slot=datetime.time(9, 0),
        name="赵丽",
        id_number=id_number,
        code=code,
        status=status,
    )


def test_a_booking_after_a_visit_of_the_day_is_cancelled(before_0005):
    category = ServiceCategoryFactory()
    appointment(category, "AAAA2222", AppointmentStatus.CHECKED_IN)
    second = appointment(category, "BBBB3333", AppointmentStatus.BOOKED)
    appointment(category, "CCCC4444", AppointmentStatus.BOOKED, resident_id(602))

    migrate(AFTER)

    statuses = dict(Appointment.objects.values_list("code", "status"))
    assert statuses == {
        "AAAA2222": AppointmentStatus.CHECKED_IN,
        "BBBB3333": AppointmentStatus.CANCELLED,
        "CCCC4444": AppointmentStatus.BOOKED,
    }
    second.refresh_from_db()
    assert second.cancelled_at is not None
    event = TicketEvent.objects.get(action=TicketAction.BOOKING_CANCELLED)
    assert event.details["appointment"] == second.pk
    assert "重复预约" in event.details["reason"]
    assert event.actor_id is None
    assert event.ticket_id is None


def test_two_visits_of_one_day_stop_the_migration_and_are_named(before_0005):
    category = ServiceCategoryFactory()
    first = appointment(category, "DDDD5555", AppointmentStatus.CHECKED_IN)
    second = appointment(category, "EEEE6666", AppointmentStatus.LATE)

    with pytest.raises(RuntimeError, match=rf"\[{first.pk}, {second.pk}\]"):
        migrate(AFTER)

    assert Appointment.objects.filter(status=AppointmentStatus.CANCELLED).count() == 0
    Appointment.objects.filter(pk=second.pk).update(status=AppointmentStatus.CANCELLED)
