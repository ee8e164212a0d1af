"""容缺受理 after acceptance: a material accepted as missing on the applicant's written
pledge (``MaterialStatus.TOLERATED``, with its due date) is still owed.

- The case cannot conclude while one is owed (``require_no_tolerated_missing``, checked
  by ``case_conclude`` for an approval and a denial alike): the material is received
  first (``tolerated_material_receive``), or the case is terminated with the reasons
  (``case_terminate``: the pledge not kept).
- The approver's task page lists what is owed and by when, with a light
  (``tolerance_light``); the minute sweep warns the departments and the applicant as the
  date nears and again once it has passed (``approvals.services.sweep``).
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from catalog.calendar import add_working_days
from intake.constants import CaseAction, CaseStatus, MaterialStatus
from intake.models import Application, SubmittedMaterial
from intake.services.contact import applicant_notify
from intake.services.tolerance import tolerated_material_fulfil
from intake.states import record_event, transition
from jinpu_portal.dates import date_text
from jinpu_portal.notifications import notify

from ..constants import OPEN_TASK_STATUSES, ApprovalEvent, Light
from ..errors import ApprovalError, ApprovalPermissionDenied
from ..models import Task
from .common import (
    acts_for,
    close_open_work,
    lock_case,
    lock_task,
    notify_assignees,
    require_text,
    require_worker,
)


def tolerated_missing(application: Application) -> list[SubmittedMaterial]:
    """The 容缺 materials of the case still owed, earliest due first."""
    return list(
        application.materials.filter(status=MaterialStatus.TOLERATED)
        .select_related("material")
        .order_by("tolerance_due_date", "material__position")
    )


def tolerance_light(due: datetime.date, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    if today > due:
        return Light.RED
    if due <= add_working_days(today, settings.TOLERANCE_WARN_DAYS):
        return Light.YELLOW
    return Light.GREEN


def require_no_tolerated_missing(application: Application) -> None:
    """Refuse to conclude a case that still owes a 容缺 material (clear Chinese message)."""
    owed = tolerated_missing(application)
    if not owed:
        return
    listed = "、".join(
        f"“{slot.material.name}”（补交期限 {date_text(slot.tolerance_due_date)}）" for slot in owed
    )
    raise ApprovalError(
        f"容缺受理的材料{listed}尚未补交，不能办结。"
        "请在申请人补交并登记收取后再办结；申请人未按承诺补交的，可终止办理并说明理由。",
        code="tolerated_missing",
    )


def _may_receive(application: Application, actor: User) -> bool:
    """A clerk at any window, or an approver acting for a department on the case."""
    if actor.has_role(Role.CLERK):
        return True
    return any(
        acts_for(actor, task.department)
        for task in application.tasks.select_related("department").distinct()
    )


@transaction.atomic
def tolerated_material_receive(
    *, application: Application | int, slot: SubmittedMaterial | int, actor: User
) -> SubmittedMaterial:
    """The applicant handed in a 容缺 material: it is received, the case may conclude."""
    application = lock_case(application)
    if not _may_receive(application, actor):
        raise ApprovalPermissionDenied("只有综合窗口人员或办理该办件的审批人员可以登记补交。")
    slot = (
        SubmittedMaterial.objects.select_for_update(of=("self",))
        .select_related("material")
        .filter(application=application, pk=getattr(slot, "pk", slot))
        .first()
    )
    if slot is None:
        raise ApprovalError("该办件没有这项材料。", code="material")
    if application.status not in (CaseStatus.IN_APPROVAL, CaseStatus.SUPPLEMENT_REQUESTED):
        raise ApprovalError(
            f"办件当前状态为“{application.get_status_display()}”，不能登记补交。",
            code="case_status",
        )
    tolerated_material_fulfil(slot=slot, actor=actor)
    late = timezone.localdate() > slot.tolerance_due_date
    window = getattr(getattr(actor, "staff_profile", None), "window", None)
    record_event(
        application,
        ApprovalEvent.TOLERATED_RECEIVED,
        actor=actor,
        message=f"容缺材料“{slot.material.name}”已补交"
        f"（期限 {date_text(slot.tolerance_due_date)}{'，逾期补交' if late else ''}）",
        window=window,
        hall=window.hall if window is not None else None,
        channel="counter" if window is not None else "",
        material=slot.pk,
    )
    notify_assignees(
        application, title="容缺材料已补交", body=f"：“{slot.material.name}”已补交。", skip=actor
    )
    return slot


@transaction.atomic
def case_terminate(
    *, task: Task, actor: User, reason: str, expected_version: int | None = None
) -> Application:
    """终止办理 with the reasons (e.g. the applicant did not keep the 容缺 pledge): every
    open task is cancelled, every clock stops, the applicant is told why."""
    task, application = lock_task(task, expected_version=expected_version)
    require_worker(task, actor)
    reason = require_text(reason, "终止办理必须说明理由（将告知申请人）。")
    cancelled = close_open_work(application, timezone.localdate())
    application.outcome_note = f"终止办理：{reason}"[:500]
    transition(
        application,
        CaseAction.TERMINATE,
        actor=actor,
        message=f"{task.department.name}终止办理：{reason}"[:300],
        department=task.department,
        update_fields=("outcome_note",),
        event_details={"task": task.pk, "cancelled_tasks": cancelled},
    )
    applicant_notify(
        application,
        title="您的办件已终止办理",
        body=f"“{application.item_version.name}”（{application.case_number}）已终止办理：{reason}",
        reference=application.case_number or "",
    )
    return application


# --- the sweep's warnings -------------------------------------------------------------------


def _owed_rows(cursor, level: int, when: str, params: list) -> list[tuple]:
    """Raise ``tolerance_warned_level`` to ``level`` where ``when`` holds and it is lower,
    over the partial index of the materials still owed; the raised rows come back."""
    quote = connection.ops.quote_name
    table = quote(SubmittedMaterial._meta.db_table)
    cases = quote(Application._meta.db_table)
    open_statuses = [CaseStatus.IN_APPROVAL.value, CaseStatus.SUPPLEMENT_REQUESTED.value]
    cursor.execute(
        f"UPDATE {table} SET tolerance_warned_level = {level:d} "  # noqa: S608 (constants)
        f"WHERE status = %s AND tolerance_warned_level < {level:d} AND {when} "
        f"AND application_id IN (SELECT id FROM {cases} WHERE status IN (%s, %s)) "
        "RETURNING application_id, material_id, tolerance_due_date",
        [MaterialStatus.TOLERATED.value, *params, *open_statuses],
    )
    return [(level, *row) for row in cursor.fetchall()]


def tolerance_warn(cursor, today: datetime.date) -> tuple[int, int]:
    """The minute sweep's part: announce each owed 容缺 material once when its due date is
    near (yellow) and once when it has passed (red), to the approvers acting for the
    departments holding the case's open tasks and to the applicant. Set-based like the
    clocks: two UPDATE … RETURNING, then one message per case and level. Returns (warned
    materials, messages sent)."""
    from catalog.models import ItemMaterial

    from .sweep import approvers_by_department

    soon = add_working_days(today, settings.TOLERANCE_WARN_DAYS)
    rows = _owed_rows(cursor, Light.RED, "tolerance_due_date < %s", [today.isoformat()])
    rows += _owed_rows(cursor, Light.YELLOW, "tolerance_due_date <= %s", [soon.isoformat()])
    if not rows:
        return 0, 0
    cases = Application.objects.select_related("applicant", "item_version").in_bulk(
        {row[1] for row in rows}
    )
    names = dict(
        ItemMaterial.objects.filter(pk__in={row[2] for row in rows}).values_list("pk", "name")
    )
    tasks: dict[int, list[Task]] = {}
    for task in Task.objects.filter(
        application_id__in=cases, status__in=OPEN_TASK_STATUSES
    ).order_by("id"):
        tasks.setdefault(task.application_id, []).append(task)
    approvers = approvers_by_department({t.department_id for ts in tasks.values() for t in ts})
    grouped: dict[tuple[int, int], list[str]] = {}
    for level, application_id, material_id, due in rows:
        due = due if isinstance(due, datetime.date) else datetime.date.fromisoformat(due)
        grouped.setdefault((application_id, level), []).append(
            f"“{names.get(material_id, '')}”（{date_text(due)}前）"
        )
    sent = 0
    for (application_id, level), listed in sorted(grouped.items()):
        case = cases[application_id]
        state = "已逾期未补交" if level == Light.RED else "即将到补交期限"
        subject = f"{case.case_number}“{case.item_version.name}”"
        body = f"{subject}容缺受理的材料{'、'.join(listed)}{state}；补交前办件不能办结。"
        recipients = {
            user.pk: (user, task)
            for task in tasks.get(application_id, [])
            for user in approvers.get(task.department_id, [])
        }
        for user, task in recipients.values():
            notify(
                recipient=user,
                title=f"容缺材料{state}（{Light(level).label}）",
                body=body,
                url=reverse("approvals:task", args=[task.pk]),
                reference=case.case_number or "",
            )
            sent += 1
        applicant_notify(
            case,
            title=f"请补交容缺材料（{state}）",
            body=f"您的办件{subject}受理时容缺的材料{'、'.join(listed)}{state}，"
            "请按承诺到任一政务服务大厅综合窗口补交；补交前办件不能办结。",
            reference=case.case_number or "",
        )
        sent += 1
    return len(rows), sent
