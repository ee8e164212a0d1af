"""Enums of feedback (好差评): rating levels and reasons, service stages, channels; and
the staff roles that work its record.

Levels follow the code table of GB/T 39046 as the provincial 好差评 interface uses it
(1 非常满意 … 5 非常不满意; 4 and 5 are 差评). Sub-scores follow the dimensions of
GB/T 39735-2020: on site (efficiency, competence, attitude) and online (efficiency,
guide accuracy, convenience, usability).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role

#: The staff who work the 好差评 record (its figures, the rectification orders):
#: 综窗人员, 审批人员 and 督查人员, each in their own scope.
FEEDBACK_STAFF = (Role.CLERK, Role.APPROVER, Role.SUPERVISOR)


class Level(models.IntegerChoices):
    VERY_SATISFIED = 1, _("非常满意")
    SATISFIED = 2, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 4, _("不满意")
    VERY_DISSATISFIED = 5, _("非常不满意")

    @property
    def stars(self) -> int:
        """Shown as five stars for 非常满意 down to one for 非常不满意."""
        return 6 - self.value


#: Levels that are 差评 (need a reason; open a rectification order).
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
#: The levels' values, once (``Choices.values`` builds a new list on every read).
LEVEL_VALUES = frozenset(Level.values)
#: Levels that count as 好评 in 好评率 (GB/T 39735-2020).
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC})


class Reason(models.TextChoices):
    """Why a 差评: at least one is required for levels 4 and 5."""

    ATTITUDE = "attitude", _("服务态度")
    EFFICIENCY = "efficiency", _("办事效率")
    GUIDE = "guide", _("办事指南不准确")
    CONVENIENCE = "convenience", _("办事不便利")
    USABILITY = "usability", _("平台不好用")
    OTHER = "other", _("其他")


#: The reasons' values in the list's order, once.
REASON_VALUES = tuple(Reason.values)


class Stage(models.TextChoices):
    """The service instance rated (一次一评): each is rated on its own."""

    INTAKE = "intake", _("受理服务")  # the window and the clerk who received the case
    CONCLUSION = "conclusion", _("办结服务")  # the department that decided it


class RatingChannel(models.TextChoices):
    QR = "qr", _("扫码评价")
    ONLINE = "online", _("网上评价")
    SMS = "sms", _("短信评价")
    PAD = "pad", _("评价器")
    DEFAULT = "default", _("默认评价")


class SubScore(models.TextChoices):
    """Optional sub-scores (each 1-5 like the level); on-site and online dimensions."""

    EFFICIENCY = "efficiency", _("办事效率")
    COMPETENCE = "competence", _("业务能力")
    ATTITUDE = "attitude", _("服务态度")
    GUIDE = "guide", _("指南准确")
    CONVENIENCE = "convenience", _("办事便捷")
    USABILITY = "usability", _("平台好用")


ONSITE_SUB_SCORES = (SubScore.EFFICIENCY, SubScore.COMPETENCE, SubScore.ATTITUDE)
ONLINE_SUB_SCORES = (SubScore.EFFICIENCY, SubScore.GUIDE, SubScore.CONVENIENCE, SubScore.USABILITY)


class InstanceState(models.TextChoices):
    OPEN = "open", _("待评价")
    RATED = "rated", _("已评价")
    DEFAULTED = "defaulted", _("默认评价")


class PushStatus(models.TextChoices):
    """A rating's state towards the provincial 好差评 interface (the push job comes later)."""

    PENDING = "pending", _("待推送")
    PUSHED = "pushed", _("已推送")
    FAILED = "failed", _("推送失败")


# --- rectification orders of 差评 (差评整改), appeals (申诉复核), 回头看 ---------------------


class OrderStatus(models.TextChoices):
    """Where a rectification order stands; moves in ``feedback.states.ORDER``."""

    CALLBACK = "callback", _("待回访核实")
    RECTIFYING = "rectifying", _("整改中")
    VISIT = "visit", _("待回访评价")
    RULING = "ruling", _("待督查裁定")
    CLOSED = "closed", _("已办结")


OPEN_ORDER_STATUSES = (
    OrderStatus.CALLBACK,
    OrderStatus.RECTIFYING,
    OrderStatus.VISIT,
    OrderStatus.RULING,
)


class OrderOutcome(models.TextChoices):
    """How a closed order ended."""

    SATISFIED = "satisfied", _("回访满意")
    RULED = "ruled", _("督查裁定")
    EXCLUDED = "excluded", _("申诉成立，差评不计入统计")


class Finding(models.TextChoices):
    """What calling the citizen back found (回访核实)."""

    TRUE = "true", _("情况属实")
    PARTLY = "partly", _("部分属实")
    UNTRUE = "untrue", _("情况不属实")


class VisitLevel(models.TextChoices):
    """The citizen's rating of the fix at the return visit (回访评价)."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class VisitChannel(models.TextChoices):
    ONLINE = "online", _("群众网上评价")
    PHONE = "phone", _("电话回访（单位登记）")


class AppealKind(models.TextChoices):
    MISTAKEN = "mistaken", _("误评")
    MALICIOUS = "malicious", _("恶意评价")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待复核")
    ACCEPTED = "accepted", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


class ReviewBatchStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已完成")


class ReviewSource(models.TextChoices):
    """Why a case is in a 回头看 batch."""

    BAD_RATING = "bad_rating", _("差评")
    UNSATISFIED_VISIT = "unsatisfied_visit", _("回访不满意")


class ReviewEntryStatus(models.TextChoices):
    PENDING = "pending", _("待跟踪")
    DONE = "done", _("已有结果")


class ReviewResult(models.TextChoices):
    RESOLVED = "resolved", _("问题已解决，群众认可")
    IMPROVED = "improved", _("已整改，群众仍有意见")
    UNRESOLVED = "unresolved", _("问题未解决，责成继续整改")
    UNREACHABLE = "unreachable", _("无法联系群众")
