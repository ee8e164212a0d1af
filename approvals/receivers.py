"""Approvals' hooks into intake (connected in ApprovalsConfig.ready)."""

from intake.constants import NoticeKind

from .errors import ApprovalError, ApprovalPermissionDenied
from .services.delivery import result_download
from .services.routing import route_locked


def route_accepted_case(sender, *, application, actor, **kwargs) -> None:
    """intake's ``case_accepted`` (inside the accepting transaction, which holds the case
    lock): a 承诺件 gets its clocks and first tasks there, so a case is never accepted
    without them; an error here rolls the acceptance back. The sender's instance moves
    on to 审批中 with it."""
    route_locked(application=application, actor=actor)


def record_electronic_delivery(sender, *, application, notice, user, **kwargs) -> None:
    """intake's ``notice_downloaded``: the applicant downloading the result document from
    "my applications" is the electronic delivery (电子送达), as on approvals' own page."""
    if notice.kind not in (NoticeKind.APPROVAL_DECISION, NoticeKind.DENIAL_DECISION):
        return
    try:
        result_download(application=application, actor=user)
    except (ApprovalError, ApprovalPermissionDenied):
        return  # the download itself was allowed by intake; nothing to record
