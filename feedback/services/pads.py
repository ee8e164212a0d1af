"""The counter pad (评价器): binding a tablet to a window, what it shows, its rating.

* ``pad_create`` / ``pad_issue_key``: a new pad for a window and its device key, shown
  once; only the key's SHA-256 is stored. One pad per form key (``submission``,
  ``jinpu_portal.submissions``): a double click registers one pad, not a second one
  whose key nobody saw. ``pad_revoke``: the key is refused from then on.
* ``pad_poll``: ONE statement per poll (the pad's row by the unique key hash, and as a
  subquery its window's newest open intake service of the last
  ``FEEDBACK_PAD_RECENT_MINUTES``, on the partial index ``serviceinstance_pad_poll``).
* ``pad_instance``: the instance a pad may rate: its own window's intake service, open,
  served recently enough (the display period plus the idle timeout).
* ``pad_offer``: the hall's end of service puts its intake instance first on the
  window's pad (served as of the end).
* ``pad_rate``: through ``feedback.services.ratings.rating_record`` with channel PAD,
  which validates, refuses a second rating and marks the instance rated.

Who may register or revoke a pad: a system administrator, or the clerk seated at that
window (the pad rates that window's own services). Refusals are PermissionDenied or
ValidationError with a Chinese message.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User, Window
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import InstanceState, RatingChannel, Stage
from ..models import Pad, Rating, ServiceInstance

#: Random bytes of a device key (token_urlsafe: 43 characters).
KEY_BYTES = 32
#: How often the pad asks for its window's newest service (seconds).
POLL_SECONDS = 1
#: last_seen_at is written at most this often (seconds), not on every poll.
SEEN_EVERY = 60


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_manage_pads(actor: User, window: Window) -> bool:
    """A system administrator, or the clerk seated at ``window``."""
    if not actor.is_active:
        return False
    if actor.is_superuser or actor.has_role(Role.SYSTEM_ADMIN):
        return True
    profile = getattr(actor, "staff_profile", None)
    return actor.has_role(Role.CLERK) and profile is not None and profile.window_id == window.pk


def _require_manager(actor: User, window: Window) -> None:
    if not may_manage_pads(actor, window):
        raise PermissionDenied("只有系统管理员或该窗口的综窗人员可以登记、停用评价器。")


def pad_issue_key(pad: Pad, *, actor: User) -> str:
    """Give the unsaved ``pad`` a new device key, save it, and return the key (the one
    time it exists in clear)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    pad.key_hash = key_hash(key)
    pad.created_by = actor
    if not pad.name:
        pad.name = f"{pad.window.number} 号窗口评价器"
    pad.save()
    return key


#: The new pad form's key (``FormSubmission.purpose``) and the refusal of its second post.
PAD_PURPOSE = "feedback.pad"
PAD_ALREADY = "该登记表单已提交过，未重复登记评价器。"


@transaction.atomic
def pad_create(*, window: Window, actor: User, name: str = "", submission=None) -> tuple[Pad, str]:
    """A new pad for ``window`` and its device key, once per form key ``submission``
    (None: not checked; a second post raises ``DuplicateSubmission`` naming the first
    pad, whose key is not shown again)."""
    submission_claim(submission, user=actor, purpose=PAD_PURPOSE, message=PAD_ALREADY)
    _require_manager(actor, window)
    if not window.is_active:
        raise ValidationError("该窗口已停用，不能登记评价器。")
    pad = Pad(window=window, name=name.strip()[:50])
    key = pad_issue_key(pad, actor=actor)
    submission_record(submission, pad)
    return pad, key


def pad_revoke(*, pad: Pad, actor: User) -> Pad:
    """Stop the pad: its key is refused from the next request on. Revoking twice keeps
    the first time."""
    _require_manager(actor, pad.window)
    Pad.objects.filter(pk=pad.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    pad.refresh_from_db()
    return pad


def pad_for_key(key: str | None) -> Pad | None:
    """The active pad whose key this is, or None (unknown or revoked)."""
    if not key:
        return None
    return (
        Pad.objects.select_related("window__hall")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )


@dataclass(frozen=True)
class PadState:
    pad_id: int
    window_id: int
    current: int | None  # the ServiceInstance to rate now, if any


def _recent_intake(window, since: datetime.datetime):
    return ServiceInstance.objects.filter(
        window=window, stage=Stage.INTAKE, state=InstanceState.OPEN, served_at__gte=since
    )


def poll_query(key_digest: str, since: datetime.datetime):
    """The active pad of the key's digest with, as ``current``, its window's newest open
    intake service served since ``since``: one statement, both on an index."""
    newest = _recent_intake(OuterRef("window_id"), since).order_by("-served_at", "-id")
    return (
        Pad.objects.filter(key_hash=key_digest, revoked_at__isnull=True)
        .annotate(current=Subquery(newest.values("pk")[:1]))
        .values_list("pk", "window_id", "current", "last_seen_at")
        .order_by()  # a unique key: no ORDER BY (the model's ordering would join the hall)
    )


def pad_poll(key: str | None) -> PadState | None:
    """What the pad of ``key`` shows now, in one statement: None when the key is unknown
    or revoked; else the newest open intake service of its window served within the
    last FEEDBACK_PAD_RECENT_MINUTES (or none). Writes last_seen_at once a minute."""
    if not key:
        return None
    now = timezone.now()
    since = now - datetime.timedelta(minutes=settings.FEEDBACK_PAD_RECENT_MINUTES)
    rows = list(poll_query(key_hash(key), since)[:1])
    if not rows:
        return None
    pad_id, window_id, current, last_seen_at = rows[0]
    if last_seen_at is None or (now - last_seen_at).total_seconds() >= SEEN_EVERY:
        Pad.objects.filter(pk=pad_id).update(last_seen_at=now)
    return PadState(pad_id=pad_id, window_id=window_id, current=current)


def pad_instance(*, window_id: int, pk: int) -> ServiceInstance | None:
    """The instance ``pk`` if a pad of ``window_id`` may show or rate it: that window's
    intake service, served within the display period plus the idle timeout (a rated
    one too, so that a second rating is refused by the rating service, not hidden)."""
    since = timezone.now() - datetime.timedelta(
        minutes=settings.FEEDBACK_PAD_RECENT_MINUTES, seconds=settings.FEEDBACK_PAD_IDLE_SECONDS
    )
    return (
        ServiceInstance.objects.select_related(
            "application__applicant",
            "application__agent",
            "application__item_version",
            "item",
            "window__hall",
        )
        .filter(pk=pk, window_id=window_id, stage=Stage.INTAKE, served_at__gte=since)
        .first()
    )


def mask_name(name: str) -> str:
    """A person's name with only its first character shown: 张明 → 张*, 欧阳娜娜 → 欧***."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def pad_rate(
    *,
    window_id: int,
    instance: ServiceInstance,
    level: int,
    reasons=(),
    text: str = "",
    sub_scores: dict | None = None,
) -> Rating:
    """The citizen's rating on the pad: channel PAD, no account (the pad never logs
    in). The address is not passed: the pads of a hall share one, and the device key
    is what identifies the pad (a revoked key never reaches here)."""
    if instance.window_id != window_id or instance.stage != Stage.INTAKE:
        raise PermissionDenied("这不是本窗口的受理服务，不能在本评价器上评价。")
    from .ratings import rating_record  # written beside this module (helper "rate")

    return rating_record(
        instance=instance,
        level=level,
        reasons=tuple(reasons),
        text=text,
        sub_scores=sub_scores or None,
        channel=RatingChannel.PAD,
        actor=None,
        address=None,
    )


def pad_offer(*, application_id: int, window_id: int, at: datetime.datetime) -> int:
    """The window's service of ``application_id`` has just ended (the hall's end of
    service, ``hall.services.calling.service_end``): its open intake instance at that
    window is served as of ``at``, so the window's pad offers it now (the pad shows the
    newest open intake service of the last FEEDBACK_PAD_RECENT_MINUTES). One UPDATE;
    the rating period is kept (``rate_until`` is not moved, and stays after ``at`` for a
    service that ended within it). Returns how many instances were offered (0 or 1)."""
    return ServiceInstance.objects.filter(
        application_id=application_id,
        window_id=window_id,
        stage=Stage.INTAKE,
        state=InstanceState.OPEN,
        served_at__lt=at,
        rate_until__gte=at,
    ).update(served_at=at)
