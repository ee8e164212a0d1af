"""The rating link's token: signed, single-purpose, time-limited, usable once.

A token is ``django.core.signing``'s timestamped signature (the portal's SECRET_KEY) of
the instance's id and its case's id, under a salt of its own purpose: a token signed for
anything else (another purpose's salt, another instance, a changed payload) does not
verify. It is valid ``FEEDBACK_TOKEN_DAYS`` (default 15) from when it was made and
names one service instance of one case: the instance must still belong to the case
the token was made for. It is usable once because the instance is: once rated (or
rated by default) ``rating_record`` refuses a second rating, whoever holds the link.

The link (``rating_url``) is ``/feedback/rate/<token>/``; ``?via=sms`` marks the
SMS invitation's copy, so the rating records the SMS channel instead of the QR code's.
Nothing is stored per token: the QR code's page and the SMS job make one whenever
they need it.
"""

import datetime
import hashlib
import re

from django.conf import settings
from django.core import signing
from django.urls import reverse

from jinpu_portal.db import PreparedQuery

from .constants import RatingChannel
from .errors import FeedbackError
from .models import ServiceInstance

SALT = "feedback.rating-link"
_SAFE_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
INVALID = "评价链接无效，请核对链接，或扫描文书上的二维码重新进入。"
EXPIRED = "评价链接已过期，请扫描文书上的二维码重新进入，或在“我的申请”中评价。"
#: ``?via=`` of a link → the channel its rating records.
VIA_CHANNELS = {"sms": RatingChannel.SMS, "": RatingChannel.QR, "qr": RatingChannel.QR}


def token_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FEEDBACK_TOKEN_DAYS)


def rating_token(instance: ServiceInstance) -> str:
    """A token for rating ``instance`` (its id and its case's)."""
    return signing.dumps({"i": instance.pk, "a": instance.application_id}, salt=SALT)


def rating_url(instance: ServiceInstance, *, via: str = "") -> str:
    """The absolute path of the rate-by-token page for ``instance`` (``via="sms"`` for
    the SMS copy). ``jinpu_portal.pdf.absolute_url`` makes it a full address."""
    path = reverse("feedback:rate", args=[rating_token(instance)])
    return f"{path}?via={via}" if via else path


def token_ids(token: str) -> tuple[int, int]:
    """The ids ``token`` names: (the instance's, its case's). Refused (FeedbackError,
    code ``token_invalid`` or ``token_expired``): a token that does not verify or is
    older than FEEDBACK_TOKEN_DAYS. Whether the instance still exists and belongs to
    that case is not checked here (``instance_from_token`` reads it)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=token_days())
    except signing.SignatureExpired:
        raise FeedbackError(EXPIRED, code="token_expired") from None
    except signing.BadSignature:
        raise FeedbackError(INVALID, code="token_invalid") from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("i"), int)
        or not isinstance(payload.get("a"), int)
    ):
        raise FeedbackError(INVALID, code="token_invalid")
    return payload["i"], payload["a"]


#: The instance a link names, with what its pages and its API show (the case's item,
#: number and channel, the department, the window and its hall; the other fields load
#: when read), compiled once per process: every rating by link runs it.
_LINK_QUERY = PreparedQuery(
    lambda pk: (
        ServiceInstance.objects.select_related(
            "application__item_version", "department", "window__hall"
        )
        .only(
            "stage",
            "state",
            "served_at",
            "rate_until",
            "application__case_number",
            "application__channel",
            "application__item_version__name",
            "department__name",
            "window__number",
            "window__hall__name",
        )
        .filter(pk=pk)
    )
)


def instance_from_token(token: str, *, application=None) -> ServiceInstance:
    """The instance ``token`` was made for, with its case and item. Refused
    (FeedbackError, code ``token_invalid`` or ``token_expired``): a token that does not
    verify or is older than FEEDBACK_TOKEN_DAYS; an instance that no longer belongs to
    the case the token names, or (``application`` given) to another case than that
    one. A rated instance is returned as it is: the page says so and ``rating_record``
    refuses a second rating."""
    instance_id, case_id = token_ids(token or "")
    return link_instance(instance_id, case_id, application=application)


def link_instance(instance_id: int, case_id: int, *, application=None) -> ServiceInstance:
    """``instance_from_token`` of a token whose ids (``token_ids``) are already known:
    the same read and the same refusals, without verifying the signature again."""
    found = _LINK_QUERY(instance_id)
    instance = found[0] if found else None
    if instance is None or instance.application_id != case_id:
        raise FeedbackError(INVALID, code="token_invalid")
    if application is not None and getattr(application, "pk", application) != case_id:
        raise FeedbackError("该评价链接不属于这件办件。", code="token_invalid")
    return instance


def throttle_key(token: str) -> str:
    """What the per-token rate limit counts by: the token's payload (the instance and its
    case), so the fresh tokens a page makes for one instance share one count. Anything
    else a client sends in its place is counted by its digest (a safe cache key)."""
    payload = (token or "").split(":", 1)[0]
    if _SAFE_PAYLOAD.match(payload):
        return payload
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def channel_for(via: str) -> str:
    """The channel a link's ``?via=`` stands for (QR unless it is the SMS copy)."""
    return VIA_CHANNELS.get((via or "").strip().lower(), RatingChannel.QR)
