"""Races on PostgreSQL, with real connections per thread: two approvers deciding one
task at the same moment (exactly one wins, the other gets the conflict message), and
two departments finishing the parallel steps of a stage at the same moment (the next
stage opens exactly once)."""

import time

import pytest

from approvals.errors import TaskConflict
from approvals.models import Task
from approvals.services import clocks as clock_services
from approvals.services import tasks as task_services
from intake.constants import CaseStatus
from tests.concurrency import run_at_once

# serialized_rollback: the flush after each test would drop the seeded calendar and role groups.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_transactions(monkeypatch):
    """Hold the winner's transaction open a moment, so the loser really waits on the lock."""
    original = clock_services.clock_stop

    def slow_stop(**kwargs):
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(task_services, "clock_stop", slow_stop)


def test_two_approvers_deciding_the_same_task_once(
    accept, sequential_version, spj_approver, spj_colleague, slow_transactions
):
    case = accept(sequential_version)
    task = case.tasks.get()

    def decide(user, opinion):
        return lambda: task_services.task_approve(
            task=Task.objects.get(pk=task.pk), actor=user, opinion=opinion, expected_version=0
        )

    results = run_at_once(decide(spj_approver, "甲：同意"), decide(spj_colleague, "乙：同意"))
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    [(_, error)] = [r for r in results if r[0] == "error"]
    assert isinstance(error, TaskConflict)
    assert "不能重复办理" in error.messages[0] or "刷新" in error.messages[0]

    task.refresh_from_db()
    assert task.status == "completed"
    assert task.lock_version == 1
    assert task.opinion in ("甲：同意", "乙：同意")
    # Exactly one decision event, exactly one next stage.
    assert case.events.filter(action="task_approved").count() == 1
    assert case.tasks.filter(stage=2).count() == 1


def test_parallel_steps_finishing_together_open_the_next_stage_once(
    accept, parallel_version, scj, zjj, scj_approver, zjj_approver, slow_transactions
):
    case = accept(parallel_version)
    scj_task = case.tasks.get(department=scj)
    zjj_task = case.tasks.get(department=zjj)

    results = run_at_once(
        lambda: task_services.task_approve(task=scj_task, actor=scj_approver, opinion="同意"),
        lambda: task_services.task_approve(task=zjj_task, actor=zjj_approver, opinion="同意"),
    )
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    assert case.tasks.filter(stage=2).count() == 1
    assert case.events.filter(action="stage_routed").count() == 1
