"""Demo data of 好差评: half a year of rated services, with the district's satisfaction
near the New Area's reported 99.8 %.

``seed_feedback`` (run by ``manage.py seed_demo`` after the catalog) makes, once:

- **history**: ``HISTORY_CASES`` concluded counter cases of the last six months at the
  two halls' windows, each with its two service instances (一次一评: the window's
  intake, the department's conclusion) and their ratings: mostly 非常满意 by pad, QR
  code, SMS and online, some 满意 and 基本满意, and the default 基本满意 of those not
  rated in time (不评), recorded by the default-rating job. The cases and their case
  records (受理, 办结) are written in bulk, as an import of past cases would be (case
  numbers from the numbering service): building thousands of them through counter
  intake would render thousands of PDF notices.

- **差评 in every state of their life**: ``STORY`` cases taken at the counters of the
  demo clerks, each rated through the rating service: one service well (when it was
  given), the other a 差评 whose rectification order is then worked through the
  orders' services by the demo accounts of the unit that owns it to the state the
  story names (opened, called back and rectifying, replied, return visit satisfied,
  reopened after an unsatisfied visit, referred to and ruled by the supervisor, appeals
  pending, accepted and rejected). Each 差评 was given on a working day of the last few
  weeks, its order opened then and worked on the days a centre would (``as_of``):
  called back that day or the next, replied to 2 to 5 working days after it opened, so
  平均整改工作日 is a real figure; today's order waits for its call back, and one called
  back three weeks ago has let its rectification period run out (红灯, with the 督办 the
  minute sweep opens). Six are services at the windows, the halls' to rectify: 即办件 of
  市场监管局 and 住建局 taken and concluded on the spot the morning of their 差评. Four
  are decisions taken in the back office, the deciding department's to rectify
  (市场监管局, 住建局, 行政审批局, 民政局: each demo approver and department head has
  some): 承诺件 accepted a working day per stage before and decided a stage a day by the
  demo approvers (``approvals.demo.approve_stage``), the last the working day before
  their 差评. Each 差评's days are a dated story (``_story_acts``), worked with the
  lights' walk-ins (``approvals.demo.lights_stories``) in date order
  (``accounts.demo.in_date_order``): every notice they get (收件凭证, 受理通知书, result
  documents) is numbered in the order of its date, as the days would have numbered it,
  and before today's cases of the other seeders.

- **the demo citizen's own service**: a 即办件 of 张明 (``citizen``) taken today, its
  window service rated, its department's service waiting for 张明's online rating.

With ``HISTORY_CASES`` cases the district's 好评率 comes out at 99.80 % (nine 差评
counted in about 4,500 ratings; the accepted appeal's is out).

The seeder is idempotent: it does nothing when the history is there.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.demo import Story as DatedStory
from accounts.demo import in_date_order, make_resident_id, register_seeder
from accounts.models import Citizen, User, Window
from accounts.services import citizen_register, staff_assign_window, user_create
from approvals.demo import (
    accept_at_the_counter,
    acting_approvers,
    approve_stage,
    lights_stories,
    working_moment,
)
from catalog.calendar import is_working_day
from catalog.constants import CaseType, VersionStatus
from catalog.models import ItemVersion
from intake.constants import CaseAction, CaseStatus, Channel
from intake.history import applications_import
from intake.models import Application, CaseEvent
from intake.services.numbering import case_number_next

from .constants import (
    AppealKind,
    Finding,
    InstanceState,
    Level,
    RatingChannel,
    Reason,
    Stage,
    VisitLevel,
)
from .models import Appeal, Rating, RectificationOrder, ServiceInstance
from .services.jobs import ratings_default_record
from .services.orders import (
    appeal_decide,
    appeal_file,
    order_call_back,
    order_reply,
    order_rule,
    order_visit,
)
from .services.ratings import rating_record

#: Concluded cases of the history; with two rated instances each.
HISTORY_CASES = 2280
HISTORY_DAYS = 182
#: Of the instances: not rated in time (default 基本满意), then the active levels.
DEFAULT_SHARE = 0.05
ACTIVE_LEVELS = [(Level.VERY_SATISFIED, 0.88), (Level.SATISFIED, 0.10), (Level.BASIC, 0.02)]
INTAKE_CHANNELS = [(RatingChannel.PAD, 0.6), (RatingChannel.QR, 0.25), (RatingChannel.SMS, 0.15)]
CONCLUSION_CHANNELS = [
    (RatingChannel.ONLINE, 0.5),
    (RatingChannel.QR, 0.3),
    (RatingChannel.SMS, 0.2),
]
RATING_DAYS = 7  # FEEDBACK_RATING_DAYS' default
#: The clerks of the history besides the demo accounts (no password: they never log in).
HISTORY_CLERKS = [
    ("jp-clerk2", "王丽", "JP", 2),
    ("jp-clerk3", "孙伟", "JP", 3),
    ("jp-clerk5", "周婷", "JP", 5),
    ("jz-clerk1", "吴磊", "JZ", 1),
    ("jz-clerk4", "郑洁", "JZ", 4),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]
HISTORY_NOTE = "历史办件（演示数据导入）"


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _clerks() -> list[User]:
    """The windows' clerks: the demo accounts' and the history's."""
    for username, name, hall_code, number in HISTORY_CLERKS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, full_name=name, roles=[Role.CLERK])
        window = Window.objects.get(hall__code=hall_code, number=number)
        staff_assign_window(user=user, window=window)
    return list(
        User.objects.filter(groups__name=Role.CLERK, staff_profile__window__isnull=False)
        .select_related("staff_profile__window__hall")
        .order_by("username")
    )


def _citizens(rng: random.Random, count: int = 60) -> list[Citizen]:
    """People of the history: registered at a window, without accounts."""
    people = []
    for n in range(count):
        id_number = make_resident_id(
            f"210213{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}7{n:02d}"
        )
        citizen = Citizen.objects.filter(id_number=id_number).first() or citizen_register(
            name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            id_number=id_number,
            phone=f"1390411{n:04d}",
            verified=True,
        )
        people.append(citizen)
    return people


def _working_moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    minute = rng.randrange(8 * 60 + 30, 17 * 60)
    return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), zone)


def _working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    day, days = start, []
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def seed_history(*, cases: int = HISTORY_CASES, seed: int = 2026) -> int:
    """Half a year of concluded, rated cases (see the module); returns the ratings made."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    clerks = _clerks()
    citizens = _citizens(rng)
    # Department id → the demo approver who acts for it (the evaluated person of a
    # conclusion); departments without one have no named person.
    approvers = acting_approvers()
    versions = list(
        ItemVersion.objects.filter(status=VersionStatus.PUBLISHED, promised_limit_days__gt=0)
        .select_related("item", "department")
        .order_by("item__code")[:60]
    )
    if not versions or not clerks:
        return 0
    # A few items are asked for far more than the rest.
    weights = [1 / (rank + 1) for rank in range(len(versions))]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    days = _working_days(yesterday - datetime.timedelta(days=HISTORY_DAYS), yesterday)
    now = timezone.now()

    plans = []
    for _ in range(cases):
        version = rng.choices(versions, weights)[0]
        clerk = rng.choice(clerks)
        accepted_at = _working_moment(rng, rng.choice(days[: -max(1, version.promised_limit_days)]))
        span = rng.randint(1, max(1, version.promised_limit_days))
        concluded_on = days[min(len(days) - 1, days.index(accepted_at.date()) + span)]
        concluded_at = max(accepted_at, _working_moment(rng, concluded_on))
        plans.append((version, clerk, rng.choice(citizens), accepted_at, concluded_at))
    plans.sort(key=lambda p: p[3])

    applications = []
    for version, clerk, citizen, accepted_at, concluded_at in plans:
        window = clerk.staff_profile.window
        applications.append(
            Application(
                item_version=version,
                status=CaseStatus.CONCLUDED,
                case_number=case_number_next(
                    prefix=window.hall.code, day=timezone.localtime(accepted_at).date()
                ),
                applicant=citizen,
                created_by=clerk,
                channel=Channel.COUNTER,
                hall=window.hall,
                window=window,
                submitted_at=accepted_at,
                received_at=accepted_at,
                accepted_at=accepted_at,
                accepted_by=clerk,
                concluded_at=concluded_at,
                outcome_note=HISTORY_NOTE,
            )
        )
    applications_import(applications)
    applications = list(
        Application.objects.filter(outcome_note=HISTORY_NOTE, service_instances__isnull=True)
        .select_related("item_version__item", "window__hall", "accepted_by")
        .order_by("accepted_at", "pk")
    )

    events, instances = [], []
    for application in applications:
        window, version = application.window, application.item_version
        for action, at, before, after in (
            # Received at the window and accepted there (both count in the rollups).
            (CaseAction.RECEIVE, application.accepted_at, CaseStatus.DRAFT, CaseStatus.SUBMITTED),
            (CaseAction.ACCEPT, application.accepted_at, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED),
            (
                CaseAction.CONCLUDE,
                application.concluded_at,
                CaseStatus.IN_APPROVAL,
                CaseStatus.CONCLUDED,
            ),
        ):
            events.append(
                CaseEvent(
                    application=application,
                    at=at,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor=application.accepted_by if action != CaseAction.CONCLUDE else None,
                    actor_role=str(Role.CLERK.label) if action != CaseAction.CONCLUDE else "",
                    channel=Channel.COUNTER,
                    hall=window.hall,
                    window=window,
                    department=version.department,
                    message=HISTORY_NOTE,
                )
            )
        for stage, served_at in (
            (Stage.INTAKE, application.accepted_at),
            (Stage.CONCLUSION, application.concluded_at),
        ):
            intake = stage == Stage.INTAKE
            instances.append(
                ServiceInstance(
                    application=application,
                    stage=stage,
                    item=version.item,
                    department=version.department,
                    # As feedback's receivers do: the conclusion keeps the case's hall,
                    # not the window (a window's figures count its own service).
                    hall=window.hall,
                    window=window if intake else None,
                    staff=application.accepted_by
                    if intake
                    else approvers.get(version.department_id),
                    served_at=served_at,
                    rate_until=served_at + datetime.timedelta(days=RATING_DAYS),
                    state=InstanceState.OPEN,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    ServiceInstance.objects.bulk_create(instances, batch_size=1000)

    ratings, rated = [], []
    for instance in ServiceInstance.objects.filter(
        application__outcome_note=HISTORY_NOTE, state=InstanceState.OPEN
    ).order_by("served_at", "pk"):
        if instance.rate_until > now:
            continue  # still within its period: left open, to be rated
        if rng.random() < DEFAULT_SHARE:
            continue  # not rated in time: the default-rating job records it below
        intake = instance.stage == Stage.INTAKE
        channel = _pick(rng, INTAKE_CHANNELS if intake else CONCLUSION_CHANNELS)
        delay = (
            datetime.timedelta(minutes=rng.randint(1, 5))
            if channel == RatingChannel.PAD
            else datetime.timedelta(hours=rng.randint(1, 24 * (RATING_DAYS - 1)))
        )
        ratings.append(
            Rating(
                instance=instance,
                level=_pick(rng, ACTIVE_LEVELS),
                channel=channel,
                rated_at=min(instance.served_at + delay, instance.rate_until),
                push_status=_pick(rng, [("pushed", 0.97), ("pending", 0.03)]),
            )
        )
        rated.append(instance.pk)
    for rating in ratings:
        if rating.push_status == "pushed":
            rating.pushed_at = rating.rated_at + datetime.timedelta(minutes=10)
    Rating.objects.bulk_create(ratings, batch_size=1000)
    ServiceInstance.objects.filter(pk__in=rated).update(state=InstanceState.RATED)
    # The periods that ended unrated get their default 基本满意 as the job gives it.
    return len(ratings) + ratings_default_record(now=now).recorded


# --- 差评 in every state of their life ------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One 差评 of the story: which service, how it was rated, how far its order got, and
    on which days."""

    stage: str
    department: str  # the case's department (code)
    clerk: str  # the demo clerk who took the case (their hall owns an intake 差评)
    level: int
    channel: str
    reasons: tuple[str, ...]
    text: str
    state: str  # see ``_moves``
    # A 承诺件 decided by the department in the back office, whose conclusion's 差评 the
    # department rectifies; else a 即办件 concluded at the window (the hall's).
    decided: bool = False
    # Working days before today the 差评 was given (its order opened; None: long enough
    # ago for the rectification period of an order called back that day to have run out
    # three working days ago), and after it the working day of each of the order's moves
    # (``_moves``), in their order.
    rated: int | None = 0
    days: tuple[int, ...] = ()

    @property
    def rated_days_ago(self) -> int:
        if self.rated is None:
            return settings.FEEDBACK_RECTIFY_DAYS + 3
        return self.rated


STORY = [
    Story(
        Stage.INTAKE, "SCJ", "clerk", Level.DISSATISFIED, RatingChannel.QR,
        (Reason.ATTITUDE,), "窗口人员解释政策时不耐烦。", "opened",
    ),
    # Called back at once, then nothing for three weeks: its rectification is overdue.
    Story(
        Stage.CONCLUSION, "SCJ", "clerk2", Level.DISSATISFIED, RatingChannel.SMS,
        (Reason.EFFICIENCY,), "办结通知晚了两天。", "rectifying", decided=True,
        rated=None, days=(0,),
    ),
    Story(
        Stage.INTAKE, "ZJJ", "clerk2", Level.VERY_DISSATISFIED, RatingChannel.PAD,
        (Reason.ATTITUDE, Reason.EFFICIENCY), "排队时间长，窗口人员态度生硬。", "replied",
        rated=3, days=(1, 2),
    ),
    Story(
        Stage.CONCLUSION, "ZJJ", "clerk", Level.DISSATISFIED, RatingChannel.QR,
        (Reason.GUIDE,), "办事指南写的材料和实际要求不一致。", "satisfied",
        rated=8, days=(0, 4, 5),
    ),
    Story(
        Stage.INTAKE, "SCJ", "clerk", Level.VERY_DISSATISFIED, RatingChannel.SMS,
        (Reason.CONVENIENCE,), "需要跑两次窗口。", "reopened",
        rated=10, days=(1, 3, 4),
    ),
    Story(
        Stage.CONCLUSION, "ZJJ", "clerk2", Level.DISSATISFIED, RatingChannel.QR,
        (Reason.EFFICIENCY,), "审批结果迟迟拿不到。", "ruling", decided=True,
        rated=12, days=(0, 2, 3, 5, 6),
    ),
    Story(
        Stage.INTAKE, "ZJJ", "clerk2", Level.DISSATISFIED, RatingChannel.PAD,
        (Reason.USABILITY,), "自助取号机不好用。", "ruled",
        rated=15, days=(0, 1, 2, 4, 5, 7),
    ),
    Story(
        Stage.CONCLUSION, "SPJ", "clerk", Level.VERY_DISSATISFIED, RatingChannel.SMS,
        (Reason.OTHER,), "不满意。", "appeal_pending", decided=True,
        rated=1, days=(1,),
    ),
    Story(
        Stage.INTAKE, "SCJ", "clerk", Level.VERY_DISSATISFIED, RatingChannel.QR,
        (Reason.OTHER,), "随便评的。", "appeal_accepted",
        rated=6, days=(0, 1),
    ),
    # Called back, appealed, the appeal rejected, then rectified and replied to.
    Story(
        Stage.CONCLUSION, "MZJ", "clerk2", Level.DISSATISFIED, RatingChannel.SMS,
        (Reason.EFFICIENCY,), "审批进度一直查不到，打电话也没人说清楚。", "appeal_rejected",
        decided=True, rated=9, days=(0, 1, 3, 5),
    ),
]  # fmt: skip

#: A one-page PDF: the evidence of the demo's appeals (the upload check reads content).
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _moves(order, story: Story, owner: User, supervisor: User) -> list:
    """The moves that take ``order`` through the orders' services to ``story.state``,
    in their order (one per day of ``story.days``)."""

    def call_back():
        order_call_back(
            order=order, actor=owner, finding=Finding.TRUE, note="已电话联系群众，情况基本属实。"
        )

    def reply(text="已整改：对相关人员批评教育，优化了办理流程。"):
        return lambda: order_reply(order=order, actor=owner, text=text)

    def visit(level, note):
        return lambda: order_visit(order=order, actor=owner, level=level, note=note)

    def appeal():
        return appeal_file(
            order=order,
            actor=owner,
            kind=AppealKind.MALICIOUS if story.state == "appeal_accepted" else AppealKind.MISTAKEN,
            reason="评价内容与办理情况不符，"
            + ("监控录像和办理记录可以证明。" if order.hall_id else "审批系统的办理记录可以证明。"),
            evidence=ContentFile(EVIDENCE_PDF, name="办理记录.pdf"),
        )

    def decide(accept):
        return lambda: appeal_decide(
            appeal=Appeal.objects.get(order=order),
            actor=supervisor,
            accept=accept,
            reason="经调取录像核实，属恶意评价。" if accept else "证据不足，请继续整改。",
        )

    unsatisfied = visit(VisitLevel.UNSATISFIED, "群众仍不满意。")
    again = [
        unsatisfied,
        reply("再次整改：指定专人跟进，当面说明。"),
        visit(VisitLevel.UNSATISFIED, "群众仍不认可。"),
    ]
    return {
        "opened": [],
        "rectifying": [call_back],
        "replied": [call_back, reply()],
        "satisfied": [call_back, reply(), visit(VisitLevel.SATISFIED, "电话回访满意。")],
        "reopened": [call_back, reply(), unsatisfied],
        "ruling": [call_back, reply(), *again],
        "ruled": [
            call_back,
            reply(),
            *again,
            lambda: order_rule(
                order=order, actor=supervisor, text="单位已两次整改并说明，整改到位，予以办结。"
            ),
        ],
        "appeal_pending": [appeal],
        "appeal_accepted": [appeal, decide(True)],
        "appeal_rejected": [call_back, appeal, decide(False), reply()],
    }[story.state]


def _owner(order, clerks: list[User], acting: dict[int, User]) -> User:
    """The demo account of the unit that works ``order``: the clerk of its hall, or the
    approver acting for its department."""
    if not order.hall_id:
        return acting[order.department_id]
    return next(clerk for clerk in clerks if clerk.staff_profile.window.hall_id == order.hall_id)


def _story_version(story: Story, acting: dict[int, User]) -> ItemVersion | None:
    """The story's item of its department: a 即办件, or for a ``decided`` story a 承诺件
    (not joint) whose every step a demo approver decides, the one promised soonest (its
    stages decided a day each stay plausible: no cooling-off period cut short)."""
    versions = ItemVersion.objects.filter(
        status=VersionStatus.PUBLISHED, department__code=story.department
    )
    if not story.decided:
        return versions.filter(case_type=CaseType.IMMEDIATE).order_by("item__code").first()
    candidates = versions.filter(case_type=CaseType.PROMISED, co_departments__isnull=True).order_by(
        "promised_limit_days", "item__code"
    )
    return next(
        (
            version
            for version in candidates.prefetch_related("steps")
            if all(step.department_id in acting for step in version.steps.all())
        ),
        None,
    )


def _story_acts(
    story: Story,
    version: ItemVersion,
    clerk: User,
    applicant: Citizen,
    acting: dict[int, User],
    clerks: list[User],
    supervisor: User,
) -> DatedStory:
    """One 差评 of ``STORY`` as a dated story (``accounts.demo.in_date_order``): its case,
    a 即办件 taken and concluded on the spot the morning of the 差评, or a 承诺件 accepted
    a working day per stage before the day before it and decided stage by stage, a day
    each, the last the day before; the other service rated well when it was given (the
    pad at the window, the SMS link of a conclusion: three minutes after); the 差评 on
    its day (at the window's pad or by the link twenty minutes after a service given
    there, the morning after a decision's SMS); then its order taken through the
    orders' services to ``story.state``, each move on its working day after the 差评
    (``story.days``, in the afternoon), as the unit and the supervisor would have. No
    act later than now."""
    now = timezone.now()
    rated = story.rated_days_ago
    stages = len({step.stage for step in version.steps.all()}) if story.decided else 0
    accepted_at = working_moment(rated + stages + 1 if story.decided else rated, 9, 30)
    approved_at = [working_moment(days_ago, 10) for days_ago in range(rated + stages, rated, -1)]
    decision_rated_at = working_moment(rated, 11)
    moved_at = [working_moment(rated - after, 15, 10 * n) for n, after in enumerate(story.days)]
    yield accepted_at
    application = accept_at_the_counter(
        version, clerk, applicant, conclude_immediately=not story.decided
    )
    good = Stage.CONCLUSION if story.stage == Stage.INTAKE else Stage.INTAKE
    served = ServiceInstance.objects.get(application=application, stage=good)
    yield min(served.served_at + datetime.timedelta(minutes=3), now)
    rating_record(
        instance=served,
        level=Level.VERY_SATISFIED,
        channel=RatingChannel.PAD if good == Stage.INTAKE else RatingChannel.SMS,
    )
    for moment in approved_at:
        yield moment
        approve_stage(application, acting)
    instance = ServiceInstance.objects.get(application=application, stage=story.stage)
    yield min(
        decision_rated_at if story.decided else instance.served_at + datetime.timedelta(minutes=20),
        now,
    )
    bad = rating_record(
        instance=instance,
        level=story.level,
        reasons=story.reasons,
        text=story.text,
        channel=story.channel,
    )
    order = RectificationOrder.objects.get(rating=bad)
    moves = _moves(order, story, _owner(order, clerks, acting), supervisor)
    for moment, move in zip(moved_at, moves, strict=True):
        yield moment
        move()


def story_stories(*, rng: random.Random | None = None) -> list[DatedStory]:
    """The 差评 of ``STORY`` (see the module), each a dated story (``_story_acts``)."""
    rng = rng or random.Random(14)  # noqa: S311 - reproducible demo data
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("clerk", "clerk2", "supervisor")).select_related(
            "staff_profile__window"
        )
    }
    clerks = [users["clerk"], users["clerk2"]]
    acting = acting_approvers()
    citizens = _citizens(rng)
    stories = []
    for index, story in enumerate(STORY):
        version = _story_version(story, acting)
        if version is not None:
            stories.append(
                _story_acts(
                    story,
                    version,
                    users[story.clerk],
                    citizens[index],
                    acting,
                    clerks,
                    users["supervisor"],
                )
            )
    return stories


def seed_own_services() -> None:
    """The demo citizen's (``citizen``, 张明) own 即办件, taken today at the demo clerk's
    window: the window's service rated on the pad, the department's left for 张明 to
    rate online (去评价 on the case's page in 我的申请)."""
    citizen = Citizen.objects.filter(user__username="citizen").first()
    clerk = User.objects.filter(username="clerk").first()
    version = (
        ItemVersion.objects.filter(status=VersionStatus.PUBLISHED, case_type=CaseType.IMMEDIATE)
        .order_by("item__code")
        .first()
    )
    if citizen is None or clerk is None or version is None:
        return
    application = accept_at_the_counter(version, clerk, citizen, conclude_immediately=True)
    intake = ServiceInstance.objects.get(application=application, stage=Stage.INTAKE)
    rating_record(instance=intake, level=Level.VERY_SATISFIED, channel=RatingChannel.PAD)


@register_seeder("feedback", order=60)
def seed_feedback() -> None:
    if Application.objects.filter(outcome_note=HISTORY_NOTE).exists():
        return
    seed_history()
    # The 差评's cases and the lights' walk-ins were worked on past days: in date order,
    # so their notices are numbered in date order; then today's.
    in_date_order([*story_stories(), *lights_stories()])
    seed_own_services()
