"""Approvals' receivers of other apps' signals, all connected in ApprovalsConfig.ready:
intake's (an accepted case is routed, a 即办件 concluded on the spot has its result
handed over there, a downloaded result is delivered, a rendered result is announced)
and catalog's (a calendar edit re-derives open clocks' due dates)."""

from django.urls import reverse

from intake.constants import DeliveryMethod, NoticeKind
from intake.services.contact import applicant_notify

from .constants import DeliveryStatus
from .errors import ApprovalError, ApprovalPermissionDenied
from .models import Delivery
from .services.delivery import delivery_on_the_spot, result_download
from .services.rederive import rederive_request
from .services.routing import route_locked


def route_accepted_case(sender, *, application, actor, **kwargs) -> None:
    """intake's ``case_accepted`` (inside the accepting transaction, which holds the case
    lock): a 承诺件 gets its clocks and first tasks there, so a case is never accepted
    without them; an error here rolls the acceptance back. The sender's instance moves
    on to 审批中 with it."""
    route_locked(application=application, actor=actor)


def deliver_on_the_spot(sender, *, application, actor, **kwargs) -> None:
    """intake's ``case_concluded`` (a 即办件 concluded at the counter, inside the accepting
    transaction): the result was handed over at the window there and then."""
    delivery_on_the_spot(application=application, actor=actor)


def record_electronic_delivery(sender, *, application, notice, user, **kwargs) -> None:
    """intake's ``notice_downloaded``: the applicant downloading the result document from
    "my applications" is the electronic delivery (电子送达), as on approvals' own page."""
    if notice.kind not in (NoticeKind.APPROVAL_DECISION, NoticeKind.DENIAL_DECISION):
        return
    try:
        result_download(application=application, actor=user)
    except (ApprovalError, ApprovalPermissionDenied):
        return  # the download itself was allowed by intake; nothing to record


def tell_result_ready(sender, *, notice, **kwargs) -> None:
    """intake's ``notice_rendered``: once the result document of a case to be collected
    at a window exists, the applicant is told to come for it (a walk-in by SMS)."""
    if notice.kind not in (NoticeKind.APPROVAL_DECISION, NoticeKind.DENIAL_DECISION):
        return
    delivery = (
        Delivery.objects.select_related("application__item_version", "application__applicant")
        .filter(
            application_id=notice.application_id,
            method=DeliveryMethod.WINDOW,
            status=DeliveryStatus.PENDING,
        )
        .first()
    )
    if delivery is None:
        return
    application = delivery.application
    applicant_notify(
        application,
        title="办理结果可以领取",
        body=f"“{application.item_version.name}”（办件编号 {application.case_number}）的"
        "办理结果已制作完成，请持身份证件到任一政务服务大厅综合窗口领取。",
        url=reverse("approvals:case", args=[application.pk]),
        reference=application.case_number or "",
    )


def rederive_on_calendar_edit(sender, **kwargs) -> None:
    """A calendar edit (after its commit) queues the re-derivation of every open clock."""
    rederive_request()
