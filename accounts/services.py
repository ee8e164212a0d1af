"""Writes that matter for accounts. Each validates fully before it saves anything."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from .authorization import record_legal_matches
from .constants import (
    PERM_ACT_FOR_DEPARTMENT,
    PERM_SUPERVISE_DEPARTMENT,
    AuthorizationAction,
    Role,
    VerificationMethod,
)
from .models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseAuthorizationEvent,
    IdentityVerification,
    StaffProfile,
    User,
    Window,
)
from .selectors import department_list_acting_for
from .validators import normalize_identity_number, validate_resident_id


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
def citizen_sign_up(*, username: str, password: str, name: str, id_number: str, phone: str = ""):
    """A citizen opens an account (role citizen) with the identity they claim; both or
    neither are saved. The claim counts for nothing until it is verified."""
    user = user_create(username=username, password=password, roles=[Role.CITIZEN])
    citizen_register(name=name, id_number=id_number, phone=phone, user=user)
    return user


@transaction.atomic
def citizen_register(
    *,
    name: str,
    id_number: str,
    phone: str = "",
    user: User | None = None,
    verified: bool = False,
    method: str = VerificationMethod.DEMO,
    verified_by: User | None = None,
    window: Window | None = None,
) -> Citizen:
    """Register an identity; full_clean raises ValidationError before any write.

    Unverified (online signup) it is only the account's claim. ``verified``: checked
    by ``method``; at a window (``VerificationMethod.WINDOW``) by the clerk
    ``verified_by`` sitting at ``window``, recorded in an IdentityVerification row.
    """
    citizen = Citizen(
        name=name.strip(),
        id_number=normalize_identity_number(id_number),
        phone=phone.strip(),
        user=user,
        verified_at=timezone.now() if verified else None,
        verification_method=method if verified else "",
    )
    citizen.full_clean()
    citizen.save()
    if verified:
        _record_verification(citizen=citizen, method=method, verified_by=verified_by, window=window)
        record_legal_matches(citizen=citizen, actor=verified_by)
    if user is not None:
        user_set_roles(user=user, roles={*user.role_names, Role.CITIZEN})
        if not user.full_name:
            user.full_name = citizen.name
            user.save(update_fields=["full_name"])
    return citizen


def citizen_register_at_window(
    *, name: str, id_number: str, phone: str = "", clerk: User, window: Window
) -> Citizen:
    """A person without an account, registered by the clerk who checked their ID card."""
    return citizen_register(
        name=name,
        id_number=id_number,
        phone=phone,
        verified=True,
        method=VerificationMethod.WINDOW,
        verified_by=clerk,
        window=window,
    )


def _record_verification(
    *,
    citizen: Citizen,
    method: str,
    verified_by: User | None = None,
    window: Window | None = None,
    subject: str = "",
) -> IdentityVerification:
    record = IdentityVerification(
        citizen=citizen,
        user=citizen.user,
        method=method,
        verified_by=verified_by,
        window=window,
        hall=window.hall if window is not None else None,
        subject=subject,
    )
    record.full_clean()
    record.save()
    return record


ALREADY_VERIFIED_ELSEWHERE = (
    "该公民身份号码已由其他账号完成实名认证。如需更换账号，请本人持身份证到服务大厅窗口办理。"
)


@transaction.atomic
def citizen_verify(
    *,
    user: User,
    name: str,
    id_number: str,
    method: str,
    verified_by: User | None = None,
    window: Window | None = None,
    subject: str = "",
) -> Citizen:
    """Verify the real-name identity of ``user``'s account (实名认证).

    The verified name and number replace what the account claimed at signup. A
    number a clerk registered at the counter (verified, no account) becomes this
    account's, with everything the account had made online moved onto it. Other
    accounts that merely claimed the number keep nothing of it (they never saw its
    cases) and can no longer verify it. A number another account holds verified is
    refused; so is re-verifying a verified account with another number.
    """
    number = normalize_identity_number(id_number)
    validate_resident_id(number)
    if not name.strip():
        raise ValidationError({"name": "请填写姓名。"}, code="required")
    if method == VerificationMethod.WINDOW and (verified_by is None or window is None):
        raise ValidationError("窗口核验须由在岗的综窗人员办理。", code="window")
    # Lock every row of the number and the account's own, in id order (no deadlock
    # with a verification of the same number racing this one).
    rows = list(
        Citizen.objects.select_for_update()
        .filter(Q(id_number=number) | Q(user=user))
        .order_by("pk")
    )
    own = next((row for row in rows if row.user_id == user.pk), None)
    holder = next((row for row in rows if row.id_number == number and row.is_verified), None)
    if own is not None and own.is_verified and own.id_number != number:
        raise ValidationError(
            "该账号已完成实名认证，不能再认证其他身份号码。", code="already_verified"
        )
    if holder is not None and holder.user_id not in (None, user.pk):
        raise ValidationError(ALREADY_VERIFIED_ELSEWHERE, code="taken")
    if holder is not None and holder.user_id is None:
        if own is not None:
            _move_related(source=own, target=holder)
            own.delete()
        holder.user = user
        citizen = holder
    elif own is not None:
        citizen = own
    else:
        citizen = Citizen(user=user, phone=user.phone)
    citizen.name = name.strip()
    citizen.id_number = number
    citizen.verified_at = timezone.now()
    citizen.verification_method = method
    citizen.full_clean()
    citizen.save()
    _record_verification(
        citizen=citizen, method=method, verified_by=verified_by, window=window, subject=subject
    )
    record_legal_matches(citizen=citizen, actor=verified_by)
    user_set_roles(user=user, roles={*user.role_names, Role.CITIZEN})
    user.full_name = citizen.name
    user.save(update_fields=["full_name"])
    return citizen


def _move_related(*, source: Citizen, target: Citizen) -> None:
    """Point every row that refers to ``source`` (applications, bundles, memberships
    of any app) at ``target`` instead, through the model's public _meta API, so
    accounts need not know the apps above it."""
    for relation in Citizen._meta.related_objects:
        if relation.one_to_many:
            relation.related_model._base_manager.filter(**{relation.field.name: source}).update(
                **{relation.field.name: target}
            )


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    credit_code: str,
    legal_representative: str,
    legal_representative_id_number: str = "",
    address: str = "",
    phone: str = "",
    representative: Citizen | None = None,
    actor: User | None = None,
) -> Enterprise:
    """Register an enterprise from its licence. Its legal representative's ID number
    (``legal_representative_id_number``, or that of ``representative``) goes on record
    only here (seeding, tests) or through a clerk's window record
    (accounts.authorization); the name alone makes nobody its representative."""
    number = legal_representative_id_number or (
        representative.id_number if representative is not None else ""
    )
    enterprise = Enterprise(
        name=name.strip(),
        credit_code=normalize_identity_number(credit_code),
        legal_representative=legal_representative.strip(),
        legal_representative_id_number=normalize_identity_number(number),
        address=address,
        phone=phone,
    )
    enterprise.full_clean()
    enterprise.save()
    if number:
        EnterpriseAuthorizationEvent.objects.create(
            enterprise=enterprise,
            action=AuthorizationAction.LEGAL_RECORDED,
            actor=actor,
            note="企业登记时载明法定代表人",
        )
        holder = Citizen.objects.filter(
            id_number=enterprise.legal_representative_id_number, verified_at__isnull=False
        ).first()
        if holder is not None:
            EnterpriseAuthorizationEvent.objects.create(
                enterprise=enterprise,
                action=AuthorizationAction.LEGAL_MATCHED,
                actor=actor,
                citizen=holder,
                note="登记的法定代表人已完成实名认证",
            )
    return enterprise


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
