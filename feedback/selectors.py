"""Reads with rules in feedback: whose ratings a staff member sees, and when the rater;
the services of a case its pages offer for rating; the pads of a window. The
rectification orders' reads are in ``order_selectors``: feedback is split by part
(ratings, orders, pads), as its forms (``rate_forms``, ``order_forms``, ``pad_forms``),
views and services are.

Scope (``staff_scope_for``: the API's figures, ratings list and export read it):
- a supervisor: their supervision scope alone (``supervisor_scope``), whatever other role
  they also hold: the whole district when district-wide (全区督查), else the instances of
  the departments they watch; the supervision pages (the overview, 好差评统计, the rating
  list) count the same ratings;
- an approver (a department head too): the instances of the departments they act for;
- a clerk: the instances of their window's hall (the hall's windows and clerks);
- an approver who is also a clerk: the union. Anyone else: nothing.

The rater's identity (issue 14 item 6): shown to supervisors,
and to the unit handling a 差评 (issue 14 item 7: the unit owning its rectification
order, ``handling_hall_id``: the window's hall for a service given at a window, an
intake or a 即办件 concluded there on the spot, else the deciding department), never for
a good rating to staff. Where it is shown, the rater is named by one rule
(``rater_name_of``): the applicant's verified name when the applicant rated or the
rating came without an account, else the account's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import department_list_acting_for, supervision_scope

from .constants import BAD_LEVELS, InstanceState, Stage
from .figures import period_filter
from .models import Pad, Rating, ServiceInstance

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class StaffScope:
    """What a staff member sees of feedback: everything, or the listed departments'
    and hall's service instances."""

    everything: bool = False
    supervisor: bool = False
    department_ids: frozenset[int] = frozenset()  # watched or acted for
    handling_department_ids: frozenset[int] = frozenset()  # acted for (approver)
    hall_id: int | None = None  # a clerk's hall

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.department_ids or self.hall_id)

    def instance_filter(self, prefix: str = "") -> Q:
        """A filter over ServiceInstance (``prefix`` "instance__" over Rating)."""
        if self.everything:
            return Q()
        q = NOTHING
        if self.department_ids:
            q |= Q(**{f"{prefix}department_id__in": sorted(self.department_ids)})
        if self.hall_id:
            q |= Q(**{f"{prefix}hall_id": self.hall_id})
        return q

    def rating_filter(self) -> Q:
        return self.instance_filter("instance__")

    def sees_rater(self, rating: Rating) -> bool:
        """Whether the rater's identity of ``rating`` (in scope) may be shown: to a
        supervisor, else on a 差评 to the unit owning its rectification order (the order
        pages' owner, ``order_selectors.owned_scope``)."""
        if self.supervisor:
            return True
        if rating.level not in BAD_LEVELS:
            return False
        instance = rating.instance
        hall_id = handling_hall_id(instance)
        if hall_id is not None:
            return hall_id == self.hall_id
        return instance.department_id in self.handling_department_ids


def handling_hall_id(instance: ServiceInstance) -> int | None:
    """The hall whose clerks handle a 差评 of ``instance`` (the owner of its
    rectification order, ``services.orders.order_open``): the hall of a service given at
    a window, the intake or a 即办件 concluded there on the spot; None when the
    department's approvers handle it (a conclusion decided in the back office, an
    intake without a hall)."""
    if instance.stage == Stage.INTAKE or instance.window_id:
        return instance.hall_id
    return None


def staff_scope_for(*, user) -> StaffScope:
    """The user's feedback scope (a few queries, once per request): a supervisor's is
    their supervision scope alone (``supervisor_scope``), as on the supervision pages."""
    if not user.is_authenticated:
        return StaffScope()
    if user.has_role(Role.SUPERVISOR):
        return supervisor_scope(supervision_scope(user=user))
    profile = getattr(user, "staff_profile", None)
    acting = frozenset(department_list_acting_for(user=user).values_list("pk", flat=True))
    clerk = user.has_role(Role.CLERK) and profile is not None and profile.window_id
    return StaffScope(
        department_ids=acting,
        handling_department_ids=acting,
        hall_id=profile.window.hall_id if clerk else None,
    )


def supervisor_scope(departments: frozenset[int] | None) -> StaffScope:
    """A supervisor's feedback scope: their supervision scope
    (``accounts.selectors.supervision_scope``: None for the district, else the
    departments they watch), the one rule every supervision page (the overview, 好差评统计,
    the ratings behind a figure) and the API read, whatever other role they also hold
    (an approver's departments or a clerk's hall would count other ratings, and show
    their raters as a supervisor's)."""
    if departments is None:
        return StaffScope(everything=True, supervisor=True)
    return StaffScope(supervisor=True, department_ids=frozenset(departments))


def rating_list_for(
    *,
    scope: StaffScope,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    level: int | None = None,
    bad: bool = False,
    stage: str = "",
    channel: str = "",
) -> QuerySet[Rating]:
    """The ratings ``scope`` sees, newest first, with what a list shows (excluded ones
    too: they stay in the record, marked); narrowed to those rated from ``start`` to
    ``end`` (local days, both included), of one ``level`` or only the ``bad`` ones, of
    one ``stage``, given through one ``channel``, when asked."""
    if scope.is_empty:
        return Rating.objects.none()
    ratings = Rating.objects.filter(scope.rating_filter()).filter(period_filter(start, end))
    if level:
        ratings = ratings.filter(level=level)
    if bad:
        ratings = ratings.filter(level__in=sorted(BAD_LEVELS))
    if stage:
        ratings = ratings.filter(instance__stage=stage)
    if channel:
        ratings = ratings.filter(channel=channel)
    return ratings.select_related(
        "rater",
        "instance__application__applicant",
        "instance__application__enterprise",
        "instance__application__item_version",
        "instance__item__current_version",
        "instance__department",
        "instance__hall",
        "instance__window__hall",
        "instance__staff",
    ).order_by("-rated_at", "-id")


def pad_list_at(*, window) -> QuerySet[Pad]:
    """The pads of ``window``, revoked ones too, with who made and who revoked each (the
    clerk's page of them)."""
    return Pad.objects.filter(window=window).select_related("created_by", "revoked_by")


def rated_by_applicant(*, rater_id: int | None, applicant_user_id: int | None) -> bool:
    """Whether the case's applicant is who rated: with their own account, or without an
    account (SMS, pad and QR ratings of walk-ins)."""
    return rater_id is None or rater_id == applicant_user_id


def rater_name_of(
    *,
    is_default: bool,
    rater_id: int | None,
    applicant_user_id: int | None,
    applicant_name: str,
    rater_full_name: str = "",
    rater_username: str = "",
) -> str:
    """Who rated, by the one rule every page, API answer and export names a rater by:
    empty for a default rating; the applicant's verified name (实名, the ``Citizen``'s,
    not the account's display name) when the applicant rated (``rated_by_applicant``);
    anyone else who rated online (an enterprise's agent) by their account's full name,
    else its username. Whether the name may be shown at all is the caller's check
    (``StaffScope.sees_rater``, the order's unit and supervisors)."""
    if is_default:
        return ""
    if rated_by_applicant(rater_id=rater_id, applicant_user_id=applicant_user_id):
        return applicant_name
    return rater_full_name or rater_username


def rater_name(rating: Rating, *, applicant=None) -> str:
    """``rater_name_of`` of a loaded rating (with its rater and its case's applicant,
    ``applicant`` when the caller has it at hand)."""
    if applicant is None:
        applicant = rating.instance.application.applicant
    rater = rating.rater if rating.rater_id else None
    return rater_name_of(
        is_default=rating.is_default,
        rater_id=rating.rater_id,
        applicant_user_id=applicant.user_id,
        applicant_name=applicant.name,
        rater_full_name=rater.full_name if rater else "",
        rater_username=rater.username if rater else "",
    )


def case_instances(application) -> QuerySet[ServiceInstance]:
    """A case's service instances in the order they were rendered, with their ratings."""
    return (
        ServiceInstance.objects.filter(application=application)
        .select_related("rating", "application__item_version", "department", "window__hall")
        .order_by("served_at", "id")
    )


def may_be_rated(instance: ServiceInstance, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``instance`` may still be rated (at ``now``, by default the present): not
    rated yet, and its rating period not over. The pages and the API show it so; the
    rating services decide it again when they record a rating."""
    return instance.state == InstanceState.OPEN and (now or timezone.now()) <= instance.rate_until


def open_instances(application) -> list[ServiceInstance]:
    """The instances of a case that may still be rated now."""
    now = timezone.now()
    return [instance for instance in case_instances(application) if may_be_rated(instance, now=now)]
