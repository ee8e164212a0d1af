"""Service items (事项), their versions, materials and workflow steps (GB/T 39046-2020).

A ``ServiceItem`` is the stable identity (its implementation code); the content lives
on ``ItemVersion`` rows: draft -> published -> retired. A published version is frozen
(``catalog.services`` refuses to change it; editing makes a new draft) and at most one
version of an item is published at a time. A case points at the version it was
accepted under, so retiring a version never changes a case.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.generation_cache import NotifyingManager
from jinpu_portal.models import (
    AppendOnlyModel,
    TimeStampedModel,
    acting_user,
    optional_foreign_key,
    optional_one_to_one,
)

from ..constants import (
    CaseType,
    CatalogEventAction,
    ImplementerNature,
    ItemType,
    MaterialRequirement,
    MaterialSource,
    OnlineDepth,
    Theme,
    TongbanScope,
    VersionStatus,
)


class ServiceItem(TimeStampedModel):
    """The stable identity of an item; ``code`` is its implementation code (实施编码)."""

    code = models.CharField(_("实施编码"), max_length=64, unique=True)
    current_version = optional_one_to_one(
        "ItemVersion",
        _("当前发布版本"),
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("由发布服务维护"),
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["code"]

    def __str__(self):
        version = self.current_version
        return f"{version.name}（{self.code}）" if version else self.code


class ServiceObjectType(models.Model):
    """服务对象 code table (自然人, 企业法人, ...), seeded by migration."""

    code = models.CharField(_("代码"), max_length=2, primary_key=True)
    name = models.CharField(_("名称"), max_length=20)

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ItemVersion(TimeStampedModel):
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    # The item's code, copied when the version is made (``save``): it never changes
    # (ServiceItemAdmin), and the search and the guide's lists sort by it without joining
    # the items (bench/README.md, the catalog search).
    item_code = models.CharField(_("实施编码"), max_length=64, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    change_note = models.CharField(_("变更说明"), max_length=200, blank=True)

    # Basic elements
    name = models.CharField(_("事项名称"), max_length=200)
    basic_code = models.CharField(_("基本编码"), max_length=64)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("实施主体"),
        on_delete=models.PROTECT,
        related_name="item_versions",
    )
    implementer_nature = models.CharField(
        _("实施主体性质"),
        max_length=1,
        choices=ImplementerNature.choices,
        default=ImplementerNature.STATUTORY,
    )
    co_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("共同实施部门"),
        blank=True,
        related_name="co_implemented_versions",
    )
    legal_basis = models.TextField(_("设定依据"))
    theme = models.CharField(_("主题分类"), max_length=32, choices=Theme.choices)
    service_objects = models.ManyToManyField(
        ServiceObjectType, verbose_name=_("服务对象"), related_name="item_versions"
    )
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)

    # Time limits, in working days
    case_type = models.CharField(_("办件类型"), max_length=1, choices=CaseType.choices)
    statutory_limit_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"))
    promised_limit_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"))

    # Conditions, process, fee
    acceptance_conditions = models.TextField(_("受理条件"))
    process_description = models.TextField(_("办理流程"), blank=True)
    fee_required = models.BooleanField(_("是否收费"), default=False)
    fee_description = models.CharField(_("收费标准"), max_length=200, blank=True)
    fee_basis = models.CharField(_("收费依据"), max_length=200, blank=True)

    # Where and how
    tongban_scope = models.CharField(
        _("通办范围"), max_length=16, choices=TongbanScope.choices, blank=True, default=""
    )
    channels = models.JSONField(_("办理渠道"), default=list, blank=True)
    online_available = models.BooleanField(_("可网上办理"), default=True)
    not_online_reason = models.CharField(_("不能网办的原因"), max_length=200, blank=True)
    fully_online = models.BooleanField(_("全程网办"), default=False)
    online_depth = models.PositiveSmallIntegerField(
        _("网办深度"), choices=OnlineDepth.choices, default=OnlineDepth.PRE_REVIEW
    )
    visits_required = models.PositiveSmallIntegerField(_("到办事现场次数"), default=1)
    visits_reason = models.CharField(_("到现场原因"), max_length=200, blank=True)
    appointment_supported = models.BooleanField(_("支持预约办理"), default=True)
    online_payment_supported = models.BooleanField(_("支持网上支付"), default=False)
    postal_delivery_supported = models.BooleanField(_("支持物流快递"), default=False)
    accepting_halls = models.ManyToManyField(
        "accounts.Hall", verbose_name=_("受理大厅"), blank=True, related_name="item_versions"
    )
    accepting_units = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("就近受理单位"),
        blank=True,
        related_name="nearby_item_versions",
        help_text=_("可就近受理的园区、街道、市场监督管理所"),
    )
    location = models.CharField(_("办理地点"), max_length=200, blank=True)
    office_hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=40, blank=True)
    faqs = models.JSONField(
        _("常见问题"), default=list, blank=True, help_text=_('[{"q": "...", "a": "..."}]')
    )

    # Result
    result_name = models.CharField(_("办理结果名称"), max_length=200, blank=True)
    result_sample = models.FileField(
        _("结果样本"), upload_to=RandomName("catalog/results"), blank=True
    )

    # Denormalised for search: name, codes, keywords and department (see services).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item_code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="itemversion_unique_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="itemversion_one_published",
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=F("statutory_limit_days")),
                name="itemversion_promise_within_statute",
                violation_error_message=_("承诺办结时限不能超过法定办结时限。"),
            ),
            models.CheckConstraint(
                condition=(Q(case_type=CaseType.IMMEDIATE) & Q(promised_limit_days=0))
                | (Q(case_type=CaseType.PROMISED) & Q(promised_limit_days__gt=0)),
                name="itemversion_immediate_iff_zero_days",
                violation_error_message=_("即办件的承诺时限必须为 0，承诺件的承诺时限必须大于 0。"),
            ),
            models.CheckConstraint(
                condition=Q(fully_online=True, visits_required=0)
                | Q(fully_online=False, visits_required__gt=0),
                name="itemversion_fully_online_iff_zero_visits",
                violation_error_message=_(
                    "全程网办的事项到现场次数必须为 0；到现场次数为 0 即应为全程网办。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(visits_required=0) | ~Q(visits_reason=""),
                name="itemversion_visits_need_reason",
                violation_error_message=_("到现场次数大于 0 时必须说明原因。"),
            ),
            models.CheckConstraint(
                condition=Q(online_available=True) | ~Q(not_online_reason=""),
                name="itemversion_offline_needs_reason",
                violation_error_message=_("不能网上办理的事项必须说明原因。"),
            ),
            models.CheckConstraint(
                condition=Q(fully_online=False) | Q(online_available=True),
                name="itemversion_fully_online_is_online",
                violation_error_message=_("全程网办的事项必须可网上办理。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "theme"]), models.Index(fields=["basic_code"])]

    def __str__(self):
        return f"{self.name} v{self.number}（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        if not self.item_code:
            self.item_code = self.item.code
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "item_code"}
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_immediate(self) -> bool:
        """A 即办件: decided on the spot (promised 0 days)."""
        return self.case_type == CaseType.IMMEDIATE

    @property
    def promise_text(self) -> str:
        """The promised time limit as the counter and the acceptance say it: a 即办件
        (promised 0 days) is concluded on the spot."""
        if self.is_immediate:
            return "当场办结"
        return f"承诺 {self.promised_limit_days} 个工作日内办结"

    # Bookkeeping of the version itself, not content a citizen reads: a new draft does
    # not copy it (catalog.services) and a diff does not compare it (catalog.diff).
    BOOKKEEPING_FIELDS = frozenset(
        {
            "id",
            "item",
            "item_code",
            "number",
            "status",
            "published_at",
            "retired_at",
            "change_note",
            "created_at",
            "updated_at",
            "search_text",
        }
    )

    @classmethod
    def content_fields(cls) -> list:
        """The concrete fields that make up what the version says (not its bookkeeping)."""
        return [f for f in cls._meta.concrete_fields if f.name not in cls.BOOKKEEPING_FIELDS]


class ItemMaterial(models.Model):
    """申请材料 of one version."""

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=200)
    issuing_body = models.CharField(_("出具单位"), max_length=100, blank=True)
    source = models.CharField(
        _("来源渠道"),
        max_length=16,
        choices=MaterialSource.choices,
        default=MaterialSource.APPLICANT,
    )
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=1)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    requirement = models.CharField(
        _("必要性"),
        max_length=16,
        choices=MaterialRequirement.choices,
        default=MaterialRequirement.REQUIRED,
    )
    tolerance_allowed = models.BooleanField(_("允许容缺"), default=False)
    electronic_required = models.BooleanField(_("需提供电子材料"), default=True)
    signature_requirement = models.CharField(_("签字盖章要求"), max_length=100, blank=True)
    notes = models.CharField(_("填报须知"), max_length=300, blank=True)
    blank_form = models.FileField(_("空白表格"), upload_to=RandomName("catalog/forms"), blank=True)
    sample = models.FileField(_("示范样表"), upload_to=RandomName("catalog/samples"), blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="material_unique_position"
            ),
            models.UniqueConstraint(fields=["version", "name"], name="material_unique_name"),
            models.CheckConstraint(
                condition=Q(tolerance_allowed=False) | Q(requirement=MaterialRequirement.REQUIRED),
                name="material_tolerance_only_for_required",
                violation_error_message=_("只有必要材料才能设置为允许容缺。"),
            ),
            models.CheckConstraint(
                condition=Q(originals__gt=0) | Q(copies__gt=0) | Q(electronic_required=True),
                name="material_some_form",
                violation_error_message=_("原件、复印件、电子材料至少需要一种。"),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def content_fields(cls) -> list:
        """The concrete fields a material says (copied with a draft), in their order."""
        return [f for f in cls._meta.concrete_fields if f.name not in {"id", "version"}]


class WorkflowStep(models.Model):
    """One step of a version's workflow. Steps sharing a ``stage`` run in parallel (联办);
    the next stage starts when all steps of the previous one are done."""

    version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.PositiveSmallIntegerField(_("环节顺序"), help_text=_("同一顺序的环节并行办理"))
    name = models.CharField(_("环节名称"), max_length=50)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("办理部门"),
        on_delete=models.PROTECT,
        related_name="workflow_steps",
    )
    budget_days = models.PositiveSmallIntegerField(_("环节时限（工作日）"))

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["version", "stage", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "stage", "department", "name"], name="step_unique_in_stage"
            )
        ]

    def __str__(self):
        return f"{self.stage}. {self.name}（{self.department}）"


class Delegation(TimeStampedModel):
    """赋权: the management committee delegates an item to a park or street."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="delegations"
    )
    grantee = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("承接单位"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    batch = models.CharField(_("赋权批次"), max_length=50)
    granted_on = models.DateField(_("赋权日期"))
    document_number = models.CharField(_("赋权文号"), max_length=100, blank=True)
    revoked_on = models.DateField(_("收回日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("赋权事项")
        verbose_name_plural = _("赋权事项")
        ordering = ["-granted_on", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "grantee"],
                condition=Q(revoked_on__isnull=True),
                name="delegation_one_active_per_grantee",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("granted_on")),
                name="delegation_revoked_after_granted",
            ),
        ]

    def __str__(self):
        return f"{self.item.code} → {self.grantee}（{self.batch}）"


class Bundle(TimeStampedModel):
    """一件事: a life event that groups items, with one merged list of materials."""

    code = models.SlugField(_("编码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    theme = models.CharField(_("主题分类"), max_length=32, choices=Theme.choices)
    items = models.ManyToManyField(
        ServiceItem, verbose_name=_("包含事项"), through="BundleItem", related_name="bundles"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self):
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("一件事包含的事项")
        verbose_name_plural = _("一件事包含的事项")
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundleitem_unique")]

    def __str__(self):
        return f"{self.bundle} · {self.item}"


class CatalogEvent(AppendOnlyModel):
    """Append-only audit trail of the catalog: drafts, publishing, retiring, imports."""

    version = optional_foreign_key(ItemVersion, _("事项版本"), related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=CatalogEventAction.choices)
    actor = acting_user(_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("事项目录日志")
        verbose_name_plural = _("事项目录日志")
        ordering = ["-at", "-id"]
