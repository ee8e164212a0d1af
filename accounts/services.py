"""Writes that matter for accounts. Each validates fully before it saves anything."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from .constants import (
    PERM_ACT_FOR_DEPARTMENT,
    PERM_SUPERVISE_DEPARTMENT,
    RepresentativeRole,
    Role,
)
from .models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseRepresentative,
    StaffProfile,
    User,
    Window,
)
from .selectors import department_list_acting_for
from .validators import normalize_identity_number


@transaction.atomic
def user_create(
    *, username: str, password: str | None, full_name: str = "", phone: str = "", roles=()
) -> User:
    user = User(username=username, full_name=full_name, phone=phone)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    return user


def user_set_roles(*, user: User, roles) -> None:
    groups = [Group.objects.get(name=str(role)) for role in roles]
    user.groups.set(groups)
    user.is_staff = bool({str(r) for r in roles} & {Role.CATALOG_ADMIN, Role.SYSTEM_ADMIN})
    user.is_superuser = Role.SYSTEM_ADMIN in {str(r) for r in roles}
    user.save(update_fields=["is_staff", "is_superuser"])
    if hasattr(user, "_role_names"):
        del user._role_names


@transaction.atomic
def citizen_register(
    *, name: str, id_number: str, phone: str = "", user: User | None = None, verified: bool = False
) -> Citizen:
    """Register a real-name identity; full_clean raises ValidationError before any write."""
    citizen = Citizen(
        name=name.strip(),
        id_number=normalize_identity_number(id_number),
        phone=phone.strip(),
        user=user,
        verified_at=timezone.now() if verified else None,
    )
    citizen.full_clean()
    citizen.save()
    if user is not None:
        user_set_roles(user=user, roles={*user.role_names, Role.CITIZEN})
        if not user.full_name:
            user.full_name = citizen.name
            user.save(update_fields=["full_name"])
    return citizen


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    credit_code: str,
    legal_representative: str,
    address: str = "",
    phone: str = "",
    representative: Citizen | None = None,
    representative_role: str = "legal",
) -> Enterprise:
    enterprise = Enterprise(
        name=name.strip(),
        credit_code=normalize_identity_number(credit_code),
        legal_representative=legal_representative.strip(),
        address=address,
        phone=phone,
    )
    enterprise.full_clean()
    enterprise.save()
    if representative is not None:
        enterprise_add_representative(
            enterprise=enterprise, citizen=representative, role=representative_role
        )
    return enterprise


@transaction.atomic
def enterprise_claim(
    *, citizen: Citizen, name: str, credit_code: str, legal_representative: str
) -> EnterpriseRepresentative:
    """A citizen adds an enterprise they act for (the profile page).

    A credit code not yet known registers the enterprise. A known one must match its
    registered name and legal representative, so typing one's own name as legal
    representative cannot take over someone else's enterprise. The citizen becomes
    legal representative when the registered name is theirs, else an agent (经办人).
    """
    code = normalize_identity_number(credit_code)
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=code).first()
    if enterprise is None:
        enterprise = enterprise_register(
            name=name, credit_code=code, legal_representative=legal_representative
        )
    elif (enterprise.name, enterprise.legal_representative) != (
        name.strip(),
        legal_representative.strip(),
    ):
        raise ValidationError(
            "企业名称或法定代表人与该统一社会信用代码的登记信息不一致，请核对后重新填写。",
            code="mismatch",
        )
    role = (
        RepresentativeRole.LEGAL_REPRESENTATIVE
        if enterprise.legal_representative == citizen.name
        else RepresentativeRole.AGENT
    )
    return enterprise_add_representative(enterprise=enterprise, citizen=citizen, role=role)


def enterprise_add_representative(
    *, enterprise: Enterprise, citizen: Citizen, role: str
) -> EnterpriseRepresentative:
    membership, _ = EnterpriseRepresentative.objects.update_or_create(
        enterprise=enterprise, citizen=citizen, defaults={"role": role}
    )
    return membership


def staff_profile_for(user: User) -> StaffProfile:
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def staff_assign_window(*, user: User, window: Window | None) -> StaffProfile:
    profile = staff_profile_for(user)
    profile.window = window
    profile.save(update_fields=["window", "updated_at"])
    return profile


@transaction.atomic
def staff_set_district_wide(*, user: User, district_wide: bool) -> StaffProfile:
    """A supervisor who watches every department of the district (全区督查)."""
    profile = staff_profile_for(user)
    profile.district_wide = district_wide
    profile.save(update_fields=["district_wide", "updated_at"])
    return profile


@transaction.atomic
def staff_set_department_head(*, user: User, department: Department | None) -> StaffProfile:
    """Make an approver the head (负责人) of one department they act for, or of none."""
    if department is not None and not (
        department_list_acting_for(user=user).filter(pk=department.pk).exists()
    ):
        raise ValidationError(
            f"{user}没有以“{department.name}”名义审批的权限，不能担任其负责人。", code="head"
        )
    profile = staff_profile_for(user)
    profile.head_of = department
    profile.save(update_fields=["head_of", "updated_at"])
    return profile


@transaction.atomic
def staff_grant_department(*, user: User, department: Department, supervise: bool = False) -> None:
    """Let an approver act for (or a supervisor watch) one department."""
    assign_perm(
        PERM_SUPERVISE_DEPARTMENT if supervise else PERM_ACT_FOR_DEPARTMENT, user, department
    )


@transaction.atomic
def staff_revoke_department(*, user: User, department: Department, supervise: bool = False) -> None:
    remove_perm(
        PERM_SUPERVISE_DEPARTMENT if supervise else PERM_ACT_FOR_DEPARTMENT, user, department
    )
