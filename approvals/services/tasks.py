"""The approver's acts on a task, one service each (HackSoft style): claim, release,
reassign, a head's takeover (接办), approve, deny, return for supplement (补正), special
procedures (特别程序, 行政许可法 art. 45), extensions (延期, art. 42).

Each service locks the case and then the task (``common.lock_task``), re-checks that the
actor acts for the task's department (django-guardian), guards the state, writes what
it must with ``save(update_fields=...)`` and leaves a ``CaseEvent`` in the same
transaction. ``expected_version`` is the task's ``lock_version`` the actor saw: when
someone else moved the task in between, the actor gets a clear conflict message
instead of acting on a task they have not seen.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from catalog.calendar import add_working_days, working_days_between
from intake.constants import CaseAction, CaseStatus, NoticeKind
from intake.models import Application, Notice
from intake.selectors import enterprise_applications, own_applications
from intake.services.contact import applicant_notify
from intake.services.notices import notice_issue
from intake.services.supplements import supplement_files_add
from intake.states import record_event, transition
from jinpu_portal.dates import date_text
from jinpu_portal.notifications import notify

from ..constants import (
    SPECIAL_PROCEDURE_KINDS,
    ClockKind,
    Decision,
    ExtensionAuthority,
    ExtensionStatus,
    PauseKind,
    TaskStatus,
)
from ..constants import ApprovalEvent as E
from ..errors import ApprovalError, ApprovalPermissionDenied, TaskConflict
from ..models import ClockPause, Extension, Task
from ..states import ExtensionMove, TaskMove, move
from .clocks import clock_extend, clock_pause, clock_resume, clock_stop
from .common import (
    acts_for,
    bump,
    case_clocks_by_kind,
    is_department_head,
    limit_text,
    lock_case,
    lock_task,
    notify_assignees,
    open_clocks,
    person,
    require_acts_for,
    require_open,
    require_text,
    require_worker,
    sync_due_dates,
    today,
)
from .conclusion import case_conclude, document_extra
from .routing import deciding_department, next_stage, stage_is_complete, stage_open

# 行政许可法 art. 42: +10 working days; joint handling (联办, co-implementing
# departments): +15.
EXTENSION_MAX_DAYS = 10
# Free text the acts take, in characters: longer is refused, never cut. Each fits the
# column it is stored in with the event line's prefix (CaseEvent.message holds 300).
LEGAL_BASIS_MAX_LENGTH = 300
SUPPLEMENT_NOTE_MAX_LENGTH = 500
SUPPLEMENT_ITEM_MAX_LENGTH = 200
RECEIVE_NOTE_MAX_LENGTH = 280
EXTENSION_NOTE_MAX_LENGTH = 280
TAKEOVER_REASON_MAX_LENGTH = 200
EXTENSION_MAX_DAYS_JOINT = 15


def _department_event(application, action: str, actor, message: str, department, **details):
    """An act of ``department`` in the case record, under its own code (``ApprovalEvent``);
    the message cut to 300 characters."""
    return record_event(
        application, action, actor=actor, message=message[:300], department=department, **details
    )


def _event(application, task: Task, actor, message: str, action: str, **details):
    """An act on ``task`` in the case record."""
    return _department_event(
        application, action, actor, message, task.department, task=task.pk, **details
    )


def _notice(application, kind: str, actor, department, **content) -> Notice:
    """A notice of a step in the procedure (补正, 特别程序, 延期) to the applicant: issued
    by ``department``, under the item's department's name and seal and the kind's own
    title (one place for what the three acts' documents share); ``content`` is the rest
    of what the notice shows."""
    return notice_issue(
        application=application,
        kind=kind,
        actor=actor,
        department=department,
        extra={
            **document_extra(application.item_version.department, str(NoticeKind(kind).label)),
            **content,
        },
    )


def _require_in_approval(application: Application) -> None:
    if application.status == CaseStatus.SUPPLEMENT_REQUESTED:
        raise ApprovalError(
            "办件正在等待申请人补正材料，收到补正材料后才能继续办理。", code="waiting_supplement"
        )
    if application.status != CaseStatus.IN_APPROVAL:
        raise ApprovalError(
            f"办件当前状态为“{application.get_status_display()}”，不能办理。", code="case_status"
        )


def running_pause(application: Application) -> ClockPause | None:
    return (
        ClockPause.objects.filter(
            clock__application=application,
            clock__kind__in=(ClockKind.PROMISED, ClockKind.STATUTORY),
            ended_on__isnull=True,
        )
        .order_by("id")
        .first()
    )


def _require_not_paused(application: Application) -> None:
    pause = running_pause(application)
    if pause is not None:
        raise ApprovalError(
            f"办件时限正因“{pause.get_kind_display()}”暂停（自 {date_text(pause.started_on)} 起），"
            "请先结束该程序再办理。",
            code="paused",
        )


def _spent_days(task: Task) -> int:
    if task.clock is None:
        return 0
    return working_days_between(task.clock.started_on, today()) - task.clock.paused_days


# --- claim, release, reassign ---------------------------------------------------------


def _assign(
    task: Task, application, actor, to: User, how: str, message: str, action: str, **details
):
    """``task`` moves (``how``: a ``TaskMove``) to the user ``to`` from now, with its
    event (``details``: the event's)."""
    move(task, how)
    task.assignee = to
    task.claimed_at = timezone.now()
    bump(task, "status", "assignee", "claimed_at")
    _event(application, task, actor, message, action, **details)


def _tell(recipient: User, task: Task, application, title: str, after: str = "") -> None:
    """Tell ``recipient`` about ``task`` (its case, item and step, then ``after``), linking it."""
    notify(
        recipient=recipient,
        title=title,
        body=f"{application.case_number}“{application.item_version.name}”：{task.name}{after}",
        url=reverse("approvals:task", args=[task.pk]),
        reference=application.case_number or "",
    )


@transaction.atomic
def task_claim(*, task: Task, actor: User, expected_version: int | None = None) -> Task:
    """认领: the actor takes the task; nobody else in the department works on it."""
    task, application = lock_task(task, expected_version=expected_version)
    require_acts_for(actor, task.department)
    require_open(task)
    if task.assignee_id == actor.pk:
        raise ApprovalError("您已认领该任务。", code="already_yours")
    if task.assignee_id:
        raise TaskConflict(f"该任务已由{person(task.assignee)}认领。")
    _assign(
        task,
        application,
        actor,
        actor,
        TaskMove.CLAIM,
        f"{person(actor)}认领“{task.name}”",
        E.CLAIMED,
    )
    return task


@transaction.atomic
def task_release(*, task: Task, actor: User, expected_version: int | None = None) -> Task:
    """退回待办: the assignee (or a department head) gives the task back to the department."""
    task, application = lock_task(task, expected_version=expected_version)
    require_acts_for(actor, task.department)
    require_open(task)
    if not task.assignee_id:
        raise ApprovalError("该任务尚未被认领。", code="not_claimed")
    if task.assignee_id != actor.pk and not is_department_head(actor, task.department):
        raise ApprovalPermissionDenied("只有认领人或部门负责人可以退回该任务。")
    previous = task.assignee
    move(task, TaskMove.RELEASE)
    task.assignee = None
    task.claimed_at = None
    bump(task, "status", "assignee", "claimed_at")
    _event(
        application,
        task,
        actor,
        f"“{task.name}”退回部门待办（原认领人 {person(previous)}）",
        E.RELEASED,
    )
    return task


@transaction.atomic
def task_reassign(
    *, task: Task, actor: User, assignee: User, expected_version: int | None = None
) -> Task:
    """改派 within the department: to another approver acting for the same department.
    An unclaimed task or one's own may be handed on; someone else's needs a head."""
    task, application = lock_task(task, expected_version=expected_version)
    require_acts_for(actor, task.department)
    require_open(task)
    if (
        task.assignee_id
        and task.assignee_id != actor.pk
        and not is_department_head(actor, task.department)
    ):
        raise ApprovalPermissionDenied("该任务已由他人认领，只有认领人或部门负责人可以改派。")
    if assignee.pk == actor.pk:
        raise ApprovalError("不能改派给自己；要自己办理，请认领该任务。", code="self")
    if assignee.pk == task.assignee_id:
        raise ApprovalError(f"该任务已由{person(assignee)}办理，无需改派。", code="same")
    if not acts_for(assignee, task.department):
        # No name: the assignee is any user id the caller chose (the API takes one), so
        # naming them would tell anyone's name, a citizen's included.
        raise ApprovalError(
            f"改派对象没有以“{task.department.name}”名义审批的权限，不能改派给其办理。",
            code="assignee",
        )
    _assign(
        task,
        application,
        actor,
        assignee,
        TaskMove.REASSIGN,
        f"“{task.name}”改派给{person(assignee)}",
        E.REASSIGNED,
        assignee=assignee.pk,
    )
    _tell(assignee, task, application, "您有一件改派的审批任务")
    return task


@transaction.atomic
def task_take_over(
    *, task: Task, actor: User, reason: str, expected_version: int | None = None
) -> Task:
    """接办: a department head takes over a task another approver of the department
    claimed (the approver is on leave, ill, moved): one act where 退回待办 and 认领 were
    two, with the reason in the case record (staff only: the applicant sees the act's
    label and the department) and the previous assignee told."""
    task, application = lock_task(task, expected_version=expected_version)
    require_acts_for(actor, task.department)
    if not is_department_head(actor, task.department):
        raise ApprovalPermissionDenied(
            f"只有{task.department.name}的负责人可以接办他人认领的任务；"
            "如需转交，请联系认领人或部门负责人改派。"
        )
    require_open(task)
    if not task.assignee_id:
        raise ApprovalError("该任务尚未被认领，无需接办；要办理请直接认领。", code="not_claimed")
    if task.assignee_id == actor.pk:
        raise ApprovalError("该任务已由您认领，无需接办，可直接办理。", code="already_yours")
    reason = require_text(
        reason, "请填写接办理由（如：原认领人休假）。", max_length=TAKEOVER_REASON_MAX_LENGTH
    )
    previous = task.assignee
    _assign(
        task,
        application,
        actor,
        actor,
        TaskMove.TAKE_OVER,
        f"“{task.name}”由部门负责人接办（原认领人 {person(previous)}）：{reason}",
        E.TAKEN_OVER,
        previous_assignee=previous.pk,
        reason=reason,
    )
    _tell(
        previous,
        task,
        application,
        "您认领的审批任务已由部门负责人接办",
        f"已由{person(actor)}接办，理由：{reason}",
    )
    return task


# --- decisions --------------------------------------------------------------------------


def _complete(task: Task, actor: User, decision: str, opinion: str) -> None:
    move(task, TaskMove.APPROVE if decision == Decision.APPROVE else TaskMove.DENY)
    task.decision = decision
    task.opinion = opinion
    task.assignee = actor
    task.claimed_at = task.claimed_at or timezone.now()
    task.completed_at = timezone.now()
    bump(task, "status", "decision", "opinion", "assignee", "claimed_at", "completed_at")


@transaction.atomic
def task_approve(
    *, task: Task, actor: User, opinion: str, expected_version: int | None = None
) -> Task:
    """同意 the step. When every task of the stage is approved the next stage opens; the
    approval of the last stage concludes the case with the result document."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    _require_in_approval(application)
    _require_not_paused(application)
    opinion = require_text(opinion, "请填写审查意见。", max_length=2000)
    spent = _spent_days(task)
    _complete(task, actor, Decision.APPROVE, opinion)
    clock_stop(clock=task.clock, on=today())
    _event(
        application,
        task,
        actor,
        f"{task.department.name}“{task.name}”同意（用时 {spent} 个工作日）：{opinion}",
        E.APPROVED,
        working_days=spent,
    )
    if stage_is_complete(application, task.stage):
        following = next_stage(application, task.stage)
        if following is None:
            case_conclude(application=application, task=task, actor=actor, approved=True)
        else:
            stage_open(application=application, stage=following, actor=actor, on=today())
    return task


@transaction.atomic
def task_deny(
    *,
    task: Task,
    actor: User,
    reason: str,
    legal_basis: str = "",
    expected_version: int | None = None,
) -> Notice:
    """不予许可: the case concludes as not approved, with the legal reason and the
    applicant's right to administrative review (60 days) or a lawsuit (6 months)."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    _require_in_approval(application)
    _require_not_paused(application)
    reason = require_text(reason, "不予许可必须说明理由。", max_length=280)
    legal_basis = limit_text(legal_basis, "法律依据", max_length=LEGAL_BASIS_MAX_LENGTH)
    spent = _spent_days(task)
    _complete(task, actor, Decision.DENY, reason)
    _event(
        application,
        task,
        actor,
        f"{task.department.name}“{task.name}”不予许可（用时 {spent} 个工作日）：{reason}",
        E.DENIED,
        working_days=spent,
        legal_basis=legal_basis,
    )
    return case_conclude(
        application=application,
        task=task,
        actor=actor,
        approved=False,
        reason=reason,
        legal_basis=legal_basis,
    )


# --- supplement (审查补正) -----------------------------------------------------------------


def _pause_all(application, *, kind, reason, actor, expected_days=None) -> list[ClockPause]:
    on = today()
    return [
        clock_pause(
            clock=clock, kind=kind, reason=reason, on=on, actor=actor, expected_days=expected_days
        )
        for clock in open_clocks(application)
        if clock.paused_since is None
    ]


def _resume(application, kinds, result: str) -> int:
    on = today()
    resumed = 0
    for clock in open_clocks(application).filter(
        paused_since__isnull=False, pauses__ended_on__isnull=True, pauses__kind__in=kinds
    ):
        clock_resume(clock=clock, on=on, result=result)
        resumed += 1
    sync_due_dates(application)
    return resumed


@transaction.atomic
def task_request_supplement(
    *,
    task: Task,
    actor: User,
    items: list[str],
    note: str = "",
    expected_version: int | None = None,
) -> Notice:
    """Return the case to the applicant for supplement: a notice listing everything to
    supply; the case clocks and the open step clocks pause until it arrives."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    _require_in_approval(application)
    _require_not_paused(application)
    items = [item.strip() for item in items or [] if item and item.strip()]
    if not items:
        raise ApprovalError("请逐项列明需要申请人补正的材料或内容。", code="items")
    for number, item in enumerate(items, 1):
        if len(item) > SUPPLEMENT_ITEM_MAX_LENGTH:
            raise ApprovalError(
                f"第 {number} 项补正要求有 {len(item)} 字，每项请控制在 "
                f"{SUPPLEMENT_ITEM_MAX_LENGTH} 字以内（可分成几行，每行一项）。",
                code="too_long",
            )
    note = limit_text(note, "补正说明", max_length=SUPPLEMENT_NOTE_MAX_LENGTH)
    reason = limit_text("；".join(items), "补正要求（合计）", max_length=300)
    _pause_all(application, kind=PauseKind.SUPPLEMENT, reason=reason, actor=actor)
    if move(task, TaskMove.TAKE) == TaskStatus.OPEN:
        task.assignee = actor
        task.claimed_at = timezone.now()
    bump(task, "status", "assignee", "claimed_at")
    transition(
        application,
        CaseAction.REQUEST_SUPPLEMENT,
        actor=actor,
        message=f"{task.department.name}要求补正 {len(items)} 项：{reason}"[:300],
        department=task.department,
        event_details={"task": task.pk, "items": items, "note": note},
    )
    notice = _notice(
        application,
        NoticeKind.SUPPLEMENT,
        actor,
        task.department,
        supplement_items=items,
        note=note,
        requesting_department=task.department.name,
        step_name=task.name,
    )
    applicant_notify(
        application,
        title="请补正审批材料",
        body=f"“{application.item_version.name}”（{application.case_number}）审查中需要补正 "
        f"{len(items)} 项材料，补正期间不计入办理时限。",
        url=reverse("approvals:supplement", args=[application.pk]),
        reference=application.case_number or "",
    )
    return notice


def _may_receive_supplement(application: Application, actor: User) -> bool:
    """A clerk at any window, or online the applicant or whoever may act for the
    applying enterprise in this item (the one rule: intake.selectors)."""
    if actor.has_role(Role.CLERK):
        return True
    return actor.has_role(Role.CITIZEN) and (
        Application.objects.filter(pk=application.pk)
        .filter(own_applications(actor) | enterprise_applications(actor))
        .exists()
    )


def current_supplement_notice(application: Application) -> Notice | None:
    """The latest 审查补正告知书 of the case: what the applicant is (or was last) asked
    to hand in."""
    return (
        Notice.objects.filter(application=application, kind=NoticeKind.SUPPLEMENT)
        .order_by("-issued_at", "-id")
        .first()
    )


@transaction.atomic
def supplement_receive(
    *,
    application: Application,
    actor: User,
    note: str = "",
    files=(),
    expected_notice: int | None = None,
) -> Application:
    """The supplement arrived (the applicant online, or a clerk at any window): its
    files are kept with the case, the clocks resume and the paused working days move
    the due dates. ``files``: [(item number, uploaded file)], numbers from 1 as the
    notice lists its items; online every item needs at least one, a clerk's scans are
    optional (the paper may stay in the file). Any refused file refuses the whole
    supplement: nothing is kept and the clocks stay paused. ``expected_notice``: the
    id of the notice the page answered; a page shown before the case moved on (the
    supplement handed in from another tab or at a window, or asked again) is refused
    as a conflict."""
    application = lock_case(application)
    if not _may_receive_supplement(application, actor):
        raise ApprovalPermissionDenied("只有申请人本人或综合窗口人员可以提交补正材料。")
    if application.status != CaseStatus.SUPPLEMENT_REQUESTED:
        if expected_notice is not None:  # the page was shown while it waited
            raise ApprovalError(
                "该办件已不在等待补正：补正材料已经提交（或办件已有变化），"
                "本次提交未保存。请刷新页面查看。",
                code="conflict",
            )
        raise ApprovalError("该办件没有待补正的审查意见。", code="no_supplement")
    notice = current_supplement_notice(application)
    if expected_notice is not None and (notice is None or notice.pk != expected_notice):
        raise ApprovalError(
            "审查部门已重新出具补正告知书，请刷新页面，按最新的补正要求提交；本次提交未保存。",
            code="stale",
        )
    note = limit_text(note, "收件说明", max_length=RECEIVE_NOTE_MAX_LENGTH)
    at_window = actor.has_role(Role.CLERK)
    channel = "counter" if at_window else "online"
    files = list(files)
    if notice is None and files:
        raise ApprovalError("该办件没有补正告知书，不能上传补正材料。", code="no_supplement")
    application.received_at = timezone.now()
    application.save(update_fields=["received_at", "updated_at"])
    _resume(application, (PauseKind.SUPPLEMENT,), result=note or "已补正")
    window = getattr(getattr(actor, "staff_profile", None), "window", None)
    arrived = f"{len(files)} 个文件" if files else ("纸质材料" if at_window else "")
    transition(
        application,
        CaseAction.SUPPLEMENT_RECEIVED,
        actor=actor,
        message=f"收到补正材料{f'（{arrived}）' if arrived else ''}"
        f"{('：' + note) if note else ''}，恢复计时"[:300],
        channel=channel,
        event_details={"received_at": str(window) if window else "网上提交", "files": len(files)},
    )
    if notice is not None:
        # Last of the writes: a refusal (a file, a missing item) rolls back everything
        # above, and a file is stored only once nothing else can refuse the act.
        supplement_files_add(
            application=application,
            notice=notice,
            files=files,
            actor=actor,
            channel=channel,
            each_item=not at_window,
        )
    notify_assignees(
        application,
        title="申请人已补正材料",
        body=f"已收到补正材料{f'（{len(files)} 个文件）' if files else ''}，请继续审查。",
    )
    return application


# --- special procedures (特别程序, art. 45) -------------------------------------------------


@transaction.atomic
def special_procedure_start(
    *,
    task: Task,
    actor: User,
    kind: str,
    reason: str,
    expected_days: int,
    expected_version: int | None = None,
) -> Notice:
    """Hearing, tendering, inspection, appraisal, expert review: the time is not counted;
    the applicant is told in writing what and how long (特别程序告知书)."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    _require_in_approval(application)
    _require_not_paused(application)
    if kind not in SPECIAL_PROCEDURE_KINDS:
        raise ApprovalError(
            "请选择特别程序的种类（听证、检验检测、鉴定、专家评审等）。", code="kind"
        )
    reason = require_text(reason, "请说明启动特别程序的原因或依据。")
    try:
        expected_days = int(expected_days)
    except (TypeError, ValueError):
        expected_days = 0
    if not 1 <= expected_days <= 365:
        raise ApprovalError("请填写特别程序预计所需的工作日（1–365）。", code="expected_days")
    _pause_all(application, kind=kind, reason=reason, actor=actor, expected_days=expected_days)
    bump(task)
    label = str(PauseKind(kind).label)
    _event(
        application,
        task,
        actor,
        f"启动特别程序（{label}），预计 {expected_days} 个工作日，期间不计入办理时限：{reason}",
        E.SPECIAL_STARTED,
        kind=kind,
        expected_days=expected_days,
    )
    notice = _notice(
        application,
        NoticeKind.SPECIAL_PROCEDURE,
        actor,
        task.department,
        procedure_kind=kind,
        procedure_label=label,
        reason=reason,
        expected_days=expected_days,
        procedure_start=date_text(today()),
        expected_end=date_text(add_working_days(today(), expected_days)),
        requesting_department=task.department.name,
    )
    applicant_notify(
        application,
        title=f"您的办件进入{label}程序",
        body=f"“{application.item_version.name}”（{application.case_number}）需进行{label}，"
        f"预计 {expected_days} 个工作日，所需时间不计入办理时限。",
        url=reverse("intake:verify", args=[notice.verification_code]),
        reference=application.case_number or "",
    )
    return notice


@transaction.atomic
def special_procedure_end(
    *, task: Task, actor: User, result: str, expected_version: int | None = None
) -> Task:
    """The special procedure is over: the clocks count again, the due dates move by the
    working days it took."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    pause = running_pause(application)
    if pause is None or pause.kind not in SPECIAL_PROCEDURE_KINDS:
        raise ApprovalError("该办件没有正在进行的特别程序。", code="no_procedure")
    result = require_text(result, "请填写特别程序的结果。")
    _resume(application, SPECIAL_PROCEDURE_KINDS, result=result)
    bump(task)
    days = working_days_between(pause.started_on, today())
    _event(
        application,
        task,
        actor,
        f"特别程序（{pause.get_kind_display()}）结束，历时 {days} 个工作日：{result}",
        E.SPECIAL_ENDED,
        kind=pause.kind,
        working_days=days,
    )
    return task


# --- extensions (延期, art. 42) ---------------------------------------------------------------


def is_joint(application: Application) -> bool:
    """Joint handling (联办: 共同实施部门 on the version), as art. 42 means it."""
    return application.item_version.co_departments.exists()


def extension_limit(application: Application) -> int:
    """Joint handling allows 15 working days, else 10."""
    return EXTENSION_MAX_DAYS_JOINT if is_joint(application) else EXTENSION_MAX_DAYS


def extension_authority(application: Application) -> str:
    """Who approves an extension of the case (art. 42): for joint handling the head of
    the people's government at that level (区政府负责人), else the head of the body
    deciding the case."""
    if is_joint(application):
        return ExtensionAuthority.GOVERNMENT_HEAD
    return ExtensionAuthority.DEPARTMENT_HEAD


def extension_deciders(extension: Extension):
    """The active users who may decide ``extension``, its requester excepted: the
    district government's heads for a joint case, else the heads of the deciding
    department who still act for it."""
    users = User.objects.filter(is_active=True).exclude(pk=extension.requested_by_id)
    if extension.authority == ExtensionAuthority.GOVERNMENT_HEAD:
        return list(users.filter(groups__name=Role.GOVERNMENT_HEAD).distinct().order_by("pk"))
    heads = (
        users.filter(groups__name=Role.APPROVER, staff_profile__head_of_id=extension.department_id)
        .select_related("staff_profile")
        .distinct()
        .order_by("pk")
    )
    return [user for user in heads if is_department_head(user, extension.department_id)]


def statutory_limit_passed(application: Application) -> datetime.date | None:
    """The statutory due date when it has passed with the clock running (a paused clock
    has not run out: its due date moves when it resumes), else None. Art. 42 extends a
    limit that is still running: no extension is asked for or approved after it."""
    statutory = case_clocks_by_kind(application).get(ClockKind.STATUTORY)
    if statutory is None or statutory.is_paused or not statutory.is_open:
        return None
    return statutory.due_date if timezone.localdate() > statutory.due_date else None


def _require_within_the_limit(application: Application, doing: str) -> None:
    due = statutory_limit_passed(application)
    if due is not None:
        raise ApprovalError(
            f"法定办理期限已于 {date_text(due)} 届满，不能再{doing}延期"
            "（《行政许可法》第四十二条：法定期限内不能作出决定的，方可经负责人批准延长）。"
            "请尽快作出决定。",
            code="limit_passed",
        )


@transaction.atomic
def extension_request(
    *,
    task: Task,
    actor: User,
    days: int,
    reason: str,
    expected_version: int | None = None,
) -> Extension:
    """Ask for more working days; the head of the body deciding the case approves, or
    for joint handling the district government's head; the deciders are told."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    if application.status not in (CaseStatus.IN_APPROVAL, CaseStatus.SUPPLEMENT_REQUESTED):
        raise ApprovalError("办件已办结或终止，不能申请延期。", code="case_status")
    reason = require_text(reason, "请填写延期理由（将告知申请人）。")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if days <= 0:
        raise ApprovalError("延长的工作日必须大于 0。", code="days")
    _require_within_the_limit(application, "申请")
    if application.extensions.filter(status=ExtensionStatus.REQUESTED).exists():
        raise ApprovalError("该办件已有待批准的延期申请，请等待批准结果。", code="pending")
    limit = extension_limit(application)
    used = (
        application.extensions.filter(status=ExtensionStatus.APPROVED).aggregate(d=Sum("days"))["d"]
        or 0
    )
    if used + days > limit:
        raise ApprovalError(
            f"《行政许可法》第四十二条规定最多可延长 {limit} 个工作日，"
            f"已延长 {used} 个工作日，本次最多还可申请 {max(limit - used, 0)} 个工作日。",
            code="limit",
        )
    extension = Extension.objects.create(
        application=application,
        department=deciding_department(application),
        days=days,
        reason=reason,
        requested_by=actor,
        authority=extension_authority(application),
    )
    bump(task)
    _event(
        application,
        task,
        actor,
        f"申请延期 {days} 个工作日：{reason}",
        E.EXTENSION_REQUESTED,
        extension=extension.pk,
        days=days,
    )
    for decider in extension_deciders(extension):
        notify(
            recipient=decider,
            title="延期申请待批准",
            body=f"{application.case_number}“{application.item_version.name}”申请延长 "
            f"{days} 个工作日（{extension.get_authority_display()}批准）：{reason}",
            url=reverse("approvals:extensions"),
            reference=application.case_number or "",
        )
    return extension


def _extension_event(
    application: Application, extension: Extension, action: str, actor: User, message: str, **extra
):
    """A decision on ``extension`` in the record of its case (``application``, locked)."""
    _department_event(
        application, action, actor, message, extension.department, extension=extension.pk, **extra
    )


def may_decide_extension(user: User, extension: Extension) -> bool:
    """Only the head (负责人) of the body deciding the case, or for joint handling the
    head of the district government (行政许可法 art. 42). Supervisors watch and urge
    (督办); they do not decide."""
    if extension.authority == ExtensionAuthority.GOVERNMENT_HEAD:
        return user.is_active and user.has_role(Role.GOVERNMENT_HEAD)
    return is_department_head(user, extension.department_id)


def _require_may_decide(user: User, extension: Extension) -> None:
    if may_decide_extension(user, extension):
        return
    if extension.authority == ExtensionAuthority.GOVERNMENT_HEAD:
        who = "联办事项的延期须经本级人民政府负责人（区政府负责人）批准。"
    else:
        who = f"延期须经作出决定的行政机关（{extension.department.name}）负责人批准。"
    if user.has_role(Role.SUPERVISOR):
        raise ApprovalPermissionDenied(
            f"督查人员可以查看和督办延期申请，但不能批准或不批准延期：{who}"
        )
    raise ApprovalPermissionDenied(who)


@transaction.atomic
def extension_decide(
    *, extension: Extension, actor: User, approve: bool, note: str = ""
) -> Extension:
    """批准 (the case clocks extend, the applicant is told why) or 不批准."""
    application = lock_case(extension.application_id)
    extension = (
        Extension.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=extension.pk)
    )
    _require_may_decide(actor, extension)
    if extension.status != ExtensionStatus.REQUESTED:
        raise TaskConflict(
            f"该延期申请已{extension.get_status_display()}（{person(extension.decided_by)}），"
            "不能重复处理。"
        )
    if extension.requested_by_id == actor.pk:
        raise ApprovalPermissionDenied("不能批准本人提出的延期申请。")
    if application.status not in (CaseStatus.IN_APPROVAL, CaseStatus.SUPPLEMENT_REQUESTED):
        raise ApprovalError("办件已办结或终止，不能再延期。", code="case_status")
    note = limit_text(note, "说明", max_length=EXTENSION_NOTE_MAX_LENGTH)
    if not approve and not note:
        raise ApprovalError("不批准延期时请说明理由。", code="note")
    if approve:
        _require_within_the_limit(application, "批准")
    move(extension, ExtensionMove.APPROVE if approve else ExtensionMove.REJECT)
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    if not approve:
        _extension_event(
            application,
            extension,
            E.EXTENSION_REJECTED,
            actor,
            f"延期申请未获{extension.get_authority_display()}批准：{note}",
            authority=extension.authority,
        )
        notify(
            recipient=extension.requested_by,
            title="延期申请未获批准",
            body=f"{application.case_number}：{note}",
            reference=application.case_number or "",
        )
        return extension
    for clock in case_clocks_by_kind(application).values():
        clock_extend(clock=clock, days=extension.days)
    sync_due_dates(application)
    _extension_event(
        application,
        extension,
        E.EXTENSION_APPROVED,
        actor,
        f"{extension.get_authority_display()}批准延期 {extension.days} 个工作日："
        f"{extension.reason}",
        days=extension.days,
        authority=extension.authority,
    )
    _notice(
        application,
        NoticeKind.EXTENSION,
        actor,
        extension.department,
        extension_days=extension.days,
        extension_authority=extension.authority,
        reason=extension.reason,
        new_statutory_due_date=date_text(application.statutory_due_date),
        new_promised_due_date=date_text(application.promised_due_date),
    )
    applicant_notify(
        application,
        title="您的办件办理期限已延长",
        body=f"“{application.item_version.name}”（{application.case_number}）经批准延长 "
        f"{extension.days} 个工作日：{extension.reason}。",
        reference=application.case_number or "",
    )
    return extension
