from django.db import migrations

SERVICE_OBJECTS = [
    ("1", "自然人"),
    ("2", "企业法人"),
    ("3", "事业法人"),
    ("4", "社会组织法人"),
    ("5", "行政机关"),
    ("9", "其他组织"),
]


def seed(apps, schema_editor):
    ServiceObjectType = apps.get_model("catalog", "ServiceObjectType")
    for code, name in SERVICE_OBJECTS:
        ServiceObjectType.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_items")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
