"""The waiting counts per lane on the day's counter, counted once from the tickets."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

LANES = {"waiting_priority": 0, "waiting_appointment": 1, "waiting_normal": 2}


def count_waiting(apps, schema_editor):
    DayCounter = apps.get_model("hall", "DayCounter")
    Ticket = apps.get_model("hall", "Ticket")

    def waiting(lane):
        tickets = (
            Ticket.objects.filter(
                category_id=OuterRef("category_id"),
                day=OuterRef("day"),
                status="waiting",
                lane=lane,
            )
            .order_by()
            .values("category_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Coalesce(Subquery(tickets, output_field=IntegerField()), 0)

    DayCounter.objects.update(**{name: waiting(lane) for name, lane in LANES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("hall", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="daycounter",
            name="waiting_appointment",
            field=models.IntegerField(default=0, verbose_name="等候（预约）"),
        ),
        migrations.AddField(
            model_name="daycounter",
            name="waiting_normal",
            field=models.IntegerField(default=0, verbose_name="等候（普通）"),
        ),
        migrations.AddField(
            model_name="daycounter",
            name="waiting_priority",
            field=models.IntegerField(default=0, verbose_name="等候（绿色通道）"),
        ),
        migrations.RunPython(count_waiting, migrations.RunPython.noop),
    ]
