"""Rectification orders of 差评 (差评整改), their event record, return visits, appeals
(申诉复核) and 回头看 batches.

Every 差评 opens one order, in the transaction that records the rating, owned by the
unit that handled the rated service: the window's hall for a service given at a window
(an intake; a 即办件 concluded on the spot), the deciding department for a conclusion
decided in the back office. The order's clocks are approvals' ``Clock`` rows
(kind ``rectification``) on the case, lit, warned and escalated by approvals' minute
sweep; the order points at the one running now. Its status moves only through
``feedback.states.ORDER``; each move and each act is an ``OrderEvent`` row
(append-only).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.models import AppendOnlyModel, TimeStampedModel, acting_user, optional_foreign_key

from ..constants import (
    AppealKind,
    AppealStatus,
    Finding,
    OrderOutcome,
    OrderStatus,
    ReviewBatchStatus,
    ReviewEntryStatus,
    ReviewResult,
    ReviewSource,
    Stage,
    VisitChannel,
    VisitLevel,
)
from .ratings import Rating


class RectificationOrder(TimeStampedModel):
    rating = models.OneToOneField(
        Rating,
        verbose_name=_("差评"),
        on_delete=models.PROTECT,
        related_name="rectification_order",
    )
    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    stage = models.CharField(_("服务环节"), max_length=16, choices=Stage.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "后台办结的服务：作出决定的部门（整改单位）；窗口当场提供的服务：窗口所代表的部门"
            "（时限与督查范围）"
        ),
    )
    hall = optional_foreign_key(
        "accounts.Hall",
        _("整改大厅"),
        related_name="+",
        help_text=_(
            "窗口当场提供的服务（受理、即办件当场办结）的差评由该窗口所在大厅整改；"
            "为空时由责任部门整改"
        ),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.CALLBACK
    )
    outcome = models.CharField(
        _("办结方式"), max_length=16, choices=OrderOutcome.choices, blank=True
    )
    clock = optional_foreign_key(
        "approvals.Clock",
        _("当前时限"),
        related_name="+",
        help_text=_("正在计时的回访核实或整改时限"),
    )
    reopened = models.BooleanField(
        _("已重新整改"),
        default=False,
        help_text=_("回访不满意重新整改一次；再次不满意提请督查裁定"),
    )
    finding = models.CharField(_("核实结论"), max_length=16, choices=Finding.choices, blank=True)
    callback_note = models.CharField(_("回访核实情况"), max_length=500, blank=True)
    called_back_at = models.DateTimeField(_("回访核实时间"), null=True, blank=True)
    reply = models.CharField(_("整改答复"), max_length=500, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    ruling = models.CharField(_("督查裁定意见"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改单")
        verbose_name_plural = _("差评整改单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=OrderStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=OrderStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="rectificationorder_closed_has_time",
            ),
        ]
        indexes = [
            # The units' lists: open orders of a hall or a department, newest first.
            models.Index(fields=["hall", "status"], name="rectification_hall_status"),
            models.Index(fields=["department", "status"], name="rectification_dept_status"),
        ]

    def __str__(self):
        return f"差评整改单 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != OrderStatus.CLOSED

    @property
    def owner_name(self) -> str:
        return self.hall.name if self.hall_id else self.department.name


class OrderEvent(AppendOnlyModel):
    """Append-only: every move and every act on an order (who, when, what)."""

    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("整改单"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("事件"), max_length=32)
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("新状态"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    actor = acting_user(_("操作人"))
    actor_role = models.CharField(_("操作人身份"), max_length=32, blank=True)
    message = models.CharField(_("说明"), max_length=1000, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("整改单事件")
        verbose_name_plural = _("整改单事件")
        ordering = ["order", "at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="order_event_action_at")]

    @property
    def label(self) -> str:
        from ..states import event_label

        return event_label(self.action)


class ReturnVisit(models.Model):
    """The citizen's rating of the fix (回访评价): online by the citizen, or recorded by
    the unit after a telephone return visit. One per round (a reopened order has two)."""

    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("整改单"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    round = models.PositiveSmallIntegerField(_("回访轮次"))
    level = models.CharField(_("回访评价"), max_length=16, choices=VisitLevel.choices)
    channel = models.CharField(_("回访方式"), max_length=16, choices=VisitChannel.choices)
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    recorded_by = acting_user(_("登记人"))
    at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访评价")
        verbose_name_plural = _("回访评价")
        ordering = ["order", "round"]
        constraints = [
            models.UniqueConstraint(fields=["order", "round"], name="returnvisit_one_per_round")
        ]
        indexes = [models.Index(fields=["level", "at"], name="returnvisit_level_at")]

    def __str__(self):
        return f"第 {self.round} 次回访：{self.get_level_display()}"


class Appeal(TimeStampedModel):
    """申诉复核: the owning unit asks a supervisor to rule the 差评 mistaken or malicious.
    The evidence is stored under a random name and served only by a view that checks
    who asks. One appeal per order."""

    order = models.OneToOneField(
        RectificationOrder,
        verbose_name=_("整改单"),
        on_delete=models.CASCADE,
        related_name="appeal",
    )
    kind = models.CharField(_("申诉类型"), max_length=16, choices=AppealKind.choices)
    reason = models.CharField(_("申诉理由"), max_length=500)
    evidence = models.FileField(_("证明材料"), upload_to=RandomName("feedback/appeals"))
    evidence_name = models.CharField(_("证明材料原文件名"), max_length=200)
    evidence_type = models.CharField(_("证明材料文件类型"), max_length=40)
    status = models.CharField(
        _("状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    filed_by = acting_user(_("申诉人"))
    decided_by = acting_user(_("复核人"))
    decision_reason = models.CharField(_("复核意见"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="appeal_pending",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}申诉（{self.get_status_display()}）"


class ReviewBatch(TimeStampedModel):
    """回头看: a supervisor's review of the unsatisfied cases of a period."""

    title = models.CharField(_("名称"), max_length=100)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReviewBatchStatus.choices, default=ReviewBatchStatus.OPEN
    )
    opened_by = acting_user(_("发起人"))
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回头看批次")
        verbose_name_plural = _("回头看批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reviewbatch_period_ordered",
            )
        ]

    def __str__(self):
        return self.title


class ReviewEntry(TimeStampedModel):
    """One unsatisfied case of a 回头看 batch, followed to a result."""

    batch = models.ForeignKey(
        ReviewBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="entries"
    )
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("整改单"),
        on_delete=models.PROTECT,
        related_name="review_entries",
    )
    source = models.CharField(_("纳入原因"), max_length=20, choices=ReviewSource.choices)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ReviewEntryStatus.choices,
        default=ReviewEntryStatus.PENDING,
    )
    result = models.CharField(
        _("回头看结果"), max_length=16, choices=ReviewResult.choices, blank=True
    )
    note = models.CharField(_("跟踪情况"), max_length=500, blank=True)
    checked_by = acting_user(_("跟踪人"))
    checked_at = models.DateTimeField(_("跟踪时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回头看事项")
        verbose_name_plural = _("回头看事项")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "order"], name="reviewentry_once_per_batch"),
            models.CheckConstraint(
                condition=Q(status=ReviewEntryStatus.PENDING) | ~Q(result=""),
                name="reviewentry_done_has_result",
            ),
        ]

    def __str__(self):
        return f"{self.batch} · 整改单 #{self.order_id}"
