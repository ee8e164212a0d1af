"""The allowed moves of a rectification order (差评整改), an appeal (申诉复核) and a
回头看 entry, as intake and approvals have theirs: one table each, keyed by (current
status, move), read by approvals' ``Machine`` with feedback's refusal, and one function
that makes a move. Every service that changes one of these statuses calls ``move``,
which refuses a move the table does not list with ``IllegalTransition`` (in Chinese)
and sets the new status on the instance; the caller saves it with its other fields and
appends the order's event.

An order's life::

    callback ──call_back──▶ rectifying ──reply──▶ visit ──satisfied──▶ closed
                               ▲                    │
                               └──────reopen────────┤ (first 不满意: once)
                                                    └──refer──▶ ruling ──rule──▶ closed
    any open status ──appeal_upheld──▶ closed (申诉成立: the 差评 leaves the figures)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.states import Machine

from .constants import AppealStatus, OrderStatus, ReviewEntryStatus
from .errors import FeedbackError


class OrderMove(models.TextChoices):
    CALL_BACK = "call_back", _("回访核实")
    REPLY = "reply", _("整改答复")
    SATISFIED = "satisfied", _("回访满意，办结")
    REOPEN = "reopen", _("回访不满意，重新整改")
    REFER = "refer", _("再次不满意，提请督查裁定")
    RULE = "rule", _("督查裁定")
    APPEAL_UPHELD = "appeal_upheld", _("申诉成立，办结")


class AppealMove(models.TextChoices):
    ACCEPT = "accept", _("认定申诉成立")
    REJECT = "reject", _("认定申诉不成立")


class ReviewEntryMove(models.TextChoices):
    RECORD = "record", _("登记回头看结果")


S = OrderStatus
ORDER_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.CALLBACK, OrderMove.CALL_BACK): S.RECTIFYING,
    (S.RECTIFYING, OrderMove.REPLY): S.VISIT,
    (S.VISIT, OrderMove.SATISFIED): S.CLOSED,
    (S.VISIT, OrderMove.REOPEN): S.RECTIFYING,
    (S.VISIT, OrderMove.REFER): S.RULING,
    (S.RULING, OrderMove.RULE): S.CLOSED,
    (S.CALLBACK, OrderMove.APPEAL_UPHELD): S.CLOSED,
    (S.RECTIFYING, OrderMove.APPEAL_UPHELD): S.CLOSED,
    (S.VISIT, OrderMove.APPEAL_UPHELD): S.CLOSED,
    (S.RULING, OrderMove.APPEAL_UPHELD): S.CLOSED,
}

APPEAL_TRANSITIONS: dict[tuple[str, str], str] = {
    (AppealStatus.PENDING, AppealMove.ACCEPT): AppealStatus.ACCEPTED,
    (AppealStatus.PENDING, AppealMove.REJECT): AppealStatus.REJECTED,
}

REVIEW_ENTRY_TRANSITIONS: dict[tuple[str, str], str] = {
    (ReviewEntryStatus.PENDING, ReviewEntryMove.RECORD): ReviewEntryStatus.DONE,
    # A result may be corrected while the batch is open (a later call reaches the citizen).
    (ReviewEntryStatus.DONE, ReviewEntryMove.RECORD): ReviewEntryStatus.DONE,
}


class OrderAction(models.TextChoices):
    """Events of an order's record that are not moves of its status."""

    OPENED = "opened", _("差评生成整改单")
    APPEAL_FILED = "appeal_filed", _("提出申诉")
    APPEAL_ACCEPTED = "appeal_accepted", _("申诉成立")
    APPEAL_REJECTED = "appeal_rejected", _("申诉不成立")


_EVENT_LABELS = {**dict(OrderMove.choices), **dict(OrderAction.choices)}


def event_label(action: str) -> str:
    """The Chinese label of an order event's code (a move or another act)."""
    return str(_EVENT_LABELS.get(action, action))


class IllegalTransition(FeedbackError):
    """A status change its table does not allow."""


ORDER = Machine("整改单", OrderStatus, OrderMove, ORDER_TRANSITIONS, IllegalTransition)
APPEAL = Machine("申诉", AppealStatus, AppealMove, APPEAL_TRANSITIONS, IllegalTransition)
REVIEW_ENTRY = Machine(
    "回头看事项", ReviewEntryStatus, ReviewEntryMove, REVIEW_ENTRY_TRANSITIONS, IllegalTransition
)
_MACHINES = {"RectificationOrder": ORDER, "Appeal": APPEAL, "ReviewEntry": REVIEW_ENTRY}


def move(instance, action: str) -> str:
    """Set ``instance.status`` (an order, an appeal or a review entry) to what ``action``
    leads to from its current status, or raise ``IllegalTransition``. Returns the old
    status."""
    machine = _MACHINES[type(instance).__name__]
    source = instance.status
    instance.status = machine.target(source, action)
    return source
