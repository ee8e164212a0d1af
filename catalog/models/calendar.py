"""The working-day calendar: dated exceptions to Monday-Friday (行政许可法 art. 82)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinpu_portal.generation_cache import NotifyingManager
from jinpu_portal.models import TimeStampedModel

from ..constants import CalendarDayKind, CalendarSource


class CalendarYear(TimeStampedModel):
    """A year whose holidays and adjusted working days have been entered.

    Days of a year without a row here fall back to Monday-Friday, loudly.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )
    note = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("如国务院办公厅通知文号")
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年"


class CalendarDay(TimeStampedModel):
    """One exception: a weekday off (holiday) or a weekend day worked (调休)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日名称"), max_length=50, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )

    objects = NotifyingManager()

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
