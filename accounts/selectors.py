"""Reads with rules: which departments a user may act for or watch, what a user is."""

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from .constants import PERM_ACT_FOR_DEPARTMENT, PERM_SUPERVISE_DEPARTMENT, Role
from .models import Citizen, Department, Enterprise, StaffProfile, User


def department_list_acting_for(*, user: User) -> QuerySet[Department]:
    if not user.is_authenticated or not user.has_role(Role.APPROVER):
        return Department.objects.none()
    return get_objects_for_user(
        user,
        PERM_ACT_FOR_DEPARTMENT,
        klass=Department,
        with_superuser=False,
        accept_global_perms=False,
    )


def department_list_supervised_by(*, user: User) -> QuerySet[Department]:
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return Department.objects.none()
    profile = StaffProfile.objects.filter(user=user).first()
    if profile and profile.district_wide:
        return Department.objects.all()
    return get_objects_for_user(
        user,
        PERM_SUPERVISE_DEPARTMENT,
        klass=Department,
        with_superuser=False,
        accept_global_perms=False,
    )


def citizen_for_user(*, user: User) -> Citizen | None:
    """The user's citizen record; token authentication has usually loaded it already."""
    if not user.is_authenticated:
        return None
    return getattr(user, "citizen", None)


def enterprise_list_for(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises the user may act for (as legal representative or agent)."""
    return Enterprise.objects.filter(pk__in=represented_enterprise_ids(user=user))


def represented_enterprise_ids(*, user: User) -> QuerySet:
    """Ids of the enterprises ``user`` represents, checked in the query (never from a
    cached user): only through a verified identity."""
    if not user.is_authenticated:
        return Enterprise.objects.none().values("pk")
    return Enterprise.objects.filter(
        memberships__citizen__user=user, memberships__citizen__verified_at__isnull=False
    ).values("pk")


def user_scope(*, user: User) -> dict:
    """Roles and scope of a user, as the home page and /api/v1/me/ show them."""
    profile = StaffProfile.objects.select_related("window__hall").filter(user=user).first()
    citizen = citizen_for_user(user=user)
    return {
        "roles": sorted(user.role_names),
        "window": profile.window if profile and profile.window_id else None,
        "hall": profile.hall if profile else None,
        "district_wide": bool(profile and profile.district_wide),
        "acting_for": list(department_list_acting_for(user=user)),
        "supervising": list(department_list_supervised_by(user=user))
        if not (profile and profile.district_wide)
        else [],
        "citizen": citizen,
        "enterprises": list(enterprise_list_for(user=user)),
    }


def clerk_window_of(*, user: User):
    """The window a clerk sits at, or None (not a clerk, or at no window)."""
    if not user.is_authenticated or not user.has_role(Role.CLERK):
        return None
    profile = StaffProfile.objects.select_related("window__hall").filter(user=user).first()
    return profile.window if profile and profile.window_id else None


def citizen_by_id_number(id_number: str) -> Citizen | None:
    """The person a counter or a clerk's API call means by an ID number: only a
    verified identity (checked at a window or by real-name verification), never an
    account's unverified claim, so no counter case lands on a stranger's account."""
    return Citizen.objects.filter(id_number=id_number, verified_at__isnull=False).first()
