"""Demo data of supervision's annual report (年度报告): the cases of last year and of
this year beside the 好差评 history (feedback/demo.py: the last half year, counter cases
at the windows) and the nearby cases (supervision/demo.py), so the overview and the
report of either year read like the centre's real ones. A module of its own because it
is a seeder of its own (two years of bulk rows, independent of the delegation and
time-limit data of ``supervision.demo``); ``supervision.demo`` imports it so that the
seed registry, which looks only in each app's ``demo`` module, finds it.

The cases come in bulk, as ``feedback.demo.seed_history`` writes its own (rows and their
``CaseEvent`` record, no services), with what the figures count: about 42 % applied for
online (网上办: submitted, accepted in the back office; 0.5 % deemed accepted), about
3 % at a kiosk, the rest at a window of either hall; 5 % told to correct once (一次性告知补正)
before acceptance, 1.5 % refused; conclusions within the promised limit but for about
2.5 % (超期), 即办件 concluded on the spot, and a result fetched at a window for 6 % of the
counter cases (a second visit). The conclusions before feedback's half year are rated
(no 差评), so last year has its 好差评 section and the half year's figures stay those
feedback's demo documents. A second run adds nothing.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from accounts.constants import Role
from accounts.demo import register_seeder
from approvals.constants import ApprovalEvent
from approvals.demo import acting_approvers
from approvals.services.delivery import on_the_spot_backfill
from catalog.calendar import add_working_days, is_working_day
from catalog.constants import VersionStatus
from catalog.models import ItemVersion
from feedback.constants import InstanceState, Level, RatingChannel, Stage
from feedback.demo import _citizens, _clerks, _pick
from feedback.models import Rating, ServiceInstance
from intake.constants import CaseAction, CaseStatus, Channel
from intake.history import applications_import
from intake.models import Application, CaseEvent
from intake.services.numbering import CHANNEL_PREFIX, case_number_next

NOTE = "年度办件（演示数据导入）"
#: Cases of last year, and of this year (beside the 好差评 history's).
LAST_YEAR_CASES = 2200
THIS_YEAR_CASES = 1500
#: This year's end well before today: every case has concluded.
RECENT_DAYS = 14
#: feedback's rated half year (feedback.demo.HISTORY_DAYS before yesterday): the
#: conclusions from then on are not rated here.
RATED_BEFORE_DAYS = 183

A = CaseAction
LEVELS = [(Level.VERY_SATISFIED, 0.9), (Level.SATISFIED, 0.08), (Level.BASIC, 0.02)]


def _moment(rng: random.Random, day: datetime.date, start=8 * 60 + 30, end=17 * 60):
    zone = timezone.get_current_timezone()
    minute = rng.randrange(start, end)
    return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), zone)


def _working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class _Plan:
    """One case: its application and the events of its record."""

    def __init__(self, application: Application, events: list[tuple], rated: bool):
        self.application = application
        self.events = events  # (action, at, from, to, at a window?)
        self.rated = rated


def _plan(rng, version, clerks, citizens, day, now) -> _Plan | None:
    online = version.online_available and rng.random() < 0.42
    kiosk = not online and rng.random() < 0.05
    clerk = rng.choice(clerks)
    window = None if (online or kiosk) else clerk.staff_profile.window
    hall = (
        window.hall if window else (rng.choice(clerks).staff_profile.window.hall if kiosk else None)
    )
    channel = Channel.ONLINE if online else Channel.KIOSK if kiosk else Channel.COUNTER
    received = _moment(rng, day)
    at_window = window is not None
    events = [
        (
            A.SUBMIT if not at_window else A.RECEIVE,
            received,
            CaseStatus.DRAFT,
            CaseStatus.SUBMITTED,
            at_window,
        )
    ]
    application = Application(
        item_version=version,
        applicant=rng.choice(citizens),
        created_by=clerk if at_window else None,
        channel=channel,
        hall=hall,
        window=window,
        submitted_at=received,
        received_at=received,
        outcome_note=NOTE,
    )
    roll = rng.random()
    if roll < 0.015:  # 不予受理
        refused = received + datetime.timedelta(minutes=rng.randint(10, 600))
        events.append((A.REFUSE, refused, CaseStatus.SUBMITTED, CaseStatus.REFUSED, at_window))
        application.status = CaseStatus.REFUSED
        return _Plan(application, events, rated=False)
    accept_day = day
    if roll < 0.065:  # 一次性告知补正, accepted once the materials came
        events.append(
            (
                A.REQUEST_CORRECTION,
                received + datetime.timedelta(minutes=20),
                CaseStatus.SUBMITTED,
                CaseStatus.CORRECTION_REQUESTED,
                at_window,
            )
        )
        accept_day = add_working_days(day, rng.randint(1, 3))
        events.append(
            (
                A.RESUBMIT,
                _moment(rng, accept_day, end=10 * 60),
                CaseStatus.CORRECTION_REQUESTED,
                CaseStatus.SUBMITTED,
                at_window,
            )
        )
    deemed = online and roll > 0.995
    if deemed:
        accept_day = add_working_days(day, 5)
    accepted = max(
        _moment(rng, accept_day, start=10 * 60), received + datetime.timedelta(minutes=5)
    )
    events.append(
        (
            A.AUTO_ACCEPT if deemed else A.ACCEPT,
            accepted,
            CaseStatus.SUBMITTED,
            CaseStatus.ACCEPTED,
            at_window and not deemed,
        )
    )
    application.accepted_at = accepted
    application.auto_accepted = deemed
    promised = version.promised_limit_days
    application.promised_due_date = add_working_days(accept_day, promised)
    application.statutory_due_date = add_working_days(accept_day, version.statutory_limit_days)
    if version.is_immediate:
        concluded = accepted + datetime.timedelta(minutes=rng.randint(5, 40))
        events.append(
            (
                A.CONCLUDE_IMMEDIATELY,
                concluded,
                CaseStatus.ACCEPTED,
                CaseStatus.CONCLUDED,
                at_window,
            )
        )
    else:
        late = rng.random() < 0.025
        span = (
            promised + rng.randint(1, 3) if late else rng.randint(max(0, promised // 3), promised)
        )
        concluded = max(accepted, _moment(rng, add_working_days(accept_day, span)))
        events.append((A.CONCLUDE, concluded, CaseStatus.IN_APPROVAL, CaseStatus.CONCLUDED, False))
        if at_window and rng.random() < 0.06:  # the result fetched at the window: a second visit
            fetched = _moment(rng, add_working_days(concluded.date(), 1))
            events.append(
                (ApprovalEvent.DELIVERED, fetched, CaseStatus.CONCLUDED, CaseStatus.CONCLUDED, True)
            )
    if concluded > now:
        return None  # would end in the future: not planned
    application.status = CaseStatus.CONCLUDED
    application.accepted_by = clerk if at_window else None
    application.concluded_at = concluded
    return _Plan(application, events, rated=True)


def seed_year_cases(*, seed: int = 2025) -> int:
    """The cases (see the module); returns how many were made."""
    if Application.objects.filter(outcome_note=NOTE).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    clerks = _clerks()
    citizens = _citizens(random.Random(seed + 1))  # noqa: S311 - demo data
    approvers = acting_approvers()
    versions = list(
        ItemVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("item", "department")
        .order_by("item__code")
    )
    if not versions or not clerks:
        return 0
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(versions))]
    now = timezone.now()
    today = timezone.localdate()
    recent = today - datetime.timedelta(days=RECENT_DAYS)
    rated_before = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=RATED_BEFORE_DAYS), datetime.time()
        )
    )
    periods = [
        (
            _working_days(
                datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
            ),
            LAST_YEAR_CASES,
        ),
        (_working_days(datetime.date(today.year, 1, 1), recent), THIS_YEAR_CASES),
    ]
    plans = []
    for days, count in periods:
        if not days:
            continue
        for _ in range(count):
            version = rng.choices(versions, weights)[0]
            plan = _plan(rng, version, clerks, citizens, rng.choice(days), now)
            if plan is not None:
                plans.append(plan)
    plans.sort(key=lambda p: p.application.submitted_at)
    for plan in plans:
        application = plan.application
        if application.accepted_at is not None:
            prefix = (
                application.hall.code
                if application.channel == Channel.COUNTER and application.hall
                else CHANNEL_PREFIX.get(application.channel, "WS")
            )
            application.case_number = case_number_next(
                prefix=prefix, day=timezone.localtime(application.accepted_at).date()
            )
    applications_import([p.application for p in plans])

    events, instances = [], []
    for plan in plans:
        application = plan.application
        version = application.item_version
        for action, at, before, after, at_window in plan.events:
            events.append(
                CaseEvent(
                    application=application,
                    at=at,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor=application.created_by if at_window else None,
                    actor_role=str(Role.CLERK.label) if at_window else "",
                    channel=application.channel,
                    hall=application.hall,
                    window=application.window if at_window else None,
                    department=version.department,
                    message=NOTE,
                )
            )
        if plan.rated and application.concluded_at < rated_before:
            instances.append(
                ServiceInstance(
                    application=application,
                    stage=Stage.CONCLUSION,
                    item=version.item,
                    department=version.department,
                    hall=application.hall,
                    window=None,
                    staff=approvers.get(version.department_id),
                    served_at=application.concluded_at,
                    rate_until=application.concluded_at + datetime.timedelta(days=7),
                    state=InstanceState.RATED,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    # The 即办件's results handed over at the window on the spot, as a database upgraded
    # from before they were recorded gets them (migration approvals 0009).
    on_the_spot_backfill()
    ServiceInstance.objects.bulk_create(instances, batch_size=1000)
    ratings, defaulted = [], []
    for instance in instances:
        default = rng.random() < 0.05
        if default:
            defaulted.append(instance.pk)
        channel = (
            RatingChannel.DEFAULT
            if default
            else _pick(
                rng,
                [(RatingChannel.ONLINE, 0.5), (RatingChannel.QR, 0.3), (RatingChannel.SMS, 0.2)],
            )
        )
        rated_at = (
            instance.rate_until
            if default
            else instance.served_at + datetime.timedelta(hours=rng.randint(1, 72))
        )
        ratings.append(
            Rating(
                instance=instance,
                level=Level.BASIC if default else _pick(rng, LEVELS),
                channel=channel,
                rated_at=rated_at,
                push_status="pushed",
                pushed_at=rated_at + datetime.timedelta(minutes=10),
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=1000)
    ServiceInstance.objects.filter(pk__in=defaulted).update(state=InstanceState.DEFAULTED)
    return len(plans)


@register_seeder("supervision_annual", order=85)
def seed_annual() -> None:
    seed_year_cases()
