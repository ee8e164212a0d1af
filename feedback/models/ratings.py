"""Service instances (一次一评) and their ratings.

A *service instance* is one act of service a citizen may rate on its own (GB/T
39734-2020): the window's intake of a case (the clerk and the window are evaluated) and
the case's conclusion (the deciding department). It is created by feedback's receivers
of intake's and approvals' signals, with the dimensions the figures roll up by (item,
department, hall, window, staff) copied onto it, so that a figure is one grouped query
over this table and its rating. An instance holds at most one rating: the citizen's,
or the default 基本满意 recorded when the rating period ends unrated.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinpu_portal.models import TimeStampedModel, optional_foreign_key

from ..constants import InstanceState, Level, PushStatus, RatingChannel, Stage


class ServiceInstance(TimeStampedModel):
    application = models.ForeignKey(
        "intake.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="service_instances",
        db_index=False,  # the unique (application, stage) leads with it
    )
    stage = models.CharField(_("服务环节"), max_length=16, choices=Stage.choices)
    item = models.ForeignKey(
        "catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+"
    )
    department = optional_foreign_key(
        "accounts.Department",
        _("责任部门"),
        related_name="+",
        help_text=_("办结服务：作出决定的部门；受理服务：受理单位"),
    )
    hall = optional_foreign_key("accounts.Hall", _("大厅"), related_name="+")
    window = optional_foreign_key("accounts.Window", _("窗口"), related_name="+")
    staff = optional_foreign_key(
        settings.AUTH_USER_MODEL,
        _("被评价人"),
        related_name="+",
        help_text=_("受理的窗口人员或作出决定的审批人员"),
    )
    served_at = models.DateTimeField(_("服务完成时间"))
    rate_until = models.DateTimeField(
        _("评价截止时间"), help_text=_("逾期未评价的，记为默认“基本满意”")
    )
    state = models.CharField(
        _("评价状态"), max_length=16, choices=InstanceState.choices, default=InstanceState.OPEN
    )
    invited_at = models.DateTimeField(
        _("邀评时间"), null=True, blank=True, help_text=_("逾期未评价时发出的唯一一次邀请")
    )

    class Meta:
        verbose_name = _("服务评价对象")
        verbose_name_plural = _("服务评价对象")
        ordering = ["-served_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage"], name="serviceinstance_one_per_stage"
            ),
            models.CheckConstraint(
                condition=Q(rate_until__gte=models.F("served_at")),
                name="serviceinstance_period_after_service",
            ),
        ]
        indexes = [
            # The default-rating and invitation jobs: the open instances by deadline.
            models.Index(
                fields=["rate_until"],
                name="serviceinstance_open_due",
                condition=Q(state="open"),
            ),
            models.Index(fields=["served_at"], name="serviceinstance_served_at"),
            # The counter pad's poll (feedback.services.pads): the newest open intake
            # service of one window.
            models.Index(
                fields=["window", "-served_at", "-id"],
                name="serviceinstance_pad_poll",
                condition=Q(stage="intake", state="open"),
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} {self.application_id}"


class Rating(TimeStampedModel):
    """The rating of one service instance; a default rating has no rater."""

    instance = models.OneToOneField(
        ServiceInstance,
        verbose_name=_("评价对象"),
        on_delete=models.CASCADE,
        related_name="rating",
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    reasons = models.JSONField(
        _("差评原因"), default=list, blank=True, help_text=_("feedback.constants.Reason 的代码")
    )
    text = models.CharField(_("评价内容"), max_length=500, blank=True)
    sub_scores = models.JSONField(
        _("分项评价"), default=dict, blank=True, help_text=_("{SubScore 代码: 1-5}")
    )
    channel = models.CharField(_("评价渠道"), max_length=16, choices=RatingChannel.choices)
    is_default = models.BooleanField(_("默认评价"), default=False)
    rater = optional_foreign_key(
        settings.AUTH_USER_MODEL,
        _("评价人"),
        on_delete=models.SET_NULL,
        related_name="ratings",
        help_text=_("无账号的申请人（短信、评价器、扫码）为空，以办件的申请人为准"),
    )
    rated_at = models.DateTimeField(_("评价时间"))
    follow_up_level = models.PositiveSmallIntegerField(
        _("追评等级"), choices=Level.choices, null=True, blank=True
    )
    follow_up_text = models.CharField(_("追评内容"), max_length=500, blank=True)
    followed_up_at = models.DateTimeField(_("追评时间"), null=True, blank=True)
    excluded = models.BooleanField(
        _("不计入统计"),
        default=False,
        help_text=_("申诉复核认定为误评、恶意评价的，不计入统计，但保留记录"),
    )
    push_status = models.CharField(
        _("推送状态"), max_length=16, choices=PushStatus.choices, default=PushStatus.PENDING
    )
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False)
                | Q(level=Level.BASIC, channel=RatingChannel.DEFAULT, rater__isnull=True),
                name="rating_default_is_basic",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_level__isnull=True) | Q(followed_up_at__isnull=False),
                name="rating_follow_up_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["rated_at"], name="rating_rated_at"),
            models.Index(
                fields=["push_status"],
                name="rating_push_pending",
                condition=Q(push_status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.get_channel_display()})"

    @property
    def is_bad(self) -> bool:
        """差评: 不满意 or 非常不满意."""
        return self.level >= Level.DISSATISFIED

    @property
    def stars(self) -> int:
        return Level(self.level).stars
