"""A department head (本行政机关负责人) heads one department: ``StaffProfile.head_of``
replaces the ``is_department_head`` flag, which said "head" without saying of what.
A flagged profile becomes the head of the department it acts for when it acts for
exactly one; with several (or none) the flag cannot be placed and an administrator
sets ``head_of`` in the admin."""

import django.db.models.deletion
from django.db import migrations, models


def flag_to_department(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    for profile in StaffProfile.objects.filter(is_department_head=True):
        department_ids = set(
            UserObjectPermission.objects.filter(
                user_id=profile.user_id,
                permission__codename="act_for_department",
                permission__content_type__app_label="accounts",
                permission__content_type__model="department",
            ).values_list("object_pk", flat=True)
        )
        if len(department_ids) == 1:
            profile.head_of_id = int(department_ids.pop())
            profile.save(update_fields=["head_of"])


def department_to_flag(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    StaffProfile.objects.filter(head_of__isnull=False).update(is_department_head=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("guardian", "0002_generic_permissions_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="head_of",
            field=models.ForeignKey(
                blank=True,
                help_text="本行政机关负责人：可批准本部门作出决定的办件延期（行政许可法第四十二条），"
                "并可退回、改派本部门任务。须同时具有审批人员角色和以该部门名义审批的权限。",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="heads",
                to="accounts.department",
                verbose_name="负责的部门",
            ),
        ),
        migrations.RunPython(flag_to_department, department_to_flag),
        migrations.RemoveField(model_name="staffprofile", name="is_department_head"),
    ]
