"""Template helpers of the applicant's pages: status badges, timeline icons, the
unread-message count in the top bar."""

from django import template
from django.conf import settings

from ..citizen_selectors import unread_notification_count, waiting_for_applicant_list
from ..constants import CITIZEN_CHANNEL_LABELS, CaseStatus, Channel, NoticeStatus
from ..events import event_kind
from ..legal_forms import deemed_acceptance_rule as _deemed_acceptance_rule

register = template.Library()

STATUS_BADGE = {
    CaseStatus.DRAFT: "text-bg-secondary",
    CaseStatus.SUBMITTED: "text-bg-primary",
    CaseStatus.CORRECTION_REQUESTED: "text-bg-warning",
    CaseStatus.ACCEPTED: "text-bg-success",
    CaseStatus.REFUSED: "text-bg-danger",
    CaseStatus.WITHDRAWN: "text-bg-light border",
    CaseStatus.IN_APPROVAL: "text-bg-info",
    CaseStatus.SUPPLEMENT_REQUESTED: "text-bg-warning",
    CaseStatus.CONCLUDED: "text-bg-success",
    CaseStatus.TERMINATED: "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    """Bootstrap badge classes for a case status."""
    return STATUS_BADGE.get(status, "text-bg-secondary")


@register.filter
def status_label(status: str) -> str:
    try:
        return str(CaseStatus(status).label)
    except ValueError:
        return status


@register.filter
def citizen_channel(channel: str) -> str:
    """A channel as the applicant's pages name it (窗口办理, not the staff's 综窗办)."""
    label = CITIZEN_CHANNEL_LABELS.get(channel)
    return str(label) if label is not None else channel


@register.filter
def event_icon(action: str) -> str:
    return event_kind(action).icon


@register.filter
def notice_ready(notice) -> bool:
    return notice.status == NoticeStatus.READY and bool(notice.file)


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    request = context.get("request")
    return unread_notification_count(user=request.user) if request else 0


@register.simple_tag(takes_context=True)
def waiting_for_me(context) -> int:
    """How many of the signed-in user's applications wait for them to correct materials."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return waiting_for_applicant_list(user=request.user).count()


@register.simple_tag
def upload_max_mb() -> int:
    return settings.INTAKE_UPLOAD_MAX_BYTES // (1024 * 1024)


@register.simple_tag
def deemed_acceptance_rule(application) -> str:
    """逾期视为受理 as it applies to this application: its channel, the limit from the
    settings, art. 32 cited for a 行政许可 only."""
    return _deemed_acceptance_rule(
        application.item_version.item_type, online=application.channel == Channel.ONLINE
    )


#: A stored file's detected type as the pages name it.
FILE_KINDS = {"application/pdf": "PDF", "image/png": "PNG 图片", "image/jpeg": "JPEG 图片"}


@register.filter
def file_kind(content_type: str) -> str:
    """PDF, PNG 图片 or JPEG 图片 for a stored file's type ("" for another)."""
    return FILE_KINDS.get(content_type, "")
