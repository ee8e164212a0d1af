"""Reads with rules for the rectification orders, appeals and 回头看: who owns an order,
who supervises it, what each staff member's lists and order page hold, who rated. A
module of its own beside ``selectors`` (the ratings' scope), as feedback's forms, views
and services are split by part (ratings, orders, pads).

- The owning unit of an order: for a service given at a window (an intake; a 即办件
  concluded on the spot), the clerks seated at a window of that window's hall; for a
  conclusion decided in the back office (or an intake without a hall), the approvers
  acting for the responsible department.
- Supervisors see and rule on the orders of the departments they watch (district-wide:
  all); they never work an order.
- The rater's identity (name, telephone) is read only here and shown only to the owning
  unit and to supervisors.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import (
    clerk_window_of,
    department_list_acting_for,
    department_list_supervised_by,
    is_district_wide_supervisor,
)
from approvals.selectors import TimeLeft, time_left
from approvals.services.sweep import approvers_by_department
from intake.models import Application
from intake.selectors import enterprise_applications, own_applications

from .constants import AppealStatus, OrderStatus
from .models import Appeal, RectificationOrder, ReviewBatch, ReviewEntry
from .selectors import rater_name

ORDER_RELATED = (
    "application__item_version",
    "application__applicant",
    "rating__instance",
    "rating__rater",
    "department",
    "hall",
    "clock",
)


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def owned_scope(user) -> Q | None:
    """The orders ``user`` works, as a filter (None: none)."""
    if not _signed_in(user):
        return None
    scope = None
    if user.has_role(Role.CLERK):
        window = clerk_window_of(user=user)
        if window is not None:
            scope = Q(hall_id=window.hall_id)
    if user.has_role(Role.APPROVER):
        acting = Q(hall__isnull=True, department__in=department_list_acting_for(user=user))
        scope = acting if scope is None else scope | acting
    return scope


def supervised_scope(user) -> Q | None:
    if not _signed_in(user) or not user.has_role(Role.SUPERVISOR):
        return None
    return Q(department__in=department_list_supervised_by(user=user))


def owns(user, order: RectificationOrder) -> bool:
    """``user`` belongs to the unit that works ``order``."""
    scope = owned_scope(user)
    return scope is not None and RectificationOrder.objects.filter(scope, pk=order.pk).exists()


def supervises(user, order: RectificationOrder) -> bool:
    """``user`` is a supervisor watching ``order``'s department."""
    scope = supervised_scope(user)
    return scope is not None and RectificationOrder.objects.filter(scope, pk=order.pk).exists()


def order_list_for(*, user, status: str = "") -> QuerySet[RectificationOrder]:
    """The orders a staff member may see: those of their unit, and as a supervisor those
    of the departments they watch; newest first. ``status``: one status, or "open"."""
    scopes = [s for s in (owned_scope(user), supervised_scope(user)) if s is not None]
    if not scopes:
        return RectificationOrder.objects.none()
    scope = scopes[0]
    for other in scopes[1:]:
        scope |= other
    orders = RectificationOrder.objects.filter(scope)
    if status == "open":
        orders = orders.exclude(status=OrderStatus.CLOSED)
    elif status:
        orders = orders.filter(status=status)
    return orders.select_related(*ORDER_RELATED).order_by("-created_at", "-id")


def order_get_for(*, user, pk: int) -> RectificationOrder | None:
    return order_list_for(user=user).filter(pk=pk).first()


def order_for_applicant(*, user, pk: int) -> RectificationOrder | None:
    """The applicant's own order (their case's), for the online return visit, while the
    case is still theirs to see by intake's rule (``intake.selectors``): an agent whose
    authorization was revoked or expired has lost the enterprise's cases, the ones they
    filed included, and with them the order's answer."""
    if not _signed_in(user):
        return None
    visible = Application.objects.filter(own_applications(user) | enterprise_applications(user))
    return (
        RectificationOrder.objects.filter(
            pk=pk, application__applicant__user=user, application__in=visible
        )
        .select_related(*ORDER_RELATED)
        .first()
    )


def order_of_rating(rating) -> RectificationOrder | None:
    """The rectification order a 差评 opened (None for any other rating), with its
    owning unit, for the rater's own page of the rating."""
    if rating is None or not rating.is_bad:
        return None
    return (
        RectificationOrder.objects.filter(rating=rating)
        .select_related("department", "hall")
        .first()
    )


@dataclass(frozen=True)
class OrderPage:
    """What a staff member's page of an order shows besides its 差评 and the forms: its
    clock, history and appeal, and which acts the page offers the user."""

    left: TimeLeft | None
    events: QuerySet  # its OrderEvents, oldest first
    visits: QuerySet  # its ReturnVisits, by round
    appeal: Appeal | None
    is_owner: bool
    is_supervisor: bool
    can_appeal: bool  # the owning unit, on an open order not appealed yet (one appeal)


def order_page_for(*, user, order: RectificationOrder) -> OrderPage:
    """The page of ``order`` (one ``order_get_for`` found) as ``user`` sees it."""
    is_owner = owns(user, order)
    appeal = Appeal.objects.filter(order=order).select_related("filed_by", "decided_by").first()
    return OrderPage(
        left=time_left(order.clock),
        events=order.events.select_related("actor").order_by("at", "id"),
        visits=order.visits.select_related("recorded_by").order_by("round"),
        appeal=appeal,
        is_owner=is_owner,
        is_supervisor=supervises(user, order),
        can_appeal=is_owner and order.is_open and appeal is None,
    )


def rater_of(order: RectificationOrder) -> dict:
    """Who rated (for the owning unit and supervisors only): named by feedback's one
    rule (``selectors.rater_name``), with the telephone to call back."""
    application = order.application
    applicant = application.applicant
    rater = order.rating.rater
    name = rater_name(order.rating, applicant=applicant)
    phone = application.contact_phone or applicant.phone or (rater.phone if rater else "")
    return {"name": name, "phone": phone, "has_account": applicant.user_id is not None}


def owner_users(order: RectificationOrder) -> list[User]:
    """The people of the unit that works ``order`` (for its messages)."""
    if order.hall_id:
        return list(
            User.objects.filter(
                is_active=True,
                groups__name=Role.CLERK,
                staff_profile__window__hall_id=order.hall_id,
            )
            .distinct()
            .order_by("pk")
        )
    return approvers_by_department([order.department_id]).get(order.department_id, [])


def supervisors_of(department_id: int) -> list[User]:
    """Active supervisors watching the department (district-wide ones included)."""
    from guardian.shortcuts import get_users_with_perms

    from accounts.models import Department

    department = Department.objects.get(pk=department_id)
    granted = get_users_with_perms(
        department,
        only_with_perms_in=["supervise_department"],
        with_superusers=False,
        with_group_users=True,
    ).values("pk")
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
        .filter(Q(staff_profile__district_wide=True) | Q(pk__in=granted))
        .distinct()
        .order_by("pk")
    )


def appeal_list_for(*, user, status: str = AppealStatus.PENDING) -> QuerySet[Appeal]:
    """The appeals a supervisor rules on (their departments), oldest pending first."""
    scope = supervised_scope(user)
    if scope is None:
        return Appeal.objects.none()
    order_ids = RectificationOrder.objects.filter(scope).values("pk")
    appeals = Appeal.objects.filter(order__in=order_ids)
    if status:
        appeals = appeals.filter(status=status)
    return appeals.select_related(
        *(f"order__{name}" for name in ORDER_RELATED), "filed_by", "decided_by"
    ).order_by("created_at", "id")


def appeal_get_for(*, user, pk: int) -> Appeal | None:
    """One appeal the supervisor may rule on, whatever its status (None: none)."""
    return appeal_list_for(user=user, status="").filter(pk=pk).first()


def appeal_visible_to(user, appeal: Appeal) -> bool:
    """The owning unit and the supervisors of the order (the evidence file's rule)."""
    return owns(user, appeal.order) or supervises(user, appeal.order)


def review_batch_list_for(*, user) -> QuerySet[ReviewBatch]:
    """A supervisor's 回头看 batches: their own; a district-wide supervisor sees all."""
    if not _signed_in(user) or not user.has_role(Role.SUPERVISOR):
        return ReviewBatch.objects.none()
    batches = ReviewBatch.objects.select_related("opened_by").order_by("-created_at", "-id")
    if is_district_wide_supervisor(user=user):
        return batches
    return batches.filter(opened_by=user)


def review_entries(batch: ReviewBatch) -> QuerySet[ReviewEntry]:
    return batch.entries.select_related(
        *(f"order__{name}" for name in ORDER_RELATED), "checked_by"
    ).order_by("status", "id")
