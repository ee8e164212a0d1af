"""办结: the case concludes as approved (the last step approved) or not approved (a step
denied). All clocks stop, open tasks are cancelled, the result document is issued
(its title and wording follow the item's legal form, ``intake.legal_forms``: a
准予 / 不予行政许可决定书 for a licence; rendered to PDF after commit by intake's notice
machinery), a delivery is prepared as the applicant chose, and the applicant is told.
"""

import re

from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone

from intake.constants import CaseAction, NoticeKind
from intake.legal_forms import document_title, legal_form
from intake.models import Application, Notice
from intake.services.contact import applicant_notify
from intake.services.notices import notice_issue
from intake.states import transition
from jinpu_portal.dates import date_text

from ..constants import Decision, TaskStatus
from ..models import Delivery, Task
from ..signals import case_decided
from .common import close_open_work
from .tolerance import require_no_tolerated_missing

DEFAULT_RESULT_TEMPLATE = "documents/results/default.html"
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def result_template_for(item_code: str) -> str:
    """The per-item result body (templates/documents/results/<item code>.html) if one
    exists, else the default; frozen into the notice when it is issued."""
    names = [DEFAULT_RESULT_TEMPLATE]
    if _SAFE_CODE.match(item_code or ""):
        names.insert(0, f"documents/results/{item_code}.html")
    try:
        return select_template(names).template.name
    except TemplateDoesNotExist:
        return DEFAULT_RESULT_TEMPLATE


def document_extra(department, title: str) -> dict:
    """What every approvals document shows besides intake's notice context: its title,
    the issuing department with its seal image (the stored name; the document shows the
    seal placeholder when there is none) and the date it is signed."""
    return {
        "document_title": title,
        "decision_department": department.name,
        "seal_text": department.name,
        "seal_image": department.seal_image.name if department.seal_image else "",
        "signed_date": date_text(timezone.now()),
    }


def _steps(application: Application) -> list[dict]:
    tasks = application.tasks.select_related("department").order_by("stage", "id")
    return [
        {
            "stage": task.stage,
            "name": task.name,
            "department": task.department.name,
            "decision": str(Decision(task.decision).label) if task.decision else "",
            "opinion": task.opinion,
            "completed_at": date_text(task.completed_at) if task.completed_at else "",
        }
        for task in tasks
        if task.status == TaskStatus.COMPLETED
    ]


def _decision_extra(application: Application, task: Task, approved: bool, **more) -> dict:
    """The decision's own content; its title and legal wording (the verdict, the basis
    of a denial, the remedies) come with every notice from ``intake.legal_forms``."""
    version = application.item_version
    kind = NoticeKind.APPROVAL_DECISION if approved else NoticeKind.DENIAL_DECISION
    return {
        **document_extra(
            task.department, document_title(kind, version.item_type, version.result_name)
        ),
        "legal_basis": version.legal_basis,
        "result_name": version.result_name,
        "result_template": result_template_for(version.item.code) if approved else "",
        "decided_date": date_text(timezone.now()),
        "steps": _steps(application),
        "delivery_method": str(application.get_delivery_method_display()),
        **more,
    }


def case_conclude(
    *,
    application: Application,
    task: Task,
    actor,
    approved: bool,
    reason: str = "",
    legal_basis: str = "",
) -> Notice:
    """Conclude the locked case decided by ``task`` (already completed by the caller)."""
    # 容缺: no conclusion while a tolerated material is owed (the caller's transaction
    # rolls back whatever it did before).
    require_no_tolerated_missing(application)
    # One moment for the act: its clocks stop on its local day, and the case and its
    # event carry it, so the lights, the case list and the figures (counted on the
    # event's day) agree on the day of a decision taken just before midnight.
    concluded_at = timezone.now()
    cancelled = close_open_work(application, timezone.localdate(concluded_at))
    application.concluded_at = concluded_at
    version = application.item_version
    form = legal_form(version.item_type)
    verdict = (form.approve if approved else form.deny).verdict
    if approved:
        application.outcome_note = verdict
        message = f"审批通过，办结：{task.department.name}作出准予决定"
    else:
        application.outcome_note = f"{verdict}：{reason}"
        message = f"办结（{verdict}）：{reason}"
    transition(
        application,
        CaseAction.CONCLUDE,
        actor=actor,
        message=message[:300],
        at=concluded_at,
        department=task.department,
        update_fields=("concluded_at", "outcome_note"),
        event_details={
            "decision": Decision.APPROVE if approved else Decision.DENY,
            "task": task.pk,
            "cancelled_tasks": cancelled,
        },
    )
    extra = _decision_extra(
        application,
        task,
        approved,
        **({} if approved else {"reason": reason, "denial_legal_basis": legal_basis}),
    )
    notice = notice_issue(
        application=application,
        kind=NoticeKind.APPROVAL_DECISION if approved else NoticeKind.DENIAL_DECISION,
        actor=actor,
        department=task.department,
        extra=extra,
    )
    Delivery.objects.create(
        application=application,
        method=application.delivery_method,
        address=application.delivery_address,
    )
    how = {
        "window": "结果文书制作完成后将通知您到任一政务服务大厅综合窗口领取",
        "post": "结果文书将邮寄至您填写的地址",
        "electronic": "请登录后在“我的申请”中下载结果文书",
    }.get(application.delivery_method, "")
    applicant_notify(
        application,
        title="您的办件已办结" if approved else f"您的办件已办结（{verdict}）",
        body=f"“{version.name}”（办件编号 {application.case_number}）已办结：{verdict}。{how}。",
        # The case page, with the result card (download, delivery) and the rating: a tap
        # on the message is no download, which would also count as the delivery.
        url=application.get_absolute_url(),
        reference=application.case_number or "",
    )
    case_decided.send(
        sender=Application,
        application=application,
        actor=actor,
        approved=approved,
        department=task.department,
    )
    return notice
