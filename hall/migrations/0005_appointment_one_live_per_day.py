"""One live appointment (booked, checked in or late) per person, category and day in the
database: the partial unique index, on booked ones only before, also covers the checked-in
ones (``appointment_book`` refuses them already; now a writer past it is refused too).
Cancelled ones stay outside it: a cancelled appointment frees the day.

Rows that break the rule already are bookings made after a visit of the same day, from
before the service refused them (the old index let one booked row stand beside a checked
in or late one). Such a booking is what the service refuses now, so it is cancelled, with
a ``booking_cancelled`` event that says why and names no actor. A person with two visits
of one category on one day (two checked-in or late rows) is history that cannot be
undone: the migration stops and names the rows for someone to look at."""

from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

LIVE = ["booked", "checked_in", "late"]
REASON = "迁移：当天已签到办理同一业务后的重复预约，按现行规则取消"


def cancel_bookings_after_a_visit(apps, schema_editor):
    Appointment = apps.get_model("hall", "Appointment")
    TicketEvent = apps.get_model("hall", "TicketEvent")
    groups = (
        Appointment.objects.filter(status__in=LIVE)
        .values("category", "day", "id_number")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    now = timezone.now()
    for group in groups:
        rows = Appointment.objects.filter(
            status__in=LIVE,
            category=group["category"],
            day=group["day"],
            id_number=group["id_number"],
        ).order_by("id")
        visits = [row.pk for row in rows if row.status != "booked"]
        if len(visits) > 1:
            raise RuntimeError(
                f"hall.0005: appointments {visits} are visits of one person to one category "
                "on one day; resolve them by hand (cancel all but one) and migrate again."
            )
        for row in rows:
            if row.status == "booked" and visits:
                row.status = "cancelled"
                row.cancelled_at = now
                row.save(update_fields=["status", "cancelled_at", "updated_at"])
                TicketEvent.objects.create(
                    hall_id=row.hall_id,
                    action="booking_cancelled",
                    at=now,
                    details={"appointment": row.pk, "reason": REASON},
                )


class Migration(migrations.Migration):
    dependencies = [("hall", "0004_ticket_status_expired")]

    operations = [
        migrations.RemoveConstraint(
            model_name="appointment",
            name="hall_appointment_one_per_day",
        ),
        migrations.RunPython(cancel_bookings_after_a_visit, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["booked", "checked_in", "late"])),
                fields=("category", "day", "id_number"),
                name="hall_appointment_one_per_day",
                violation_error_message="您当天已预约该业务（待签到或已签到），请勿重复预约。",
            ),
        ),
    ]
