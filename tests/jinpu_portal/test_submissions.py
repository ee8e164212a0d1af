"""The key of a create-only form (jinpu_portal.submissions): claimed once, in the
caller's transaction; a rolled-back claim frees it; what the first post made is found
only by its own user and purpose; the hidden field; the nightly purge; the admin."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Window
from jinpu_portal.models import FormSubmission
from jinpu_portal.submissions import (
    KEEP,
    DuplicateSubmission,
    SubmissionKeyForm,
    submission_claim,
    submission_record,
    submission_refuse,
    submissions_purge,
)
from jinpu_portal.tasks import submissions_purge as purge_task
from tests.factories import UserFactory, WindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(username="form-user")


def made_thing() -> Window:
    """Any row will do as what a post made."""
    return WindowFactory()


def test_the_second_claim_of_a_key_names_what_the_first_made(user):
    key = uuid.uuid4()
    thing = made_thing()
    with transaction.atomic():
        submission_claim(key, user=user, purpose="test.form")
        submission_record(key, thing)
    with pytest.raises(DuplicateSubmission) as refused:
        submission_claim(key, user=user, purpose="test.form", message="已提交过。")
    assert refused.value.code == "duplicate_submission"
    assert refused.value.messages == ["已提交过。"]
    assert refused.value.made == thing
    assert FormSubmission.objects.count() == 1


def test_a_rolled_back_claim_lets_the_key_through_again(user):
    key = uuid.uuid4()

    @transaction.atomic
    def refused_after_the_claim():
        submission_claim(key, user=user, purpose="test.form")
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        refused_after_the_claim()
    assert not FormSubmission.objects.exists()
    with transaction.atomic():
        submission_claim(key, user=user, purpose="test.form")
    assert FormSubmission.objects.get().key == key


def test_a_refused_second_post_leaves_the_callers_transaction_usable(user):
    key = uuid.uuid4()
    submission_claim(key, user=user, purpose="test.form")
    with transaction.atomic():
        with pytest.raises(DuplicateSubmission):
            submission_claim(key, user=user, purpose="test.form")
        assert FormSubmission.objects.filter(key=key).exists()  # no broken transaction


def test_another_users_or_another_forms_key_is_refused_without_saying_what_it_made(user):
    key = uuid.uuid4()
    submission_claim(key, user=user, purpose="test.form")
    submission_record(key, made_thing())
    other = UserFactory(username="someone-else")
    for claimant, purpose in ((other, "test.form"), (user, "test.other_form")):
        with pytest.raises(DuplicateSubmission) as refused:
            submission_claim(key, user=claimant, purpose=purpose)
        assert refused.value.submission is None
        assert refused.value.made is None


def test_a_form_nobody_signed_in_to_claims_its_key_without_a_user(user):
    """The hall's 取号 page at a kiosk: its second post is shown what the first made; a
    signed-in user posting the kiosk's key is refused without it."""
    key = uuid.uuid4()
    thing = made_thing()
    submission_claim(key, user=None, purpose="test.form")
    submission_record(key, thing)
    assert FormSubmission.objects.get().user is None
    with pytest.raises(DuplicateSubmission) as refused:
        submission_claim(key, user=None, purpose="test.form")
    assert refused.value.made == thing
    with pytest.raises(DuplicateSubmission) as refused:
        submission_claim(key, user=user, purpose="test.form")
    assert refused.value.made is None


def test_a_statement_that_claims_the_key_itself_asks_whether_the_key_refused_it(user):
    """``submission_refuse``: after a statement with its own ``ON CONFLICT (key) DO
    NOTHING`` made nothing, the key claimed before is the reason; an unclaimed key (or
    none) is not, and the caller gives its own refusal."""
    key = uuid.uuid4()
    submission_refuse(key, user=user, purpose="test.form")
    submission_refuse(None, user=user, purpose="test.form")
    thing = made_thing()
    submission_claim(key, user=user, purpose="test.form")
    submission_record(key, thing)
    with pytest.raises(DuplicateSubmission) as refused:
        submission_refuse(key, user=user, purpose="test.form", message="已取号。")
    assert refused.value.messages == ["已取号。"]
    assert refused.value.made == thing
    with pytest.raises(DuplicateSubmission) as refused:
        submission_refuse(key, user=None, purpose="test.form")
    assert refused.value.made is None


def test_no_key_is_not_checked(user):
    submission_claim(None, user=user, purpose="test.form")
    submission_claim(None, user=user, purpose="test.form")
    submission_record(None, made_thing())
    assert not FormSubmission.objects.exists()


def test_the_made_object_gone_leaves_the_refusal_without_a_pointer(user):
    key = uuid.uuid4()
    thing = made_thing()
    submission_claim(key, user=user, purpose="test.form")
    submission_record(key, thing)
    thing.delete()
    with pytest.raises(DuplicateSubmission) as refused:
        submission_claim(key, user=user, purpose="test.form")
    assert refused.value.made is None


def test_the_purge_deletes_the_keys_older_than_two_days(user):
    old, recent = uuid.uuid4(), uuid.uuid4()
    submission_claim(old, user=user, purpose="test.form")
    submission_claim(recent, user=user, purpose="test.form")
    now = timezone.now()
    FormSubmission.objects.filter(key=old).update(created_at=now - KEEP - datetime.timedelta(1))
    FormSubmission.objects.filter(key=recent).update(created_at=now - KEEP + datetime.timedelta(1))
    assert purge_task() == 1
    assert list(FormSubmission.objects.values_list("key", flat=True)) == [recent]
    assert submissions_purge(now=now + datetime.timedelta(days=3)) == 1
    assert not FormSubmission.objects.exists()


def test_the_purge_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["submissions-purge"]
    assert entry["task"] == "jinpu_portal.submissions_purge"
    assert entry["schedule"].hour == {3}


class KeyedForm(SubmissionKeyForm):
    pass


def test_each_rendered_form_has_a_new_key_kept_when_it_comes_back_with_errors():
    first, second = str(KeyedForm()["submission"]), str(KeyedForm()["submission"])
    assert 'type="hidden"' in first
    assert first != second
    key = str(uuid.uuid4())
    assert f'value="{key}"' in str(KeyedForm({"submission": key})["submission"])
    posted = KeyedForm({"submission": key})
    assert posted.is_valid()
    assert posted.cleaned_data["submission"] == uuid.UUID(key)


def test_a_tampered_key_is_said_above_the_form_in_chinese():
    form = KeyedForm({"submission": "not-a-key"})
    assert not form.is_valid()
    assert form.non_field_errors() == ["表单标识无效，请刷新页面后重新填写。"]
    assert "submission" not in form.errors


def test_the_admin_lists_the_keys_read_only(admin_client, user):
    key = uuid.uuid4()
    submission_claim(key, user=user, purpose="test.form")
    thing = made_thing()
    submission_record(key, thing)
    page = admin_client.get(reverse("admin:jinpu_portal_formsubmission_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "test.form" in text
    assert f"#{thing.pk}" in text
    assert admin_client.get(reverse("admin:jinpu_portal_formsubmission_add")).status_code == 403
