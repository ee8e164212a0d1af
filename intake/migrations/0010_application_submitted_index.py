"""The index of supervision's case search: applications newest first (built
concurrently: the table holds every case)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("intake", "0009_random_file_names"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="application",
            index=models.Index(fields=["-submitted_at", "-id"], name="application_submitted"),
        ),
    ]
