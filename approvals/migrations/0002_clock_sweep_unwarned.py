"""Index only: the sweep's catch-up of lights raised without a warning.

``approvals.services.sweep`` ends with ``UPDATE ... WHERE is_open AND light >
warned_level``: clocks whose light a service raised (a clock started or resumed already
late) and that are owed a warning. Such rows exist only between a service's write and the
next sweep, so this partial index stays tiny, and the sweep that changes nothing stays an
index lookup instead of a scan of every clock.

Raw SQL (both PostgreSQL and SQLite accept it) because the model (approvals/models/
clocks.py) does not declare the index yet; when it does, as

    models.Index(fields=["id"], name="clock_sweep_unwarned",
                 condition=Q(is_open=True, light__gt=F("warned_level")))

wrap this operation in SeparateDatabaseAndState with the matching AddIndex as its
state operation, so that makemigrations sees it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX "clock_sweep_unwarned" ON "approvals_clock" ("id") '
            'WHERE ("is_open" AND "light" > "warned_level")',
            reverse_sql='DROP INDEX "clock_sweep_unwarned"',
        )
    ]
