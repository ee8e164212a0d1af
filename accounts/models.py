"""Who is who: users, citizen and enterprise identities, the organisation, staff scopes."""

import os
import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.generation_cache import NotifyingManager, NotifyingQuerySet
from jinpu_portal.models import (
    AppendOnlyModel,
    TimeStampedModel,
    acting_user,
    optional_foreign_key,
    optional_one_to_one,
)

from .constants import (
    AuthorizationAction,
    AuthorizationMethod,
    DepartmentKind,
    Role,
    VerificationMethod,
)
from .validators import (
    mask_identity_number,
    mask_phone,
    validate_credit_code,
    validate_resident_id,
)


class UserManager(AuthUserManager.from_queryset(NotifyingQuerySet)):
    """Django's user manager; bulk changes (``.update(is_active=False)``) send
    ``bulk_changed``, which retires the cached token users."""


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @property
    def role_names(self) -> set[str]:
        """Names of the user's role groups, cached on the instance for one request."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and str(role) in self.role_names


class Department(TimeStampedModel):
    """Any unit that implements items: bureau, park, street or market-supervision station."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    parent = optional_foreign_key("self", _("上级单位"), related_name="children")
    region_code = models.CharField(_("行政区划代码"), max_length=12, default="210213")
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    seal_image = models.ImageField(_("电子印章图片"), upload_to=RandomName("seals"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "code"]
        permissions = [
            ("act_for_department", _("以该部门名义审批")),
            ("supervise_department", _("督查该部门")),
        ]

    def __str__(self):
        return self.name


class Hall(TimeStampedModel):
    """A service hall (金普厅, 金州厅). Every hall accepts every item (两厅通办)."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(
        _("编码"), max_length=8, unique=True, help_text=_("用于办件编号与取号，如 JP、JZ")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Window(TimeStampedModel):
    """A comprehensive window (综合窗口) of a hall."""

    hall = models.ForeignKey(
        Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="windows"
    )
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["hall__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number_per_hall")
        ]

    def __str__(self):
        return self.label_of(self.hall.name, self.number)

    @staticmethod
    def label_of(hall_name: str, number: int) -> str:
        """A window's name as ``str()`` gives it, from its hall's name and its number
        (for a name read as columns, without the window's row)."""
        return f"{hall_name} {number} 号窗口"


class StaffProfile(TimeStampedModel):
    """The scope of a staff member beyond their role groups.

    A clerk sits at one window (the hall follows from it). Departments an approver
    acts for, or a supervisor watches, are django-guardian object permissions on the
    Department rows (see accounts.services.staff_grant_department), so selectors can
    filter with guardian's shortcuts and services can re-check them.
    """

    user = models.OneToOneField(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    window = optional_foreign_key(
        Window, _("所在窗口"), on_delete=models.SET_NULL, related_name="clerks"
    )
    district_wide = models.BooleanField(
        _("全区督查"), default=False, help_text=_("督查人员可查看全区所有部门")
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    head_of = optional_foreign_key(
        Department,
        _("负责的部门"),
        on_delete=models.SET_NULL,
        related_name="heads",
        help_text=_(
            "本行政机关负责人：可批准本部门作出决定的办件延期（行政许可法第四十二条），"
            "并可退回、改派本部门任务。须同时具有审批人员角色和以该部门名义审批的权限。"
        ),
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("工作人员范围")
        verbose_name_plural = _("工作人员范围")

    def __str__(self):
        return f"{self.user} 的工作范围"

    @property
    def hall(self) -> Hall | None:
        return self.window.hall if self.window_id else None


class Citizen(TimeStampedModel):
    """A natural person's identity as one account or one window knows it.

    Registered at the counter, it is verified by the clerk who checked the ID card
    (no account). Signed up online, it is the account's *claim* until verified
    (``verified_at``): any number of unverified accounts may claim the same ID number
    (so signup cannot tell whether a number is registered), only one row may hold it
    verified (a partial unique index). What an unverified row sees is limited to what
    its account created online (intake.selectors); counter cases and enterprises need a
    verified identity.
    """

    user = optional_one_to_one(User, _("账号"), on_delete=models.SET_NULL, related_name="citizen")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("公民身份号码"), max_length=18, db_index=True, validators=[validate_resident_id]
    )
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)
    verification_method = models.CharField(
        _("核验方式"), max_length=16, choices=VerificationMethod.choices, blank=True
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(verified_at__isnull=False),
                name="citizen_unique_verified_id_number",
                violation_error_message=_("该公民身份号码已由他人完成实名认证。"),
            ),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verification_method="")
                | models.Q(verified_at__isnull=False) & ~models.Q(verification_method=""),
                name="citizen_verified_with_a_method",
            ),
        ]

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class IdentityVerification(TimeStampedModel):
    """One real-name verification (an audit row, never changed): whose identity, by
    which means, for which account; at a window, the clerk who checked the ID card and
    where. The identity provider's subject for 统一身份认证."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("自然人"), on_delete=models.PROTECT, related_name="verifications"
    )
    user = optional_foreign_key(
        User, _("账号"), on_delete=models.SET_NULL, related_name="identity_verifications"
    )
    method = models.CharField(_("核验方式"), max_length=16, choices=VerificationMethod.choices)
    verified_by = acting_user(_("核验人员"))
    window = optional_foreign_key(Window, _("窗口"))
    hall = optional_foreign_key(Hall, _("大厅"))
    subject = models.CharField(_("认证平台用户标识"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("实名核验记录")
        verbose_name_plural = _("实名核验记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method=VerificationMethod.WINDOW)
                | models.Q(verified_by__isnull=False, window__isnull=False, hall__isnull=False),
                name="identity_verification_window_has_clerk_and_place",
            )
        ]

    def __str__(self):
        return f"{self.citizen} · {self.get_method_display()}"


class Enterprise(TimeStampedModel):
    """A company (法人). Who may act for it follows one rule, checked in the query
    (accounts.selectors.enterprise_access): its legal representative is the verified
    identity whose ID number is the one on record here (entered by a clerk who checked
    the business licence and the ID card), its agents (经办人) hold an authorization
    (EnterpriseRepresentative) that is neither revoked nor expired. The name, credit
    code and legal representative's name are public facts and grant nothing."""

    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    legal_representative_id_number = models.CharField(
        _("法定代表人公民身份号码"),
        max_length=18,
        blank=True,
        db_index=True,
        validators=[validate_resident_id],
        help_text=_("窗口人员查验营业执照和法定代表人身份证后登记；空则暂无人可作为法定代表人。"),
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    representatives = models.ManyToManyField(
        Citizen,
        verbose_name=_("经办人"),
        through="EnterpriseRepresentative",
        related_name="enterprises",
        blank=True,
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("企业（法人）")
        verbose_name_plural = _("企业（法人）")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def masked_credit_code(self) -> str:
        return mask_identity_number(self.credit_code)

    @property
    def masked_legal_representative_id_number(self) -> str:
        return mask_identity_number(self.legal_representative_id_number)


def power_of_attorney_path(instance, filename: str) -> str:
    """A random name (the original is kept in ``power_of_attorney_name``): a stored
    path cannot be guessed from what was uploaded."""
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"accounts/attorney/{uuid.uuid4().hex}{extension}"


class EnterpriseRepresentative(TimeStampedModel):
    """An agent's authorization (经办人授权) to act for an enterprise: granted online by
    its legal representative, or recorded at a window by a clerk from a paper power of
    attorney (授权委托书, uploaded here). For all items or the chosen ones, until a
    date, revocable at once. Revoked and expired rows stay (the audit trail in
    EnterpriseAuthorizationEvent points at them) and grant nothing: the access rule
    checks ``revoked_at`` and ``valid_until`` in the query."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="memberships"
    )
    citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="enterprise_memberships",
    )
    all_items = models.BooleanField(_("全部事项"), default=True)
    items = models.ManyToManyField(
        "catalog.ServiceItem", verbose_name=_("授权事项"), blank=True, related_name="+"
    )
    valid_until = models.DateField(_("有效期至"))
    method = models.CharField(_("授权方式"), max_length=16, choices=AuthorizationMethod.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+"
    )
    window = optional_foreign_key(Window, _("窗口"))
    hall = optional_foreign_key(Hall, _("大厅"))
    power_of_attorney = models.FileField(
        _("授权委托书"), upload_to=power_of_attorney_path, max_length=100, blank=True
    )
    power_of_attorney_name = models.CharField(_("授权委托书原文件名"), max_length=200, blank=True)
    power_of_attorney_type = models.CharField(_("授权委托书文件类型"), max_length=40, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = acting_user(_("撤销人"))

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("经办人授权")
        verbose_name_plural = _("经办人授权")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "citizen"],
                condition=models.Q(revoked_at__isnull=True),
                name="enterprise_agent_one_open_authorization",
            ),
            models.CheckConstraint(
                condition=~models.Q(method=AuthorizationMethod.WINDOW)
                | models.Q(window__isnull=False, hall__isnull=False)
                & ~models.Q(power_of_attorney=""),
                name="enterprise_agent_window_has_place_and_attorney",
            ),
        ]

    def __str__(self):
        return f"{self.citizen.name} · {self.enterprise.name}（经办人）"


class EnterpriseAuthorizationEvent(AppendOnlyModel):
    """One step of an enterprise's authorization chain (an audit row, never changed):
    a legal representative recorded at a window or matched by a verified identity, an
    agent authorized online or at a window, revoked, expired. Who did it, when, where."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="auth_events"
    )
    authorization = optional_foreign_key(
        EnterpriseRepresentative, _("经办人授权"), related_name="events"
    )
    citizen = optional_foreign_key(Citizen, _("当事人"))
    action = models.CharField(_("环节"), max_length=20, choices=AuthorizationAction.choices)
    actor = acting_user(_("办理人"))
    window = optional_foreign_key(Window, _("窗口"))
    hall = optional_foreign_key(Hall, _("大厅"))
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("企业授权记录")
        verbose_name_plural = _("企业授权记录")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authorization"],
                condition=models.Q(action=AuthorizationAction.AGENT_EXPIRED),
                name="enterprise_authorization_expires_once",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_action_display()}"
