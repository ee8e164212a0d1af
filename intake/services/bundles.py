"""一件事 (bundles): one intake with one merged material list creates one application
per item of the bundle, linked by a ``BundleApplication``; each application is then
checked, accepted and routed on its own by the ordinary services in ``cases``.

Both channels use these services: online the applicant is the actor; at the counter
the actor is a clerk at a window (``channel=Channel.COUNTER``), exactly as for
``application_create``. A material needed by several items (the same name, spaces
ignored) is uploaded once and fills every item's slot.
"""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import Citizen, Enterprise, User
from catalog.models import Bundle, BundleItem, ItemMaterial
from catalog.selectors import bundle_versions
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import CASE_STATUSES, CaseAction, CaseStatus, Channel, DeliveryMethod
from ..errors import IntakeError, IntakePermissionDenied
from ..models import Application, BundleApplication, SubmittedMaterial
from ..states import can
from .cases import (
    EDITABLE_BY_APPLICANT,
    _require_applicant,
    application_create,
    application_withdraw,
    clerk_window,
    counter_receive,
    material_upload,
)
from .online import application_submit_online, submission_missing
from .uploads import check_upload


def material_key(name: str) -> str:
    """Materials of different items are the same material when their names match,
    whitespace ignored (as ``catalog.selectors.bundle_material_list`` merges them)."""
    return "".join(name.split())


def _lock_bundle(bundle_application: BundleApplication) -> BundleApplication:
    return (
        BundleApplication.objects.select_for_update()
        .select_related("bundle", "applicant")
        .get(pk=bundle_application.pk)
    )


def _applications(bundle_application: BundleApplication) -> list[Application]:
    return list(
        bundle_application.applications.select_related("item_version", "applicant").order_by("pk")
    )


#: The 一件事 start form's key (``FormSubmission.purpose``) and the refusal of its second post.
BUNDLE_START_PURPOSE = "intake.bundle_apply"
BUNDLE_START_ALREADY = "该一件事申请表单已提交过，未重复创建。"


@transaction.atomic
def bundle_application_create(
    *,
    bundle: Bundle,
    applicant: Citizen,
    actor: User,
    channel: str,
    enterprise: Enterprise | None = None,
    form_data: dict | None = None,
    submission=None,
    **details,
) -> BundleApplication:
    """Start a 一件事: a ``BundleApplication`` and one draft ``Application`` per item of
    the bundle (its published version), each with its own material slots.

    ``channel`` online: ``actor`` must be the applicant's own account, every item must
    be online, an ``enterprise`` must be one the applicant represents. ``channel``
    counter: ``actor`` must be a clerk at a window (the drafts belong to that window).
    ``details`` (agent, contact phone, delivery, green channel, assisted) are passed to
    every ``application_create`` with the arguments above. Raises
    ``IntakeError`` / ``IntakePermissionDenied`` (Chinese messages); all or nothing.
    Once per start form key ``submission`` (``jinpu_portal.submissions``; None: not
    checked): its second post raises ``DuplicateSubmission`` naming the first 一件事.
    """
    submission_claim(
        submission, user=actor, purpose=BUNDLE_START_PURPOSE, message=BUNDLE_START_ALREADY
    )
    if not bundle.is_active:
        raise IntakeError(f"“{bundle.name}”已停止办理。", code="bundle_inactive")
    if channel == Channel.COUNTER:
        clerk_window(actor)
    elif channel == Channel.ONLINE and applicant.user_id != actor.pk:
        raise IntakePermissionDenied("网上申请只能以本人实名身份提交。")
    versions = bundle_versions(bundle=bundle)
    entries = list(BundleItem.objects.filter(bundle=bundle).select_related("item"))
    published = {version.item_id for version in versions}
    unavailable = [str(entry.item) for entry in entries if entry.item_id not in published]
    if not versions:
        raise IntakeError(f"“{bundle.name}”暂无可办理的事项。", code="bundle_empty")
    if unavailable:
        raise IntakeError(
            f"“{bundle.name}”中以下事项暂停办理，请到政务服务大厅咨询：{'、'.join(unavailable)}",
            code="bundle_item_unavailable",
        )
    if channel == Channel.ONLINE:
        offline = [v for v in versions if not v.online_available]
        if offline:
            reasons = "；".join(f"“{v.name}”{v.not_online_reason}" for v in offline)
            raise IntakeError(
                f"“{bundle.name}”中有事项暂不支持网上办理：{reasons}。请到政务服务大厅办理。",
                code="not_online",
            )
    if details.get("delivery_method") == DeliveryMethod.POST:
        no_post = [v.name for v in versions if not v.postal_delivery_supported]
        if no_post:
            raise IntakeError(
                f"以下事项不支持邮寄送达办理结果：{'、'.join(no_post)}", code="no_post"
            )
    bundle_application = BundleApplication.objects.create(
        bundle=bundle, applicant=applicant, enterprise=enterprise, created_by=actor
    )
    for version in versions:
        application_create(
            item_version=version,
            applicant=applicant,
            actor=actor,
            channel=channel,
            enterprise=enterprise,
            bundle_application=bundle_application,
            form_data=dict(form_data or {}),
            **details,
        )
    submission_record(submission, bundle_application)
    return bundle_application


@transaction.atomic
def bundle_material_upload(
    *,
    bundle_application: BundleApplication,
    material: ItemMaterial,
    uploaded_file,
    actor: User,
) -> list[SubmittedMaterial]:
    """Upload one file for one material of the merged list. ``material`` is the
    ``ItemMaterial`` of any item of the bundle; every item case still open to the
    applicant's changes (draft, or waiting for corrections) whose version asks for a
    material of the same name gets the file in its slot. Returns the filled slots.
    The file is checked once before anything is written."""
    bundle_application = _lock_bundle(bundle_application)
    slots = list(
        SubmittedMaterial.objects.filter(application__bundle_application=bundle_application)
        .select_related("material", "application__applicant")
        .order_by("application_id", "material__position")
    )
    if not any(slot.material_id == material.pk for slot in slots):
        raise IntakeError("该材料不属于本一件事申请。", code="unknown_material")
    _require_applicant(slots[0].application, actor)
    key = material_key(material.name)
    targets = [
        slot
        for slot in slots
        if material_key(slot.material.name) == key
        and slot.application.status in EDITABLE_BY_APPLICANT
    ]
    if not targets:
        raise IntakeError("申请已提交，不能再修改材料。", code="not_editable")
    check_upload(uploaded_file)
    filled = []
    for slot in targets:
        uploaded_file.seek(0)
        filled.append(
            material_upload(
                application=slot.application,
                material=slot.material,
                uploaded_file=uploaded_file,
                actor=actor,
            )
        )
    return filled


@transaction.atomic
def bundle_materials_upload(
    *,
    bundle_application: BundleApplication,
    files: Iterable[tuple[ItemMaterial, object]],
    actor: User,
) -> None:
    """Several files of the merged list at once (``bundle_material_upload`` for each
    (material, file)): all of them or none."""
    for material, uploaded in files:
        bundle_material_upload(
            bundle_application=bundle_application,
            material=material,
            uploaded_file=uploaded,
            actor=actor,
        )


@transaction.atomic
def bundle_application_submit(
    *, bundle_application: BundleApplication, actor: User
) -> list[Application]:
    """Submit every draft item case of the bundle online, together: if any of them
    lacks a required upload, none is submitted and the message names each item's gaps."""
    bundle_application = _lock_bundle(bundle_application)
    applications = _applications(bundle_application)
    if applications:
        _require_applicant(applications[0], actor)
    drafts = [a for a in applications if a.status == CaseStatus.DRAFT]
    if not drafts:
        raise IntakeError("该一件事申请没有待提交的草稿。", code="nothing_to_submit")
    gaps = []
    for application in drafts:
        missing = submission_missing(application)
        if missing:
            gaps.append(f"“{application.item_version.name}”缺少{'、'.join(missing)}")
    if gaps:
        raise IntakeError(f"请先上传必要材料：{'；'.join(gaps)}", code="missing_uploads")
    return [application_submit_online(application=a, actor=actor) for a in drafts]


@transaction.atomic
def bundle_application_receive(
    *, bundle_application: BundleApplication, actor: User
) -> list[Application]:
    """At the counter: the clerk receives the paper materials of every draft item case
    (``counter_receive`` for each, which issues each one's 收件凭证)."""
    bundle_application = _lock_bundle(bundle_application)
    drafts = [a for a in _applications(bundle_application) if a.status == CaseStatus.DRAFT]
    if not drafts:
        raise IntakeError("该一件事申请没有待收件的草稿。", code="nothing_to_receive")
    return [counter_receive(application=a, actor=actor) for a in drafts]


@transaction.atomic
def bundle_application_withdraw(
    *, bundle_application: BundleApplication, actor: User, reason: str = ""
) -> list[Application]:
    """Withdraw the whole 一件事 while none of its item cases has been accepted. Item
    cases already refused or withdrawn stay as they are."""
    bundle_application = _lock_bundle(bundle_application)
    applications = _applications(bundle_application)
    if applications:
        _require_applicant(applications[0], actor)
    accepted = [a.item_version.name for a in applications if a.status in CASE_STATUSES]
    if accepted:
        raise IntakeError(
            f"以下事项已受理，不能整件撤回：{'、'.join(accepted)}。"
            "尚未受理的事项可在其详情页分别撤回。",
            code="already_accepted",
        )
    open_ones = [a for a in applications if can(a, CaseAction.WITHDRAW)]
    if not open_ones:
        raise IntakeError("该一件事申请已全部办结、撤回或不予受理，无需撤回。", code="transition")
    return [application_withdraw(application=a, actor=actor, reason=reason) for a in open_ones]
