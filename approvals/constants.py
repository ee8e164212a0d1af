"""Choices of approvals: task statuses, decisions, clock kinds and lights, pauses,
extensions, escalations, deliveries and event codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    CLAIMED = "claimed", _("办理中")
    COMPLETED = "completed", _("已办结")
    CANCELLED = "cancelled", _("已取消")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.CLAIMED)


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    DENY = "deny", _("不予许可")


# Every step's opinion (审查意见) is printed on the case's decision document, which the
# applicant receives (templates/documents/intake/_steps.html): said where it is typed.
OPINION_HELP = "将载入决定书送达申请人；请勿写入工作人员姓名、电话等个人信息。"


class ClockKind(models.TextChoices):
    PROMISED = "promised", _("承诺时限")
    STATUTORY = "statutory", _("法定时限")
    STEP = "step", _("环节时限")
    RECTIFICATION = "rectification", _("整改时限")


class Light(models.IntegerChoices):
    """Warning lights; the integer order is the severity (warned_level compares them)."""

    GREEN = 0, _("绿灯")
    YELLOW = 1, _("黄灯")
    RED = 2, _("红灯")


class PauseKind(models.TextChoices):
    """Time not counted (行政许可法 art. 45) or waiting for the applicant."""

    SUPPLEMENT = "supplement", _("补正材料")
    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标、拍卖")
    INSPECTION = "inspection", _("检验、检测、检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    OTHER = "other", _("其他特别程序")


SPECIAL_PROCEDURE_KINDS = (
    PauseKind.HEARING,
    PauseKind.TENDERING,
    PauseKind.INSPECTION,
    PauseKind.APPRAISAL,
    PauseKind.EXPERT_REVIEW,
    PauseKind.OTHER,
)


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ExtensionAuthority(models.TextChoices):
    """Who decides an extension (行政许可法 art. 42), fixed when it is asked for: the head
    of the body deciding the case, or for joint handling (联办: the version names
    co-handling departments) the head of the people's government at that level."""

    DEPARTMENT_HEAD = "department_head", _("本行政机关负责人")
    GOVERNMENT_HEAD = "government_head", _("本级人民政府负责人")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    RESOLVED = "resolved", _("已办结")


#: The 督办 rules (``Escalation.rule``) as people read them: the sweep's, one per kind of
#: overdue clock (``services.sweep``), and a supervisor's by hand, numbered per clock
#: (``services.escalations.MANUAL_RULE``: ``supervisor-1``, ``supervisor-2`` ...).
ESCALATION_RULE_LABELS = {
    "step_overdue": "审批环节超期",
    "case_overdue_promised": "超过承诺办结期限",
    "case_overdue_statutory": "超过法定办结期限",
    "rectification_overdue": "差评整改超期",
}
MANUAL_ESCALATION_RULE = "supervisor"


def escalation_rule_label(rule: str) -> str:
    """``rule`` in Chinese: 审批环节超期, 督查人员督办（第 2 次）; an unknown code as it is."""
    if rule in ESCALATION_RULE_LABELS:
        return ESCALATION_RULE_LABELS[rule]
    prefix, _dash, number = rule.partition("-")
    if prefix == MANUAL_ESCALATION_RULE:
        return f"督查人员督办（第 {number} 次）" if number.isdigit() else "督查人员督办"
    return rule


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待送达")
    DELIVERED = "delivered", _("已送达")


class ApprovalEvent(models.TextChoices):
    """Approvals' codes in the case record (``CaseEvent.action``), registered with intake
    in ``ApprovalsConfig.ready()`` (see ``approvals.events``). Routing into approval,
    supplements and conclusion move the case, so they are intake's transition codes
    (``start_approval``, ``request_supplement``, ``supplement_received``, ``conclude``)."""

    STAGE_ROUTED = "stage_routed", _("转入下一环节")
    CLAIMED = "task_claimed", _("认领")
    RELEASED = "task_released", _("退回待办")
    REASSIGNED = "task_reassigned", _("改派")
    TAKEN_OVER = "task_taken_over", _("负责人接办")
    APPROVED = "task_approved", _("审查同意")
    DENIED = "task_denied", _("审查不同意")
    SPECIAL_STARTED = "special_started", _("启动特别程序")
    SPECIAL_ENDED = "special_ended", _("特别程序结束")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REJECTED = "extension_rejected", _("不批准延期")
    ESCALATED = "escalated", _("督办")
    ESCALATION_ANSWERED = "escalation_answered", _("督办答复")
    DELIVERED = "delivered", _("结果送达")
    TOLERATED_RECEIVED = "tolerated_received", _("容缺材料补交")
