"""Choices of accounts: roles, department kinds, an enterprise's representatives,
verification methods."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups; the value is the group's name."""

    CITIZEN = "citizen", _("办事群众")
    CLERK = "clerk", _("综窗人员")
    APPROVER = "approver", _("审批人员")
    # 本级人民政府负责人 (行政许可法 art. 42): approves the extensions of joint handling
    # (联办); district-wide, acting for no department.
    GOVERNMENT_HEAD = "government_head", _("区政府负责人")
    SUPERVISOR = "supervisor", _("督查人员")
    CATALOG_ADMIN = "catalog_admin", _("事项管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


class DepartmentKind(models.TextChoices):
    COMMITTEE = "committee", _("管委会")
    DEPARTMENT = "department", _("部门")
    PARK = "park", _("园区")
    STREET = "street", _("街道")
    STATION = "station", _("市场监督管理所")


class RepresentativeRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal", _("法定代表人")
    AGENT = "agent", _("经办人")


class AuthorizationMethod(models.TextChoices):
    """How an agent (经办人) was authorized."""

    ONLINE = "online", _("法定代表人网上授权")
    WINDOW = "window", _("窗口授权（纸质授权委托书）")


class AuthorizationAction(models.TextChoices):
    """The steps of an enterprise's authorization chain (one audit row each)."""

    LEGAL_RECORDED = "legal_recorded", _("窗口登记法定代表人")
    LEGAL_MATCHED = "legal_matched", _("实名身份与登记的法定代表人一致")
    AGENT_GRANTED = "agent_granted", _("网上授权经办人")
    AGENT_RECORDED = "agent_recorded", _("窗口登记经办人授权")
    AGENT_REVOKED = "agent_revoked", _("撤销经办人授权")
    AGENT_EXPIRED = "agent_expired", _("经办人授权到期")


# Object permissions carried by django-guardian on Department rows.
PERM_ACT_FOR_DEPARTMENT = "accounts.act_for_department"
PERM_SUPERVISE_DEPARTMENT = "accounts.supervise_department"


class VerificationMethod(models.TextChoices):
    """How an identity was verified (实名认证)."""

    OIDC = "oidc", _("统一身份认证")
    WINDOW = "window", _("窗口核验")
    DEMO = "demo", _("演示认证")
