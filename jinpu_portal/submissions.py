"""One form, one outcome: the key of a create-only form.

A form whose POST creates something (a counter intake, a 督办 note, a 回头看 batch, a
counter pad, a citizen's draft application) has no state for a second post of it to
trip over: a double click, a resubmitted page or a second tab would make a second one.
So each rendered form carries a key (``SubmissionKeyForm``: a hidden UUID, new on each
page; an API request may name one), and the one service the view calls

* claims it first, in a savepoint inside its own transaction (``submission_claim``):
  the key is the primary key of a ``FormSubmission`` row, so a second post of the same
  key waits at the INSERT for the first one's commit and is then refused with
  ``DuplicateSubmission`` naming the first post's row; when the first was refused and
  rolled back, its claim went with it and the second goes on;
* records what it made at its end (``submission_record``): the page answering a second
  post shows the user that (``DuplicateSubmission.made``) instead of a second one.

A form posted without a key (an API client that sends none) is not checked. The first
post's row is found only for the same user and purpose: a key someone else sent is
refused without telling them what it made. A form nobody signed in to posts (the hall's
取号 page at a kiosk) claims its key with no user, and its second post is shown what
the first made: the key is known only to the page that rendered it.

A hot path that must stay one statement (the hall's 取号 on PostgreSQL) claims the key
in that statement (``INSERT … ON CONFLICT (key) DO NOTHING``, with what it makes), and
when the statement made nothing asks ``submission_refuse`` whether the key was the
reason.

Keys older than ``KEEP`` are deleted every night (``submissions_purge``, beat): a form
stays open minutes, not days.
"""

import datetime
import uuid

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FormSubmission

#: How long a key is kept: long enough for any page left open and posted again.
KEEP = datetime.timedelta(days=2)
#: The refusal of a second post, unless the service says more.
ALREADY = "该表单已提交过，未重复提交。"


class DuplicateSubmission(ValidationError):
    """The same form (key) was posted again. ``submission`` is the first post's
    ``FormSubmission`` when the same user sent it for the same purpose (else None);
    ``made`` what that post made (None when it recorded nothing or it is gone)."""

    def __init__(self, message: str = ALREADY, *, submission: FormSubmission | None = None):
        super().__init__(message, code="duplicate_submission")
        self.submission = submission

    @property
    def made(self):
        return self.submission.made if self.submission is not None else None


def submission_claim(key, *, user, purpose: str, message: str = ALREADY) -> None:
    """Claim the form ``key`` (None: the caller sent none) in the caller's transaction.
    A second post of the key waits here for the first one's commit and is then refused
    (``DuplicateSubmission`` with ``message``); when the first was refused and rolled
    back, the second goes on. Call it first in the service, inside its
    ``transaction.atomic``."""
    if key is None:
        return
    try:
        with transaction.atomic():
            FormSubmission.objects.create(key=key, user=user, purpose=purpose)
    except IntegrityError:
        submission_refuse(key, user=user, purpose=purpose, message=message)
        raise  # not the key's conflict (that was refused above)


def submission_refuse(key, *, user, purpose: str, message: str = ALREADY) -> None:
    """Raise ``DuplicateSubmission`` (with the first post's row when the same ``user``
    sent it for ``purpose``) when ``key`` has been claimed; nothing when it has not (or
    is None). For a caller whose own statement claims the key and made nothing."""
    if key is None:
        return
    claimed = FormSubmission.objects.filter(key=key).first()
    if claimed is None:
        return
    same = claimed.user_id == getattr(user, "pk", None) and claimed.purpose == purpose
    raise DuplicateSubmission(message, submission=claimed if same else None) from None


def submission_record(key, made) -> None:
    """What the post that claimed ``key`` made (a model instance); nothing without a key."""
    if key is not None:
        FormSubmission.objects.filter(key=key).update(
            content_type=ContentType.objects.get_for_model(made), object_id=made.pk
        )


def submissions_purge(now: datetime.datetime | None = None) -> int:
    """Delete the keys older than ``KEEP``; returns how many. One DELETE (nothing points
    at the table), on a table that holds about two days of create-only posts."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class SubmissionKeyForm(forms.Form):
    """Base (or mixin, first in the bases) of a page form whose POST creates something:
    the hidden ``submission`` key, new on each rendered page and kept when the page
    comes back with errors. Render it with ``{{ form.submission }}`` inside the
    ``<form>``; hand ``cleaned_data["submission"]`` to the service."""

    submission = forms.UUIDField(
        required=False,
        initial=uuid.uuid4,
        widget=forms.HiddenInput,
        error_messages={"invalid": "表单标识无效，请刷新页面后重新填写。"},
    )

    def clean(self):
        data = super().clean()
        if "submission" in self._errors:  # a hidden field: said above the form
            self.add_error(None, self._errors.pop("submission"))
        return data
