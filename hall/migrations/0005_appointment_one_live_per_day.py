"""One live appointment (booked, checked in or late) per person, category and day in the
database: the partial unique index, on booked ones only before, also covers the checked-in
ones (``appointment_book`` refused them already; now a writer past it is refused too).
Cancelled ones stay outside it: a cancelled appointment frees the day. Rows that break
the rule already (a booking after a check-in from before the service refused it, or a
writer past the service) make this migration fail rather than be changed silently."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hall", "0004_ticket_status_expired")]

    operations = [
        migrations.RemoveConstraint(
            model_name="appointment",
            name="hall_appointment_one_per_day",
        ),
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
