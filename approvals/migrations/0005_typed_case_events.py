"""Approvals' events were recorded as ``note`` with their name in ``details["approvals"]``;
each gets its own code now (approvals.events). A real free-text note (no such key) stays
``note``. One UPDATE per former name, over the ``case_event_action_at`` index."""

from django.db import migrations

# The former names → the codes of ApprovalEvent (frozen here: the migration must not
# follow later renames).
NAMES = {
    "stage_opened": "stage_routed",
    "claim": "task_claimed",
    "release": "task_released",
    "reassign": "task_reassigned",
    "approve": "task_approved",
    "deny": "task_denied",
    "special_start": "special_started",
    "special_end": "special_ended",
    "extension_request": "extension_requested",
    "extension_approved": "extension_approved",
    "extension_rejected": "extension_rejected",
    "delivered": "delivered",
}


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("intake", "CaseEvent")
    for name, code in NAMES.items():
        CaseEvent.objects.filter(action="note", details__approvals=name).update(action=code)


def backwards(apps, schema_editor):
    CaseEvent = apps.get_model("intake", "CaseEvent")
    for name, code in NAMES.items():
        CaseEvent.objects.filter(action=code, details__approvals=name).update(action="note")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_extension_department"),
        ("intake", "0007_case_event_action_codes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
