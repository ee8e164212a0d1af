# The counter's form keys move to jinpu_portal.FormSubmission (one mechanism for every
# create-only form). The keys of the last two days are copied (a counter form rendered
# before the deploy and posted again after it is still found); older ones would only be
# purged there.

import datetime

from django.db import migrations
from django.utils import timezone

PURPOSE = "intake.counter"


def copy_recent_keys(apps, schema_editor):
    CounterSubmission = apps.get_model("intake", "CounterSubmission")
    FormSubmission = apps.get_model("jinpu_portal", "FormSubmission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    recent = CounterSubmission.objects.filter(
        created_at__gte=timezone.now() - datetime.timedelta(days=2)
    )
    if not recent.exists():
        return
    types = {
        name: ContentType.objects.get_or_create(app_label="intake", model=name)[0]
        for name in ("application", "bundleapplication")
    }
    rows, times = [], {}
    for old in recent.iterator():
        times[old.key] = old.created_at
        if old.bundle_application_id:
            made = (types["bundleapplication"], old.bundle_application_id)
        elif old.application_id:
            made = (types["application"], old.application_id)
        else:
            made = (None, None)
        rows.append(
            FormSubmission(
                key=old.key,
                user_id=old.clerk_id,
                purpose=PURPOSE,
                content_type=made[0],
                object_id=made[1],
            )
        )
    FormSubmission.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # auto_now_add set created_at to now on create: give the copies their own time back.
    for key, created_at in times.items():
        FormSubmission.objects.filter(key=key).update(created_at=created_at)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("intake", "0011_counter_submission"),
        ("jinpu_portal", "0005_form_submission"),
    ]

    operations = [
        migrations.RunPython(copy_recent_keys, migrations.RunPython.noop),
        migrations.DeleteModel(name="CounterSubmission"),
    ]
