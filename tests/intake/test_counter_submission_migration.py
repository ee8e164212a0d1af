"""intake 0012: the counter's form keys of the last two days move to
jinpu_portal.FormSubmission (with what they made and their own time); older ones are
left behind with the dropped table. Run on the historical models: the CounterSubmission
table is made here for the test, as 0011 made it, and goes with the test's transaction
(PostgreSQL: its DDL is transactional; SQLite's schema editor refuses to run inside
one)."""

import datetime
import importlib
import uuid

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from jinpu_portal.models import FormSubmission

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

migration = importlib.import_module("intake.migrations.0012_counter_submission_to_form_submission")


@pytest.fixture
def old_apps():
    """The models as of intake 0011 beside jinpu_portal 0005, the old table created
    (dropped with the test's rollback)."""
    state = MigrationLoader(connection).project_state(
        [("intake", "0011_counter_submission"), ("jinpu_portal", "0005_form_submission")]
    )
    apps = state.apps
    with connection.schema_editor() as editor:
        editor.create_model(apps.get_model("intake", "CounterSubmission"))
    return apps


def test_the_recent_counter_keys_are_copied_with_what_they_made(old_apps, clerk, applicant, item):
    from intake.services.counter import PURPOSE
    from tests.factories import accept_case

    case = accept_case(item, clerk=clerk, applicant=applicant)
    old = old_apps.get_model("intake", "CounterSubmission")
    recent, empty, stale = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    old.objects.create(key=recent, clerk_id=clerk.pk, application_id=case.pk)
    old.objects.create(key=empty, clerk_id=clerk.pk)
    old.objects.create(key=stale, clerk_id=clerk.pk, application_id=case.pk)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    old.objects.filter(key=recent).update(created_at=an_hour_ago)
    old.objects.filter(key=stale).update(created_at=timezone.now() - datetime.timedelta(days=3))

    migration.copy_recent_keys(old_apps, None)

    copied = {row.key: row for row in FormSubmission.objects.all()}
    assert set(copied) == {recent, empty}
    assert copied[recent].made == case
    assert copied[recent].created_at == an_hour_ago
    assert (copied[recent].user, copied[recent].purpose) == (clerk, PURPOSE)
    assert copied[empty].made is None
