"""ItemVersion.item_code: the item's code copied onto each version (it never changes), so
that the search and the guide's lists sort without joining the items."""

from django.db import migrations, models

BACKFILL = """
UPDATE catalog_itemversion SET item_code = (
    SELECT code FROM catalog_serviceitem WHERE catalog_serviceitem.id = catalog_itemversion.item_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_search_grams_no_pending_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemversion",
            name="item_code",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="实施编码"
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterModelOptions(
            name="itemversion",
            options={
                "ordering": ["item_code", "-number"],
                "verbose_name": "事项版本",
                "verbose_name_plural": "事项版本",
            },
        ),
    ]
