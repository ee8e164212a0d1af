"""Routing a case through its workflow: the case clocks and the first stage's tasks on
acceptance, the next stage when a stage is complete.

The workflow is the one of the item version the case was accepted under
(``catalog.WorkflowStep``): steps sharing a ``stage`` number run in parallel (联办), the
stages run in ascending order. Each task gets its own step clock (the step's budget);
the case has two clocks, the promised and the statutory limit, started on the day of
acceptance (a limit runs from the day after, see catalog.calendar).

Every step goes to the department the catalog names for it, with one exception (赋权):
when the case was applied for at a nearby unit (``Application.accepting_unit``: a park or
street) that holds an active delegation of the item, the steps of the item's
implementing department go to that unit instead; co-handling departments' steps stay.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Department
from catalog.constants import CaseType
from catalog.models import Delegation, WorkflowStep
from intake.constants import CaseAction, CaseStatus
from intake.models import Application
from intake.states import record_event, transition
from jinpu_portal.db import insert

from ..constants import ApprovalEvent, ClockKind, Decision
from ..errors import ApprovalError
from ..models import Clock, Task
from .clocks import clock_new
from .common import lock_case


def stage_numbers(application: Application) -> list[int]:
    return sorted(
        set(
            WorkflowStep.objects.filter(version=application.item_version_id).values_list(
                "stage", flat=True
            )
        )
    )


def next_stage(application: Application, after: int | None) -> int | None:
    for stage in stage_numbers(application):
        if after is None or stage > after:
            return stage
    return None


def _delegated(application: Application) -> bool:
    """Whether the unit the case was applied at holds an active delegation of the item."""
    return bool(
        application.accepting_unit_id
        and Delegation.objects.filter(
            item_id=application.item_version.item_id,
            grantee_id=application.accepting_unit_id,
            revoked_on__isnull=True,
        ).exists()
    )


def deciding_department(application: Application) -> Department:
    """The administrative body that decides the case (本行政机关): the item's
    implementing department, or the nearby unit holding its delegation (赋权) when the
    case was applied for there. Its head approves extensions (行政许可法 art. 42)."""
    return (
        application.accepting_unit
        if _delegated(application)
        else application.item_version.department
    )


def step_department(
    application: Application, step: WorkflowStep, *, delegated: bool | None = None
) -> Department:
    """The department a step is routed to (see the module docstring). ``delegated`` is
    ``_delegated(application)`` when the caller has it already."""
    if step.department_id != application.item_version.department_id:
        return step.department
    if delegated is None:
        delegated = _delegated(application)
    return application.accepting_unit if delegated else step.department


def stage_create_tasks(
    *,
    application: Application,
    stage: int,
    started_on: datetime.date,
    steps: list[WorkflowStep] | None = None,
    clocks: list[Clock] = (),
) -> list[Task]:
    """One task per step of ``stage``, each with its own step clock. ``steps`` are the
    version's steps when the caller loaded them; ``clocks`` are more unsaved clocks
    (the case clocks) to insert in the same statement."""
    if steps is None:
        steps = WorkflowStep.objects.filter(version=application.item_version_id, stage=stage)
        steps = list(steps.select_related("department").order_by("id"))
    else:
        steps = sorted((step for step in steps if step.stage == stage), key=lambda s: s.id)
    delegated = _delegated(application)
    departments = [step_department(application, step, delegated=delegated) for step in steps]
    step_clocks = [
        clock_new(
            kind=ClockKind.STEP,
            department=department,
            budget_days=step.budget_days,
            started_on=started_on,
            application=application,
        )
        for step, department in zip(steps, departments, strict=True)
    ]
    insert([*clocks, *step_clocks])
    return insert(
        Task(
            application=application,
            step=step,
            stage=stage,
            name=step.name,
            department=department,
            clock=clock,
        )
        for step, department, clock in zip(steps, departments, step_clocks, strict=True)
    )


def _describe(tasks: list[Task]) -> str:
    return "、".join(f"{task.department.name}“{task.name}”" for task in tasks)


@transaction.atomic
def case_route(*, application: Application, actor) -> list[Task]:
    """On acceptance of a 承诺件: start both case clocks and the first stage's tasks, and
    move the case into approval. A 即办件 is left alone (it closes at the counter)."""
    application = lock_case(application)
    if application.tasks.exists():
        raise ApprovalError("该办件已转入审批，不能重复分派。", code="routed")
    return route_locked(application=application, actor=actor)


def _steps(version) -> list[WorkflowStep]:
    """The version's workflow steps with their departments: prefetched when the version
    came from ``catalog.version_cache`` (the accepting transaction's), else one query."""
    if "steps" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.steps.all())
    return list(WorkflowStep.objects.filter(version=version.pk).select_related("department"))


def route_locked(*, application: Application, actor) -> list[Task]:
    """``case_route`` for the accepting transaction, which holds the case lock (and has
    just accepted the case, so it cannot have been routed): moves ``application``."""
    version = application.item_version
    if version.case_type != CaseType.PROMISED:
        return []
    if application.status != CaseStatus.ACCEPTED:
        raise ApprovalError("只有已受理的办件可以转入审批。", code="not_accepted")
    steps = _steps(version)
    if not steps:
        raise ApprovalError(
            f"事项“{version.name}”没有配置办理环节，不能转入审批，请联系事项管理员。",
            code="no_steps",
        )
    stage = min(step.stage for step in steps)
    accepted_on = timezone.localdate(application.accepted_at or timezone.now())
    case_clocks = [
        clock_new(
            kind=kind,
            department=version.department,
            budget_days=days,
            started_on=accepted_on,
            application=application,
        )
        for kind, days in (
            (ClockKind.PROMISED, version.promised_limit_days),
            (ClockKind.STATUTORY, version.statutory_limit_days),
        )
    ]
    tasks = stage_create_tasks(
        application=application,
        stage=stage,
        started_on=accepted_on,
        steps=steps,
        clocks=case_clocks,
    )
    transition(
        application,
        CaseAction.START_APPROVAL,
        actor=actor,
        message=f"转入审批：{_describe(tasks)}",
        department=version.department,
        event_details={"stage": stage, "tasks": [task.pk for task in tasks]},
    )
    return tasks


def stage_is_complete(application: Application, stage: int) -> bool:
    """Every task of the stage approved (parallel steps of 联办 included)."""
    return not application.tasks.filter(stage=stage).exclude(decision=Decision.APPROVE).exists()


def stage_open(*, application: Application, stage: int, actor, on: datetime.date) -> list[Task]:
    """Open ``stage`` after the previous one completed (the caller holds the case lock)."""
    tasks = stage_create_tasks(application=application, stage=stage, started_on=on)
    record_event(
        application,
        ApprovalEvent.STAGE_ROUTED,
        actor=actor,
        message=f"转入第 {stage} 环节：{_describe(tasks)}",
        department=tasks[0].department if tasks else None,
        stage=stage,
        tasks=[task.pk for task in tasks],
    )
    return tasks
