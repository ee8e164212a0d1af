"""The queue of a hall: business categories, the windows' seats, the daily number
counters, tickets and their events.

* ``ServiceCategory``: a business category of one hall with its letter (A 企业登记, B 工程
  建设 …), the catalog items it covers, the appointment limit per half-hour slot and a
  default service time (the expected wait uses today's measured average once there is
  one). Data an administrator edits.
* ``WindowSeat``: one row per window that takes part in the queue (primary key = the
  window): its state (open, paused, closed), the clerk seated there now and the
  categories it serves.
* ``DayCounter``: the last number issued per hall, category and day, moved by one
  ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (gap-free, never twice: the row lock
  serialises the issuers of one category, nobody else). It also rolls up the day's
  served tickets and their service seconds, and the tickets waiting now per lane, so
  the people ahead and the expected wait of a new ticket cost no query of the queue.
* ``Ticket``: one number of one day. ``lane`` (绿色通道 confirmed, appointment, normal)
  and ``queued_at`` order the queue; ``due_at`` is an appointment's slot start.
* ``TicketEvent``: every act (issue, call, recall, 过号, re-queue, transfer, start, end,
  window acts …), with the hall on the row: the newest event id of a hall is the change
  marker the display and the panels poll (one index lookup).

ID numbers are stored as accounts stores them (``Citizen.id_number``: normalised,
plain, shown masked except to the clerk who checks the ID card).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.validators import mask_identity_number
from jinpu_portal.models import (
    AppendOnlyModel,
    TimeStampedModel,
    acting_user,
    optional_foreign_key,
    optional_one_to_one,
)

from ..constants import Lane, PriorityGroup, TicketAction, TicketSource, TicketStatus, WindowState


class ServiceCategory(TimeStampedModel):
    hall = models.ForeignKey(
        "accounts.Hall",
        verbose_name=_("大厅"),
        on_delete=models.PROTECT,
        related_name="service_categories",
    )
    letter = models.CharField(
        _("号码字头"), max_length=2, help_text=_("取号号码的字母前缀，如 A、B、C")
    )
    name = models.CharField(_("业务类别"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        verbose_name=_("包含的事项"),
        blank=True,
        related_name="hall_categories",
    )
    appointment_limit = models.PositiveSmallIntegerField(
        _("每时段预约上限"),
        default=4,
        help_text=_("每半小时时段可预约的人数；0 表示不接受预约"),
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("预计办理时长（分钟）"),
        default=10,
        help_text=_("当天尚无办结记录时用于估算等候时间"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=10)

    class Meta:
        verbose_name = _("业务类别")
        verbose_name_plural = _("业务类别")
        ordering = ["hall_id", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "letter"], name="hall_category_unique_letter"),
            models.CheckConstraint(
                condition=Q(letter__regex=r"^[A-Z]{1,2}$"), name="hall_category_letter_upper"
            ),
        ]

    def __str__(self):
        return f"{self.letter} {self.name}"


class WindowSeat(TimeStampedModel):
    """A window's place in the queue. A window without a seat row is closed."""

    window = models.OneToOneField(
        "accounts.Window",
        verbose_name=_("窗口"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="seat",
    )
    hall = models.ForeignKey(
        "accounts.Hall",
        verbose_name=_("大厅"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("与窗口的大厅相同，冗余以便按大厅查询"),
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=WindowState.choices, default=WindowState.CLOSED
    )
    clerk = optional_foreign_key(
        settings.AUTH_USER_MODEL,
        _("在岗人员"),
        on_delete=models.SET_NULL,
        related_name="hall_seats",
    )
    categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("办理的业务类别"), blank=True, related_name="seats"
    )
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("窗口叫号设置")
        verbose_name_plural = _("窗口叫号设置")
        ordering = ["hall_id", "window__number"]
        constraints = [
            # A clerk sits at one window at a time.
            models.UniqueConstraint(
                fields=["clerk"], condition=Q(clerk__isnull=False), name="hall_seat_one_per_clerk"
            ),
        ]

    def __str__(self):
        return f"{self.window_id} {self.get_state_display()}"


class DayCounter(models.Model):
    """The last number of a hall's category on a day, and the day's rollups: tickets
    served, their service seconds, and the tickets waiting now in each lane."""

    hall = models.ForeignKey(
        "accounts.Hall", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (category, day) leads with it
    )
    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("最后号码"), default=0)
    served = models.PositiveIntegerField(_("已办结"), default=0)
    service_seconds = models.BigIntegerField(_("办理总秒数"), default=0)
    # The day's tickets of the category waiting now, per lane (hall.services.waiting):
    # the people ahead of a new ticket without counting the queue.
    waiting_priority = models.IntegerField(_("等候（绿色通道）"), default=0)
    waiting_appointment = models.IntegerField(_("等候（预约）"), default=0)
    waiting_normal = models.IntegerField(_("等候（普通）"), default=0)

    class Meta:
        verbose_name = _("每日号码")
        verbose_name_plural = _("每日号码")
        constraints = [
            models.UniqueConstraint(fields=["category", "day"], name="hall_counter_one_per_day"),
        ]

    def __str__(self):
        return f"{self.category_id} {self.day} {self.last}"


class Ticket(TimeStampedModel):
    """One number of one day (``label`` A012). ``created_at`` is when it was issued.

    Issuing is the hall's hot path: the table keeps only the indexes its reads need
    (foreign keys that no query filters on carry none; the partial indexes cost nothing
    for rows outside their condition)."""

    hall = models.ForeignKey(
        "accounts.Hall",
        verbose_name=_("大厅"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (hall, day, label) leads with it
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("业务类别"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read through the partial index of the waiting tickets
    )
    day = models.DateField(_("日期"))
    number = models.PositiveIntegerField(_("序号"))
    label = models.CharField(_("号码"), max_length=8)
    # Unique through a constraint, not ``unique=True``: on PostgreSQL that would add a
    # second (LIKE) index that no query uses (the token is only ever matched whole).
    token = models.CharField(
        _("查询令牌"), max_length=32, help_text=_("扫码查看排队进度的公开链接")
    )
    source = models.CharField(
        _("取号方式"), max_length=16, choices=TicketSource.choices, default=TicketSource.KIOSK
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    lane = models.PositiveSmallIntegerField(_("队列"), choices=Lane.choices, default=Lane.NORMAL)
    queued_at = models.DateTimeField(_("排队时间"), help_text=_("过号重排时更新为重排时间"))
    due_at = models.DateTimeField(_("预约时段开始"), null=True, blank=True)
    priority = models.CharField(
        _("绿色通道"), max_length=12, choices=PriorityGroup.choices, blank=True
    )
    priority_confirmed_by = optional_foreign_key(
        settings.AUTH_USER_MODEL, _("绿色通道确认人"), related_name="+", db_index=False
    )
    priority_confirmed_at = models.DateTimeField(_("绿色通道确认时间"), null=True, blank=True)
    appointment = optional_one_to_one(
        "hall.Appointment", _("预约"), on_delete=models.SET_NULL, related_name="ticket"
    )
    id_number = models.CharField(_("公民身份号码"), max_length=18, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    target_window = optional_foreign_key(
        "accounts.Window",
        _("指定窗口"),
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("转移到指定窗口的，只由该窗口叫号"),
        db_index=False,
    )
    window = optional_foreign_key(
        "accounts.Window",
        _("叫号窗口"),
        related_name="+",
        db_index=False,  # the partial index of the tickets at windows
    )
    clerk = optional_foreign_key(
        settings.AUTH_USER_MODEL, _("叫号人员"), related_name="+", db_index=False
    )
    call_count = models.PositiveSmallIntegerField(_("叫号次数"), default=0)
    first_called_at = models.DateTimeField(_("首次叫号时间"), null=True, blank=True)
    called_at = models.DateTimeField(_("最近叫号时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("办理结束时间"), null=True, blank=True)
    requeued = models.BooleanField(_("已过号重排"), default=False)
    transfers = models.PositiveSmallIntegerField(_("转移次数"), default=0)
    near_notified_at = models.DateTimeField(_("到号提醒时间"), null=True, blank=True)
    application = optional_foreign_key(
        "intake.Application", _("办件"), on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["-day", "hall_id", "label"]
        constraints = [
            # A label (letter + number) is issued once per hall and day; it stays with
            # the ticket when a transfer changes its category.
            models.UniqueConstraint(
                fields=["hall", "day", "label"], name="hall_ticket_unique_label"
            ),
            models.UniqueConstraint(fields=["token"], name="hall_ticket_unique_token"),
            models.CheckConstraint(
                condition=Q(priority_confirmed_at__isnull=True) | ~Q(priority=""),
                name="hall_ticket_confirmed_has_group",
            ),
        ]
        indexes = [
            # The queue: the waiting tickets of a hall in the order they are called.
            models.Index(
                fields=["hall", "lane", "queued_at", "id"],
                name="hall_ticket_waiting",
                condition=Q(status="waiting"),
            ),
            # People ahead and the waiting count per category.
            models.Index(
                fields=["category", "queued_at"],
                name="hall_ticket_waiting_cat",
                condition=Q(status="waiting"),
            ),
            # The display's recent calls and a window's current ticket.
            models.Index(
                fields=["hall", "-called_at"],
                name="hall_ticket_called",
                condition=Q(called_at__isnull=False),
            ),
            models.Index(
                fields=["window"],
                name="hall_ticket_at_window",
                condition=Q(status__in=["called", "serving"]),
            ),
            # An application's deletion finds its tickets (none at issue: no upkeep).
            models.Index(
                fields=["application"],
                name="hall_ticket_application",
                condition=Q(application__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.label}（{self.day:%m-%d}）"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number) if self.id_number else ""

    @property
    def priority_confirmed(self) -> bool:
        return self.priority_confirmed_at is not None


class TicketEvent(AppendOnlyModel):
    """One act on a ticket or a window. Append-only; ``id`` orders a hall's changes."""

    hall = models.ForeignKey(
        "accounts.Hall",
        verbose_name=_("大厅"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the marker's (hall, -id) leads with it
    )
    ticket = optional_foreign_key(
        Ticket,
        _("排队号"),
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # (ticket, id) leads with it
    )
    action = models.CharField(_("环节"), max_length=20)
    at = models.DateTimeField(_("时间"))
    actor = acting_user(_("操作人"))
    window = optional_foreign_key(
        "accounts.Window", _("窗口"), on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("叫号记录")
        verbose_name_plural = _("叫号记录")
        ordering = ["-id"]
        indexes = [
            # The change marker: the newest event of a hall.
            models.Index(fields=["hall", "-id"], name="hall_event_marker"),
            models.Index(fields=["ticket", "id"], name="hall_event_ticket"),
        ]

    def __str__(self):
        return f"{self.label} {self.at:%H:%M:%S}"

    @property
    def label(self) -> str:
        """The act's label: a ticket's or a window's (the field has no choices of its own)."""
        from ..constants import WindowAction

        for choices in (TicketAction, WindowAction):
            if self.action in choices.values:
                return str(choices(self.action).label)
        return self.action
