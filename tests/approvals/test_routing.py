"""Routing: acceptance starts the case clocks and the first stage's tasks in the same
transaction; parallel steps (联办) are created together and the next stage opens when
all are approved; 即办件 get no tasks; the last approval concludes the case."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from approvals.constants import ClockKind, TaskStatus
from approvals.models import Clock, Task
from approvals.services.tasks import task_approve
from catalog.calendar import add_working_days
from catalog.constants import CaseType
from catalog.services import (
    version_create_draft,
    version_publish,
    version_replace_steps,
    version_retire,
)
from intake.constants import CaseAction, CaseStatus, MaterialStatus
from intake.constants import Channel as IntakeChannel
from intake.models import Application
from intake.services.cases import application_create, counter_receive, intake_accept
from tests.factories import make_version

D = datetime.date
pytestmark = pytest.mark.django_db


def test_acceptance_starts_both_case_clocks_and_the_first_stage(
    at, accept, sequential_version, spj
):
    at(2026, 9, 28, 10)  # Monday before 国庆
    case = accept(sequential_version)

    assert case.status == CaseStatus.IN_APPROVAL
    clocks = {c.kind: c for c in Clock.objects.filter(application=case)}
    promised, statutory = clocks[ClockKind.PROMISED], clocks[ClockKind.STATUTORY]
    assert promised.started_on == statutory.started_on == D(2026, 9, 28)
    assert promised.department == statutory.department == spj
    assert (promised.budget_days, statutory.budget_days) == (10, 20)
    # 9/29, 9/30, then 10/8 ... (国庆 10/1-10/7 off, 10/10 Saturday worked)
    assert promised.due_date == add_working_days(D(2026, 9, 28), 10) == D(2026, 10, 16)
    assert case.promised_due_date == promised.due_date
    assert case.statutory_due_date == statutory.due_date

    [task] = case.tasks.all()
    assert (task.stage, task.name, task.department, task.status) == (1, "审查", spj, "open")
    assert task.clock.kind == ClockKind.STEP
    assert task.clock.budget_days == 5
    assert task.clock.due_date == D(2026, 10, 10)  # the Saturday worked in lieu
    assert case.events.filter(action=CaseAction.START_APPROVAL).count() == 1


def test_sequential_stages_then_conclusion(
    accept, sequential_version, spj_approver, django_capture_on_commit_callbacks
):
    case = accept(sequential_version)
    [first] = case.tasks.all()
    task_approve(task=first, actor=spj_approver, opinion="材料齐全，符合条件。")

    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    second = case.tasks.get(stage=2)
    assert second.name == "决定"
    assert second.status == TaskStatus.OPEN
    assert not Clock.objects.get(pk=first.clock_id).is_open

    task_approve(task=second, actor=spj_approver, opinion="准予许可。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert case.concluded_at is not None
    assert not Clock.objects.filter(application=case, is_open=True).exists()
    assert case.notices.filter(kind="decision").count() == 1
    assert case.delivery.method == "window"


def test_an_open_case_keeps_its_version_through_a_new_one_and_a_retirement(
    accept, sequential_version, spj, spj_approver
):
    case = accept(sequential_version)
    draft = version_create_draft(item=sequential_version.item, actor=None)
    version_replace_steps(
        version=draft,
        actor=None,
        steps=[{"stage": 1, "name": "新审查", "department": spj, "budget_days": 2}],
    )
    version_retire(version=version_publish(version=draft, actor=None), actor=None)

    task_approve(task=case.tasks.get(), actor=spj_approver, opinion="材料齐全，符合条件。")
    decision = case.tasks.get(stage=2)
    assert decision.name == "决定"
    task_approve(task=decision, actor=spj_approver, opinion="准予许可。")
    case.refresh_from_db()
    assert (case.status, case.item_version_id) == (CaseStatus.CONCLUDED, sequential_version.pk)


def test_parallel_steps_are_created_together_and_the_decision_waits_for_both(
    accept, parallel_version, scj, zjj, spj, scj_approver, zjj_approver, spj_approver
):
    case = accept(parallel_version)
    stage1 = list(case.tasks.order_by("department__code"))
    assert [(t.stage, t.department) for t in stage1] == [(1, scj), (1, zjj)]
    assert [t.clock.budget_days for t in stage1] == [4, 5]

    scj_task = case.tasks.get(department=scj)
    zjj_task = case.tasks.get(department=zjj)
    task_approve(task=scj_task, actor=scj_approver, opinion="市场监管意见：同意。")
    assert not case.tasks.filter(stage=2).exists()

    task_approve(task=zjj_task, actor=zjj_approver, opinion="住建意见：同意。")
    decision = case.tasks.get(stage=2)
    assert decision.department == spj

    task_approve(task=decision, actor=spj_approver, opinion="准予许可。")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED


def test_immediate_items_get_no_tasks(clerk, citizen, spj):
    version = make_version(
        department=spj, steps=[], case_type=CaseType.IMMEDIATE, statutory=1, promised=0
    )
    application = application_create(
        item_version=version, applicant=citizen, actor=clerk, channel=IntakeChannel.COUNTER
    )
    counter_receive(application=application, actor=clerk)
    intake_accept(
        application=application,
        actor=clerk,
        verdicts=[
            {"material": m, "status": MaterialStatus.RECEIVED} for m in version.materials.all()
        ],
        conclude_immediately=True,
    )
    application.refresh_from_db()
    assert application.status == CaseStatus.CONCLUDED
    assert not Task.objects.filter(application=application).exists()
    assert not Clock.objects.filter(application=application).exists()


def test_routing_failure_rolls_the_acceptance_back(clerk, citizen, spj, monkeypatch):
    """The receiver runs inside intake_accept's transaction: no case without tasks."""
    version = make_version(department=spj, steps=[(1, "审查", spj, 5)])
    application = application_create(
        item_version=version, applicant=citizen, actor=clerk, channel=IntakeChannel.COUNTER
    )
    counter_receive(application=application, actor=clerk)

    def broken(**kwargs):
        raise ValidationError("分派失败")

    monkeypatch.setattr("approvals.services.routing.stage_create_tasks", broken)
    with pytest.raises(ValidationError):
        intake_accept(
            application=application,
            actor=clerk,
            verdicts=[
                {"material": m, "status": MaterialStatus.RECEIVED} for m in version.materials.all()
            ],
        )
    application = Application.objects.get(pk=application.pk)
    assert application.status == CaseStatus.SUBMITTED
    assert application.case_number is None
    assert not Clock.objects.filter(application=application).exists()
