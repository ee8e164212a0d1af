"""即办件 concluded on the spot before their hand-over was recorded (the receiver of
``case_concluded`` writes it since approvals recorded it, commit fe53728) have no
``Delivery``: their 办理结果 card showed no delivery and the counter's record no
结果送达. This writes for each of them the delivered window pick-up and its event that
the receiver writes now, dated at the conclusion, through the receiver's own builder
(``approvals.services.delivery.on_the_spot_backfill``) with this migration's models.
Reversed, it removes nothing: the rows record what happened at the window."""

from django.db import migrations


def record_on_the_spot_deliveries(apps, schema_editor):
    from approvals.services.delivery import on_the_spot_backfill

    on_the_spot_backfill(apps)


class Migration(migrations.Migration):
    # The case and its record as read here are intake's since 0009 (approvals 0007).
    dependencies = [("approvals", "0008_extension_authority")]

    operations = [
        migrations.RunPython(record_on_the_spot_deliveries, migrations.RunPython.noop),
    ]
