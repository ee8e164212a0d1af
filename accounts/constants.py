"""Choices of accounts: roles, department kinds, an enterprise's representatives,
verification methods."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups; the value is the group's name."""

    CITIZEN = "citizen", _("办事群众")
    CLERK = "clerk", _("综窗人员")
    APPROVER = "approver", _("审批人员")
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


# Object permissions carried by django-guardian on Department rows.
PERM_ACT_FOR_DEPARTMENT = "accounts.act_for_department"
PERM_SUPERVISE_DEPARTMENT = "accounts.supervise_department"


class VerificationMethod(models.TextChoices):
    """How an identity was verified (实名认证)."""

    OIDC = "oidc", _("统一身份认证")
    WINDOW = "window", _("窗口核验")
    DEMO = "demo", _("演示认证")
