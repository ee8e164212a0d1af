"""Deadline clocks (行政许可法 art. 42-45, 82): stored, not scheduled.

A clock stores its start, its budget in working days, approved extensions and a
ledger of pauses; its due date is derived from them with the working-day calendar
(``approvals.services.clocks.clock_derive``) and stored, with the day its light turns
yellow, so that the minute sweep is two indexed, set-based UPDATEs whose cost follows
the rows that change, not the rows that exist.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.calendar import working_days_between
from jinpu_portal.models import TimeStampedModel, acting_user, optional_foreign_key

from ..constants import ClockKind, Light, PauseKind


class Clock(TimeStampedModel):
    application = optional_foreign_key(
        "intake.Application",
        _("办件"),
        on_delete=models.CASCADE,
        related_name="clocks",
        db_index=False,  # Meta.indexes' (application, kind) leads with it
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ClockKind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="clocks",
    )
    started_on = models.DateField(_("起算日期"), help_text=_("时限自次日起按工作日计算"))
    budget_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("延长（工作日）"), default=0)
    paused_days = models.PositiveSmallIntegerField(
        _("暂停（工作日）"), default=0, help_text=_("已结束的暂停所占工作日，由暂停记录推导")
    )
    paused_since = models.DateField(_("暂停开始"), null=True, blank=True)
    stopped_on = models.DateField(_("停止日期"), null=True, blank=True)
    is_open = models.BooleanField(_("计时中"), default=True)
    due_date = models.DateField(_("到期日期"))
    yellow_from = models.DateField(_("黄灯日期"))
    light = models.PositiveSmallIntegerField(_("亮灯"), choices=Light.choices, default=Light.GREEN)
    warned_level = models.PositiveSmallIntegerField(
        _("已预警级别"), choices=Light.choices, default=Light.GREEN
    )

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(kind__in=["promised", "statutory"]),
                name="clock_one_case_clock_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(yellow_from__lte=models.F("due_date")), name="clock_yellow_before_due"
            ),
            models.CheckConstraint(
                condition=Q(is_open=True) | Q(stopped_on__isnull=False),
                name="clock_stopped_has_date",
            ),
        ]
        indexes = [
            # The sweep's two UPDATEs: green clocks reaching yellow, open clocks overdue.
            models.Index(
                fields=["yellow_from"],
                name="clock_sweep_yellow",
                condition=Q(is_open=True, paused_since__isnull=True, light=0),
            ),
            models.Index(
                fields=["due_date"],
                name="clock_sweep_red",
                condition=Q(is_open=True, paused_since__isnull=True, light__lt=2),
            ),
            models.Index(fields=["application", "kind"]),
            # Supervision's lights board: the few open clocks that are yellow or red.
            models.Index(
                fields=["department", "light"],
                name="clock_lit",
                condition=Q(is_open=True, light__gt=0),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def paused_days_left(self) -> int | None:
        """For an open paused clock, the working days left, frozen from the first day of
        the pause until the clock runs again (negative: working days overdue already
        when it paused); else None. Its due date is no answer meanwhile: it moves by
        the working days the pause lasts, so it is not known yet."""
        if not self.is_open or self.paused_since is None:
            return None
        return working_days_between(self.paused_since, self.due_date)

    @property
    def paused_left(self) -> str:
        """For an open paused clock, what its pages show instead of the due date
        (``paused_days_left`` in words: "剩余 5 个工作日，恢复后顺延"); else ""."""
        days = self.paused_days_left
        if days is None:
            return ""
        if days < 0:
            return f"已超期 {-days} 个工作日，恢复后继续计算"
        if days == 0:
            return "恢复计时当日到期"
        return f"剩余 {days} 个工作日，恢复后顺延"


class ClockPause(models.Model):
    """Time that does not count: a supplement, or a special procedure (art. 45)."""

    clock = models.ForeignKey(
        Clock, verbose_name=_("时限"), on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("暂停类型"), max_length=16, choices=PauseKind.choices)
    reason = models.CharField(_("原因或依据"), max_length=300)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    expected_days = models.PositiveSmallIntegerField(
        _("预计所需时间（工作日）"), null=True, blank=True
    )
    result = models.CharField(_("结果"), max_length=300, blank=True)
    created_by = acting_user(_("发起人"))

    class Meta:
        verbose_name = _("时限暂停")
        verbose_name_plural = _("时限暂停")
        ordering = ["clock", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock"],
                condition=Q(ended_on__isnull=True),
                name="clockpause_one_running",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="clockpause_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or '至今'}"
