"""An extension names the body whose head approves it (本行政机关, 行政许可法 art. 42):
the department that decides the case, fixed when the extension is requested. Existing
extensions get the item's implementing department, or the accepting unit when the case
was applied for at a unit holding the item's delegation (as routing decides)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_department(apps, schema_editor):
    Extension = apps.get_model("approvals", "Extension")
    Delegation = apps.get_model("catalog", "Delegation")
    for extension in Extension.objects.select_related("application__item_version"):
        application = extension.application
        delegated = (
            application.accepting_unit_id
            and Delegation.objects.filter(
                item_id=application.item_version.item_id,
                grantee_id=application.accepting_unit_id,
                revoked_on__isnull=True,
            ).exists()
        )
        extension.department_id = (
            application.accepting_unit_id if delegated else application.item_version.department_id
        )
        extension.save(update_fields=["department"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_department_heads"),
        ("approvals", "0003_drop_covered_indexes"),
        ("catalog", "0005_search_trigram"),
        ("intake", "0004_drop_covered_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="extension",
            name="department",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="批准机关",
                help_text="作出决定的行政机关，由其负责人批准延期",
            ),
        ),
        migrations.RunPython(fill_department, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="extension",
            name="department",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="批准机关",
                help_text="作出决定的行政机关，由其负责人批准延期",
            ),
        ),
    ]
