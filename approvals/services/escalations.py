"""督办 by hand and its answer.

The sweep opens a 督办 record by itself when a clock runs over (``sweep``). A supervisor
may also issue one on any case in their scope, at any time (``escalation_issue``): it
names the department holding the case now (the department of an open step, else the
item's implementing department), the case's promised clock and its light at that moment,
and tells the department's approvers; once per form key (``submission``,
``jinpu_portal.submissions``): a double click makes one 督办 and one notice to each
approver. The department answers it (``escalation_answer``):
the answer is the record's result and closes it. Both acts go to the case's record
(``escalated`` / ``escalation_answered``, internal: the applicant sees neither message).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Department, User
from accounts.selectors import department_list_supervised_by
from intake.models import Application
from intake.states import record_event
from jinpu_portal.notifications import notify
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import (
    MANUAL_ESCALATION_RULE,
    OPEN_TASK_STATUSES,
    ClockKind,
    EscalationStatus,
)
from ..constants import ApprovalEvent as E
from ..errors import ApprovalError, ApprovalPermissionDenied
from ..models import Clock, Escalation, Task
from ..states import EscalationMove, move
from .common import acts_for, lock_case
from .sweep import approvers_by_department

#: The rule of a supervisor's 督办 (``Escalation.rule``, numbered per clock).
MANUAL_RULE = MANUAL_ESCALATION_RULE
CONTENT_MAX = 300
#: The 督办 form's key (``FormSubmission.purpose``) and the refusal of its second post.
PURPOSE = "approvals.escalation"
ALREADY = "该督办表单已提交过，未重复督办。"


def _text(value: str, *, label: str, maximum: int = CONTENT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ApprovalError(f"请填写{label}。", code="required")
    if len(value) > maximum:
        raise ApprovalError(
            f"{label}过长：最多 {maximum} 字，现有 {len(value)} 字。", code="too_long"
        )
    return value


def may_supervise(user: User, application: Application) -> bool:
    """A supervisor district-wide, or watching the item's department or a department
    with a step of the case."""
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return False
    watched = department_list_supervised_by(user=user)
    if watched.filter(pk=application.item_version.department_id).exists():
        return True
    return Task.objects.filter(application=application, department__in=watched).exists()


def holding_department(application: Application) -> Department:
    """The department the case is with now: an open step's, else the item's."""
    task = (
        Task.objects.filter(application=application, status__in=OPEN_TASK_STATUSES)
        .select_related("department")
        .order_by("stage", "pk")
        .first()
    )
    return task.department if task else application.item_version.department


@transaction.atomic
def escalation_issue(
    *, application: Application | int, actor: User, content: str, submission=None
) -> Escalation:
    """A supervisor's 督办 note on a case (accepted, not yet closed or just concluded:
    any case with a promised clock), once per form key ``submission`` (None: not
    checked; a second post raises ``DuplicateSubmission`` naming the first 督办)."""
    submission_claim(submission, user=actor, purpose=PURPOSE, message=ALREADY)
    application = lock_case(application)
    if not may_supervise(actor, application):
        raise ApprovalPermissionDenied("只有负责该办件所属部门的督查人员可以督办。")
    content = _text(content, label="督办内容")
    clock = Clock.objects.filter(application=application, kind=ClockKind.PROMISED).first()
    if clock is None:
        raise ApprovalError("该申请尚未受理，没有办理时限，不能督办。", code="not_a_case")
    department = holding_department(application)
    number = Escalation.objects.filter(clock=clock, rule__startswith=MANUAL_RULE).count() + 1
    now = timezone.now()
    escalation = Escalation.objects.create(
        application=application,
        clock=clock,
        department=department,
        responsible_department=department,
        rule=f"{MANUAL_RULE}-{number}",
        warning_type=clock.light,
        content=content,
        issued_at=now,
    )
    record_event(
        application,
        E.ESCALATED,
        actor=actor,
        department=department,
        message=content,
        escalation=escalation.pk,
    )
    url = reverse("approvals:case", args=[application.pk])
    for user in approvers_by_department([department.pk]).get(department.pk, []):
        notify(
            recipient=user,
            title="督办通知",
            body=(
                f"办件 {application.case_number}（{application.item_version.name}）"
                f"收到督办：{content}"
            ),
            url=url,
            reference=application.case_number or "",
        )
    submission_record(submission, escalation)
    return escalation


@transaction.atomic
def escalation_answer(*, escalation: Escalation | int, actor: User, result: str) -> Escalation:
    """The supervised department answers a 督办 (its own, or one the sweep opened): the
    answer is the record's result and the 督办 is resolved."""
    pk = getattr(escalation, "pk", escalation)
    application_id = Escalation.objects.values_list("application_id", flat=True).get(pk=pk)
    application = lock_case(application_id) if application_id else None
    escalation = (
        Escalation.objects.select_for_update(of=("self",)).select_related("department").get(pk=pk)
    )
    if not acts_for(actor, escalation.department):
        raise ApprovalPermissionDenied(
            f"只有{escalation.department.name}的审批人员可以答复该督办。"
        )
    if escalation.status != EscalationStatus.OPEN:
        raise ApprovalError("该督办已答复办结，不能重复答复。", code="transition")
    result = _text(result, label="督办答复")
    move(escalation, EscalationMove.ANSWER)
    escalation.result = result
    escalation.resolved_at = timezone.now()
    escalation.save(update_fields=["status", "result", "resolved_at", "updated_at"])
    if application is not None:
        record_event(
            application,
            E.ESCALATION_ANSWERED,
            actor=actor,
            department=escalation.department,
            message=result,
            escalation=escalation.pk,
        )
    return escalation
