"""Rollup tables of supervision (监督管理): the figures of the cases, ratings and hall
tickets per day and per month, and the refresher's bookkeeping.

Every row is derived: ``supervision.refresh`` rebuilds a day's rows from intake's
``CaseEvent`` record (and feedback's ratings, the hall's tickets) and a month's rows
from its days; nothing else writes them. Pages read them through
``supervision.rollups`` (the tickets' through ``supervision.hall_figures``).

One row per period (``day``: the local day, or the first day of the month) and
combination of the dimensions a page filters by: hall (受理大厅, none online), the item's
implementing department (实施部门), the channel (综窗办/网上办/自助办) and the delegated
unit that accepted it nearby (就近受理单位, none at the centre); the ``Item`` tables add
the item (a thousand items multiply the rows: pages read them only when they filter or
group by item). The foreign
keys have no database constraint (``db_constraint=False``): a rollup never holds a row
back, and a deleted row of the record is simply rebuilt away.

The ratings have a second pair of levels, ``RatingServiceDay`` / ``RatingServiceMonth``,
keyed by the rated service instead (hall, department, window, staff member, service
stage and the rating's channel): what the 好差评 page groups by besides month, item,
department and hall.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinpu_portal.files import RandomName
from jinpu_portal.models import acting_user, optional_foreign_key


def _dimension(model: str, label: str):
    return optional_foreign_key(
        model, label, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


class Period(models.Model):
    """The period of a row: the local day, or the first day of the month."""

    day = models.DateField(_("日期"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} {self.day:%Y-%m-%d}"


class Dimensions(Period):
    """The period and the dimensions every level has (all but the item)."""

    hall = _dimension("accounts.Hall", _("大厅"))
    department = _dimension("accounts.Department", _("部门"))
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    unit = _dimension("accounts.Department", _("就近受理单位"))

    #: the dimension fields, in the order rows are grouped by them
    DIMENSIONS = ("hall", "department", "channel", "unit")

    class Meta:
        abstract = True


class ItemDimensions(Dimensions):
    """The per-item level: the same with the item (more rows; read when a page filters
    or groups by item)."""

    item = _dimension("catalog.ServiceItem", _("事项"))

    DIMENSIONS = ("hall", "department", "item", "channel", "unit")

    class Meta:
        abstract = True


def _counted(counts):
    """Class decorator of an abstract counts model: ``COUNTS`` names its count fields,
    summed over rows (all the fields it declares but the ``GROUP_EXTRA`` ones that
    group rows), in the order declared. It reads ``GROUP_EXTRA`` once, on the class it
    decorates: a subclass that declared its own would need the decorator again."""
    counts.COUNTS = tuple(
        field.name for field in counts._meta.local_fields if field.name not in counts.GROUP_EXTRA
    )
    return counts


@_counted
class CaseCounts(models.Model):
    """The case figures of one period and combination (the events of the period)."""

    received = models.PositiveIntegerField(_("收件"), default=0)
    accepted = models.PositiveIntegerField(_("受理"), default=0)
    deemed_accepted = models.PositiveIntegerField(_("逾期视为受理"), default=0)
    corrected = models.PositiveIntegerField(_("一次性告知补正"), default=0)
    refused = models.PositiveIntegerField(_("不予受理"), default=0)
    concluded = models.PositiveIntegerField(_("办结"), default=0)
    immediate = models.PositiveIntegerField(_("即办件办结"), default=0)
    on_time = models.PositiveIntegerField(_("按时办结"), default=0)
    early = models.PositiveIntegerField(_("提前办结"), default=0)
    overdue = models.PositiveIntegerField(_("超期办结"), default=0)
    one_visit = models.PositiveIntegerField(_("一次办结"), default=0)
    days_total = models.PositiveIntegerField(_("受理至办结工作日合计"), default=0)
    promised_total = models.PositiveIntegerField(_("承诺时限合计"), default=0)
    statutory_total = models.PositiveIntegerField(_("法定时限合计"), default=0)

    GROUP_EXTRA: tuple[str, ...] = ()

    class Meta:
        abstract = True


@_counted
class DurationCounts(models.Model):
    """How many cases concluded in the period took ``days`` working days from
    acceptance to conclusion (the distribution, not only the mean)."""

    days = models.PositiveSmallIntegerField(_("受理至办结工作日"))
    cases = models.PositiveIntegerField(_("办件数"), default=0)

    GROUP_EXTRA = ("days",)

    class Meta:
        abstract = True


@_counted
class RatingCounts(models.Model):
    """feedback.figures.Counts of the ratings rated in the period (the instance's hall,
    department and item; the case's channel and delegated unit)."""

    rated = models.PositiveIntegerField(_("评价数"), default=0)
    good = models.PositiveIntegerField(_("好评数"), default=0)
    active = models.PositiveIntegerField(_("主动评价数"), default=0)
    active_good = models.PositiveIntegerField(_("主动好评数"), default=0)
    bad = models.PositiveIntegerField(_("差评数"), default=0)
    defaulted = models.PositiveIntegerField(_("默认评价数"), default=0)
    rectified = models.PositiveIntegerField(_("已整改差评数"), default=0)
    visited = models.PositiveIntegerField(_("已回访差评数"), default=0)
    replied = models.PositiveIntegerField(_("已答复整改单"), default=0)
    rectify_days = models.PositiveIntegerField(_("整改工作日合计"), default=0)

    GROUP_EXTRA: tuple[str, ...] = ()

    class Meta:
        abstract = True


def _indexes(prefix: str, item: bool) -> list[models.Index]:
    indexes = [
        models.Index(fields=["day"], name=f"sup_{prefix}_day"),
        models.Index(fields=["department", "day"], name=f"sup_{prefix}_dept"),
    ]
    if item:
        indexes.append(models.Index(fields=["item", "day"], name=f"sup_{prefix}_item"))
    return indexes


# Case figures: per day and per month, without and with the item.


class CaseDay(Dimensions, CaseCounts):
    class Meta:
        verbose_name = _("办件日汇总")
        verbose_name_plural = _("办件日汇总")
        indexes = _indexes("case_day", False)


class CaseMonth(Dimensions, CaseCounts):
    class Meta:
        verbose_name = _("办件月汇总")
        verbose_name_plural = _("办件月汇总")
        indexes = _indexes("case_month", False)


class CaseItemDay(ItemDimensions, CaseCounts):
    class Meta:
        verbose_name = _("办件事项日汇总")
        verbose_name_plural = _("办件事项日汇总")
        indexes = _indexes("case_item_day", True)


class CaseItemMonth(ItemDimensions, CaseCounts):
    class Meta:
        verbose_name = _("办件事项月汇总")
        verbose_name_plural = _("办件事项月汇总")
        indexes = _indexes("case_item_month", True)


# The distribution of working days taken.


class DurationDay(Dimensions, DurationCounts):
    class Meta:
        verbose_name = _("办结用时日汇总")
        verbose_name_plural = _("办结用时日汇总")
        indexes = _indexes("duration_day", False)


class DurationMonth(Dimensions, DurationCounts):
    class Meta:
        verbose_name = _("办结用时月汇总")
        verbose_name_plural = _("办结用时月汇总")
        indexes = _indexes("duration_month", False)


class DurationItemDay(ItemDimensions, DurationCounts):
    class Meta:
        verbose_name = _("办结用时事项日汇总")
        verbose_name_plural = _("办结用时事项日汇总")
        indexes = _indexes("duration_item_day", True)


class DurationItemMonth(ItemDimensions, DurationCounts):
    class Meta:
        verbose_name = _("办结用时事项月汇总")
        verbose_name_plural = _("办结用时事项月汇总")
        indexes = _indexes("duration_item_month", True)


# Ratings (feedback.figures.Counts).


class RatingDay(Dimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价日汇总")
        verbose_name_plural = _("评价日汇总")
        indexes = _indexes("rating_day", False)


class RatingMonth(Dimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价月汇总")
        verbose_name_plural = _("评价月汇总")
        indexes = _indexes("rating_month", False)


class RatingItemDay(ItemDimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价事项日汇总")
        verbose_name_plural = _("评价事项日汇总")
        indexes = _indexes("rating_item_day", True)


class RatingItemMonth(ItemDimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价事项月汇总")
        verbose_name_plural = _("评价事项月汇总")
        indexes = _indexes("rating_item_month", True)


# Ratings per service: the window, staff member, service stage and rating channel
# (评价渠道) the 好差评 page groups by, with the instance's hall and department (the
# feedback scope's two dimensions). Its own dimensions: none of the case's.


class ServiceDimensions(Period):
    """The period and the rated service instance's dimensions (feedback's
    ``ServiceInstance``: hall, department, window, staff member and stage) with the
    rating's own channel (评价渠道: pad, web, SMS..., not the case's channel)."""

    hall = _dimension("accounts.Hall", _("大厅"))
    department = _dimension("accounts.Department", _("部门"))
    window = _dimension("accounts.Window", _("窗口"))
    staff = _dimension(settings.AUTH_USER_MODEL, _("被评价人"))
    stage = models.CharField(_("服务环节"), max_length=16)
    rating_channel = models.CharField(_("评价渠道"), max_length=16)

    DIMENSIONS = ("hall", "department", "window", "staff", "stage", "rating_channel")

    class Meta:
        abstract = True


class RatingServiceDay(ServiceDimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价服务日汇总")
        verbose_name_plural = _("评价服务日汇总")
        indexes = _indexes("rating_service_day", False)


class RatingServiceMonth(ServiceDimensions, RatingCounts):
    class Meta:
        verbose_name = _("评价服务月汇总")
        verbose_name_plural = _("评价服务月汇总")
        indexes = _indexes("rating_service_month", False)


# The hall's tickets (取号叫号), by the ticket's hall and day and its linked case's
# department, item, channel and unit (none for a ticket served for no case).


@_counted
class HallCounts(models.Model):
    """The tickets of the period: the sums behind hall.selectors.period_figures (the
    averages are ``wait_total / called`` and ``service_total / timed``)."""

    issued = models.PositiveIntegerField(_("取号"), default=0)
    waiting = models.PositiveIntegerField(_("等候中"), default=0)
    served = models.PositiveIntegerField(_("办理完成"), default=0)
    no_show = models.PositiveIntegerField(_("过号"), default=0)
    expired = models.PositiveIntegerField(_("已失效"), default=0)
    called = models.PositiveIntegerField(_("已叫号"), default=0)
    wait_total = models.DurationField(_("等候时长合计"), default=datetime.timedelta)
    long_waits = models.PositiveIntegerField(_("等候超时"), default=0)
    timed = models.PositiveIntegerField(_("计时的办理完成"), default=0)
    service_total = models.DurationField(_("办理时长合计"), default=datetime.timedelta)

    GROUP_EXTRA: tuple[str, ...] = ()

    class Meta:
        abstract = True


class HallDay(ItemDimensions, HallCounts):
    class Meta:
        verbose_name = _("排队日汇总")
        verbose_name_plural = _("排队日汇总")
        indexes = [
            *_indexes("hall_day", True),
            models.Index(fields=["hall", "day"], name="sup_hall_day_hall"),
        ]


class HallMonth(ItemDimensions, HallCounts):
    class Meta:
        verbose_name = _("排队月汇总")
        verbose_name_plural = _("排队月汇总")
        indexes = _indexes("hall_month", True)


class RollupState(models.Model):
    """The refresher's bookkeeping (one row): how far it has read each append-only
    source, and the working-day calendar its working-day sums were computed with."""

    event_mark = models.BigIntegerField(_("已读办件事件"), default=0)
    rating_mark = models.BigIntegerField(_("已读评价"), default=0)
    order_mark = models.BigIntegerField(_("已读整改单事件"), default=0)
    ticket_mark = models.BigIntegerField(_("已读叫号记录"), default=0)
    calendar = models.JSONField(_("工作日历快照"), default=dict, blank=True)
    built = models.BooleanField(_("已全量生成"), default=False)
    halls_built = models.BooleanField(_("排队汇总已全量生成"), default=False)
    services_built = models.BooleanField(_("评价服务汇总已全量生成"), default=False)
    refreshed_at = models.DateTimeField(_("最近刷新"), null=True, blank=True)

    class Meta:
        verbose_name = _("汇总刷新状态")
        verbose_name_plural = _("汇总刷新状态")

    def __str__(self):
        return f"汇总刷新状态（{self.refreshed_at or '未刷新'}）"


# --- Generated reports ---------------------------------------------------------------------


class ReportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


#: The states of a report still being made: one per year and scope at a time.
REPORT_ACTIVE = (ReportState.QUEUED, ReportState.RUNNING)


class AnnualReport(models.Model):
    """An annual report (年度报告) requested by a supervisor: the PDF of a year's figures
    over a scope (the district, or a set of departments), made by a Celery task
    (``supervision.tasks.annual_report_build``) that records its progress here.

    ``scope_key`` names the scope (``district``, or ``d:`` and a hash of the sorted
    department ids kept in ``departments``): one report per year and scope is queued or
    running at a time (a partial unique index). The file is served only by
    ``supervision.views.annual`` to supervisors who may see the scope."""

    year = models.PositiveSmallIntegerField(_("年度"))
    scope_key = models.CharField(_("范围标识"), max_length=40)
    departments = models.JSONField(_("范围部门"), null=True, blank=True, help_text=_("空：全区"))
    scope_label = models.CharField(_("范围"), max_length=200)
    requested_by = acting_user(_("申请人"), on_delete=models.SET_NULL)
    state = models.CharField(
        _("状态"), max_length=8, choices=ReportState.choices, default=ReportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    file = models.FileField(_("PDF 文件"), upload_to=RandomName("supervision/reports"), blank=True)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("最近更新"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "scope_key"],
                condition=models.Q(state__in=["queued", "running"]),
                name="annual_report_one_active",
            )
        ]
        indexes = [models.Index(fields=["scope_key", "-created_at"], name="annual_report_scope")]

    def __str__(self):
        return f"{self.year} 年度报告（{self.scope_label}）"

    @property
    def active(self) -> bool:
        return self.state in REPORT_ACTIVE
