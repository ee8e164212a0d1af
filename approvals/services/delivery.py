"""统一出件: the result reaches the applicant the way they chose when applying
(``Application.delivery_method``).

- window: any comprehensive window of either hall hands it over (两厅通办); the clerk
  records who received it;
- post (线上物流): the clerk records the tracking number when the result is handed to
  the courier; that is the recorded delivery (the model has no "in transit" status);
- electronic: the applicant downloads the result document; the first download by the
  applicant is the delivery.

The ``Delivery`` row is created when the case concludes (approvals.services.conclusion),
or, for a 即办件 concluded on the spot at the counter, delivered there and then
(``delivery_on_the_spot``; ``on_the_spot_backfill`` for those concluded before).
"""

import re

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from accounts.validators import normalize_identity_number, validate_resident_id
from intake.constants import CaseAction, CaseStatus, DeliveryMethod, NoticeStatus
from intake.models import Application, CaseEvent, Notice
from intake.selectors import application_list_for
from intake.services.cases import clerk_window
from intake.services.contact import applicant_notify
from intake.states import actor_role as role_of
from intake.states import event_append, record_event
from jinpu_portal.dates import datetime_text

from ..constants import ApprovalEvent, DeliveryStatus
from ..errors import ApprovalError, ApprovalPermissionDenied, TaskConflict
from ..models import Delivery
from ..selectors import result_notice
from ..states import DeliveryMove, move
from .common import lock_case, person

_TRACKING = re.compile(r"^[A-Za-z0-9-]{8,40}$")


def _lock_delivery(delivery: Delivery | int) -> tuple[Delivery, Application]:
    pk = getattr(delivery, "pk", delivery)
    application_id = Delivery.objects.values_list("application_id", flat=True).get(pk=pk)
    application = lock_case(application_id)
    delivery = Delivery.objects.select_for_update().get(pk=pk)
    if application.status != CaseStatus.CONCLUDED:
        raise ApprovalError("办件尚未办结，没有可送达的结果。", code="not_concluded")
    if delivery.status == DeliveryStatus.DELIVERED:
        raise TaskConflict(
            f"该办件结果已于 {datetime_text(delivery.delivered_at)} 送达"
            f"（经办人 {person(delivery.delivered_by)}），不能重复登记。"
        )
    return delivery, application


def _require_result_ready(application: Application) -> Notice:
    notice = result_notice(application)
    if notice is None or notice.status != NoticeStatus.READY:
        raise ApprovalError("结果文书正在生成，请稍后再试。", code="not_ready")
    return notice


def _delivered(delivery: Delivery, application: Application, actor, message: str, **details):
    move(delivery, DeliveryMove.DELIVER)
    delivery.delivered_at = timezone.now()
    delivery.delivered_by = actor
    delivery.save(
        update_fields=[
            "status",
            "delivered_at",
            "delivered_by",
            "window",
            "recipient_name",
            "tracking_number",
            "updated_at",
        ]
    )
    record_event(
        application,
        ApprovalEvent.DELIVERED,
        actor=actor,
        message=message[:300],
        window=delivery.window,
        hall=delivery.window.hall if delivery.window_id else None,
        method=delivery.method,
        **details,
    )


def _check_recipient(application: Application, name: str, id_number: str) -> None:
    """The recipient's ID card against the case: the applicant or the registered agent."""
    number = normalize_identity_number(id_number or "")
    if not number:
        raise ApprovalError("请核验领取人身份证件，并填写其公民身份号码。", code="recipient_id")
    try:
        validate_resident_id(number)
    except ValidationError as error:
        raise ApprovalError(error.messages[0], code="recipient_id") from error
    entitled = [application.applicant]
    if application.agent_id:
        entitled.append(application.agent)
    holder = next((p for p in entitled if p.id_number == number), None)
    if holder is None:
        raise ApprovalError(
            "领取人证件号码与该办件的申请人（经办人）及登记的代办人均不一致，不能出件。"
            "请核对身份证件；他人代领须持申请人的授权委托书，由窗口登记代办人后再领取。",
            code="recipient_mismatch",
        )
    if holder.name != name:
        raise ApprovalError(
            f"领取人姓名与证件号码不一致（该号码登记为 {holder.name}），请核对身份证件。",
            code="recipient_name",
        )


#: The 结果送达 event's message of a 即办件's result handed over on the spot.
ON_THE_SPOT_MESSAGE = "即办件当场办结，办理结果在窗口当场交付"


def on_the_spot_rows(
    application, *, actor_id: int | None, actor_role: str, at, apps=global_apps, **details
) -> tuple[Delivery, CaseEvent]:
    """The two rows (unsaved) recording that a 即办件 concluded on the spot at the
    counter had its result handed over at that window at the moment of conclusion,
    whatever delivery the application named: a delivered window pick-up and its 结果送达
    event, at ``at`` (the conclusion's moment, the same day: it adds no visit to
    一次办结), by the clerk who concluded it, with no recipient (the counter checked who
    applied, not who took the result).

    The one builder of those rows, for the receiver of ``case_concluded``
    (``delivery_on_the_spot``) and for the cases concluded before it recorded them
    (``on_the_spot_backfill``, run by migration approvals 0009 with its historical
    models: ``apps`` is the registry the models come from). ``details`` go to the
    event's details after the receiver's own."""
    delivery = apps.get_model("approvals", "Delivery")(
        application_id=application.pk,
        method=DeliveryMethod.WINDOW,
        window_id=application.window_id,
        delivered_at=at,
        delivered_by_id=actor_id,
    )
    move(delivery, DeliveryMove.DELIVER)
    event = apps.get_model("intake", "CaseEvent")(
        application_id=application.pk,
        at=at,
        action=ApprovalEvent.DELIVERED,
        actor_id=actor_id,
        actor_role=actor_role,
        channel=application.channel,
        hall_id=application.hall_id,
        window_id=application.window_id,
        message=ON_THE_SPOT_MESSAGE,
        details={"method": delivery.method, "on_the_spot": True, **details},
    )
    return delivery, event


def delivery_on_the_spot(*, application: Application, actor: User | None) -> Delivery:
    """即办件: concluded on the spot at the counter (intake's ``case_concluded``, inside
    the accepting transaction, which holds the case's lock and collects its events), its
    result is handed over at that window there and then (``on_the_spot_rows``)."""
    delivery, event = on_the_spot_rows(
        application,
        actor_id=actor.pk if actor is not None else None,
        actor_role=role_of(actor, application),
        at=application.concluded_at or timezone.now(),
    )
    delivery.save()
    event_append(application, event)
    return delivery


def on_the_spot_backfill(apps=global_apps, *, batch_size: int = 1000) -> int:
    """The rows ``delivery_on_the_spot`` writes, for every 即办件 concluded on the spot
    without them: those concluded before the receiver recorded the hand-over (and any
    imported so). Each is dated at its conclusion and names who concluded it, in the
    role the conclusion's event records; the event says it was recorded afterwards
    (``backfilled``). Batches of ``batch_size`` cases, each read afresh (the cases with
    a delivery now drop out); idempotent. Returns how many were recorded."""
    CaseEvent = apps.get_model("intake", "CaseEvent")
    Delivery = apps.get_model("approvals", "Delivery")
    missing = (
        CaseEvent.objects.filter(
            action=CaseAction.CONCLUDE_IMMEDIATELY,
            application__status=CaseStatus.CONCLUDED,
            application__delivery__isnull=True,
        )
        .select_related("application")
        .order_by("application_id", "at", "id")
    )
    made = 0
    while batch := list(missing[:batch_size]):
        rows = {}
        for conclusion in batch:  # a case's first conclusion, should it have two
            application = conclusion.application
            rows.setdefault(
                application.pk,
                on_the_spot_rows(
                    application,
                    actor_id=conclusion.actor_id,
                    actor_role=conclusion.actor_role,
                    at=application.concluded_at or conclusion.at,
                    apps=apps,
                    backfilled=True,
                ),
            )
        Delivery.objects.bulk_create(delivery for delivery, _ in rows.values())
        CaseEvent.objects.bulk_create(event for _, event in rows.values())
        made += len(rows)
    return made


@transaction.atomic
def delivery_hand_over(
    *, delivery: Delivery, actor: User, recipient_name: str, recipient_id_number: str = ""
) -> Delivery:
    """窗口领取: a clerk at any window hands the result over to the applicant (经办人) or
    the agent registered on the case (代办人), after checking the ID card the recipient
    shows: the number typed from it must be theirs, and the name must match it."""
    window = clerk_window(actor)
    delivery, application = _lock_delivery(delivery)
    if delivery.method != DeliveryMethod.WINDOW:
        raise ApprovalError("该办件选择的不是窗口领取。", code="method")
    recipient_name = (recipient_name or "").strip()
    if not recipient_name:
        raise ApprovalError("请填写领取人姓名（本人或持委托书的代领人）。", code="recipient")
    if len(recipient_name) > 50:
        raise ApprovalError("领取人姓名过长。", code="recipient")
    _check_recipient(application, recipient_name, recipient_id_number)
    _require_result_ready(application)
    delivery.window = window
    delivery.recipient_name = recipient_name
    _delivered(
        delivery,
        application,
        actor,
        f"{window}窗口出件，领取人：{recipient_name}",
        recipient=recipient_name,
    )
    applicant_notify(
        application,
        title="办理结果已领取",
        body=f"“{application.item_version.name}”（{application.case_number}）的办理结果已于"
        f"{window}由{recipient_name}领取。",
        reference=application.case_number or "",
    )
    return delivery


@transaction.atomic
def delivery_post(*, delivery: Delivery, actor: User, tracking_number: str) -> Delivery:
    """邮寄送达 (线上物流): the clerk hands the result to the courier and records the number."""
    window = clerk_window(actor)
    delivery, application = _lock_delivery(delivery)
    if delivery.method != DeliveryMethod.POST:
        raise ApprovalError("该办件选择的不是邮寄送达。", code="method")
    tracking_number = (tracking_number or "").strip().upper()
    if not _TRACKING.match(tracking_number):
        raise ApprovalError("请填写正确的快递单号（8–40 位字母、数字）。", code="tracking")
    _require_result_ready(application)
    delivery.window = window
    delivery.tracking_number = tracking_number
    _delivered(
        delivery,
        application,
        actor,
        f"结果文书已交寄，快递单号 {tracking_number}",
        tracking_number=tracking_number,
    )
    applicant_notify(
        application,
        title="办理结果已寄出",
        body=f"“{application.item_version.name}”（{application.case_number}）的办理结果已寄往"
        f"{delivery.address}，快递单号 {tracking_number}。",
        reference=application.case_number or "",
    )
    return delivery


def may_download_result(application: Application, user: User) -> bool:
    """Whoever intake lets see the case (``intake.selectors.application_list_for``): the
    applicant, whoever may act for the applying enterprise in this item, the clerks, and
    the supervisors watching its department (a scoped supervisor no other)."""
    return application_list_for(user=user).filter(pk=application.pk).exists()


@transaction.atomic
def result_download(*, application: Application, actor: User) -> Notice:
    """The result document for download; the applicant's first download of an electronic
    delivery records it as delivered (电子送达)."""
    application = lock_case(application)
    if not may_download_result(application, actor):
        raise ApprovalPermissionDenied("只能下载本人（本企业）办件的结果文书。")
    if application.status != CaseStatus.CONCLUDED:
        raise ApprovalError("办件尚未办结，暂无结果文书。", code="not_concluded")
    notice = _require_result_ready(application)
    delivery = Delivery.objects.select_for_update().filter(application=application).first()
    is_applicant_side = not (actor.has_role(Role.CLERK) or actor.has_role(Role.SUPERVISOR))
    if (
        delivery is not None
        and delivery.method == DeliveryMethod.ELECTRONIC
        and delivery.status == DeliveryStatus.PENDING
        and is_applicant_side
    ):
        delivery.recipient_name = person(actor)
        _delivered(
            delivery,
            application,
            actor,
            f"申请人在线下载结果文书（电子送达）：{notice.number}",
            notice=notice.number,
        )
    return notice
