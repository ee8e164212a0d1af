"""The allowed moves of a task, an extension, a delivery and a 督办 note, as the case has its own in
``intake.states``: one table each, keyed by (current status, action), and one function
that makes a move. Every service that changes one of these statuses calls ``move``,
which refuses a move the table does not list with ``IllegalTransition`` (in Chinese)
and sets the new status on the instance; the caller saves it with its other fields.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DeliveryStatus, EscalationStatus, ExtensionStatus, TaskStatus
from .errors import ApprovalError


class TaskMove(models.TextChoices):
    CLAIM = "claim", _("认领")
    RELEASE = "release", _("退回待办")
    REASSIGN = "reassign", _("改派")
    # A department head takes over a task another approver claimed (接办).
    TAKE_OVER = "take_over", _("接办")
    # A supplement request or a special procedure taken on an unclaimed task makes the
    # actor its assignee; on a claimed task it changes nothing.
    TAKE = "take", _("接手办理")
    APPROVE = "approve", _("审查同意")
    DENY = "deny", _("不予许可")
    CANCEL = "cancel", _("取消")


class ExtensionMove(models.TextChoices):
    APPROVE = "approve", _("批准延期")
    REJECT = "reject", _("不批准延期")


class DeliveryMove(models.TextChoices):
    DELIVER = "deliver", _("送达")


class EscalationMove(models.TextChoices):
    ANSWER = "answer", _("答复办结")


T = TaskStatus
TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (T.OPEN, TaskMove.CLAIM): T.CLAIMED,
    (T.CLAIMED, TaskMove.RELEASE): T.OPEN,
    (T.OPEN, TaskMove.REASSIGN): T.CLAIMED,
    (T.CLAIMED, TaskMove.REASSIGN): T.CLAIMED,
    (T.CLAIMED, TaskMove.TAKE_OVER): T.CLAIMED,
    (T.OPEN, TaskMove.TAKE): T.CLAIMED,
    (T.CLAIMED, TaskMove.TAKE): T.CLAIMED,
    (T.OPEN, TaskMove.APPROVE): T.COMPLETED,
    (T.CLAIMED, TaskMove.APPROVE): T.COMPLETED,
    (T.OPEN, TaskMove.DENY): T.COMPLETED,
    (T.CLAIMED, TaskMove.DENY): T.COMPLETED,
    (T.OPEN, TaskMove.CANCEL): T.CANCELLED,
    (T.CLAIMED, TaskMove.CANCEL): T.CANCELLED,
}

EXTENSION_TRANSITIONS: dict[tuple[str, str], str] = {
    (ExtensionStatus.REQUESTED, ExtensionMove.APPROVE): ExtensionStatus.APPROVED,
    (ExtensionStatus.REQUESTED, ExtensionMove.REJECT): ExtensionStatus.REJECTED,
}

DELIVERY_TRANSITIONS: dict[tuple[str, str], str] = {
    (DeliveryStatus.PENDING, DeliveryMove.DELIVER): DeliveryStatus.DELIVERED,
}

ESCALATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (EscalationStatus.OPEN, EscalationMove.ANSWER): EscalationStatus.RESOLVED,
}


class IllegalTransition(ApprovalError):
    """A status change its table does not allow."""


@dataclass(frozen=True)
class Machine:
    """A transition table with its refusal; feedback's orders use it too, with their own
    error type (``error``)."""

    noun: str
    statuses: type[models.TextChoices]
    moves: type[models.TextChoices]
    table: dict[tuple[str, str], str]
    error: type[Exception] = IllegalTransition

    def allowed(self, status: str) -> list[str]:
        return [move for (source, move) in self.table if source == status]

    def target(self, status: str, move: str) -> str:
        try:
            return self.table[(status, move)]
        except KeyError:
            raise self.error(
                f"{self.noun}当前状态（{self.statuses(status).label}）下不能执行"
                f"“{self.moves(move).label}”。",
                code="transition",
            ) from None


TASK = Machine("审批任务", TaskStatus, TaskMove, TASK_TRANSITIONS)
EXTENSION = Machine("延期申请", ExtensionStatus, ExtensionMove, EXTENSION_TRANSITIONS)
DELIVERY = Machine("结果送达", DeliveryStatus, DeliveryMove, DELIVERY_TRANSITIONS)
ESCALATION = Machine("督办", EscalationStatus, EscalationMove, ESCALATION_TRANSITIONS)
_MACHINES = {"Task": TASK, "Extension": EXTENSION, "Delivery": DELIVERY, "Escalation": ESCALATION}


def move(instance, action: str) -> str:
    """Set ``instance.status`` (a Task, Extension, Delivery or Escalation) to what
    ``action`` leads to from its current status, or raise ``IllegalTransition``. Returns
    the old status."""
    machine = _MACHINES[type(instance).__name__]
    source = instance.status
    instance.status = machine.target(source, action)
    return source
