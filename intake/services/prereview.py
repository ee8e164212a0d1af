"""Pre-review deadlines of every open intake (行政许可法 art. 32, with art. 82 online).

An application waits for a comprehensive window's verdict: an online submission in the
pre-review queue, one received on paper at a counter (``counter_receive``) at the
window that received it. Both are counted alike. From the
``INTAKE_PREREVIEW_WARN_DAYS``-th working day after it arrived the staff are warned
(one ``OVERDUE_WARNING`` event; ``prereview_warned_at`` makes it idempotent, and a
resubmission after a correction notice starts a new count). Once the
``INTAKE_PREREVIEW_LIMIT_DAYS``-th working day has ended without a verdict it counts as
accepted from the day it arrived: ``intake_accept(auto=True)`` says so in its event,
citing art. 32 only where ``intake.legal_forms`` says it applies (a 行政许可), and dates
the case number by that day.

Working days are counted from the local date of ``received_at`` with
``catalog.calendar``: day 1 is the first working day after the arrival day.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from catalog.calendar import WorkingCalendar, add_working_days, current_calendar
from catalog.calendar import working_days_between as _between
from jinpu_portal.dates import date_text

from ..constants import CaseAction, CaseStatus, Channel
from ..errors import IntakeError
from ..models import Application
from ..states import record_event
from .cases import intake_accept

logger = logging.getLogger(__name__)

# How far back the cut-off search may go: more than any warn/limit setting in
# working days, across the longest holiday (Spring Festival) with room to spare.
_MAX_LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class PrereviewClock:
    """Where one submission stands: working days waited, the warning and the limit."""

    received_on: datetime.date
    days_waiting: int
    warn_on: datetime.date
    limit_on: datetime.date

    @property
    def warning(self) -> bool:
        return self.days_waiting >= settings.INTAKE_PREREVIEW_WARN_DAYS

    @property
    def days_left(self) -> int:
        return max(settings.INTAKE_PREREVIEW_LIMIT_DAYS - self.days_waiting, 0)


def prereview_clock(
    application: Application,
    *,
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> PrereviewClock | None:
    """The pre-review clock of a waiting submission; None before it has arrived."""
    if application.received_at is None:
        return None
    calendar = calendar or current_calendar()
    today = today or timezone.localdate()
    received_on = timezone.localdate(application.received_at)
    return PrereviewClock(
        received_on=received_on,
        days_waiting=max(_between(received_on, today, calendar), 0),
        warn_on=add_working_days(received_on, settings.INTAKE_PREREVIEW_WARN_DAYS, calendar),
        limit_on=add_working_days(received_on, settings.INTAKE_PREREVIEW_LIMIT_DAYS, calendar),
    )


def _latest_arrival_day(
    today: datetime.date, days: int, *, ended: bool, calendar: WorkingCalendar
) -> datetime.date:
    """The latest arrival day whose ``days``-th working day has been reached (``ended``
    False: it is today or earlier) or is over (``ended`` True: it is before today).
    ``add_working_days`` is monotonic in its start, so every earlier day qualifies too."""
    day = today
    for _ in range(_MAX_LOOKBACK_DAYS):
        target = add_working_days(day, days, calendar)
        if target < today or (not ended and target == today):
            return day
        day -= datetime.timedelta(days=1)
    return day


def _start_of_next_day(day: datetime.date) -> datetime.datetime:
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight, timezone.get_current_timezone())


def _waiting() -> QuerySet[Application]:
    """Open intakes of every channel (online, counter, kiosk) that have arrived."""
    return Application.objects.filter(status=CaseStatus.SUBMITTED, received_at__isnull=False)


def _arrived_before(days: int, *, ended: bool, now, calendar) -> datetime.datetime:
    """The instant before which a waiting intake arrived for its ``days``-th working day
    to be reached (``ended`` False) or over (``ended`` True) at ``now``."""
    now = now or timezone.now()
    last_day = _latest_arrival_day(
        timezone.localdate(now), days, ended=ended, calendar=calendar or current_calendar()
    )
    return _start_of_next_day(last_day)


def prereview_due_for_warning(*, now=None, calendar=None) -> QuerySet[Application]:
    return _waiting().filter(
        Q(prereview_warned_at__isnull=True) | Q(prereview_warned_at__lt=F("received_at")),
        received_at__lt=_arrived_before(
            settings.INTAKE_PREREVIEW_WARN_DAYS, ended=False, now=now, calendar=calendar
        ),
    )


def prereview_due_for_auto_accept(*, now=None, calendar=None) -> QuerySet[Application]:
    return _waiting().filter(
        received_at__lt=_arrived_before(
            settings.INTAKE_PREREVIEW_LIMIT_DAYS, ended=True, now=now, calendar=calendar
        )
    )


@dataclass
class SweepResult:
    warned: list[int]
    auto_accepted: list[int]
    skipped: list[int]


def _warn(application_id: int, *, now, calendar) -> bool:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("hall", "window")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.status != CaseStatus.SUBMITTED:
            return False
        if application.prereview_warned_at and (
            application.prereview_warned_at >= application.received_at
        ):
            return False
        clock = prereview_clock(application, today=timezone.localdate(now), calendar=calendar)
        application.prereview_warned_at = now
        application.save(update_fields=["prereview_warned_at", "updated_at"])
        record_event(
            application,
            CaseAction.OVERDUE_WARNING,
            actor=None,
            at=now,
            message=(
                f"{'网上申请' if application.channel == Channel.ONLINE else '窗口收取的申请'}"
                f"已等待预审 {clock.days_waiting} 个工作日，请在"
                f" {date_text(clock.limit_on)} 前完成预审，逾期视为受理"
            ),
            days_waiting=clock.days_waiting,
            limit_on=clock.limit_on.isoformat(),
        )
    return True


def _auto_accept(application_id: int, *, now, calendar) -> bool:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).filter(pk=application_id).first()
        )
        if application is None or application.status != CaseStatus.SUBMITTED:
            return False
        # Re-check under the lock: a resubmission may have restarted the count.
        clock = prereview_clock(application, today=timezone.localdate(now), calendar=calendar)
        if clock is None or clock.limit_on >= timezone.localdate(now):
            return False
        intake_accept(application=application, actor=None, auto=True)
    return True


def prereview_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Warn about, and auto-accept, applications of any channel left without pre-review.

    Set-based: two queries find the candidates; each is then handled in its own
    transaction under a row lock, so running the sweep twice (or twice at once) warns
    once and accepts once. Beat runs it every ten minutes (``intake.prereview_sweep``).
    """
    now = now or timezone.now()
    calendar = current_calendar()
    result = SweepResult(warned=[], auto_accepted=[], skipped=[])
    accept_ids = list(
        prereview_due_for_auto_accept(now=now, calendar=calendar)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    for application_id in accept_ids:
        try:
            done = _auto_accept(application_id, now=now, calendar=calendar)
        except IntakeError:
            logger.exception("Auto-acceptance of application %s failed", application_id)
            done = False
        (result.auto_accepted if done else result.skipped).append(application_id)
    warn_ids = list(
        prereview_due_for_warning(now=now, calendar=calendar)
        .exclude(pk__in=accept_ids)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    for application_id in warn_ids:
        if _warn(application_id, now=now, calendar=calendar):
            result.warned.append(application_id)
    if result.warned or result.auto_accepted:
        logger.info(
            "Pre-review sweep: %d warned, %d accepted automatically",
            len(result.warned),
            len(result.auto_accepted),
        )
    return result
