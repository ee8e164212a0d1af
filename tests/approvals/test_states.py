"""The transition tables of tasks, extensions and deliveries (approvals.states): every
move not in a table is refused with a Chinese domain error, the services move through
them, and no approvals code sets one of these statuses by hand."""

import pathlib
import re

import pytest

from approvals import states
from approvals.constants import DeliveryStatus, ExtensionStatus, TaskStatus
from approvals.models import Delivery, Extension, Task
from approvals.services import tasks as svc
from approvals.states import IllegalTransition, move

pytestmark = pytest.mark.django_db

CASES = [
    (Task, TaskStatus, states.TaskMove, states.TASK_TRANSITIONS),
    (Extension, ExtensionStatus, states.ExtensionMove, states.EXTENSION_TRANSITIONS),
    (Delivery, DeliveryStatus, states.DeliveryMove, states.DELIVERY_TRANSITIONS),
]


@pytest.mark.parametrize(("model", "statuses", "moves", "table"), CASES)
def test_every_pair_moves_as_the_table_says_or_is_refused(model, statuses, moves, table):
    for status in statuses.values:
        for action in moves.values:
            instance = model(status=status)
            if (status, action) in table:
                assert move(instance, action) == status
                assert instance.status == table[(status, action)]
            else:
                with pytest.raises(IllegalTransition, match="当前状态（.*）下不能执行"):
                    move(instance, action)
                assert instance.status == status


def test_finished_states_are_final():
    for model, _statuses, _moves, table in CASES:
        finished = {target for target in table.values()} - {source for source, _ in table}
        for status in finished:
            assert states._MACHINES[model.__name__].allowed(status) == []
    assert states.TASK.allowed(TaskStatus.COMPLETED) == []
    assert states.TASK.allowed(TaskStatus.CANCELLED) == []
    assert states.EXTENSION.allowed(ExtensionStatus.APPROVED) == []
    assert states.DELIVERY.allowed(DeliveryStatus.DELIVERED) == []


def test_the_refusal_names_the_status_and_the_move():
    with pytest.raises(IllegalTransition) as raised:
        move(Task(status=TaskStatus.COMPLETED), states.TaskMove.CLAIM)
    assert raised.value.messages == ["审批任务当前状态（已办结）下不能执行“认领”。"]
    assert raised.value.code == "transition"


def test_a_claimed_task_is_moved_by_the_table(accept, sequential_version, spj_approver):
    case = accept(sequential_version)
    task = svc.task_claim(task=case.tasks.get(), actor=spj_approver)
    assert task.status == TaskStatus.CLAIMED
    with pytest.raises(IllegalTransition):
        move(task, states.TaskMove.CLAIM)
    released = svc.task_release(task=task, actor=spj_approver)
    assert released.status == TaskStatus.OPEN


def test_no_approvals_code_sets_these_statuses_by_hand():
    """Every status change of a task, extension or delivery goes through ``move``."""
    root = pathlib.Path(states.__file__).parent
    assignment = re.compile(r"\.status\s*=(?!=)|update\([^)]*\bstatus\s*=")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and path.name != "states.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if assignment.search(line)
    ]
    assert offenders == []
