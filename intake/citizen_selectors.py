"""Reads for the applicant's side only (pages and API): "my applications", bundles
and their merged material lists, in-portal messages. What every side reads (who sees
what, one application's detail) is in ``selectors``.

Visibility always starts from ``intake.selectors.application_list_for``; these only
narrow it to the user's own applications and load what is shown in a fixed number of
queries however long the lists grow.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from catalog.models import ItemMaterial
from catalog.selectors import bundle_material_list
from jinpu_portal.models import Notification

from .constants import CASE_STATUSES, CaseStatus
from .models import (
    Application,
    BundleApplication,
    CorrectionNotice,
    SubmittedMaterial,
)
from .selectors import (
    application_list_for,
    enterprise_applications,
    material_slots,
    own_applications,
)
from .services.bundles import material_key


def _own(user) -> Q:
    """Applications the user made, or made for an enterprise the user may act for (the
    clerk's and supervisor's wider view left out)."""
    return own_applications(user) | enterprise_applications(user)


def my_application_list(*, user) -> QuerySet[Application]:
    """ "My applications": one row per application, except that a 一件事 is one row
    (its first item case stands for it, with the bundle and its item cases loaded).
    Newest first."""
    first_of_bundle = (
        Application.objects.filter(bundle_application=OuterRef("bundle_application"))
        .order_by("pk")
        .values("pk")[:1]
    )
    return (
        application_list_for(user=user)
        .filter(_own(user))
        .filter(Q(bundle_application__isnull=True) | Q(pk=Subquery(first_of_bundle)))
        .select_related("bundle_application__bundle")
        .prefetch_related(
            Prefetch(
                "bundle_application__applications",
                queryset=Application.objects.select_related("item_version").order_by("pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def my_application_flat_list(*, user) -> QuerySet[Application]:
    """Every application of the user (item cases of a bundle one by one), newest first:
    what the API lists."""
    return (
        application_list_for(user=user)
        .filter(_own(user))
        .select_related("bundle_application")
        .order_by("-created_at", "-pk")
    )


def my_draft_list(*, citizen, item) -> QuerySet[Application]:
    """The applicant's drafts of ``item`` (a bundle's aside: they are filled in on the
    bundle's page), newest first: the apply page offers to go on with one."""
    return Application.objects.filter(
        applicant=citizen,
        item_version__item=item,
        status=CaseStatus.DRAFT,
        bundle_application__isnull=True,
    ).order_by("-created_at")


def open_correction_notice(application: Application) -> CorrectionNotice | None:
    """The correction notice the applicant still has to answer (from the prefetched
    notices of ``application_detail_for``)."""
    if application.status != CaseStatus.CORRECTION_REQUESTED:
        return None
    unresolved = [n for n in application.correction_notices.all() if n.resolved_at is None]
    return unresolved[-1] if unresolved else None


def bundle_application_list_for(*, user) -> QuerySet[BundleApplication]:
    """Bundle applications with at least one item case the user may see."""
    visible = application_list_for(user=user).filter(_own(user), bundle_application=OuterRef("pk"))
    return BundleApplication.objects.filter(Exists(visible))


def bundle_application_detail_for(*, user, pk: int) -> BundleApplication | None:
    return (
        bundle_application_list_for(user=user)
        .filter(pk=pk)
        .select_related("bundle", "applicant", "enterprise")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("item_version__item")
                .prefetch_related(
                    material_slots(),
                    Prefetch(
                        "item_version__materials",
                        queryset=ItemMaterial.objects.order_by("position"),
                    ),
                )
                .order_by("pk"),
            )
        )
        .first()
    )


@dataclass
class BundleMaterial:
    """One material of a bundle's merged list with the item cases' slots it fills."""

    name: str
    required: bool
    notes: str
    items: list[str]
    slots: list[SubmittedMaterial] = field(default_factory=list)

    @property
    def material(self) -> ItemMaterial:
        """The material to name when uploading (any slot's material will do)."""
        return self.slots[0].material

    @property
    def uploaded(self) -> SubmittedMaterial | None:
        """A slot holding a file (they all hold the same one after a bundle upload)."""
        return next((slot for slot in self.slots if slot.file), None)

    @property
    def complete(self) -> bool:
        return all(slot.file for slot in self.slots)


def bundle_material_groups(bundle_application: BundleApplication) -> list[BundleMaterial]:
    """The merged material list of a bundle application, in the catalog's order,
    each entry with the slots of the item cases that need it. Uses the prefetched
    applications of ``bundle_application_detail_for``."""
    applications = [
        a for a in bundle_application.applications.all() if a.status != CaseStatus.WITHDRAWN
    ]
    merged = bundle_material_list(
        bundle_application.bundle, versions=[a.item_version for a in applications]
    )
    slots_by_key: dict[str, list[SubmittedMaterial]] = {}
    for application in applications:
        for slot in application.materials.all():
            slots_by_key.setdefault(material_key(slot.material.name), []).append(slot)
    groups = []
    for entry in merged:
        slots = slots_by_key.get(material_key(entry.name), [])
        if slots:
            groups.append(
                BundleMaterial(
                    name=entry.name,
                    required=entry.required,
                    notes=entry.notes,
                    items=[version.name for version in entry.versions],
                    slots=slots,
                )
            )
    return groups


@dataclass(frozen=True)
class BundleStatus:
    label: str
    status: str  # a CaseStatus value the badge colour follows


def bundle_status(applications: list[Application]) -> BundleStatus:
    """One status for a 一件事 as a whole, from its item cases."""
    statuses = {a.status for a in applications}
    if not statuses:
        return BundleStatus("无事项", CaseStatus.DRAFT)
    if len(statuses) == 1:
        only = statuses.pop()
        return BundleStatus(str(CaseStatus(only).label), only)
    if CaseStatus.DRAFT in statuses:
        return BundleStatus("草稿", CaseStatus.DRAFT)
    if CaseStatus.CORRECTION_REQUESTED in statuses:
        return BundleStatus("部分事项待补正", CaseStatus.CORRECTION_REQUESTED)
    decided = {CaseStatus.CONCLUDED, CaseStatus.TERMINATED}
    if statuses <= decided:
        return BundleStatus("已办结", CaseStatus.CONCLUDED)
    if statuses <= set(CASE_STATUSES):
        # Every item accepted: some decided, the others still in hand.
        if statuses & decided:
            return BundleStatus("部分事项已办结", CaseStatus.IN_APPROVAL)
        return BundleStatus("已受理，办理中", CaseStatus.IN_APPROVAL)
    if statuses & set(CASE_STATUSES):
        return BundleStatus("部分事项已受理", CaseStatus.IN_APPROVAL)
    return BundleStatus("办理中", CaseStatus.SUBMITTED)


def notification_list_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_notification_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def waiting_for_applicant_list(*, user) -> QuerySet[Application]:
    """The user's applications waiting for them to correct or supplement materials
    (待补正: the one-time correction notice, or a supplement the department asked for)."""
    return my_application_flat_list(user=user).filter(
        status__in=(CaseStatus.CORRECTION_REQUESTED, CaseStatus.SUPPLEMENT_REQUESTED)
    )


def citizen_home_alerts(user) -> list:
    """The citizen's home and menu: unread messages, applications waiting for them."""
    from django.urls import reverse

    from accounts.navigation import HomeAlert

    waiting = waiting_for_applicant_list(user=user).count()
    unread = unread_notification_count(user=user)
    return [
        HomeAlert(
            f"{waiting} 件申请待补正材料，请按告知补正后重新提交",
            waiting,
            reverse("intake:my_applications") + "?status=waiting",
            "待补正",
            "bi-exclamation-triangle",
            "warning",
        ),
        HomeAlert(f"{unread} 条未读消息", unread, reverse("intake:notifications"), "站内消息"),
    ]
