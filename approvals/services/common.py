"""What every approvals service shares: the case lock, the task lock with its version
check, the "acts for the department" re-check, and the case clocks.

Lock order is always the case (Application row) first, then the task: every action on
a case is serialised, so two parallel steps finishing at the same moment cannot both
miss that the stage is complete, and two approvers deciding one task cannot both win.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department, User
from accounts.selectors import department_list_acting_for
from intake.models import Application
from jinpu_portal.notifications import notify

from ..constants import OPEN_TASK_STATUSES, ClockKind, TaskStatus
from ..errors import ApprovalError, ApprovalPermissionDenied, TaskConflict
from ..models import Clock, Task
from ..states import TaskMove, move
from .clocks import clock_stop

CASE_CLOCK_KINDS = (ClockKind.PROMISED, ClockKind.STATUTORY)


def today():
    """The local working date acts count from (tests set the time, see tests/approvals)."""
    return timezone.localdate()


def person(user: User | None) -> str:
    return (user.full_name or user.username) if user else "系统"


def lock_case(application: Application | int) -> Application:
    pk = getattr(application, "pk", application)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("item_version__item", "item_version__department", "applicant", "hall")
        .get(pk=pk)
    )


def lock_task(task: Task | int, *, expected_version: int | None = None) -> tuple[Task, Application]:
    """Lock the task's case, then the task; refuse if the task moved since the caller saw it."""
    pk = getattr(task, "pk", task)
    application_id = Task.objects.values_list("application_id", flat=True).get(pk=pk)
    application = lock_case(application_id)
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("department", "assignee", "clock", "step")
        .get(pk=pk)
    )
    if expected_version is not None and task.lock_version != expected_version:
        raise TaskConflict(_changed_message(task))
    return task, application


def _changed_message(task: Task) -> str:
    if task.status == TaskStatus.COMPLETED:
        return (
            f"该任务已由{person(task.assignee)}办理完毕（{task.get_decision_display()}），"
            "不能重复办理。请刷新页面查看最新状态。"
        )
    if task.status == TaskStatus.CANCELLED:
        return "该任务已取消（办件已办结或已终止），请刷新页面查看最新状态。"
    if task.assignee_id:
        return f"该任务刚被{person(task.assignee)}认领或更新，请刷新页面后再操作。"
    return "该任务刚被他人更新，请刷新页面后再操作。"


def require_open(task: Task) -> None:
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskConflict(_changed_message(task))


def acts_for(user: User, department: Department) -> bool:
    return department_list_acting_for(user=user).filter(pk=department.pk).exists()


def require_acts_for(user: User, department: Department) -> None:
    """django-guardian's "may act for department" on the task's department, re-checked."""
    if not acts_for(user, department):
        raise ApprovalPermissionDenied(f"您没有以“{department.name}”名义审批的权限。")


def require_worker(task: Task, actor: User) -> None:
    """The actor acts for the department, and the task is unclaimed or theirs."""
    require_acts_for(actor, task.department)
    require_open(task)
    if task.assignee_id and task.assignee_id != actor.pk:
        raise TaskConflict(
            f"该任务已由{person(task.assignee)}认领，请联系其本人或部门负责人改派后再办理。"
        )


def is_department_head(user: User, department: Department | int) -> bool:
    """The head (负责人) of ``department``: an approver whose profile names it as the
    department they head and who still acts for it."""
    profile = getattr(user, "staff_profile", None)
    department_id = getattr(department, "pk", department)
    return bool(
        profile
        and profile.head_of_id == department_id
        and department_list_acting_for(user=user).filter(pk=department_id).exists()
    )


def bump(task: Task, *fields: str) -> None:
    task.lock_version += 1
    task.save(update_fields=["lock_version", "updated_at", *fields])


def open_clocks(application: Application):
    """Every running clock of the case: its two case clocks and its open step clocks.
    Not the clocks of the case's rectification orders (feedback): a supplement or the
    conclusion of the case neither pauses nor stops them."""
    return (
        Clock.objects.filter(Q(application=application) | Q(task__application=application))
        .filter(is_open=True)
        .exclude(kind=ClockKind.RECTIFICATION)
        .order_by("id")
    )


def case_clocks_by_kind(application: Application) -> dict[str, Clock]:
    """The case's own clocks (promised, statutory) by kind; ``selectors.case_clocks``
    lists every clock of the case, step clocks too, for its pages."""
    return {
        clock.kind: clock
        for clock in Clock.objects.filter(application=application, kind__in=CASE_CLOCK_KINDS)
    }


def sync_due_dates(application: Application) -> None:
    """Keep the case's denormalised due dates equal to its clocks' derived ones."""
    clocks = case_clocks_by_kind(application)
    fields = []
    for kind, field in (
        (ClockKind.PROMISED, "promised_due_date"),
        (ClockKind.STATUTORY, "statutory_due_date"),
    ):
        clock = clocks.get(kind)
        if clock is not None and getattr(application, field) != clock.due_date:
            setattr(application, field, clock.due_date)
            fields.append(field)
    if fields:
        application.save(update_fields=[*fields, "updated_at"])


def limit_text(value: str, label: str, *, max_length: int) -> str:
    """Optional free text, stripped; longer than the field holds is refused (never cut)."""
    value = (value or "").strip()
    if len(value) > max_length:
        raise ApprovalError(
            f"{label}过长：最多 {max_length} 字，现有 {len(value)} 字。", code="too_long"
        )
    return value


def require_text(value: str, message: str, *, max_length: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise ApprovalError(message, code="required")
    if len(value) > max_length:
        raise ApprovalError(f"内容过长，请控制在 {max_length} 字以内。", code="too_long")
    return value


def close_open_work(application: Application, on) -> list[int]:
    """The case ends (concluded or terminated): its open tasks are cancelled and every
    running clock stops on ``on``. Returns the cancelled tasks' ids."""
    cancelled = list(
        application.tasks.filter(status__in=OPEN_TASK_STATUSES).values_list("pk", flat=True)
    )
    for other in Task.objects.filter(pk__in=cancelled):
        move(other, TaskMove.CANCEL)
        other.lock_version += 1
        other.save(update_fields=["status", "lock_version", "updated_at"])
    for clock in open_clocks(application):
        clock_stop(clock=clock, on=on)
    return cancelled


def notify_assignees(application: Application, *, title: str, body: str, skip=None) -> None:
    """Tell whoever holds an open task of the case (except ``skip``), linking the task."""
    tasks = application.tasks.filter(status__in=OPEN_TASK_STATUSES, assignee__isnull=False)
    for task in tasks.select_related("assignee"):
        if skip is None or task.assignee_id != skip.pk:
            notify(
                recipient=task.assignee,
                title=title,
                body=f"{application.case_number}“{application.item_version.name}”{body}",
                url=reverse("approvals:task", args=[task.pk]),
                reference=application.case_number or "",
            )
