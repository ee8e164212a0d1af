"""The demo's live back office (``manage.py seed_demo``): cases accepted at 金普厅 1 号窗口
today and routed to the departments, so the approvers' inbox, the department heads' and
the district government's head's 延期审批 have work to show.

- three cases waiting in the approvers' inbox, one of them claimed by ``approver``;
- for each department head (``head``: 行政审批局, ``head2``: 市场监管局), a case of that
  department whose approver asked for a 5-day extension, which the head decides;
- a joint case (联办: the version names co-handling departments) whose approver asked
  for 12 days: the district government's head (``govhead``) decides it. Every
  department of its workflow has a demo approver (``approver2`` the first and last
  stages, ``approver3`` the parallel checks), so the case, or another of the item taken
  at the counter, can be walked to its conclusion with the printed accounts.

It also concludes four of the demo citizen's (张明, ``citizen``) cases, so his 我的申请
shows the 办理结果 card in each state of a result (``seed_citizen_results``): waiting
at the windows to be collected, collected at 金普厅 1 号窗口, posted (with its tracking
number) and to be downloaded (电子证照下载: his download delivers it). His 即办件
concluded and handed over on the spot is feedback's demo's (``seed_own_services``).

And it lights the lights (``lights_stories``, ``seed_lights``): walk-ins' cases worked on
earlier days, two with a step overdue and one past its promised limit (红灯, with the
督办 the minute sweep opens for them), two at a second stage with time to spare (绿灯),
beside the yellow ones above. Being dated, they are worked by feedback's seeder in date
order with its 差评's cases (``accounts.demo.in_date_order``), before any of today's
cases here, so every notice is numbered in the order of its date.

Everything goes through the services (counter intake, acceptance, routing, claim,
extension, approval, hand-over, posting, the sweep), so the record is what a real day
would leave; a case worked on earlier days is worked on those days (``as_of``). A
second run finds the demo's cases (the waiting ones, each extension by who decides it,
张明's results, the walk-ins') and adds nothing.
"""

import datetime
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from accounts.constants import Role
from accounts.demo import (
    DEPARTMENT_HEADS,
    Story,
    in_date_order,
    make_resident_id,
    register_seeder,
)
from accounts.models import Citizen, Department, User
from accounts.selectors import department_list_acting_for
from accounts.services import citizen_register_at_window
from catalog.calendar import subtract_working_days
from catalog.constants import CaseType, VersionStatus
from catalog.models import ItemVersion
from intake.constants import Channel, DeliveryMethod, MaterialStatus
from intake.models import Application
from intake.services.cases import application_create, counter_receive, intake_accept
from intake.services.notices import notice_render

from .constants import OPEN_TASK_STATUSES, ExtensionAuthority
from .models import Delivery, Extension, Task
from .selectors import result_notice
from .services.delivery import delivery_hand_over, delivery_post
from .services.sweep import clock_sweep
from .services.tasks import extension_request, task_approve, task_claim

#: The demo's live cases are the 1 号窗口 clerk's counter intakes of the demo citizen.
CLERK = "clerk"
APPLICANT_USER = "citizen"


def accept_at_the_counter(
    version: ItemVersion, clerk: User, applicant: Citizen, *, conclude_immediately=False, **delivery
) -> Application:
    """A counter intake of ``version`` by ``clerk`` with every material received, accepted
    (and, for a 即办件 with ``conclude_immediately``, concluded on the spot); ``delivery``:
    how the result is to reach the applicant (``delivery_method``, ``delivery_address``;
    a window pick-up when not given)."""
    application = application_create(
        item_version=version, applicant=applicant, actor=clerk, channel=Channel.COUNTER, **delivery
    )
    counter_receive(application=application, actor=clerk)
    verdicts = [
        {
            "material": material.pk,
            "status": MaterialStatus.RECEIVED,
            "originals": material.originals,
            "copies": material.copies,
        }
        for material in version.materials.all()
    ]
    return intake_accept(
        application=application,
        actor=clerk,
        verdicts=verdicts,
        conclude_immediately=conclude_immediately,
    )


def _versions(clerk: User, approver_departments: set[int]):
    """Published 承诺件 the clerk's hall accepts whose first stage is all in departments a
    demo approver acts for: (not joint, deciding department the head's) and joint, of
    which only those whose every stage is (the printed accounts can conclude them)."""
    hall = clerk.staff_profile.window.hall
    candidates = (
        ItemVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            case_type=CaseType.PROMISED,
            accepting_halls=hall,
            statutory_limit_days__gte=15,
        )
        .prefetch_related("steps", "co_departments")
        .order_by("item_code")
    )
    plain, joint = [], []
    for version in candidates:
        steps = list(version.steps.all())
        first = min(step.stage for step in steps)
        if not all(s.department_id in approver_departments for s in steps if s.stage == first):
            continue
        if not version.co_departments.all():
            plain.append(version)
        elif all(s.department_id in approver_departments for s in steps):
            joint.append(version)
    return plain, joint


def acting_approvers() -> dict[int, User]:
    """Department id → the demo approver deciding its steps: the department's approver
    (``approver``, ``approver2``, ``approver3``), not its head (``head``, ``head2``), who
    decides the extensions the approvers ask for."""
    acting: dict[int, User] = {}
    for user in User.objects.filter(groups__name=Role.APPROVER).order_by("username"):
        for department_id in department_list_acting_for(user=user).values_list("pk", flat=True):
            acting.setdefault(department_id, user)
    return acting


def _clerk_and_applicant() -> tuple[User, Citizen]:
    """The demo's clerk (金普厅 1 号窗口) and the demo citizen (张明)."""
    clerk = User.objects.select_related("staff_profile__window__hall").get(username=CLERK)
    return clerk, Citizen.objects.get(user__username=APPLICANT_USER)


def _live_plan(clerk: User, acting: dict[int, User]):
    """What ``seed_live_cases`` takes: the three items waiting in the inbox, and an
    extension to ask (its scope, item, days and reason) for each department head, each
    of another item than those waiting (the inbox shows different services), and one of
    a 联办 case for the district government's head."""
    plain, joint = _versions(clerk, set(acting))
    waiting = plain[:3]
    asked: list[tuple[Q, ItemVersion, int, str]] = []
    taken = set(waiting)
    for code in DEPARTMENT_HEADS.values():
        department = Department.objects.get(code=code)
        version = next(
            (v for v in plain if v.department_id == department.pk and v not in taken), None
        )
        if version is not None:
            taken.add(version)
            asked.append(
                (
                    Q(authority=ExtensionAuthority.DEPARTMENT_HEAD, department=department),
                    version,
                    5,
                    "需组织专家现场评审。",
                )
            )
    if joint:
        asked.append(
            (
                Q(authority=ExtensionAuthority.GOVERNMENT_HEAD),
                joint[0],
                12,
                "需多部门联合现场核查。",
            )
        )
    return waiting, asked


@register_seeder("approvals", order=75)
def seed_live_cases() -> None:
    clerk, applicant = _clerk_and_applicant()
    ours = Q(application__accepted_by=clerk, application__applicant=applicant)
    acting = acting_approvers()
    waiting, asked = _live_plan(clerk, acting)
    if not Task.objects.filter(ours).exists():
        cases = [accept_at_the_counter(v, clerk, applicant) for v in waiting]
        claimed = cases[0].tasks.order_by("pk").first()
        task_claim(task=claimed, actor=acting[claimed.department_id])
    # Each extension is looked for on its own, so a demo seeded before a head was added
    # gets that head's extension on the next run, and nothing twice.
    for scope, version, days, reason in asked:
        if Extension.objects.filter(scope, ours).exists():
            continue
        case = accept_at_the_counter(version, clerk, applicant)
        task: Task = case.tasks.order_by("pk").first()
        approver = acting[task.department_id]
        task_claim(task=task, actor=approver)
        extension_request(task=task, actor=approver, days=days, reason=reason)


# --- the demo citizen's results ----------------------------------------------------------

#: Where 张明's posted result goes (the card shows it masked) and its courier's number.
POSTAL_ADDRESS = "辽宁省大连市金普新区友谊街道光明路 88 号 3 单元 502 室"
TRACKING_NUMBER = "SF1402639587201"
OPINION = "申请材料齐全，符合法定条件，同意。"


def _decidable(clerk: User, acting: dict[int, User], applicant: Citizen) -> list[ItemVersion]:
    """Published 承诺件 the clerk's hall accepts whose every step a demo approver decides,
    of items the applicant has no case of yet."""
    taken = Application.objects.filter(applicant=applicant).values("item_version__item_id")
    candidates = (
        ItemVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            case_type=CaseType.PROMISED,
            accepting_halls=clerk.staff_profile.window.hall,
        )
        .exclude(item_id__in=taken)
        .prefetch_related("steps")
        .order_by("item_code")
    )
    return [v for v in candidates if all(s.department_id in acting for s in v.steps.all())]


def _open_tasks(case: Application) -> list[Task]:
    """The case's open tasks: those of the stage it is at (parallel steps of 联办)."""
    return list(case.tasks.filter(status__in=OPEN_TASK_STATUSES).order_by("stage", "pk"))


def _claim(task: Task, acting: dict[int, User]) -> User:
    """``task`` claimed by its department's demo approver (unless it is theirs already)."""
    approver = acting[task.department_id]
    if task.assignee_id != approver.pk:
        task_claim(task=task, actor=approver)
    return approver


def approve_stage(case: Application, acting: dict[int, User]) -> None:
    """The open tasks claimed and approved by their departments' demo approvers: the
    next stage opens, or the last approval concludes the case with its result."""
    for task in _open_tasks(case):
        task_approve(task=task, actor=_claim(task, acting), opinion=OPINION)


def _approve_every_step(case: Application, acting: dict[int, User]) -> Application:
    """Stage after stage approved (``approve_stage``) until the case concludes."""
    while _open_tasks(case):
        approve_stage(case, acting)
    case.refresh_from_db()
    return case


def working_moment(days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``hour``:``minute`` (local time) of the working day ``days_ago`` working days
    before today; now for 0."""
    if not days_ago:
        return timezone.now()
    day = subtract_working_days(timezone.localdate(), days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def work_acts(
    version: ItemVersion,
    clerk: User,
    applicant: Citizen | Callable[[], Citizen],
    acting: dict[int, User],
    *,
    accepted: int,
    approved: tuple[int, ...] = (),
    claimed: int | None = None,
) -> Story:
    """A case worked through the services on the days it was worked, as a dated story
    (``accounts.demo.in_date_order``), each day named by how many working days ago it
    was (0: now; the moments are taken here, with the real clock): taken at ``clerk``'s
    counter and accepted on ``accepted`` (9:30), its stages approved one after the
    other by the demo approvers on the days of ``approved`` (10:00; the last stage's
    approval concludes it), and the tasks then open claimed on ``claimed`` (14:00).
    ``applicant``: the citizen, or what gives them at the acceptance (one registered by
    an earlier act). The story returns the case."""
    return _worked(
        version,
        clerk,
        applicant,
        acting,
        working_moment(accepted, 9, 30),
        [working_moment(days_ago, 10) for days_ago in approved],
        working_moment(claimed, 14) if claimed is not None else None,
    )


def _worked(version, clerk, applicant, acting, accepted_at, approved_at, claimed_at) -> Story:
    yield accepted_at
    case = accept_at_the_counter(version, clerk, applicant() if callable(applicant) else applicant)
    for moment in approved_at:
        yield moment
        approve_stage(case, acting)
    if claimed_at is not None:
        yield claimed_at
        for task in _open_tasks(case):
            _claim(task, acting)
    case.refresh_from_db()
    return case


@register_seeder("approvals_results", order=76)
def seed_citizen_results() -> None:
    """张明's concluded 承诺件, one per state of the 办理结果 card (see the module). Only
    the two result documents handed over are rendered here (a hand-over needs the PDF);
    the worker renders the others, as after any decision."""
    clerk, applicant = _clerk_and_applicant()
    results = Delivery.objects.filter(application__applicant=applicant)
    if results.filter(application__tasks__isnull=False).exists():  # seeded before
        return
    acting = acting_approvers()
    versions = _decidable(clerk, acting, applicant)
    postal = next((v for v in versions if v.postal_delivery_supported), None)
    others = iter(v for v in versions if v != postal)
    plans = (  # (version, how the result goes, what happens to it)
        (postal, DeliveryMethod.POST, "posted"),
        (next(others, None), DeliveryMethod.WINDOW, "collected"),
        (next(others, None), DeliveryMethod.WINDOW, "waiting"),
        (next(others, None), DeliveryMethod.ELECTRONIC, "to download"),
    )
    for version, method, then in plans:
        if version is None:
            continue
        case = accept_at_the_counter(
            version,
            clerk,
            applicant,
            delivery_method=method,
            delivery_address=POSTAL_ADDRESS if method == DeliveryMethod.POST else "",
        )
        case = _approve_every_step(case, acting)
        if then == "posted":
            notice_render(notice_id=result_notice(case).pk)
            delivery_post(delivery=case.delivery, actor=clerk, tracking_number=TRACKING_NUMBER)
        elif then == "collected":
            notice_render(notice_id=result_notice(case).pk)
            delivery_hand_over(
                delivery=case.delivery,
                actor=clerk,
                recipient_name=applicant.name,
                recipient_id_number=applicant.id_number,
            )


# --- the lights: live cases worked on earlier days ---------------------------------------

#: Walk-ins (registered at the window, no account) whose live cases light the lights:
#: name, the first 17 characters of the ID number, mobile.
LIGHTS_APPLICANTS = [
    ("刘建华", "21021319790314101", "13804120001"),
    ("孙丽萍", "21021319850722102", "13804120002"),
    ("高志远", "21021319920105103", "13804120003"),
    ("马晓燕", "21021319880930104", "13804120004"),
    ("何立军", "21021319760611105", "13804120005"),
]


def _lights_versions(clerk: User, acting: dict[int, User]) -> list[ItemVersion]:
    """Published 承诺件 (not joint) the clerk's hall accepts whose every step a demo
    approver decides, with a second stage of 4 working days and more (green the day
    after it opens: the yellow light comes at 2 left); items the live cases
    (``_live_plan``) do not take first (the inbox shows different services)."""
    candidates = (
        ItemVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            case_type=CaseType.PROMISED,
            accepting_halls=clerk.staff_profile.window.hall,
            co_departments__isnull=True,
        )
        .prefetch_related("steps")
        .order_by("item_code")
    )
    fit = []
    for version in candidates:
        steps = list(version.steps.all())
        stages = sorted({step.stage for step in steps})
        if len(stages) < 2 or any(step.department_id not in acting for step in steps):
            continue
        if all(step.budget_days >= 4 for step in steps if step.stage == stages[1]):
            fit.append(version)
    _waiting, asked = _live_plan(clerk, acting)
    live = {version.pk for version in _waiting} | {version.pk for _, version, _, _ in asked}
    return sorted(fit, key=lambda version: version.pk in live)


def _in_turn(versions: list[ItemVersion], acting: dict[int, User], count: int):
    """``count`` of ``versions``, taken in turn from each demo approver's (``approver``,
    ``approver2``, ``approver3``), each approver's in their order: every approver's
    inbox gets its share of the lights."""
    queues: dict[User, list[ItemVersion]] = {}
    for version in versions:
        queues.setdefault(acting[version.department_id], []).append(version)
    turns = [queues[user] for user in sorted(queues, key=lambda user: user.username)]
    chosen: list[ItemVersion] = []
    while len(chosen) < count and any(turns):
        chosen += [queue.pop(0) for queue in turns if queue][: count - len(chosen)]
    return chosen


def _first_budget(version: ItemVersion) -> int:
    """The working days of the version's first stage (its longest step)."""
    steps = list(version.steps.all())
    first = min(step.stage for step in steps)
    return max(step.budget_days for step in steps if step.stage == first)


def lights_stories() -> list[Story]:
    """The walk-ins' live cases (``LIGHTS_APPLICANTS``) as dated stories, each registered
    at the window on the day of its acceptance and worked on the days it was
    (``work_acts``), so the back office shows every light and the 督办 the minute sweep
    opens for the late ones:

    - red steps: a case whose first step (受理, one working day) is two working days
      overdue and unclaimed, and one claimed on its first day and three days overdue;
    - a red case: one accepted a working day past its promised limit, its first stage
      approved the next day and its second claimed then and still open (the promised
      limit overdue, and the step when its budget is shorter);
    - green: two at their second stage, one accepted yesterday and one today, each with
      its first stage approved at once.

    Their items are taken in turn from each demo approver's departments, so ``approver``,
    ``approver2`` and ``approver3`` each open their inbox on a red case. None when they
    are there already (or the catalog has too few items for them).

    feedback's seeder runs them in date order with its own dated stories (the 差评's
    cases: the notices of both are numbered in date order, ``in_date_order``); the
    lights seeder runs them for a demo whose feedback was seeded before."""
    clerk, _ = _clerk_and_applicant()
    numbers = [make_resident_id(id17) for _, id17, _ in LIGHTS_APPLICANTS]
    if Application.objects.filter(applicant__id_number__in=numbers).exists():
        return []
    acting = acting_approvers()
    versions = _in_turn(_lights_versions(clerk, acting), acting, len(LIGHTS_APPLICANTS))
    if len(versions) < len(LIGHTS_APPLICANTS):
        return []
    unclaimed, claimed, late = (
        _first_budget(versions[0]) + 2,
        _first_budget(versions[1]) + 3,
        versions[2].promised_limit_days + 1,
    )
    plans = [  # accepted, stages approved, open tasks claimed: working days ago
        (unclaimed, (), None),
        (claimed, (), claimed),
        (late, (late - 1,), late - 1),
        (1, (1,), None),
        (0, (0,), None),
    ]
    window = clerk.staff_profile.window
    return [
        _walk_in(clerk, window, acting, person, version, plan)
        for person, version, plan in zip(LIGHTS_APPLICANTS, versions, plans, strict=True)
    ]


def _walk_in(clerk, window, acting, person, version, plan) -> Story:
    """One walk-in of ``lights_stories``: registered at the window at 9:20 on the day of
    the acceptance, then the case worked (``work_acts``)."""
    name, id17, phone = person
    accepted, approved, claimed = plan
    registered: list[Citizen] = []
    registered_at = working_moment(accepted, 9, 20)
    work = work_acts(
        version,
        clerk,
        lambda: registered[0],
        acting,
        accepted=accepted,
        approved=approved,
        claimed=claimed,
    )
    yield registered_at
    registered.append(
        citizen_register_at_window(
            name=name, id_number=make_resident_id(id17), phone=phone, clerk=clerk, window=window
        )
    )
    yield from work


@register_seeder("approvals_lights", order=77)
def seed_lights() -> None:
    """The walk-ins' cases (``lights_stories``: feedback's seeder works them, in date
    order with its 差评's; here only for a demo whose feedback was seeded before), then
    the sweep (``approvals.tasks.clock_sweep``, every minute in the worker, so a second
    run adds nothing) lights today's lights, warns the departments' approvers and opens
    the 督办 of every overdue clock. The yellow ones are the other seeders' (a 受理 of
    one working day is yellow from its first day; the rectification orders' callbacks)."""
    in_date_order(lights_stories())
    clock_sweep()
