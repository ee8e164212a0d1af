"""Appointments (预约): booking and cancelling a half-hour slot online, and checking in
at the kiosk.

* ``appointment_book``: a signed-in citizen with a verified identity books for
  themselves (name, ID number and mobile from their identity); a clerk of the hall
  books for someone by name, ID number and mobile (a telephone booking). The slot must
  be one of ``SLOT_STARTS`` on a working day of the catalog calendar, from today to
  ``HALL_APPOINTMENT_DAYS`` ahead, not begun yet; at most the category's
  ``appointment_limit`` per slot (checked with the category row locked, so the last
  place is never sold twice) and one live appointment (booked, checked in or late) per
  person, category and day: a second one while the first is still to check in is
  refused (``booked``), and so is one after the check-in (``checked_in``), which would
  give the person a second ticket of the same service that day (the next visit that day
  is a ticket taken at the hall, without an appointment); a partial unique index on the
  live ones backs both, also against a writer past this service. A cancelled one frees
  the day. The person gets the code in an
  in-portal message (and SMS from the outbox) or, booked at the desk, by SMS.
* ``appointment_cancel``: the booker or a clerk of the hall, before the slot begins.
* ``appointment_check_in``: the code typed or scanned at the kiosk on the day: a
  ticket in the appointment lane, served from the slot's start (``call_next``); more
  than ``HALL_APPOINTMENT_GRACE_MINUTES`` after the slot began it becomes a normal
  ticket (first come, first served) and the appointment is marked late.
"""

import datetime
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from catalog.calendar import is_working_day
from jinpu_portal.dates import date_text, month_day_text
from jinpu_portal.notifications import notify
from jinpu_portal.submissions import submission_claim, submission_record

from ..constants import SLOT_STARTS, AppointmentStatus, Lane, TicketAction, TicketSource
from ..errors import HallError, HallPermissionDenied
from ..models import Appointment, ServiceCategory
from .base import (
    clean_id_number,
    clean_mobile,
    clerk_hall_id,
    is_manager,
    log_act,
    refused,
    signed_in,
)
from .tickets import ALREADY, PURPOSE, IssuedTicket, issue

#: Appointment codes: 8 characters without look-alikes (0/O, 1/I).
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: The statuses that take a place in a slot.
LIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.LATE)


def slot_start(day: datetime.date, slot: datetime.time) -> datetime.datetime:
    """The moment a slot begins, in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, slot))


def bookable_days(today: datetime.date | None = None) -> list[datetime.date]:
    """The working days from ``today`` to ``HALL_APPOINTMENT_DAYS`` ahead."""
    today = today or timezone.localdate()
    return [
        day
        for day in (
            today + datetime.timedelta(days=offset)
            for offset in range(settings.HALL_APPOINTMENT_DAYS + 1)
        )
        if is_working_day(day)
    ]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "").replace("-", "")


def _log(appointment: Appointment, action: str, *, at, actor: User, **details) -> None:
    """Record one act on ``appointment`` (an appointment's acts are events without a
    ticket)."""
    log_act(appointment.hall_id, action, at=at, actor=actor, appointment=appointment.pk, **details)


def _who(actor: User, hall_id: int, name: str, id_number: str, mobile: str):
    """(citizen or None, name, id number, mobile) of the person the booking is for."""
    if actor is None or not actor.is_authenticated:
        raise HallPermissionDenied("请先登录后预约。")
    if actor.has_role(Role.CITIZEN) and clerk_hall_id(actor) is None:
        citizen = getattr(actor, "citizen", None)
        if citizen is None or not citizen.is_verified:
            raise HallError("请先完成实名认证后再预约。", code="not_verified")
        return citizen, citizen.name, citizen.id_number, clean_mobile(mobile or citizen.phone)
    if clerk_hall_id(actor) == hall_id or is_manager(actor):
        name = (name or "").strip()
        if not name or len(name) > 50:
            raise HallError("请填写预约人姓名（不超过 50 个字）。", code="invalid")
        number = clean_id_number(id_number)
        if not number:
            raise HallError("请填写预约人的公民身份号码。", code="invalid")
        return None, name, number, clean_mobile(mobile)
    raise refused("只有办事群众本人或本大厅的工作人员可以预约。", actor)


def _refuse_second(live, id_number: str) -> None:
    """Refuse a second live appointment of the person (``live``: the category's of the
    day): ``booked`` while theirs is still to check in, ``checked_in`` after it was."""
    mine = live.filter(id_number=id_number).values_list("status", flat=True).first()
    if mine == AppointmentStatus.BOOKED:
        raise HallError("您当天已预约该业务，请勿重复预约。", code="booked")
    if mine is not None:
        raise HallError(
            "您当天已凭预约签到取号办理该业务，不能再预约；如需再次办理，请到大厅直接取号。",
            code="checked_in",
        )


@transaction.atomic
def appointment_book(
    *,
    category_id: int,
    day: datetime.date,
    slot: datetime.time,
    actor: User,
    name: str = "",
    id_number: str = "",
    mobile: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book ``slot`` of ``day`` for ``category_id``. Raises HallError (``inactive``,
    ``not_working_day``, ``slot_past``, ``slot_full``, ``booked``, ``checked_in``,
    ``invalid``, ``not_verified``) or HallPermissionDenied, with Chinese messages."""
    now = now or timezone.now()
    category = (
        ServiceCategory.objects.select_for_update()
        .select_related("hall")
        .filter(pk=category_id, is_active=True)
        .first()
    )
    if category is None:
        raise HallError("该业务类别不存在或已停用。", code="inactive")
    if category.appointment_limit == 0:
        raise HallError(f"“{category.name}”不接受预约，请直接到大厅取号。", code="inactive")
    citizen, name, id_number, mobile = _who(actor, category.hall_id, name, id_number, mobile)
    today = timezone.localdate(now)
    if day < today or day > today + datetime.timedelta(days=settings.HALL_APPOINTMENT_DAYS):
        raise HallError(
            f"只能预约今天起 {settings.HALL_APPOINTMENT_DAYS} 天内的工作日。", code="invalid"
        )
    if not is_working_day(day):
        raise HallError(f"{date_text(day)}不是工作日，请选择其他日期。", code="not_working_day")
    if slot not in SLOT_STARTS:
        raise HallError("请选择办公时间内的半小时时段。", code="invalid")
    if slot_start(day, slot) <= now:
        raise HallError("该时段已开始或已过去，请选择其他时段。", code="slot_past")
    live = Appointment.objects.filter(category=category, day=day, status__in=LIVE_STATUSES)
    # The person's live one of the day, read under the category's lock (taken above), as
    # every booking of the category: a check-in only turns a booked one into a live one.
    _refuse_second(live, id_number)
    if live.filter(slot=slot).count() >= category.appointment_limit:
        raise HallError(f"{slot:%H:%M} 时段已约满，请选择其他时段。", code="slot_full")
    appointment = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    hall_id=category.hall_id,
                    category=category,
                    day=day,
                    slot=slot,
                    citizen=citizen,
                    booked_by=actor,
                    name=name,
                    mobile=mobile,
                    id_number=id_number,
                    code=_new_code(),
                )
            break
        except IntegrityError:
            # The partial unique index on live ones (a writer past this service), or the
            # code taken: tried again with another code.
            _refuse_second(live, id_number)
    if appointment is None:
        raise HallError("预约码生成失败，请重试。", code="conflict")
    _log(
        appointment,
        TicketAction.BOOKED,
        at=now,
        actor=actor,
        category=category.pk,
        day=day.isoformat(),
        slot=slot.strftime("%H:%M"),
    )
    body = (
        f"您已预约{category.hall.name}“{category.name}”，"
        f"{month_day_text(day)} {slot:%H:%M} 起的半小时内办理。"
        f"预约码 {appointment.code}，请凭预约码在大厅自助取号机签到取号；"
        f"迟到超过 {settings.HALL_APPOINTMENT_GRACE_MINUTES} 分钟按普通号排队。"
    )
    notify(
        recipient=citizen.user_id if citizen is not None else None,
        phone=mobile,
        title="预约成功",
        body=body,
        reference=appointment.code,
    )
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment | int, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Cancel a booked appointment before its slot begins (the booker, the person it is
    for, or a clerk of the hall)."""
    now = now or timezone.now()
    pk = getattr(appointment, "pk", appointment)
    appointment = Appointment.objects.select_for_update().filter(pk=pk).first()
    if appointment is None:
        raise HallError("未找到该预约。", code="not_found")
    own = actor.is_authenticated and (
        appointment.booked_by_id == actor.pk
        or (
            appointment.citizen_id is not None
            and getattr(getattr(actor, "citizen", None), "pk", None) == appointment.citizen_id
        )
    )
    if not (own or clerk_hall_id(actor) == appointment.hall_id or is_manager(actor)):
        raise refused("只能取消本人的预约。", actor)
    if appointment.status != AppointmentStatus.BOOKED:
        raise HallError(f"该预约{appointment.get_status_display()}，不能取消。", code="state")
    if slot_start(appointment.day, appointment.slot) <= now:
        raise HallError("预约时段已开始，不能取消。", code="slot_past")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_at", "updated_at"])
    _log(appointment, TicketAction.BOOKING_CANCELLED, at=now, actor=actor)
    return appointment


@transaction.atomic
def appointment_check_in(
    *,
    code: str,
    hall_id: int | None = None,
    actor: User | None = None,
    now: datetime.datetime | None = None,
    submission=None,
) -> IssuedTicket:
    """Check in with an appointment code at the kiosk (or desk) of ``hall_id``: a ticket
    of the appointment's category, in the appointment lane from the slot's start, or a
    normal ticket when more than the grace period late. Raises HallError
    ``appointment`` (unknown, cancelled, used, another day or hall). ``submission``: the
    ticket page's form key or the API's request key, as for ``ticket_issue``: its second
    post raises ``DuplicateSubmission`` naming the first post's ticket."""
    submission_claim(submission, user=signed_in(actor), purpose=PURPOSE, message=ALREADY)
    now = now or timezone.now()
    code = normalize_code(code)
    appointment = (
        Appointment.objects.select_for_update().filter(code=code).first() if code else None
    )
    if appointment is None:
        raise HallError("预约码无效，请核对后重新输入。", code="appointment")
    if hall_id is not None and appointment.hall_id != hall_id:
        raise HallError("该预约不是本大厅的预约，请到预约的大厅签到。", code="appointment")
    if appointment.status != AppointmentStatus.BOOKED:
        raise HallError(
            f"该预约{appointment.get_status_display()}，不能再签到。", code="appointment"
        )
    if appointment.day != timezone.localdate(now):
        raise HallError(
            f"该预约的日期是{month_day_text(appointment.day)}，请在预约当天签到。",
            code="appointment",
        )
    start = slot_start(appointment.day, appointment.slot)
    late = now > start + datetime.timedelta(minutes=settings.HALL_APPOINTMENT_GRACE_MINUTES)
    issued = issue(
        category_id=appointment.category_id,
        actor=actor,
        source=TicketSource.APPOINTMENT,
        now=now,
        id_number=appointment.id_number,
        mobile=appointment.mobile,
        lane=Lane.NORMAL if late else Lane.APPOINTMENT,
        due_at=None if late else start,
        appointment=appointment,
        hall_id=appointment.hall_id,
    )
    appointment.status = AppointmentStatus.LATE if late else AppointmentStatus.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    submission_record(submission, issued.ticket)
    return issued
