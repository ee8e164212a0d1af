"""The role group of the district government's head (区政府负责人), who approves the
extensions of joint handling (联办, 行政许可法 art. 42); as 0002 made the others."""

from django.db import migrations

ROLE = "government_head"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_random_file_names")]
    operations = [migrations.RunPython(create_group, remove_group)]
