"""差评整改: the life of a rectification order, appeals (申诉复核) and 回头看.

Every 差评 opens an order in the transaction that records it (the receiver of
``feedback.signals.bad_rating_recorded``), owned by the unit that handled the rated
service (``feedback.order_selectors``). Then:

1. 回访核实: the unit calls the citizen back and verifies the complaint within
   ``FEEDBACK_CALLBACK_DAYS`` working days (default 1);
2. 整改: it rectifies within ``FEEDBACK_RECTIFY_DAYS`` working days (default 15) and
   replies to the citizen (in-portal message and SMS through the outbox);
3. 回访评价: the citizen rates the fix online, or the unit records a telephone return
   visit: 满意 or 基本满意 closes the order; the first 不满意 reopens it once (a new
   rectification clock) and tells the supervisors; a second 不满意 sends it to a
   supervisor, whose ruling closes it.

The deadlines are approvals' clocks (``ClockKind.RECTIFICATION`` on the case), lit,
warned and escalated by approvals' minute sweep; this module registers the hook that
names their owners (``clock_owners_for``). Every status change goes through
``feedback.states.ORDER`` and appends an ``OrderEvent``.

An appeal asks a supervisor to rule the 差评 mistaken or malicious, with evidence; an
accepted one marks the rating ``excluded`` (out of the figures, kept in the record) and
closes the order. A 回头看 batch lists the unsatisfied cases of a period (差评 and
unsatisfied return visits) for a supervisor to follow to a result; its form opens one
batch per key (``jinpu_portal.submissions``), however often it is posted.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from approvals.clock_owners import ClockOwner
from approvals.constants import ClockKind, EscalationStatus
from approvals.models import Escalation
from approvals.services.clocks import clock_start, clock_stop
from approvals.services.sweep import approvers_by_department
from intake.errors import IntakeError
from intake.services.contact import applicant_notify
from intake.services.uploads import check_upload
from intake.states import actor_role
from jinpu_portal.api.fields import choice_label
from jinpu_portal.concurrency import STALE_MESSAGE, edit_token
from jinpu_portal.db import PreparedQuery
from jinpu_portal.notifications import Message, notify_many
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import (
    BAD_LEVELS,
    AppealKind,
    Finding,
    Level,
    OrderOutcome,
    OrderStatus,
    Reason,
    ReviewBatchStatus,
    ReviewEntryStatus,
    ReviewResult,
    ReviewSource,
    Stage,
    VisitChannel,
    VisitLevel,
)
from ..errors import FeedbackError, FeedbackPermissionDenied
from ..models import (
    Appeal,
    OrderEvent,
    Rating,
    RectificationOrder,
    ReturnVisit,
    ReviewBatch,
    ReviewEntry,
    ServiceInstance,
)
from ..order_selectors import owner_users, owns, supervised_scope, supervises, supervisors_of
from ..selectors import handling_hall_id
from ..states import AppealMove, OrderAction, OrderMove, ReviewEntryMove, move

TEXT_MAX = 500
#: The refusals of a missing choice, which the pages' forms say the same way.
VISIT_CHOOSE = "请选择对整改结果的评价（满意、基本满意或不满意）。"
REVIEW_CHOOSE = "请选择回头看结果。"


# --- helpers ------------------------------------------------------------------------


def _text(value: str, message: str, *, label: str, required: bool = True) -> str:
    """Free text, stripped; empty when required or longer than the column: refused."""
    value = (value or "").strip()
    if required and not value:
        raise FeedbackError(message, code="required")
    if len(value) > TEXT_MAX:
        raise FeedbackError(
            f"{label}过长：最多 {TEXT_MAX} 字，现有 {len(value)} 字。", code="too_long"
        )
    return value


def _choice(value: str, choices, message: str) -> str:
    if value not in choices.values:
        raise FeedbackError(message, code="invalid")
    return value


def order_token(order: RectificationOrder) -> str:
    """The edit token of the step an order's page offers: its status and round. A
    reopened order comes back to 整改 and 回访评价, so the status alone would let a page
    of the first round act in the second."""
    return edit_token([order.status, order.reopened])


def _lock(order: RectificationOrder | int, seen: str | None = None) -> RectificationOrder:
    """The order, locked; refused when ``seen`` (an ``order_token`` a page showed) is no
    longer its step: a colleague has acted since."""
    pk = getattr(order, "pk", order)
    order = (
        RectificationOrder.objects.select_for_update(of=("self",))
        .select_related(
            "application__item_version", "application__applicant", "department", "hall", "clock"
        )
        .get(pk=pk)
    )
    if seen is not None and seen != order_token(order):
        raise FeedbackError(STALE_MESSAGE, code="stale")
    return order


def _require_owner(actor, order: RectificationOrder) -> None:
    if not owns(actor, order):
        raise FeedbackPermissionDenied(
            "只有负责整改的单位（受理大厅的窗口人员或责任部门的审批人员）可以办理该整改单。"
        )


def _require_supervisor(actor, order: RectificationOrder) -> None:
    if not supervises(actor, order):
        raise FeedbackPermissionDenied("只有督查该部门的督查人员可以裁定。")


def _record(
    order: RectificationOrder,
    action: str,
    *,
    actor=None,
    source: str = "",
    message: str = "",
    **details,
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        at=timezone.now(),
        action=action,
        from_status=source,
        to_status=order.status if source else "",
        actor=actor,
        actor_role=actor_role(actor, order.application),
        message=message,
        details=details,
    )


def order_url(order: RectificationOrder) -> str:
    return reverse("feedback:order", args=[order.pk])


def visit_url(order: RectificationOrder) -> str:
    return reverse("feedback:order_visit", args=[order.pk])


def _subject(order: RectificationOrder) -> str:
    application = order.application
    return (
        f"{application.case_number or f'#{application.pk}'}“{application.item_version.name}”"
        f"{Stage(order.stage).label}"
    )


def _tell(users, order: RectificationOrder, title: str, body: str) -> None:
    """One message to each of ``users``, written in one INSERT."""
    reference = (order.application.case_number or "")[:40]
    url = order_url(order)
    notify_many(
        Message(recipient_id=user.pk, title=title, body=body, url=url, reference=reference)
        for user in users
    )


def _tell_owners(order, title, body) -> None:
    _tell(owner_users(order), order, title, body)


def _tell_supervisors(order, title, body) -> None:
    _tell(supervisors_of(order.department_id), order, title, body)


def _start_clock(order: RectificationOrder, days: int, on: datetime.date):
    return clock_start(
        kind=ClockKind.RECTIFICATION,
        department=order.department,
        budget_days=days,
        started_on=on,
        application=order.application,
    )


def _stop_clock(order: RectificationOrder, on: datetime.date, result: str = "") -> None:
    """Stop the running clock; a 督办 the sweep opened on it is done with the step."""
    if order.clock_id and order.clock.is_open:
        clock_stop(clock=order.clock, on=on)
        Escalation.objects.filter(clock_id=order.clock_id, status=EscalationStatus.OPEN).update(
            status=EscalationStatus.RESOLVED,
            result=(result or "整改单已办结")[:300],
            resolved_at=timezone.now(),
            updated_at=timezone.now(),
        )


def _close(order: RectificationOrder, outcome: str) -> None:
    order.outcome = outcome
    order.closed_at = timezone.now()
    _stop_clock(order, timezone.localdate())


# --- opening --------------------------------------------------------------------------


#: The rated service as its order needs it (the stage, the unit, the window and the
#: case's number and item), compiled once per process: every 差评 opens an order in its rating's
#: request, and compiling this join cost more than running it.
_ORDER_SOURCE = PreparedQuery(
    lambda pk: (
        ServiceInstance.objects.select_related(
            "department", "hall", "application__item_version__department"
        )
        .only(
            "stage",
            "window_id",
            "department__name",
            "hall__name",
            "application__case_number",
            "application__item_version__name",
            "application__item_version__department__name",
        )
        .filter(pk=pk)
    )
)


@transaction.atomic
def order_open(*, rating: Rating) -> RectificationOrder:
    """The order of a 差评, owned by the unit that handled the rated service, with its
    callback clock running: the hall of the window for a service given at a window (an
    intake, or a 即办件 concluded there on the spot), else the deciding department. A
    rating that has one already gets it back."""
    existing = RectificationOrder.objects.filter(rating_id=rating.pk).first()
    if existing is not None:
        return existing
    if rating.is_default or rating.level not in BAD_LEVELS:
        raise FeedbackError("只有差评生成整改单。", code="not_bad")
    (instance,) = _ORDER_SOURCE(rating.instance_id)
    application = instance.application
    order = RectificationOrder(
        rating=rating,
        application=application,
        stage=instance.stage,
        department=instance.department or application.item_version.department,
        hall=instance.hall if handling_hall_id(instance) is not None else None,
        status=OrderStatus.CALLBACK,
    )
    order.clock = _start_clock(order, settings.FEEDBACK_CALLBACK_DAYS, timezone.localdate())
    order.save()
    reasons = "、".join(reason_labels(rating.reasons))
    level = choice_label(Level, rating.level)
    _record(
        order,
        OrderAction.OPENED,
        message=f"{level}：{reasons}" + (f"。{rating.text}" if rating.text else ""),
        clock=order.clock_id,
        level=rating.level,
    )
    _tell_owners(
        order,
        "收到差评，请回访核实",
        f"{_subject(order)}收到差评（{level}，{reasons}），请在 "
        f"{settings.FEEDBACK_CALLBACK_DAYS} 个工作日内回访核实。",
    )
    return order


def reason_labels(codes) -> list[str]:
    return [str(Reason(code).label) if code in Reason.values else code for code in codes or []]


def open_order_on_bad_rating(sender, rating, **kwargs) -> None:
    """Receiver of ``bad_rating_recorded``: the order, in the rating's transaction."""
    order_open(rating=rating)


# --- the unit's steps -------------------------------------------------------------------


@transaction.atomic
def order_call_back(
    *,
    order: RectificationOrder | int,
    actor: User,
    finding: str,
    note: str,
    seen: str | None = None,
) -> RectificationOrder:
    """回访核实: the unit has called the citizen and verified; the rectification clock
    starts."""
    order = _lock(order, seen)
    _require_owner(actor, order)
    finding = _choice(finding, Finding, "请选择核实结论。")
    note = _text(note, "请填写回访核实情况。", label="回访核实情况")
    source = move(order, OrderMove.CALL_BACK)
    today = timezone.localdate()
    _stop_clock(order, today, "已回访核实（逾期）")
    order.clock = _start_clock(order, settings.FEEDBACK_RECTIFY_DAYS, today)
    order.finding, order.callback_note, order.called_back_at = finding, note, timezone.now()
    order.save()
    _record(
        order,
        OrderMove.CALL_BACK,
        actor=actor,
        source=source,
        message=f"{Finding(finding).label}：{note}",
        clock=order.clock_id,
    )
    return order


@transaction.atomic
def order_reply(
    *, order: RectificationOrder | int, actor: User, text: str, seen: str | None = None
) -> RectificationOrder:
    """整改答复: the unit tells the citizen what it did (in-portal and SMS); the order waits
    for the citizen's rating of the fix."""
    order = _lock(order, seen)
    _require_owner(actor, order)
    text = _text(text, "请填写整改情况和答复内容。", label="整改答复")
    source = move(order, OrderMove.REPLY)
    _stop_clock(order, timezone.localdate(), "已整改并答复群众（逾期）")
    order.reply, order.replied_at = text, timezone.now()
    order.save()
    _record(order, OrderMove.REPLY, actor=actor, source=source, message=text)
    application = order.application
    online = application.applicant.user_id is not None
    applicant_notify(
        application,
        title="差评整改答复",
        body=(
            f"您对办件 {_subject(order)}的评价，{order.owner_name}已整改：{text}"
            + (
                "请登录平台对整改结果作出评价。"
                if online
                else "工作人员将电话回访，请您对整改结果作出评价。"
            )
        ),
        url=visit_url(order) if online else "",
        reference=(application.case_number or "")[:40],
    )
    return order


@transaction.atomic
def order_visit(
    *,
    order: RectificationOrder | int,
    actor: User,
    level: str,
    note: str = "",
    seen: str | None = None,
) -> ReturnVisit:
    """回访评价: the citizen's rating of the fix, given online by the applicant or
    recorded by the unit after a telephone return visit. 满意/基本满意 closes the order;
    the first 不满意 reopens it (a new rectification clock, the supervisors told); a
    second 不满意 sends it to a supervisor to rule."""
    order = _lock(order, seen)
    application = order.application
    by_citizen = actor is not None and application.applicant.user_id == actor.pk
    if not by_citizen:
        _require_owner(actor, order)
    level = _choice(level, VisitLevel, VISIT_CHOOSE)
    note = _text(note, "", label="回访记录", required=False)
    if order.status != OrderStatus.VISIT:
        raise FeedbackError(
            f"整改单当前状态（{OrderStatus(order.status).label}）下不能登记回访评价。",
            code="transition",
        )
    visit = ReturnVisit.objects.create(
        order=order,
        round=2 if order.reopened else 1,
        level=level,
        channel=VisitChannel.ONLINE if by_citizen else VisitChannel.PHONE,
        note=note,
        recorded_by=actor,
        at=timezone.now(),
    )
    label = VisitLevel(level).label
    if level != VisitLevel.UNSATISFIED:
        action = OrderMove.SATISFIED
        source = move(order, action)
        _close(order, OrderOutcome.SATISFIED)
    elif not order.reopened:
        action = OrderMove.REOPEN
        source = move(order, action)
        order.reopened = True
        order.clock = _start_clock(order, settings.FEEDBACK_RECTIFY_DAYS, timezone.localdate())
    else:
        action = OrderMove.REFER
        source = move(order, action)
    order.save()
    _record(
        order,
        action,
        actor=actor,
        source=source,
        message=f"回访评价：{label}" + (f"。{note}" if note else ""),
        level=level,
        channel=visit.channel,
        round=visit.round,
        **({"clock": order.clock_id} if action == OrderMove.REOPEN else {}),
    )
    if action == OrderMove.REOPEN:
        body = (
            f"{_subject(order)}的差评整改回访不满意，已重新整改（{settings.FEEDBACK_RECTIFY_DAYS} "
            f"个工作日），整改单位：{order.owner_name}。"
        )
        _tell_supervisors(order, "差评整改回访不满意，已重新整改", body)
        _tell_owners(order, "差评整改回访不满意，请重新整改", body)
    elif action == OrderMove.REFER:
        body = f"{_subject(order)}的差评经重新整改后回访仍不满意，请督查人员裁定。"
        _tell_supervisors(order, "差评整改再次不满意，请裁定", body)
        _tell_owners(order, "差评整改再次不满意，已提请督查裁定", body)
    return visit


@transaction.atomic
def order_rule(
    *, order: RectificationOrder | int, actor: User, text: str, seen: str | None = None
) -> RectificationOrder:
    """督查裁定: after a second 不满意, a supervisor rules and closes the order."""
    order = _lock(order, seen)
    _require_supervisor(actor, order)
    text = _text(text, "请填写裁定意见。", label="裁定意见")
    source = move(order, OrderMove.RULE)
    order.ruling = text
    _close(order, OrderOutcome.RULED)
    order.save()
    _record(order, OrderMove.RULE, actor=actor, source=source, message=text)
    _tell_owners(order, "差评整改已裁定", f"{_subject(order)}的差评整改，督查裁定：{text}")
    applicant_notify(
        order.application,
        title="差评整改裁定结果",
        body=f"您对办件 {_subject(order)}的评价，经督查裁定：{text}",
        reference=(order.application.case_number or "")[:40],
    )
    return order


# --- appeals (申诉复核) ----------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *, order: RectificationOrder | int, actor: User, kind: str, reason: str, evidence
) -> Appeal:
    """The owning unit asks a supervisor to rule the 差评 mistaken or malicious, with
    evidence (PDF, JPEG or PNG, checked by content). One appeal per order, while open."""
    order = _lock(order)
    _require_owner(actor, order)
    kind = _choice(kind, AppealKind, "请选择申诉类型（误评或恶意评价）。")
    reason = _text(reason, "请填写申诉理由。", label="申诉理由")
    if not order.is_open:
        raise FeedbackError("整改单已办结，不能再申诉。", code="transition")
    if Appeal.objects.filter(order=order).exists():
        raise FeedbackError("该差评已申诉过，每个差评只能申诉一次。", code="duplicate")
    if not evidence:
        raise FeedbackError("请上传证明材料（PDF、JPEG 或 PNG）。", code="required")
    try:
        content_type = check_upload(evidence)
    except IntakeError as error:  # the portal's one content check of uploads
        raise FeedbackError(error.messages[0], code=error.code) from error
    appeal = Appeal.objects.create(
        order=order,
        kind=kind,
        reason=reason,
        evidence=evidence,
        evidence_name=(evidence.name or "证明材料")[:200],
        evidence_type=content_type,
        filed_by=actor,
    )
    _record(
        order,
        OrderAction.APPEAL_FILED,
        actor=actor,
        message=f"{AppealKind(kind).label}：{reason}",
        appeal=appeal.pk,
    )
    _tell(
        supervisors_of(order.department_id),
        order,
        "差评申诉待复核",
        f"{order.owner_name}对{_subject(order)}的差评提出申诉（{AppealKind(kind).label}），请复核。",
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal | int, actor: User, accept: bool, reason: str) -> Appeal:
    """A supervisor rules on an appeal, with reasons. Accepted: the rating is excluded
    from the figures (kept in the record) and the order closes; rejected: the order
    goes on."""
    pk = getattr(appeal, "pk", appeal)
    order_id = Appeal.objects.values_list("order_id", flat=True).get(pk=pk)
    order = _lock(order_id)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=pk)
    _require_supervisor(actor, order)
    reason = _text(reason, "请填写复核意见。", label="复核意见")
    move(appeal, AppealMove.ACCEPT if accept else AppealMove.REJECT)
    appeal.decided_by, appeal.decision_reason, appeal.decided_at = actor, reason, timezone.now()
    appeal.save()
    if accept:
        Rating.objects.filter(pk=order.rating_id).update(excluded=True, updated_at=timezone.now())
        _record(order, OrderAction.APPEAL_ACCEPTED, actor=actor, message=reason, appeal=appeal.pk)
        if order.is_open:
            source = move(order, OrderMove.APPEAL_UPHELD)
            _close(order, OrderOutcome.EXCLUDED)
            order.save()
            _record(order, OrderMove.APPEAL_UPHELD, actor=actor, source=source, message=reason)
        title, verdict = "差评申诉成立", "申诉成立，该差评不计入统计"
    else:
        _record(order, OrderAction.APPEAL_REJECTED, actor=actor, message=reason, appeal=appeal.pk)
        title, verdict = "差评申诉不成立", "申诉不成立，请继续整改"
    _tell_owners(order, title, f"{_subject(order)}：{verdict}。复核意见：{reason}")
    return appeal


# --- 回头看 -------------------------------------------------------------------------------

#: The 回头看 form's key (``FormSubmission.purpose``) and the refusal of its second post.
REVIEW_PURPOSE = "feedback.review_batch"
REVIEW_ALREADY = "该回头看表单已提交过，未重复开展。"


@transaction.atomic
def review_batch_open(
    *,
    actor: User,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    submission=None,
) -> ReviewBatch:
    """A supervisor's 回头看 over the unsatisfied cases of a period in their scope: the
    差评 rated in it and the orders with an unsatisfied return visit in it (appealed
    away ones left out). One entry per order. Once per form key ``submission`` (None:
    not checked; a second post raises ``DuplicateSubmission`` naming the first batch)."""
    submission_claim(submission, user=actor, purpose=REVIEW_PURPOSE, message=REVIEW_ALREADY)
    scope = supervised_scope(actor)
    if scope is None:
        raise FeedbackPermissionDenied("只有督查人员可以开展回头看。")
    title = _text(title, "请填写回头看名称。", label="名称")
    if len(title) > 100:
        raise FeedbackError(f"名称过长：最多 100 字，现有 {len(title)} 字。", code="too_long")
    if not period_start or not period_end or period_end < period_start:
        raise FeedbackError("请填写起止日期，截止日期不能早于起始日期。", code="invalid")
    orders = RectificationOrder.objects.filter(scope).filter(rating__excluded=False)
    unsatisfied = set(
        orders.filter(
            visits__level=VisitLevel.UNSATISFIED,
            visits__at__date__gte=period_start,
            visits__at__date__lte=period_end,
        ).values_list("pk", flat=True)
    )
    rated = set(
        orders.filter(
            rating__rated_at__date__gte=period_start, rating__rated_at__date__lte=period_end
        ).values_list("pk", flat=True)
    )
    if not unsatisfied | rated:
        raise FeedbackError("该期间内没有差评或回访不满意的办件。", code="empty")
    batch = ReviewBatch.objects.create(
        title=title, period_start=period_start, period_end=period_end, opened_by=actor
    )
    ReviewEntry.objects.bulk_create(
        ReviewEntry(
            batch=batch,
            order_id=pk,
            source=ReviewSource.UNSATISFIED_VISIT if pk in unsatisfied else ReviewSource.BAD_RATING,
        )
        for pk in sorted(unsatisfied | rated)
    )
    submission_record(submission, batch)
    return batch


def review_entry_token(entry: ReviewEntry) -> str:
    """The edit token of a 回头看 entry's result as a page shows it: a result may be
    corrected while the batch is open, so two supervisors may record the same entry."""
    return edit_token([entry.status, entry.result, entry.note])


@transaction.atomic
def review_entry_record(
    *, entry: ReviewEntry | int, actor: User, result: str, note: str, seen: str | None = None
) -> ReviewEntry:
    """The result of following one case of a batch; the batch is done when every entry
    has one. Refused when ``seen`` (a ``review_entry_token`` a page showed) is no longer
    the entry's: someone recorded it since (None: not checked)."""
    pk = getattr(entry, "pk", entry)
    batch_id = ReviewEntry.objects.values_list("batch_id", flat=True).get(pk=pk)
    batch = ReviewBatch.objects.select_for_update(of=("self",)).get(pk=batch_id)
    entry = ReviewEntry.objects.select_related("order").get(pk=pk)
    if not supervises(actor, entry.order):
        raise FeedbackPermissionDenied("只有督查该部门的督查人员可以登记回头看结果。")
    if seen is not None and seen != review_entry_token(entry):
        raise FeedbackError(STALE_MESSAGE, code="stale")
    if batch.status != ReviewBatchStatus.OPEN:
        raise FeedbackError("该批回头看已完成，不能再登记。", code="transition")
    result = _choice(result, ReviewResult, REVIEW_CHOOSE)
    note = _text(note, "请填写跟踪情况。", label="跟踪情况")
    move(entry, ReviewEntryMove.RECORD)
    entry.result, entry.note, entry.checked_by, entry.checked_at = (
        result,
        note,
        actor,
        timezone.now(),
    )
    entry.save()
    if not batch.entries.filter(status=ReviewEntryStatus.PENDING).exists():
        batch.status, batch.closed_at = ReviewBatchStatus.CLOSED, timezone.now()
        batch.save(update_fields=["status", "closed_at", "updated_at"])
    return entry


# --- the sweep's hook -------------------------------------------------------------------


def clock_owners_for(clock_ids: list[int]) -> dict[int, ClockOwner]:
    """For approvals' sweep (``approvals.clock_owners``): the unit that answers for each
    rectification clock (a hall's clerks, or a department's approvers) and its name in
    the warnings and 督办 records. A few queries whatever the number of clocks."""
    orders = list(
        RectificationOrder.objects.filter(clock_id__in=clock_ids).select_related(
            "application__item_version", "hall", "department"
        )
    )
    halls = {order.hall_id for order in orders if order.hall_id}
    clerks: dict[int, list[User]] = {}
    for user in (
        User.objects.filter(
            is_active=True, groups__name=Role.CLERK, staff_profile__window__hall_id__in=halls
        )
        .select_related("staff_profile__window")
        .distinct()
        .order_by("pk")
    ):
        clerks.setdefault(user.staff_profile.window.hall_id, []).append(user)
    approvers = approvers_by_department(
        {order.department_id for order in orders if not order.hall_id}
    )
    owners = {}
    for order in orders:
        label = "回访核实时限" if order.status == OrderStatus.CALLBACK else "整改时限"
        if order.hall_id:
            key, users = f"hall:{order.hall_id}", clerks.get(order.hall_id, [])
        else:
            key, users = f"department:{order.department_id}", approvers.get(order.department_id, [])
        owners[order.clock_id] = ClockOwner(
            key=key,
            name=order.owner_name,
            subject=f"差评整改单 #{order.pk}（{_subject(order)}）{label}",
            recipients=tuple(users),
            url=order_url(order),
        )
    return owners
