"""Reads with rules that every side shares: who may see which applications, one
application's detail, the pre-review queue and the public progress query. The
applicant's lists (my applications, bundles, messages) are in ``citizen_selectors``."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.constants import Role
from accounts.models import Window
from accounts.selectors import department_list_supervised_by, enterprise_access
from accounts.validators import normalize_identity_number

from .constants import CaseStatus, Channel
from .models import (
    Application,
    CaseEvent,
    CorrectionNotice,
    Notice,
    SubmittedMaterial,
    SupplementFile,
)
from .page_hooks import workbench_window_annotations


def applications_with_names() -> QuerySet[Application]:
    """Applications with what every case page names: the item and its department, the
    applicant, the enterprise, the hall and the window (one join, no query per name)."""
    return Application.objects.select_related(
        "item_version__department",
        "item_version__item",
        "applicant",
        "enterprise",
        "hall",
        "window",
    )


def own_applications(user) -> Q:
    """The user's own applications (as a person, not for an enterprise). Checked in the
    query, not from the (cached) user: with a verified identity, every case of it
    (online or at a window); before that, only what this account itself created online,
    never a counter case of a number it merely claimed."""
    return Q(applicant__user=user, enterprise__isnull=True) & (
        Q(applicant__verified_at__isnull=False) | Q(created_by=user, channel=Channel.ONLINE)
    )


def enterprise_applications(user) -> Q:
    """Cases of enterprises the user may act for, by the one rule of
    accounts.selectors.enterprise_access (legal representative, or an agent in force for
    the case's item): a revoked or expired agent loses even the cases they filed. Drafts
    only the user's own."""
    return enterprise_access(user=user, item="item_version__item") & (
        ~Q(status=CaseStatus.DRAFT) | Q(applicant__user=user)
    )


def application_list_for(*, user) -> QuerySet[Application]:
    """Applications ``user`` may see.

    A citizen: their own and those of enterprises they represent. A clerk: every
    application that reached a window (两厅通办: either hall handles every item), not
    other people's drafts. A supervisor: the departments they watch (or all). Approvers
    see cases through their tasks (approvals selectors), not here.
    """
    if not user.is_authenticated:
        return Application.objects.none()
    visible = Q(pk__in=[])
    if user.has_role(Role.CITIZEN):
        # Subqueries, not joins through the authorizations: no duplicate rows, so no
        # DISTINCT over every column (whose planning cost tens of milliseconds a query).
        visible |= own_applications(user) | enterprise_applications(user)
    if user.has_role(Role.CLERK):
        visible |= ~Q(status=CaseStatus.DRAFT) | Q(channel=Channel.COUNTER)
    if user.has_role(Role.SUPERVISOR):
        visible |= Q(item_version__department__in=department_list_supervised_by(user=user))
    return applications_with_names().filter(visible)


def bundle_item_count() -> Subquery:
    """Per application (an expression over ``Application``): how many item cases the
    一件事 it belongs to made, None for an application of one item alone. A subquery on
    the bundle application's foreign key index."""
    siblings = (
        Application.objects.filter(bundle_application=OuterRef("bundle_application"))
        .order_by()
        .values("bundle_application")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(siblings[:1])


def application_get_for(*, user, pk: int) -> Application | None:
    return application_list_for(user=user).filter(pk=pk).first()


def workbench_window(profile) -> Window:
    """The window of a clerk's staff ``profile`` (checked by ``clerk_profile``) for a
    workbench page: with its hall and what the banners of the apps above read
    (``page_hooks.workbench_window_annotations``), in one statement. It becomes the
    profile's window, so the services the page calls (``clerk_window``) read it there."""
    window = (
        Window.objects.select_related("hall")
        .annotate(**workbench_window_annotations())
        .get(pk=profile.window_id)
    )
    profile.window = window
    return window


def application_list_at_window(*, user, window) -> QuerySet[Application]:
    """What ``window`` handled (of what ``user`` may see), drafts aside, the latest
    changed first: the workbench's list of the window's cases."""
    return (
        application_list_for(user=user)
        .filter(window=window)
        .exclude(status=CaseStatus.DRAFT)
        .order_by("-updated_at")
    )


CASE_SEARCH_MAX_LENGTH = 50


def application_search(*, user, query: str) -> QuerySet[Application]:
    """The workbench's 查找办件: of what ``user`` may see (a clerk: every window of both
    halls, 两厅通办), drafts aside, the applications ``query`` names by their case number,
    application number (申请编号, with or without the words), the applicant's ID number
    or name, or part of the enterprise's name; the latest changed first. Nothing for an
    empty query."""
    name = " ".join((query or "").split())[:CASE_SEARCH_MAX_LENGTH]
    number = normalize_identity_number(name).removeprefix("申请编号")
    if not name:
        return Application.objects.none()
    match = (
        Q(case_number=number)
        | Q(applicant__id_number=number)
        | Q(applicant__name=name)
        | Q(enterprise__name__icontains=name)
    )
    if number.isdigit() and len(number) <= 12:
        match |= Q(pk=int(number))
    return (
        application_list_for(user=user)
        .exclude(status=CaseStatus.DRAFT)
        .filter(match)
        .select_related("window__hall")
        .order_by("-updated_at")
    )


def bundle_case_list_for(*, user, bundle_application) -> list[Application]:
    """The item cases of a 一件事 application that ``user`` may see, with their notices,
    in the order they were made."""
    return list(
        application_list_for(user=user)
        .filter(bundle_application=bundle_application)
        .prefetch_related("notices")
        .order_by("pk")
    )


def material_slots() -> Prefetch:
    """Prefetch an application's materials ("slots") in the catalog's order, each with
    its catalog material."""
    return Prefetch(
        "materials",
        queryset=SubmittedMaterial.objects.select_related("material").order_by(
            "material__position"
        ),
    )


def application_detail_for(*, user, pk: int) -> Application | None:
    """One application ``user`` may see with everything a detail shows (the applicant's
    page, the workbench, both APIs): its materials in the catalog's order, its events
    (with actor, hall and window), notices and correction notices with their items, in a
    fixed number of queries. None when it does not exist or is not theirs to see."""
    return (
        application_list_for(user=user)
        .filter(pk=pk)
        .select_related("bundle_application__bundle", "agent")
        .prefetch_related(
            material_slots(),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related(
                    "actor", "hall", "window__hall", "department"
                ).order_by("at", "id"),
            ),
            Prefetch("notices", queryset=Notice.objects.order_by("issued_at", "id")),
            Prefetch(
                "correction_notices",
                # Items in their default order: by the material's position.
                queryset=CorrectionNotice.objects.order_by("issued_at", "id").prefetch_related(
                    "items__material"
                ),
            ),
        )
        .first()
    )


def prereview_queue() -> QuerySet[Application]:
    """Online submissions waiting for a comprehensive window's pre-review, oldest first."""
    return (
        applications_with_names()
        .filter(status=CaseStatus.SUBMITTED, channel=Channel.ONLINE)
        .order_by("-green_channel", "received_at")
    )


def case_progress_lookup(*, case_number: str, code: str) -> Application | None:
    """The public progress query (办件进度查询): the case whose number is ``case_number``
    and which one of the notices issued on it carries the verification code ``code``
    (printed on the 受理通知书). Both must match; None otherwise."""
    if not case_number or not code:
        return None
    return (
        Application.objects.select_related("item_version__department")
        .filter(case_number=case_number, notices__verification_code=code)
        .first()
    )


def case_progress_steps(application: Application) -> list[dict]:
    """What the public may see of a case's history: each change of status with its date,
    never who did it nor the notes (they may carry names)."""
    return [
        {"at": at, "label": CaseStatus(to_status).label}
        for at, to_status in application.events.exclude(to_status__in=("", CaseStatus.DRAFT))
        .exclude(to_status=F("from_status"))
        .order_by("at", "id")
        .values_list("at", "to_status")
    ]


def supplement_files_of(application: Application) -> list[SupplementFile]:
    """The files handed in for the case's supplements (审批补正), oldest supplement
    first, each supplement's files in the notice's order of items: one query, however
    many files (the pages group them by ``uploaded_at``, one time per supplement)."""
    return list(
        SupplementFile.objects.filter(application_id=application.pk)
        .select_related("notice")
        .order_by("uploaded_at", "item", "id")
    )
