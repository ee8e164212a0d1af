"""Reads with rules: which departments a user may act for or watch, what a user is,
whom a user may act for in the enterprise authorization chain (legal representative,
active agent authorizations), and that chain as its pages show it."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from .constants import PERM_ACT_FOR_DEPARTMENT, PERM_SUPERVISE_DEPARTMENT, Role
from .models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseAuthorizationEvent,
    EnterpriseRepresentative,
    StaffProfile,
    User,
)


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


def is_district_wide_supervisor(*, user: User) -> bool:
    """A supervisor who watches every department of the district (全区督查,
    ``StaffProfile.district_wide``); the hall's managers are these and the system
    administrators (``hall.services.base.is_manager``)."""
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return False
    profile = getattr(user, "staff_profile", None)
    return profile is not None and profile.district_wide


def supervision_scope(*, user: User) -> frozenset[int] | None:
    """The departments a supervisor sees in supervision's figures and lists, and in the
    hall's figures: None for a district-wide one (全区督查), else the departments they
    watch (possibly none; none for a user who is not a supervisor)."""
    if not user.is_authenticated or not user.has_role(Role.SUPERVISOR):
        return frozenset()
    if is_district_wide_supervisor(user=user):
        return None
    return frozenset(department_list_supervised_by(user=user).values_list("pk", flat=True))


def citizen_for_user(*, user: User) -> Citizen | None:
    """The user's citizen record; token authentication has usually loaded it already."""
    if not user.is_authenticated:
        return None
    return getattr(user, "citizen", None)


# --- Who may act for an enterprise: the one rule ----------------------------------------
#
# Every place that decides whether a user may act for an enterprise or see its cases
# (the citizen's lists and pages, filing online, results, supplements) goes through
# these, and they decide in the query, never from a cached user:
#   * its legal representative: the user's *verified* identity has the ID number on
#     record for the enterprise (Enterprise.legal_representative_id_number);
#   * its agent (经办人): the user's verified identity holds an authorization that is not
#     revoked and not expired, for all items or for the item in question.


def _verified_numbers(user: User) -> QuerySet:
    return Citizen.objects.filter(user=user, verified_at__isnull=False).values("id_number")


def agent_authorization_list_active() -> QuerySet[EnterpriseRepresentative]:
    """Authorizations in force today: not revoked, not expired."""
    return EnterpriseRepresentative.objects.filter(
        revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    )


def _agent_rows(user: User) -> QuerySet[EnterpriseRepresentative]:
    return agent_authorization_list_active().filter(
        citizen__user=user, citizen__verified_at__isnull=False
    )


def legal_enterprise_ids(*, user: User) -> QuerySet:
    """Ids of the enterprises whose legal representative ``user`` is."""
    if not user.is_authenticated:
        return Enterprise.objects.none().values("pk")
    return Enterprise.objects.filter(
        legal_representative_id_number__in=_verified_numbers(user)
    ).values("pk")


def enterprise_access(*, user: User, enterprise: str = "enterprise", item: str | None = None) -> Q:
    """A filter for rows whose ``enterprise`` path names an enterprise ``user`` may act
    for; with ``item`` (the path of the row's catalog.ServiceItem), an agent counts only
    for the items their authorization covers. Evaluated entirely in the database."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    agent = _agent_rows(user).filter(enterprise=OuterRef(enterprise))
    if item is not None:
        agent = agent.filter(Q(all_items=True) | Q(items=OuterRef(item)))
    return Q(**{f"{enterprise}__in": legal_enterprise_ids(user=user)}) | Q(Exists(agent))


def represented_enterprise_ids(*, user: User, item=None) -> QuerySet:
    """Ids of the enterprises ``user`` may act for (for ``item``, a ServiceItem or its
    id, when given): as legal representative or as an agent in force."""
    if not user.is_authenticated:
        return Enterprise.objects.none().values("pk")
    agents = _agent_rows(user)
    if item is not None:
        agents = agents.filter(Q(all_items=True) | Q(items=item))
    return Enterprise.objects.filter(
        Q(pk__in=legal_enterprise_ids(user=user)) | Q(pk__in=agents.values("enterprise_id"))
    ).values("pk")


def enterprise_list_for(*, user: User, item=None) -> QuerySet[Enterprise]:
    """Enterprises the user may act for (as legal representative or agent; for
    ``item`` when given)."""
    return Enterprise.objects.filter(pk__in=represented_enterprise_ids(user=user, item=item))


def may_act_for(*, user: User, enterprise: Enterprise | int, item=None) -> bool:
    """Whether ``user`` may act for ``enterprise`` (for ``item`` when given)."""
    pk = getattr(enterprise, "pk", enterprise)
    return represented_enterprise_ids(user=user, item=item).filter(pk=pk).exists()


def is_legal_representative(*, user: User, enterprise: Enterprise) -> bool:
    return legal_enterprise_ids(user=user).filter(pk=enterprise.pk).exists()


def enterprise_legal_list_for(*, user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(pk__in=legal_enterprise_ids(user=user))


def enterprise_roles_for(*, user: User) -> list[dict]:
    """The enterprises the profile page lists, each with the user's standing in it."""
    rows = [
        {"enterprise": enterprise, "legal": True, "authorization": None}
        for enterprise in enterprise_legal_list_for(user=user)
    ]
    legal = {row["enterprise"].pk for row in rows}
    for authorization in (
        _agent_rows(user)
        .exclude(enterprise_id__in=legal)
        .select_related("enterprise")
        .prefetch_related("items__current_version")
        .order_by("enterprise__name")
    ):
        rows.append(
            {
                "enterprise": authorization.enterprise,
                "legal": False,
                "authorization": authorization,
            }
        )
    return rows


def agent_authorization_list_for(*, enterprise: Enterprise) -> QuerySet[EnterpriseRepresentative]:
    """Every authorization of the enterprise's agents, newest first (the legal
    representative's page and the clerk's)."""
    return (
        EnterpriseRepresentative.objects.filter(enterprise=enterprise)
        .select_related("citizen", "granted_by", "revoked_by", "window__hall")
        .prefetch_related("items__current_version")
        .order_by("-created_at", "-id")
    )


def authorization_event_list_for(*, enterprise: Enterprise) -> QuerySet:
    return (
        EnterpriseAuthorizationEvent.objects.filter(enterprise=enterprise)
        .select_related("citizen", "actor__citizen", "window__hall")
        .order_by("-at", "-id")
    )


#: The steps of the chain its pages show, newest first.
CHAIN_EVENTS_SHOWN = 50


@dataclass(frozen=True)
class AgentChain:
    """An enterprise's authorization chain as the legal representative's page and the
    clerk's show it."""

    # Each: {"authorization", "state": 有效 / 已过期 / 已撤销, "tone": its badge colour}.
    authorizations: list[dict]
    # The latest steps, each with ``who`` took it, as the reader may be told.
    events: list[EnterpriseAuthorizationEvent]


def agent_chain_for(*, enterprise: Enterprise, staff: bool) -> AgentChain:
    """The chain of ``enterprise`` for a staff member's page (``staff``: names of
    the portal's staff shown) or a citizen's (the window only)."""
    today = timezone.localdate()
    rows = []
    for authorization in agent_authorization_list_for(enterprise=enterprise):
        if authorization.revoked_at is not None:
            state = ("已撤销", "secondary")
        elif authorization.valid_until < today:
            state = ("已过期", "secondary")
        else:
            state = ("有效", "success")
        rows.append({"authorization": authorization, "state": state[0], "tone": state[1]})
    events = list(authorization_event_list_for(enterprise=enterprise)[:CHAIN_EVENTS_SHOWN])
    for event in events:
        event.who = _who(event, enterprise, staff=staff)
    return AgentChain(authorizations=rows, events=events)


def _who(event, enterprise: Enterprise, *, staff: bool) -> str:
    """Who took a step, as the page may say it. A party of the chain acting online (the
    legal representative, or the person whose identity was verified) by name; anyone
    else acted for the portal (a clerk at a window, or verifying an identity there):
    staff see the name, citizens only the window (they never see staff names).
    Decided from the record, not from the actor's roles today: an inactive account has
    no roles, and a clerk who left or moved to a department stays unnamed."""
    actor = event.actor
    place = str(event.window) if event.window_id else ""
    if actor is None:
        return place or "系统"
    citizen = getattr(actor, "citizen", None)
    if citizen is not None and not event.window_id and _is_party(citizen, event, enterprise):
        return citizen.name
    name = f"（{actor}）" if staff else ""
    return f"{place or '窗口工作人员'}{name}"


def _is_party(citizen, event, enterprise: Enterprise) -> bool:
    """Whether ``citizen`` is the event's person or the enterprise's legal representative."""
    if citizen.pk == event.citizen_id:
        return True
    number = enterprise.legal_representative_id_number
    return bool(number) and citizen.id_number == number


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
