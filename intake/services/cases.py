"""The intake services: one function per move of an application (HackSoft style).

Each takes keyword-only arguments, locks the application row, checks the actor's
right and the state (``intake.states``), changes what it must, and leaves an event.
Hooks for the higher apps: ``case_accepted`` is sent inside the accepting transaction
(approvals creates its tasks there, so a case is never accepted without them), before
the case number is given: that comes last (see ``intake_accept``), so a receiver sees
the case without it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Citizen, Department, Enterprise, Hall, StaffProfile, User, Window
from accounts.selectors import may_act_for
from catalog.calendar import add_working_days, current_calendar
from catalog.constants import CaseType, MaterialRequirement, VersionStatus
from catalog.models import Delegation, ItemMaterial, ItemVersion
from catalog.version_cache import version_get
from jinpu_portal.dates import date_text
from jinpu_portal.db import PreparedQuery, insert, update
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import (
    ApplicantKind,
    CaseAction,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
    NoticeKind,
    RefusalKind,
)
from ..errors import IntakeError, IntakePermissionDenied
from ..legal_forms import deemed_acceptance_rule
from ..models import (
    Application,
    BundleApplication,
    CorrectionItem,
    CorrectionNotice,
    SubmittedMaterial,
)
from ..states import case_writes, record_event, require_can, transition
from .contact import applicant_notify
from .notices import notice_issue, notice_number_assign
from .numbering import case_number_next, case_number_prefix
from .slots import attach_slots, remember_slots, slots_of
from .uploads import store_upload

# Both are sent with application=, actor= inside the accepting transaction, within its
# ``case_writes`` block: the instance carries the new state, the case's row and events
# are written when the block ends. A receiver moves the case through ``transition``
# (collected with the rest) and writes its own rows as usual.
# The three outcomes at a window (case_accepted, case_refused,
# case_correction_requested) also carry visit=: the key of the visit in progress at the
# window the clerk marked the outcome as given for (本次叫号群众办理,
# ``page_hooks.WorkbenchVisit``), "" when not marked (and for case_concluded none).
case_accepted = Signal()
# When a 即办件 is concluded at the counter.
case_concluded = Signal()
# When a window refuses an application (不予受理), inside the refusing transaction, with
# application=, actor= (the clerk): feedback opens the window service's rating there.
case_refused = Signal()
# When a window gives a one-time correction notice (一次性告知补正), inside its
# transaction, with application=, actor= (the clerk), notice= (the CorrectionNotice).
case_correction_requested = Signal()

EDITABLE_BY_APPLICANT = (CaseStatus.DRAFT, CaseStatus.CORRECTION_REQUESTED)
# Files may also be added while the approvals side waits for a supplement (审查补正).
UPLOADABLE_BY_APPLICANT = (*EDITABLE_BY_APPLICANT, CaseStatus.SUPPLEMENT_REQUESTED)


# --- guards -----------------------------------------------------------------


def not_editable(application: Application, what: str = "材料") -> IntakeError:
    """Why the applicant may no longer change this application, in its own words: a
    withdrawn application says it was withdrawn, not that it was submitted."""
    status = application.status
    if status == CaseStatus.WITHDRAWN:
        text = f"申请已撤回，不能再上传或修改{what}。如需办理，请重新申请。"
    elif status in (CaseStatus.REFUSED, CaseStatus.TERMINATED):
        text = f"申请已{application.get_status_display()}，不能再修改{what}。"
    elif status == CaseStatus.SUBMITTED:
        text = f"申请已提交，等待预审，不能再修改{what}。"
    else:
        text = f"申请当前状态为“{application.get_status_display()}”，不能再修改{what}。"
    return IntakeError(text, code="not_editable")


def unit_may_accept(item_version: ItemVersion, unit: Department) -> bool:
    """An active unit accepts an item nearby when the version lists it, or holds a
    delegation."""
    return unit.is_active and (
        item_version.accepting_units.filter(pk=unit.pk).exists()
        or Delegation.objects.filter(
            item_id=item_version.item_id, grantee=unit, revoked_on__isnull=True
        ).exists()
    )


# Every change of an application runs it: compiled once per process.
_LOCK_QUERY = PreparedQuery(
    lambda pk: (
        SubmittedMaterial.objects.select_for_update(of=("application",))
        .select_related("application__applicant")
        .filter(application_id=pk)
        .order_by()
    )
)


def _lock(application: Application) -> Application:
    """The application row, locked for the rest of the transaction, with what the
    services read of it, in one statement: its material slots and the applicant; and
    the item version with its item, department, materials and steps (kept per process,
    see ``catalog.version_cache``). The rest (enterprise, hall, window) loads when a
    path needs it."""
    slots = _LOCK_QUERY(application.pk)
    if slots:
        locked = slots[0].application
    else:  # an item without materials
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant")
            .get(pk=application.pk)
        )
    locked.item_version = version_get(locked.item_version_id)
    attach_slots(locked, slots)
    return locked


def _require_applicant(application: Application, actor: User) -> None:
    """The applicant may edit their application; so may a clerk for a counter
    application at their own window (entering it for the applicant)."""
    if application.applicant.user_id == actor.pk:
        if application.enterprise_id and application.channel == Channel.ONLINE:
            _require_enterprise_access(actor, application.enterprise_id, application.item_version)
        return
    if application.channel == Channel.COUNTER and actor.has_role(Role.CLERK):
        _require_clerk_for(application, actor)
        return
    raise IntakePermissionDenied("只能操作本人的申请。")


NOT_REPRESENTATIVE = (
    "您不是该企业的法定代表人，也没有该企业对本事项有效的经办人授权，不能以企业名义申请。"
)


def _require_enterprise_access(actor: User, enterprise_id: int, item_version) -> None:
    """Online, for an enterprise: its legal representative, or an agent whose
    authorization (in force today) covers this item (accounts.selectors.may_act_for)."""
    if not may_act_for(user=actor, enterprise=enterprise_id, item=item_version.item_id):
        raise IntakePermissionDenied(NOT_REPRESENTATIVE)


def clerk_profile(actor: User) -> StaffProfile:
    """The staff profile of a clerk who works at a window, else IntakePermissionDenied."""
    profile = getattr(actor, "staff_profile", None)
    if not actor.has_role(Role.CLERK) or profile is None or profile.window_id is None:
        raise IntakePermissionDenied("只有在综合窗口工作的综窗人员可以办理受理。")
    return profile


def clerk_window(actor: User) -> Window:
    return clerk_profile(actor).window


def _require_clerk_for(application: Application, actor: User) -> Window:
    """A clerk may act on an open intake that is unclaimed or at their own window."""
    window = clerk_window(actor)
    if application.window_id and application.window_id != window.pk:
        raise IntakePermissionDenied(f"该申请正在{application.window}办理，其他窗口不能处理。")
    return window


# --- drafts and uploads --------------------------------------------------------

# The foreign keys of an application are objects the services already hold, so
# ``_clean`` leaves them (and the constraints, each a database round trip) out of
# full_clean and checks the one constraint people can break with a message of its own.
_FOREIGN_KEYS = [field.name for field in Application._meta.concrete_fields if field.is_relation]


def _clean(application: Application) -> None:
    try:
        application.full_clean(exclude=[*_FOREIGN_KEYS, "case_number"], validate_constraints=False)
    except ValidationError as error:
        raise IntakeError("；".join(error.messages), code="invalid") from None
    if (
        application.delivery_method == DeliveryMethod.POST
        and not (application.delivery_address or "").strip()
    ):
        raise IntakeError("邮寄送达需要填写邮寄地址。", code="invalid")


#: The start form's key (``FormSubmission.purpose``) and the refusal of its second post.
START_PURPOSE = "intake.apply"
START_ALREADY = "该申请表单已提交过，未重复创建申请。"


@transaction.atomic
def application_create(
    *,
    item_version: ItemVersion,
    applicant: Citizen,
    actor: User,
    channel: str,
    enterprise: Enterprise | None = None,
    agent: Citizen | None = None,
    contact_phone: str = "",
    delivery_method: str = DeliveryMethod.WINDOW,
    delivery_address: str = "",
    green_channel: bool = False,
    assisted: bool = False,
    bundle_application: BundleApplication | None = None,
    form_data: dict | None = None,
    accepting_unit: Department | None = None,
    submission=None,
) -> Application:
    """Start an application (a draft) with one slot per material of the version.

    ``accepting_unit`` is a park, street or station the applicant applies to nearby
    (就近办理): it must be one the version lists as accepting the item, or one the item
    is delegated to (赋权); approvals then routes the implementing department's steps
    to a delegated unit. ``submission``: the key of the start form (the citizen's 在线申请
    page, ``jinpu_portal.submissions``); its second post raises ``DuplicateSubmission``
    naming the first draft. None: not checked."""
    submission_claim(submission, user=actor, purpose=START_PURPOSE, message=START_ALREADY)
    if item_version.status != VersionStatus.PUBLISHED:
        raise IntakeError("该事项版本未发布或已停用，不能申请。", code="unpublished")
    if accepting_unit is not None and not unit_may_accept(item_version, accepting_unit):
        raise IntakeError(
            f"{accepting_unit.name}不受理“{item_version.name}”，请选择可就近办理的单位。",
            code="accepting_unit",
        )
    if channel == Channel.ONLINE and not item_version.online_available:
        raise IntakeError(
            f"“{item_version.name}”暂不支持网上办理：{item_version.not_online_reason}"
            f" 请到 {item_version.location or '政务服务大厅'} 现场办理。",
            code="not_online",
        )
    if channel != Channel.ONLINE:
        window = clerk_window(actor) if channel == Channel.COUNTER else None
    else:
        window = None
        if applicant.user_id != actor.pk:
            raise IntakePermissionDenied("网上申请只能以本人实名身份提交。")
    if enterprise is not None and channel == Channel.ONLINE:
        _require_enterprise_access(actor, enterprise.pk, item_version)
    if delivery_method == DeliveryMethod.POST and not item_version.postal_delivery_supported:
        raise IntakeError("该事项不支持邮寄送达办理结果。", code="no_post")
    application = Application(
        item_version=item_version,
        bundle_application=bundle_application,
        accepting_unit=accepting_unit,
        applicant_kind=ApplicantKind.ENTERPRISE if enterprise else ApplicantKind.PERSON,
        applicant=applicant,
        enterprise=enterprise,
        agent=agent,
        by_agent=agent is not None,
        assisted=assisted,
        green_channel=green_channel,
        created_by=actor,
        contact_phone=contact_phone or applicant.phone,
        form_data=form_data or {},
        channel=channel,
        hall=window.hall if window else None,
        window=window,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
    )
    _clean(application)
    insert([application])
    slots = insert(
        SubmittedMaterial(application=application, material=material)
        for material in item_version.materials.all()
    )
    remember_slots(application, slots)
    record_event(
        application,
        CaseAction.CREATE,
        actor=actor,
        to_status=CaseStatus.DRAFT,
        message=f"创建“{item_version.name}”申请",
    )
    submission_record(submission, application)
    return application


UPLOAD_FIELDS = [
    "file",
    "original_filename",
    "content_type",
    "size",
    "uploaded_at",
    "status",
    "updated_at",
]


def _slot_of(application: Application, material: ItemMaterial | int) -> SubmittedMaterial:
    """The application's slot of ``material`` (an ItemMaterial or its id); one of another
    item is refused."""
    material_id = getattr(material, "pk", material)
    slot = next((slot for slot in slots_of(application) if slot.material_id == material_id), None)
    if slot is None:
        raise IntakeError("该材料不属于本申请。", code="unknown_material")
    return slot


@transaction.atomic
def material_upload(
    *, application: Application, material: ItemMaterial | int, uploaded_file, actor: User
) -> SubmittedMaterial:
    """Attach one file to a material slot; the content must be PDF, JPEG or PNG."""
    application = _lock(application)
    _require_applicant(application, actor)
    if application.status not in UPLOADABLE_BY_APPLICANT:
        raise not_editable(application)
    slot = _slot_of(application, material)
    store_upload(slot, uploaded_file)  # checked by content: IntakeError in Chinese
    if slot.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE):
        slot.status = MaterialStatus.PENDING
    update(slot, UPLOAD_FIELDS)
    record_event(
        application, CaseAction.UPLOAD, actor=actor, message=f"上传材料：{slot.material.name}"
    )
    return slot


# A counter case's paper materials may be scanned from its receipt until it ends.
SCANNABLE = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.IN_APPROVAL,
    CaseStatus.SUPPLEMENT_REQUESTED,
)


@transaction.atomic
def material_scan(
    *, application: Application, material: ItemMaterial | int, uploaded_file, actor: User
) -> SubmittedMaterial:
    """The clerk's scan (or photo) of a paper material received at the counter, so the
    departments on the case's route get an electronic copy. Counter cases only (an
    online case's files are the applicant's own uploads), at the window holding the
    case, for a material handed over on paper (received, or not yet checked); the
    content is checked as for citizens' uploads. A new scan replaces the previous one."""
    application = _lock(application)
    if application.channel != Channel.COUNTER:
        raise IntakeError("网上申请的电子材料由申请人上传，窗口不能替换。", code="not_counter")
    _require_clerk_for(application, actor)
    if application.status not in SCANNABLE:
        raise IntakeError(
            f"申请当前状态为“{application.get_status_display()}”，不能再上传扫描件。",
            code="not_scannable",
        )
    slot = _slot_of(application, material)
    if slot.status not in (MaterialStatus.PENDING, MaterialStatus.RECEIVED):
        raise IntakeError(
            f"“{slot.material.name}”的核验结果为“{slot.get_status_display()}”，"
            "没有收到纸质材料，不能上传扫描件。",
            code="not_received",
        )
    store_upload(slot, uploaded_file)  # checked by content: IntakeError in Chinese
    update(slot, UPLOAD_FIELDS)
    record_event(
        application,
        CaseAction.UPLOAD,
        actor=actor,
        message=f"窗口上传纸质材料扫描件：{slot.material.name}",
    )
    return slot


@transaction.atomic
def application_update_draft(*, application: Application, actor: User, **fields) -> Application:
    allowed = {"contact_phone", "delivery_method", "delivery_address", "form_data", "agent"}
    application = _lock(application)
    _require_applicant(application, actor)
    if application.status not in EDITABLE_BY_APPLICANT:
        raise not_editable(application, "申请内容")
    unknown = set(fields) - allowed
    if unknown:
        raise IntakeError(f"不能修改字段：{'、'.join(sorted(unknown))}", code="field")
    for name, value in fields.items():
        setattr(application, name, value)
    if (
        application.delivery_method == DeliveryMethod.POST
        and not application.item_version.postal_delivery_supported
    ):
        raise IntakeError("该事项不支持邮寄送达办理结果。", code="no_post")
    # An online agent is recorded in form_data (no Citizen row is made from typed data).
    application.by_agent = application.agent_id is not None or bool(
        (application.form_data or {}).get("agent")
    )
    _clean(application)
    application.save()
    return application


def _missing_uploads(application: Application) -> list[str]:
    return [
        slot.material.name
        for slot in slots_of(application)
        if slot.material.requirement == MaterialRequirement.REQUIRED and not slot.file
    ]


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    """The applicant submits online; the application waits for pre-review (网上预审)."""
    application = _lock(application)
    _require_applicant(application, actor)
    return submit_locked(application, actor)


def submit_locked(application: Application, actor: User) -> Application:
    """``application_submit`` for a caller that holds the lock and checked the actor."""
    if application.item_version.status != VersionStatus.PUBLISHED:
        raise IntakeError("该事项已更新或停用，请按最新的办事指南重新申请。", code="unpublished")
    if application.status == CaseStatus.DRAFT:
        missing = _missing_uploads(application)
        if missing:
            raise IntakeError(f"请先上传必要材料：{'、'.join(missing)}", code="missing_uploads")
    now = timezone.now()
    application.submitted_at = application.submitted_at or now
    application.received_at = now
    _move_and_tell(
        application,
        CaseAction.SUBMIT,
        actor=actor,
        message="网上提交申请，等待综合窗口预审",
        update_fields=("submitted_at", "received_at"),
        title="申请已提交",
        body=f"“{application.item_version.name}”已提交，{application.reference}，"
        "等待综合窗口预审。",
    )
    return application


def _move_and_tell(application, action, *, actor, message, title, body, **options) -> None:
    """Move ``application`` by ``action`` (``options`` as ``transition``'s) and tell the
    applicant, with a link to the application."""
    transition(application, action, actor=actor, message=message, **options)
    applicant_notify(application, title=title, body=body, url=application.get_absolute_url())


@transaction.atomic
def application_resubmit(*, application: Application, actor: User) -> Application:
    """After a correction notice: the acceptance date will be when corrections are complete."""
    application = _lock(application)
    _require_applicant(application, actor)
    notice = application.correction_notices.filter(resolved_at__isnull=True).last()
    if notice is not None and application.channel == Channel.ONLINE:
        names = {
            item.material_id
            for item in notice.items.all()
            if item.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)
        }
        unchanged = [
            slot.material.name
            for slot in application.materials.select_related("material")
            if slot.material_id in names and (not slot.file or slot.uploaded_at < notice.issued_at)
        ]
        if unchanged:
            raise IntakeError(f"以下材料尚未补正：{'、'.join(unchanged)}", code="not_corrected")
    now = timezone.now()
    application.received_at = now
    application.prereview_warned_at = None  # the art. 32 count starts again
    if notice is not None:
        notice.resolved_at = now
        notice.save(update_fields=["resolved_at"])
    _move_and_tell(
        application,
        CaseAction.RESUBMIT,
        actor=actor,
        message="已按一次性告知补正材料",
        update_fields=("received_at", "prereview_warned_at"),
        title="补正材料已提交",
        body=f"“{application.item_version.name}”的补正材料已提交，等待综合窗口审核。",
    )
    return application


WITHDRAW_REASON_MAX_LENGTH = 200


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str = "") -> Application:
    reason = (reason or "").strip()
    if len(reason) > WITHDRAW_REASON_MAX_LENGTH:
        raise IntakeError(
            f"撤回原因过长：最多 {WITHDRAW_REASON_MAX_LENGTH} 字，现有 {len(reason)} 字。",
            code="too_long",
        )
    application = _lock(application)
    _require_applicant(application, actor)
    who = "申请人" if application.applicant.user_id == actor.pk else "窗口代申请人"
    _move_and_tell(
        application,
        CaseAction.WITHDRAW,
        actor=actor,
        message=f"{who}撤回申请" + (f"：{reason}" if reason else ""),
        title="申请已撤回",
        body=f"“{application.item_version.name}”（{application.reference}）已撤回。",
    )
    return application


# --- the counter's verdicts ----------------------------------------------------


VERDICT_FIELDS = [
    "status",
    "originals_received",
    "copies_received",
    "defect_reason",
    "tolerance_due_date",
    "pledge_signed",
    "checked_by_id",
    "checked_at",
    "updated_at",
]


def _apply_verdicts(
    application: Application, verdicts: list[dict] | None, actor: User
) -> list[SubmittedMaterial]:
    """Record the clerk's verdict on each material. A verdict is a dict:
    material (ItemMaterial or id), status, originals, copies, reason, tolerance_due_date,
    pledge_signed. Materials without a verdict keep their current status."""
    slots = {slot.material_id: slot for slot in slots_of(application)}
    checked = {}
    now = timezone.now()
    for verdict in verdicts or []:
        material_id = getattr(verdict["material"], "pk", verdict["material"])
        slot = slots.get(int(material_id))
        if slot is None:
            raise IntakeError("核验的材料不属于本申请。", code="unknown_material")
        status = verdict["status"]
        if status not in MaterialStatus.values or status == MaterialStatus.PENDING:
            raise IntakeError(f"材料“{slot.material.name}”的核验结果无效。", code="verdict")
        if status == MaterialStatus.DEFECTIVE and not verdict.get("reason"):
            raise IntakeError(f"材料“{slot.material.name}”有误，请说明问题。", code="reason")
        if status == MaterialStatus.MISSING and not verdict.get("reason"):
            verdict["reason"] = "未提交该材料"
        if status == MaterialStatus.TOLERATED:
            if not slot.material.tolerance_allowed:
                raise IntakeError(
                    f"材料“{slot.material.name}”不允许容缺受理。", code="no_tolerance"
                )
            if not verdict.get("pledge_signed") or not verdict.get("tolerance_due_date"):
                raise IntakeError(
                    f"材料“{slot.material.name}”容缺受理须签署承诺书并确定补交期限。",
                    code="tolerance",
                )
        slot.status = status
        slot.originals_received = verdict.get("originals", slot.originals_received) or 0
        slot.copies_received = verdict.get("copies", slot.copies_received) or 0
        slot.defect_reason = verdict.get("reason", "") or ""
        slot.tolerance_due_date = verdict.get("tolerance_due_date")
        slot.pledge_signed = bool(verdict.get("pledge_signed"))
        slot.checked_by = actor
        slot.checked_at = now
        slot.updated_at = now
        checked[slot.pk] = slot
    # One UPDATE per distinct verdict (usually one: "all received"), not bulk_update's
    # CASE per field and row, whose building costs more than the statement.
    by_values: dict[tuple, list[int]] = {}
    for slot in checked.values():
        values = tuple(getattr(slot, field) for field in VERDICT_FIELDS)
        by_values.setdefault(values, []).append(slot.pk)
    for values, pks in by_values.items():
        SubmittedMaterial.objects.filter(pk__in=pks).update(
            **dict(zip(VERDICT_FIELDS, values, strict=True))
        )
    return list(slots.values())


def _due_dates(
    version: ItemVersion, accepted_on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    calendar = current_calendar()
    return (
        add_working_days(accepted_on, version.promised_limit_days, calendar),
        add_working_days(accepted_on, version.statutory_limit_days, calendar),
    )


@transaction.atomic
def intake_accept(
    *,
    application: Application,
    actor: User | None,
    verdicts: list[dict] | None = None,
    conclude_immediately: bool = False,
    auto: bool = False,
    note: str = "",
    visit: str = "",
) -> Application:
    """受理: a case number, the due dates, the acceptance notice, the hand-off to approvals.

    ``auto`` is the art. 32 rule: an application (online or received at a counter) not
    reviewed in time counts as accepted from the day it arrived (no clerk, no verdicts;
    the case number carries that day's date)."""
    application = _lock(application)
    action = CaseAction.AUTO_ACCEPT if auto else CaseAction.ACCEPT
    # The state first: a second clerk is told "already accepted", not "another window".
    require_can(application, action)
    if auto:
        window = None
        accepted_at = application.received_at or timezone.now()
    else:
        window = _require_clerk_for(application, actor)
        accepted_at = timezone.now()
    slots = [] if auto else _apply_verdicts(application, verdicts, actor)
    if not auto:
        problems = [
            slot.material.name
            for slot in slots
            if slot.material.requirement == MaterialRequirement.REQUIRED
            and slot.status not in (MaterialStatus.RECEIVED, MaterialStatus.TOLERATED)
        ]
        if problems:
            raise IntakeError(
                f"以下必要材料尚未核验通过，不能受理：{'、'.join(problems)}", code="materials"
            )
    version = application.item_version
    accepted_on = timezone.localdate(accepted_at)
    promised_due, statutory_due = _due_dates(version, accepted_on)
    for slot in slots:
        if slot.status == MaterialStatus.TOLERATED and slot.tolerance_due_date > promised_due:
            raise IntakeError(
                f"材料“{slot.material.name}”的容缺补交期限不能晚于承诺办结日期"
                f" {date_text(promised_due)}。",
                code="tolerance_due",
            )
    if conclude_immediately and version.case_type != CaseType.IMMEDIATE:
        raise IntakeError("只有即办件可以当场办结。", code="not_immediate")
    if window is not None:
        application.window = window
        application.hall = window.hall
    application.accepted_at = accepted_at
    application.accepted_by = actor
    application.auto_accepted = auto
    application.promised_due_date = promised_due
    application.statutory_due_date = statutory_due
    application.outcome_note = note
    message = (
        deemed_acceptance_rule(
            version.item_type, online=application.channel == Channel.ONLINE, happened=True
        )
        if auto
        else f"材料齐全、符合法定形式，予以受理，{version.promise_text}"
    )
    # The case's own row and events are written together at the end of the block (see
    # ``case_writes``), with the case and notice numbers: taken last on purpose, since
    # their sequence rows stay locked from there to the commit and every other
    # acceptance of the same hall or channel (the day's case numbers) or of any
    # (the year's 受理通知书 numbers) waits for it (see the intake load benchmark in bench/).
    with case_writes(application) as writes:
        transition(
            application,
            action,
            actor=actor,
            message=message,
            update_fields=(
                "window",
                "hall",
                "accepted_at",
                "accepted_by",
                "auto_accepted",
                "promised_due_date",
                "statutory_due_date",
                "outcome_note",
            ),
        )
        notice = notice_issue(
            application=application, kind=NoticeKind.ACCEPTANCE, actor=actor, number_later=True
        )
        case_accepted.send(sender=Application, application=application, actor=actor, visit=visit)
        if conclude_immediately:
            application.concluded_at = timezone.now()
            transition(
                application,
                CaseAction.CONCLUDE_IMMEDIATELY,
                actor=actor,
                message="即办件当场办结",
                # The case and its event carry one moment (the figures count the
                # event's day, the case lists its concluded_at's).
                at=application.concluded_at,
                update_fields=("concluded_at",),
            )
            case_concluded.send(sender=Application, application=application, actor=actor)
        # Both sequences last: the notice's yearly one is shared by every acceptance.
        notice_number_assign(notice)
        # Dated by the day of acceptance: for a deemed acceptance, the day of arrival.
        application.case_number = case_number_next(
            prefix=case_number_prefix(application), day=accepted_on
        )
        writes.fields.add("case_number")
    # The acceptance notice, written once it has its number and the case's.
    notice.context["case_number"] = application.case_number
    insert([notice])
    applicant_notify(
        application,
        title="您的申请已受理",
        body=f"“{version.name}”已受理，办件编号 {application.case_number}，"
        f"承诺 {date_text(promised_due)} 前办结。",
        url=application.get_absolute_url(),
        reference=application.case_number,
    )
    return application


@transaction.atomic
def intake_request_correction(
    *,
    application: Application,
    actor: User,
    verdicts: list[dict],
    note: str = "",
    visit: str = "",
) -> CorrectionNotice:
    """补正: one notice naming everything to correct. A later notice may not name a
    material that an earlier one passed as fine."""
    application = _lock(application)
    require_can(application, CaseAction.REQUEST_CORRECTION)
    window = _require_clerk_for(application, actor)
    slots = _apply_verdicts(application, verdicts, actor)
    to_correct = [
        s for s in slots if s.status in (MaterialStatus.MISSING, MaterialStatus.DEFECTIVE)
    ]
    if not to_correct:
        raise IntakeError("没有需要补正的材料，请直接受理。", code="nothing_to_correct")
    passed_before = set(
        CorrectionItem.objects.filter(
            notice__application=application,
            status__in=(MaterialStatus.RECEIVED, MaterialStatus.TOLERATED),
        ).values_list("material_id", flat=True)
    )
    renamed = [s.material.name for s in to_correct if s.material_id in passed_before]
    if renamed:
        raise IntakeError(
            "补正告知应一次性告知：以下材料在此前的告知中已确认无误，不能再要求补正："
            + "、".join(renamed),
            code="not_one_time",
        )
    application.window = window
    application.hall = window.hall
    now = timezone.now()
    notice = CorrectionNotice.objects.create(
        application=application, issued_at=now, issued_by=actor, note=note
    )
    CorrectionItem.objects.bulk_create(
        CorrectionItem(
            notice=notice,
            material_id=slot.material_id,
            status=slot.status
            if slot.status != MaterialStatus.PENDING
            else MaterialStatus.RECEIVED,
            reason=slot.defect_reason,
        )
        for slot in slots
    )
    transition(
        application,
        CaseAction.REQUEST_CORRECTION,
        actor=actor,
        message=f"一次性告知补正 {len(to_correct)} 项材料",
        update_fields=("window", "hall"),
        event_details={"materials": [s.material.name for s in to_correct]},
    )
    notice_issue(
        application=application, kind=NoticeKind.CORRECTION, actor=actor, correction_notice=notice
    )
    case_correction_requested.send(
        sender=Application, application=application, actor=actor, notice=notice, visit=visit
    )
    applicant_notify(
        application,
        title="请补正申请材料",
        body=f"“{application.item_version.name}”需要补正 {len(to_correct)} 项材料，"
        "请查看补正材料一次性告知书。",
        url=application.get_absolute_url(),
    )
    return notice


@transaction.atomic
def intake_refuse(
    *,
    application: Application,
    actor: User,
    kind: str,
    reason: str,
    redirect_to: str = "",
    visit: str = "",
) -> Application:
    """不予受理, with the reason, where to apply instead, and the right to review or sue."""
    application = _lock(application)
    require_can(application, CaseAction.REFUSE)
    window = _require_clerk_for(application, actor)
    if kind not in RefusalKind.values:
        raise IntakeError("请选择不予受理的类型。", code="kind")
    if not reason.strip():
        raise IntakeError("不予受理必须说明理由。", code="reason")
    if kind == RefusalKind.OUTSIDE_POWERS and not redirect_to.strip():
        raise IntakeError(
            "不属于本机关职权范围的，应告知申请人向有关行政机关申请。", code="redirect"
        )
    own = application.item_version.department.name
    if kind == RefusalKind.OUTSIDE_POWERS and redirect_to.strip() == own:
        # The notice would say 不属于本机关职权范围，请向<this very body>提出申请.
        raise IntakeError(
            f"“{own}”是本事项的实施机关；不属于本机关职权范围的，应告知有权受理的其他行政机关。",
            code="redirect",
        )
    application.window = window
    application.hall = window.hall
    application.outcome_note = reason.strip()
    transition(
        application,
        CaseAction.REFUSE,
        actor=actor,
        message=f"不予受理：{reason.strip()}",
        update_fields=("window", "hall", "outcome_note"),
        event_details={"kind": kind, "redirect_to": redirect_to.strip()},
    )
    notice_issue(
        application=application,
        kind=NoticeKind.REFUSAL,
        actor=actor,
        extra={"refusal_kind": kind, "reason": reason.strip(), "redirect_to": redirect_to.strip()},
    )
    case_refused.send(sender=Application, application=application, actor=actor, visit=visit)
    applicant_notify(
        application,
        title="申请不予受理",
        body=f"“{application.item_version.name}”不予受理：{reason.strip()}",
        url=application.get_absolute_url(),
    )
    return application


@transaction.atomic
def counter_receive(
    *,
    application: Application,
    actor: User,
    hall: Hall | None = None,
    verdicts: list[dict] | None = None,
) -> Application:
    """At the counter the clerk receives the paper materials: the draft becomes an
    open intake at this window (the 5-day clock of art. 32 starts). ``verdicts`` (as
    for ``intake_accept``) record what was handed over, so the 收件凭证 lists the
    materials with their counts."""
    application = _lock(application)
    window = _require_clerk_for(application, actor)
    now = timezone.now()
    application.window = window
    application.hall = window.hall
    application.submitted_at = now
    application.received_at = now
    transition(
        application,
        CaseAction.RECEIVE,
        actor=actor,
        message=f"{window}收取申请材料",
        update_fields=("window", "hall", "submitted_at", "received_at"),
    )
    if verdicts:
        _apply_verdicts(application, verdicts, actor)
    notice_issue(application=application, kind=NoticeKind.RECEIPT, actor=actor)
    return application
