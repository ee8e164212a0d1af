"""Department work on a case: tasks per workflow step, extensions, 督办, delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinpu_portal.models import (
    TimeStampedModel,
    acting_user,
    optional_foreign_key,
    optional_one_to_one,
)

from ..constants import (
    Decision,
    DeliveryStatus,
    EscalationStatus,
    ExtensionAuthority,
    ExtensionStatus,
    Light,
    TaskStatus,
    escalation_rule_label,
)


class Task(TimeStampedModel):
    """One workflow step of one case, for one department. Steps of a stage run in
    parallel (联办); the next stage's tasks are created when all of them are done."""

    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,  # task_unique_step (application, step) leads with it
    )
    step = models.ForeignKey(
        "catalog.WorkflowStep", verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.PositiveSmallIntegerField(_("环节顺序"))
    name = models.CharField(_("环节名称"), max_length=50)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("办理部门"),
        on_delete=models.PROTECT,
        related_name="tasks",
        db_index=False,  # Meta.indexes' (department, status) leads with it
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    assignee = optional_foreign_key(settings.AUTH_USER_MODEL, _("办理人"), related_name="tasks")
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    decision = models.CharField(_("意见"), max_length=16, choices=Decision.choices, blank=True)
    opinion = models.TextField(_("审查意见"), blank=True)
    clock = optional_one_to_one(
        "approvals.Clock", _("环节时限"), on_delete=models.SET_NULL, related_name="task"
    )
    lock_version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("审批任务")
        verbose_name_plural = _("审批任务")
        ordering = ["application", "stage", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "step"], name="task_unique_step"),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.COMPLETED) | ~Q(decision=""),
                name="task_completed_has_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            # Not db_index=True: that adds a LIKE index on PostgreSQL nobody queries with.
            models.Index(fields=["status"], name="task_status_idx"),
        ]

    def __str__(self):
        return f"{self.application} · {self.name}"


class Extension(TimeStampedModel):
    """延期 (art. 42): more working days, approved by the head (负责人) of the body that
    decides the case (``department``, fixed when requested) or, for joint handling
    (联办), by the head of the district government (``authority``, fixed when
    requested: the capacity its decider acts in), never by a supervisor; the applicant
    is told why."""

    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("批准机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("作出决定的行政机关，由其负责人批准延期（联办事项由区政府负责人批准）"),
    )
    authority = models.CharField(
        _("批准人身份"),
        max_length=16,
        choices=ExtensionAuthority.choices,
        default=ExtensionAuthority.DEPARTMENT_HEAD,
        help_text=_("申请时确定：联办事项由本级人民政府负责人批准，其他由本行政机关负责人批准"),
    )
    days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.CharField(_("延期理由"), max_length=300)
    status = models.CharField(
        _("状态"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = acting_user(_("批准人"))
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    decision_note = models.CharField(_("批准意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="extension_positive_days"),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status=ExtensionStatus.REQUESTED),
                name="extension_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.application} 延期 {self.days} 个工作日（{self.get_status_display()}）"


class Escalation(TimeStampedModel):
    """督办: opened for supervisors when a clock runs over.

    Written only by the minute sweep (``approvals.services.sweep``), thousands at a time
    on a bad morning, from the clock rows its own UPDATE has just locked: the clock, and
    the case and department that clock references under its own foreign keys (the
    responsible department: an open task's, likewise). So the database does not check
    the references again at commit (``db_constraint=False``: one lookup and row lock per
    reference and record); Django's ``on_delete`` still cascades and protects as declared.
    """

    application = optional_foreign_key(
        "intake.Application",
        _("办件"),
        on_delete=models.CASCADE,
        related_name="escalations",
        db_constraint=False,
    )
    clock = models.ForeignKey(
        "approvals.Clock",
        verbose_name=_("时限"),
        on_delete=models.CASCADE,
        related_name="escalations",
        db_constraint=False,
        db_index=False,  # the unique (clock, rule) leads with it
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("被督办部门"),
        on_delete=models.PROTECT,
        related_name="escalations",
        db_constraint=False,
    )
    responsible_department = optional_foreign_key(
        "accounts.Department", _("责任部门"), related_name="+", db_constraint=False
    )
    rule = models.CharField(_("督办规则"), max_length=50)
    warning_type = models.PositiveSmallIntegerField(_("预警类型"), choices=Light.choices)
    content = models.CharField(_("督办内容"), max_length=300)
    issued_at = models.DateTimeField(_("督办时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.OPEN
    )
    result = models.CharField(_("督办结果"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "rule"], name="escalation_once_per_rule")
        ]

    def __str__(self):
        return f"督办：{self.content}"

    @property
    def rule_label(self) -> str:
        """The rule in Chinese (审批环节超期, 督查人员督办（第 1 次）...)."""
        return escalation_rule_label(self.rule)


class Delivery(TimeStampedModel):
    """统一出件: how the result reaches the applicant."""

    application = models.OneToOneField(
        "intake.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="delivery",
    )
    method = models.CharField(_("送达方式"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    tracking_number = models.CharField(_("快递单号"), max_length=40, blank=True)
    address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    recipient_name = models.CharField(_("签收人"), max_length=50, blank=True)
    window = optional_foreign_key("accounts.Window", _("出件窗口"), related_name="+")
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_by = acting_user(_("经办人"))

    class Meta:
        verbose_name = _("结果送达")
        verbose_name_plural = _("结果送达")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            )
        ]

    def __str__(self):
        return f"{self.application} 送达（{self.get_status_display()}）"
