"""The index of supervision's case search: applications newest first (built
concurrently on PostgreSQL: the table holds every case)."""

from django.db import migrations, models

from jinpu_portal.migration_operations import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0009_random_file_names"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="application",
            index=models.Index(fields=["-submitted_at", "-id"], name="application_submitted"),
        ),
    ]
