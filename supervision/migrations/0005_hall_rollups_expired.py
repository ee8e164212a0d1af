"""The hall rollups count the tickets closed as 已失效 (expired) in a column of their own.
The rows already built have 0 there: the next refresh rebuilds the hall rollups from
the tickets (``halls_built`` unset), as on a first run."""

from django.db import migrations, models


def rebuild_halls_next(apps, schema_editor):
    apps.get_model("supervision", "RollupState").objects.update(halls_built=False)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0004_rating_service_rollups"),
    ]

    operations = [
        migrations.AddField(
            model_name="hallday",
            name="expired",
            field=models.PositiveIntegerField(default=0, verbose_name="已失效"),
        ),
        migrations.AddField(
            model_name="hallmonth",
            name="expired",
            field=models.PositiveIntegerField(default=0, verbose_name="已失效"),
        ),
        migrations.RunPython(rebuild_halls_next, migrations.RunPython.noop),
    ]
