"""Enums of the hall (取号叫号): window states, ticket states and sources, priority groups
(绿色通道), appointment states and the kinds of ticket event. Models, services, the API
and the pages share them."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowState(models.TextChoices):
    """A window's state in the queue: only an OPEN window calls tickets."""

    OPEN = "open", _("开放")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("关闭")


class TicketStatus(models.TextChoices):
    """A ticket's life: WAITING → CALLED → SERVING → DONE; CALLED → NO_SHOW (过号) after
    three calls, which may be re-queued once (WAITING again, at the back); a transfer to
    another window or category puts a CALLED or SERVING ticket back to WAITING for its
    new target (the event records it); CANCELLED when the person leaves or a desk
    cancels it.

    The day's close (日终清号, ``hall.services.dayclose``) ends every ticket of an earlier
    day still open: WAITING or CALLED → EXPIRED (已失效: not served that day, whether
    called or not); SERVING → DONE with no end time (the service happened, its length
    is unknown: it counts as served, in no average)."""

    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")
    NO_SHOW = "no_show", _("过号")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已失效")


#: The states of a ticket still in the hall's queue or at a window.
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)
#: The states of a ticket a window is busy with.
AT_WINDOW_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("自助取号机")
    DESK = "desk", _("导服台")
    APPOINTMENT = "appointment", _("预约签到")


class PriorityGroup(models.TextChoices):
    """绿色通道: served first once a clerk has seen the proof (``confirm_priority``)."""

    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    MILITARY = "military", _("军人及退役军人")
    PREGNANT = "pregnant", _("孕晚期孕妇")
    ILL = "ill", _("重病患者")
    RESCUE = "rescue", _("消防救援人员")


class Lane(models.IntegerChoices):
    """The order of service (``call_next``): a confirmed 绿色通道 ticket first, then an
    appointment whose slot has begun, then first come first served. Stored on the
    ticket so the queue is one ordered index scan; an appointment checked in before its
    slot waits in APPOINTMENT lane but counts as due only from its slot's start."""

    PRIORITY = 0, _("绿色通道")
    APPOINTMENT = 1, _("预约")
    NORMAL = 2, _("普通")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已签到")
    LATE = "late", _("迟到，按普通号取号")
    CANCELLED = "cancelled", _("已取消")


class TicketAction(models.TextChoices):
    """Every act on a ticket is one ``TicketEvent`` row of one of these kinds."""

    ISSUED = "issued", _("取号")
    CHECKED_IN = "checked_in", _("预约签到取号")
    PRIORITY_CLAIMED = "priority_claimed", _("申请绿色通道")
    PRIORITY_CONFIRMED = "priority_confirmed", _("确认绿色通道")
    CALLED = "called", _("叫号")
    RECALLED = "recalled", _("重呼")
    NO_SHOW = "no_show", _("过号")
    REQUEUED = "requeued", _("过号重排")
    TRANSFERRED = "transferred", _("转移")
    STARTED = "started", _("开始办理")
    APPLICATION = "application", _("关联办件")
    ENDED = "ended", _("办理结束")
    CANCELLED = "cancelled", _("取消")
    NEAR_SMS = "near_sms", _("即将到号短信")
    BOOKED = "booked", _("预约")
    BOOKING_CANCELLED = "booking_cancelled", _("取消预约")
    DAY_CLOSED = "day_closed", _("日终清号")


class WindowAction(models.TextChoices):
    """Window acts, recorded as ticket events without a ticket (the audit of a hall)."""

    OPENED = "window_opened", _("窗口开放")
    PAUSED = "window_paused", _("窗口暂停")
    CLOSED = "window_closed", _("窗口关闭")
    SEATED = "window_seated", _("人员入座")
    CATEGORIES = "window_categories", _("调整窗口业务")


#: How many calls before a clerk may mark a ticket 过号.
NO_SHOW_CALLS = 3
#: The SMS is sent when this many people are ahead.
NEAR_AHEAD = 3
#: An appointment slot lasts this many minutes.
SLOT_MINUTES = 30
#: The half-hour slots of a working day (the halls' hours: 8:30–11:30, 13:00–17:00).
SLOT_STARTS = tuple(
    datetime.time(hour, minute)
    for hour, minute in [
        (8, 30), (9, 0), (9, 30), (10, 0), (10, 30), (11, 0),
        (13, 0), (13, 30), (14, 0), (14, 30), (15, 0), (15, 30), (16, 0), (16, 30),
    ]
)  # fmt: skip
#: A wait longer than this counts as over time in the figures.
LONG_WAIT_MINUTES = 30
