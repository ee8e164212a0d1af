"""Applications and cases (办件), their materials and their append-only event log.

An ``Application`` is what a citizen or a clerk starts; once accepted it carries a
case number and is "the case" for approvals, feedback and supervision. Its status only
changes through ``intake.states.transition`` which consults the one transition table
and writes a ``CaseEvent`` in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.models import (
    AppendOnlyModel,
    Sequence,
    TimeStampedModel,
    acting_user,
    optional_foreign_key,
)

from ..constants import (
    ApplicantKind,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
)
from ..events import event_choices, event_label, public_message


class BundleApplication(TimeStampedModel):
    """One intake for a 一件事: one merged material list, one case per item."""

    bundle = models.ForeignKey(
        "catalog.Bundle", verbose_name=_("一件事"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        "accounts.Citizen",
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="bundle_applications",
    )
    enterprise = optional_foreign_key(
        "accounts.Enterprise", _("申请企业"), related_name="bundle_applications"
    )
    created_by = acting_user(_("创建人"))

    class Meta:
        verbose_name = _("一件事申请")
        verbose_name_plural = _("一件事申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.bundle.name} · {self.applicant.name}"


class Application(TimeStampedModel):
    item_version = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("事项版本"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    bundle_application = optional_foreign_key(
        BundleApplication, _("所属一件事"), related_name="applications"
    )
    # Indexed by Meta.indexes' (status, channel, submitted_at), which serves lookups by
    # status alone too: no index of its own (every status change would write it).
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    case_number = models.CharField(_("办件编号"), max_length=32, unique=True, null=True, blank=True)

    # Who applies
    applicant_kind = models.CharField(
        _("申请人类型"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant = models.ForeignKey(
        "accounts.Citizen",
        verbose_name=_("申请人（经办人）"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # Meta.indexes' (applicant, -created_at) leads with it
    )
    enterprise = optional_foreign_key(
        "accounts.Enterprise", _("申请企业"), related_name="applications"
    )
    agent = optional_foreign_key(
        "accounts.Citizen",
        _("代办人"),
        related_name="agent_applications",
        help_text=_("代办时须提交授权委托书"),
    )
    created_by = optional_foreign_key(
        settings.AUTH_USER_MODEL, _("创建人"), related_name="created_applications"
    )
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)

    # Where and how it came in (supervisors count these)
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)
    hall = optional_foreign_key("accounts.Hall", _("受理大厅"), related_name="applications")
    window = optional_foreign_key(
        "accounts.Window",
        _("受理窗口"),
        related_name="applications",
        help_text=_("窗口收件后，未办结的受理只能由该窗口继续处理"),
    )
    accepting_unit = optional_foreign_key(
        "accounts.Department",
        _("就近受理单位"),
        related_name="accepted_applications",
        help_text=_("在园区、街道或市场监督管理所就近申请时的受理单位；持有赋权的单位同时承办"),
    )
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    assisted = models.BooleanField(_("帮办"), default=False)
    by_agent = models.BooleanField(_("代办"), default=False)

    # Dates that the law cares about
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    received_at = models.DateTimeField(
        _("收到材料时间"), null=True, blank=True, help_text=_("最近一次收到材料（含补正）的时间")
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = optional_foreign_key(
        settings.AUTH_USER_MODEL, _("受理人"), related_name="accepted_applications"
    )
    auto_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    promised_due_date = models.DateField(_("承诺办结日期"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定办结日期"), null=True, blank=True)
    prereview_warned_at = models.DateTimeField(_("预审超时提醒时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    outcome_note = models.TextField(_("处理意见"), blank=True)

    delivery_method = models.CharField(
        _("结果送达方式"),
        max_length=16,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.WINDOW,
    )
    delivery_address = models.CharField(_("邮寄地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("申请（办件）")
        verbose_name_plural = _("申请（办件）")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "channel", "submitted_at"]),
            models.Index(fields=["applicant", "-created_at"]),
            # Supervision's case search: newest first (its default sort), the first page
            # read from the index's head within a period, not sorted from every case.
            models.Index(fields=["-submitted_at", "-id"], name="application_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_number__isnull=True)
                | Q(
                    status__in=[
                        CaseStatus.ACCEPTED,
                        CaseStatus.IN_APPROVAL,
                        CaseStatus.SUPPLEMENT_REQUESTED,
                        CaseStatus.CONCLUDED,
                        CaseStatus.TERMINATED,
                    ]
                ),
                name="application_number_only_for_cases",
            ),
            models.CheckConstraint(
                condition=Q(applicant_kind=ApplicantKind.PERSON, enterprise__isnull=True)
                | Q(applicant_kind=ApplicantKind.ENTERPRISE, enterprise__isnull=False),
                name="application_enterprise_iff_enterprise_kind",
            ),
            models.CheckConstraint(
                condition=~Q(delivery_method=DeliveryMethod.POST) | ~Q(delivery_address=""),
                name="application_post_needs_address",
                violation_error_message=_("邮寄送达需要填写邮寄地址。"),
            ),
        ]

    def __str__(self):
        return self.case_number or f"申请 #{self.pk}"

    def get_absolute_url(self) -> str:
        """The applicant's page of this application (what their notifications link to)."""
        return reverse("intake:my_application", args=[self.pk])

    @property
    def applicant_name(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.applicant.name

    @property
    def applicant_role(self) -> str:
        """How the person who applied for an enterprise stands in it, for a case
        header: 法定代表人 when their identity number is the enterprise's legal
        representative's on record, else 经办人. Reads the applicant and the enterprise
        the case pages already join (applications_with_names): no query of its own."""
        number = self.enterprise.legal_representative_id_number if self.enterprise_id else ""
        return "法定代表人" if number and number == self.applicant.id_number else "经办人"

    @property
    def case_number_display(self) -> str:
        """The case number for a page, or why there is none: it comes with acceptance, and
        a withdrawn or refused application never gets one."""
        if self.case_number:
            return self.case_number
        if self.status in (CaseStatus.WITHDRAWN, CaseStatus.REFUSED):
            return f"无（{self.get_status_display()}，未受理）"
        return "受理后生成"

    @property
    def reference(self) -> str:
        """What a person calls this application: its case number once it has one."""
        return self.case_number or f"申请编号 {self.pk}"


def part_of_case(related_name: str) -> models.ForeignKey:
    """The case (``Application``) a row is part of, deleted with it; not indexed on its
    own: the row's table leads a unique constraint or an index with it."""
    return models.ForeignKey(
        Application,
        verbose_name=_("申请"),
        on_delete=models.CASCADE,
        related_name=related_name,
        db_index=False,
    )


class StoredUpload(models.Model):
    """What the portal keeps of an uploaded file besides the file itself (a subclass
    declares its ``file`` with its own folder): the uploader's file name, for display
    and as the download's name, the type detected from the content
    (``services.uploads.check_upload``), the size and when it arrived. Filled by
    ``services.uploads.store_upload``."""

    original_filename = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), null=True, blank=True)

    class Meta:
        abstract = True


class SubmittedMaterial(TimeStampedModel, StoredUpload):
    """One material of an application: the uploaded file and the clerk's verdict.

    Called a "slot" throughout the code (``slots``, ``slot_id``, ``services.slots``):
    an application gets one row per material its item version asks for when it is
    created, empty until a file or a verdict fills it. ``application.materials`` holds
    them; ``material`` is the catalog's ``ItemMaterial`` the slot is for.
    """

    # submitted_material_unique (application, material) leads with it: no index of its own.
    application = part_of_case("materials")
    material = models.ForeignKey(
        "catalog.ItemMaterial", verbose_name=_("材料"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("电子材料"), upload_to=RandomName("intake/materials"), blank=True)
    status = models.CharField(
        _("核验结果"), max_length=16, choices=MaterialStatus.choices, default=MaterialStatus.PENDING
    )
    originals_received = models.PositiveSmallIntegerField(_("收取原件份数"), default=0)
    copies_received = models.PositiveSmallIntegerField(_("收取复印件份数"), default=0)
    defect_reason = models.CharField(_("问题说明"), max_length=300, blank=True)
    tolerance_due_date = models.DateField(_("容缺补交期限"), null=True, blank=True)
    pledge_signed = models.BooleanField(_("已签署容缺承诺书"), default=False)
    # The light the minute sweep last warned about for a 容缺 material's due date (0 none,
    # 1 due soon, 2 overdue): each level is announced once (approvals.services.sweep).
    tolerance_warned_level = models.PositiveSmallIntegerField(_("容缺到期已提醒级别"), default=0)
    checked_by = acting_user(_("核验人"))
    checked_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "material__position"]
        indexes = [
            # The sweep's 容缺 due-date warnings: only the few materials still owed.
            models.Index(
                fields=["tolerance_due_date"],
                name="submitted_material_tolerated",
                condition=Q(status=MaterialStatus.TOLERATED),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "material"], name="submitted_material_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status=MaterialStatus.DEFECTIVE) | ~Q(defect_reason=""),
                name="submitted_material_defect_needs_reason",
                violation_error_message=_("材料有误时必须说明问题。"),
            ),
            models.CheckConstraint(
                condition=~Q(status=MaterialStatus.TOLERATED)
                | Q(tolerance_due_date__isnull=False, pledge_signed=True),
                name="submitted_material_tolerance_needs_pledge_and_date",
                violation_error_message=_("容缺受理须签署承诺书并确定补交期限。"),
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.material.name}"

    @property
    def verdict_label(self) -> str:
        """The clerk's verdict as the staff pages after the window's review show it: a
        slot still pending there was not handed in (the clerk's 未提交（非必要）), not
        one awaiting verification (待核验 is the label before the review)."""
        if self.status == MaterialStatus.PENDING:
            return _("未提交")
        return self.get_status_display()


class SupplementFile(TimeStampedModel, StoredUpload):
    """One file handed in for an item of a department's 审查补正告知书 (审批补正): online
    by the applicant, or scanned by a clerk receiving the supplement at a window. The
    files of one supplement arrive together, with the act that resumes the clocks
    (``approvals.services.tasks.supplement_receive``), and are never changed after:
    a later request for supplement gets files of its own."""

    # supplement_file_case (application, uploaded_at) leads with it: no index of its own.
    application = part_of_case("supplement_files")
    # The 审查补正告知书 the file answers.
    notice = models.ForeignKey(
        "intake.Notice", verbose_name=_("补正告知书"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.PositiveSmallIntegerField(_("补正事项序号"), help_text=_("告知书中的第几项"))
    item_text = models.CharField(_("补正事项"), max_length=200)
    file = models.FileField(_("补正材料"), upload_to=RandomName("intake/supplements"))
    channel = models.CharField(_("提交渠道"), max_length=16, choices=Channel.choices)
    uploaded_by = acting_user(_("提交人"))

    class Meta:
        verbose_name = _("补正材料")
        verbose_name_plural = _("补正材料")
        ordering = ["application", "uploaded_at", "item", "id"]
        indexes = [
            models.Index(fields=["application", "uploaded_at"], name="supplement_file_case"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(item__gte=1), name="supplement_file_item_positive")
        ]

    def __str__(self):
        return f"{self.application} · 补正第 {self.item} 项 · {self.original_filename}"


class CaseEvent(AppendOnlyModel):
    """Append-only: every state change and every notable act on an application."""

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    # Intake's codes and those the apps above register (intake.events): plain strings,
    # indexed with the time for the dashboards' counts by kind and period.
    action = models.CharField(_("事件"), max_length=32, choices=event_choices)
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=CaseStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    actor = acting_user(_("操作人"))
    actor_role = models.CharField(_("操作人身份"), max_length=32, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, blank=True)
    hall = optional_foreign_key("accounts.Hall", _("大厅"), related_name="+")
    window = optional_foreign_key("accounts.Window", _("窗口"), related_name="+")
    department = optional_foreign_key("accounts.Department", _("部门"), related_name="+")
    message = models.CharField(_("说明"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        ordering = ["application", "at", "id"]
        indexes = [models.Index(fields=["action", "at"], name="case_event_action_at")]

    @property
    def label(self) -> str:
        """The kind's Chinese label (intake's or a registered one, ``intake.events``)."""
        return event_label(self.action)

    @property
    def public_message(self) -> str:
        """The message as the applicant may read it: empty for internal acts, whose
        messages may name staff (``intake.events``)."""
        return public_message(self)


class CaseNumberSequence(Sequence):
    """The daily sequence behind case numbers, one row per prefix and day."""

    prefix = models.CharField(_("前缀"), max_length=8)
    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("办件编号序列")
        verbose_name_plural = _("办件编号序列")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="case_number_sequence_unique")
        ]

    def __str__(self):
        return f"{self.prefix}{self.day:%Y%m%d} → {self.last_value}"
