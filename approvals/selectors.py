"""Reads with rules: an approver's inbox and task page, a case's clocks and timeline, the
counter's results awaiting hand-over, extensions a user may decide, 督办 records."""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_users_with_perms

from accounts.constants import Role
from accounts.models import Hall, User
from accounts.navigation import HomeAlert
from accounts.selectors import department_list_acting_for, department_list_supervised_by
from accounts.validators import mask_address
from catalog.calendar import WorkingCalendar, current_calendar, working_days_between
from catalog.models import WorkflowStep
from intake.constants import (
    CaseAction,
    CaseStatus,
    DeliveryMethod,
    MaterialStatus,
    NoticeKind,
    NoticeStatus,
)
from intake.legal_forms import legal_form
from intake.models import Application, CaseEvent, Notice, SubmittedMaterial, SupplementFile
from intake.page_hooks import PausedLimit
from intake.selectors import application_list_for, supplement_files_of
from intake.services.online import agent_of

from .constants import (
    ClockKind,
    Decision,
    DeliveryStatus,
    EscalationStatus,
    ExtensionAuthority,
    ExtensionStatus,
    Light,
    PauseKind,
    TaskStatus,
)
from .models import Clock, ClockPause, Delivery, Escalation, Extension, Task
from .services import tasks as task_services
from .services.common import CASE_CLOCK_KINDS, is_department_head, person
from .services.routing import step_department
from .services.tolerance import tolerance_light, tolerated_missing

INBOX_STATUSES = {
    "open": (TaskStatus.OPEN, TaskStatus.CLAIMED),
    "unclaimed": (TaskStatus.OPEN,),
    "mine": (TaskStatus.CLAIMED,),
    "completed": (TaskStatus.COMPLETED,),
}


@dataclass(frozen=True)
class TaskFilters:
    department: int | None = None
    light: int | None = None
    status: str = "open"
    item: str = ""

    @classmethod
    def from_query(cls, data) -> "TaskFilters":
        def _int(name):
            value = (data.get(name) or "").strip()
            return int(value) if value.isdigit() else None

        status = (data.get("status") or "open").strip()
        light = _int("light")
        return cls(
            department=_int("department"),
            light=light if light in Light.values else None,
            status=status if status in INBOX_STATUSES else "open",
            item=(data.get("item") or "").strip()[:100],
        )

    @property
    def narrowed(self) -> bool:
        """A department, light or item narrows the list (the status is its tab)."""
        return bool(self.department or self.light is not None or self.item)


def task_list_for(*, user: User, filters: TaskFilters | None = None) -> QuerySet[Task]:
    """The tasks of the departments ``user`` acts for, most urgent first: red, then
    yellow, then green, each by due date. One query, whatever the page size."""
    filters = filters or TaskFilters()
    departments = department_list_acting_for(user=user)
    tasks = Task.objects.filter(department__in=departments).select_related(
        "department",
        "assignee",
        "clock",
        "application__item_version__item",
        "application__applicant",
        "application__enterprise",
    )
    statuses = INBOX_STATUSES[filters.status]
    tasks = tasks.filter(status__in=statuses)
    if filters.status == "mine":
        tasks = tasks.filter(assignee=user)
    if filters.department:
        tasks = tasks.filter(department_id=filters.department)
    if filters.light is not None:
        tasks = tasks.filter(clock__light=filters.light)
    if filters.item:
        tasks = tasks.filter(
            Q(application__item_version__name__icontains=filters.item)
            | Q(application__item_version__item__code__iexact=filters.item)
            | Q(application__case_number__iexact=filters.item)
        )
    if filters.status == "completed":
        return tasks.order_by("-completed_at", "-id")
    return tasks.order_by("-clock__light", "clock__due_date", "application__accepted_at", "id")


def task_get_for(*, user: User, pk: int) -> Task | None:
    """A task of a department the user acts for, in any status."""
    return (
        Task.objects.filter(pk=pk, department__in=department_list_acting_for(user=user))
        .select_related(
            "department",
            "assignee",
            "clock",
            "step",
            "application__item_version__item",
            "application__item_version__department",
            "application__applicant",
            "application__enterprise",
            "application__hall",
            "application__window",
        )
        .first()
    )


@dataclass(frozen=True)
class TimeLeft:
    light: int
    days: int | None
    paused: bool
    stopped: bool
    # Past the due date: on a day off right after it no working day is over yet (days
    # is 0), but the limit has run out.
    overdue: bool = False

    @property
    def label(self) -> str:
        if self.stopped:
            return "超期办结" if self.light == Light.RED else "已办结"
        if self.paused:
            return "已暂停"
        if self.days < 0:
            return f"超期 {-self.days} 个工作日"
        if self.days == 0:
            return "已超期" if self.overdue else "今日到期"
        return f"剩 {self.days} 个工作日"

    @property
    def css(self) -> str:
        return {Light.GREEN: "green", Light.YELLOW: "yellow", Light.RED: "red"}[self.light]

    @property
    def light_label(self) -> str:
        return str(Light(self.light).label)


def time_left(
    clock: Clock | None,
    *,
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> TimeLeft | None:
    """A clock's light and what is left of it ("剩 2 个工作日", "超期 1 个工作日", "已暂停").

    The stored light is the sweep's; between two sweeps the days left are the truth, so
    a clock past its due date shows red here even before the sweep has run.
    """
    if clock is None:
        return None
    if not clock.is_open:
        return TimeLeft(clock.light, None, False, True)
    if clock.paused_since is not None:
        return TimeLeft(clock.light, None, True, False)
    today = today or timezone.localdate()
    days = working_days_between(today, clock.due_date, calendar or current_calendar())
    light = clock.light
    if today > clock.due_date:
        light = Light.RED
    elif today >= clock.yellow_from:
        light = max(light, Light.YELLOW)
    return TimeLeft(light, days, False, False, overdue=today > clock.due_date)


def tolerated_owed(
    application: Application, *, calendar: WorkingCalendar | None = None
) -> list[tuple]:
    """The 容缺 materials the case still owes, each with its light and what is left
    until its due date ("剩 2 个工作日", "超期 1 个工作日"), for the task page."""
    today = timezone.localdate()
    calendar = calendar or current_calendar()
    return [
        (
            slot,
            TimeLeft(
                tolerance_light(slot.tolerance_due_date, today),
                working_days_between(today, slot.tolerance_due_date, calendar),
                False,
                False,
                overdue=today > slot.tolerance_due_date,
            ),
        )
        for slot in tolerated_missing(application)
    ]


def case_clocks(application: Application) -> list[Clock]:
    """The case clocks first (promised, statutory), then the step clocks, with pauses;
    the clocks of the case's rectification orders (feedback) are the orders' own."""
    order = {ClockKind.PROMISED: 0, ClockKind.STATUTORY: 1}
    clocks = list(
        Clock.objects.filter(Q(application=application) | Q(task__application=application))
        .exclude(kind=ClockKind.RECTIFICATION)
        .select_related("department", "task")
        .prefetch_related("pauses")
        .distinct()
    )
    return sorted(clocks, key=lambda c: (order.get(c.kind, 2), c.started_on, c.pk))


def case_clocks_left(
    application: Application, *, calendar: WorkingCalendar | None = None
) -> list[tuple[Clock, TimeLeft | None]]:
    """``case_clocks`` with what is left of each (``time_left``), for the case pages."""
    calendar = calendar or current_calendar()
    return [(clock, time_left(clock, calendar=calendar)) for clock in case_clocks(application)]


def paused_case_limits(clocks) -> dict[str, str]:
    """Of a case's ``clocks``, its promised and statutory limits that are paused: kind
    ("promised", "statutory") → what the pages show instead of the due date, which the
    pause moves (``Clock.paused_left``: "剩余 5 个工作日，恢复后顺延")."""
    return {
        clock.kind: clock.paused_left
        for clock in clocks
        if clock.kind in CASE_CLOCK_KINDS and clock.paused_left
    }


def paused_limit_details(applications) -> dict[int, dict[str, PausedLimit]]:
    """Application id → its promised and statutory limits that are paused, kind →
    ``PausedLimit`` (working days left and ``Clock.paused_left``), for each of
    ``applications`` with one paused (absent otherwise): what intake's pages and APIs
    (through ``intake.page_hooks``) and supervision's export of cases show instead of
    ``promised_due_date`` / ``statutory_due_date``. One query for any number of
    applications, none when none of them has a due date."""
    ids = [a.pk for a in applications if a.promised_due_date or a.statutory_due_date]
    if not ids:
        return {}
    clocks = (
        Clock.objects.filter(
            application_id__in=ids,
            kind__in=CASE_CLOCK_KINDS,
            is_open=True,
            paused_since__isnull=False,
        )
        .only("application_id", "kind", "is_open", "paused_since", "due_date")
        .order_by()
    )
    limits: dict[int, dict[str, PausedLimit]] = {}
    for clock in clocks:
        days = clock.paused_days_left
        if days is not None:
            limits.setdefault(clock.application_id, {})[clock.kind] = PausedLimit(
                days, clock.paused_left
            )
    return limits


def paused_limits(applications) -> dict[int, dict[str, str]]:
    """``paused_limit_details`` in words (``paused_case_limits`` of each case's clocks):
    kind → "剩余 5 个工作日，恢复后顺延"."""
    return {
        pk: {kind: limit.text for kind, limit in kinds.items()}
        for pk, kinds in paused_limit_details(applications).items()
    }


def application_visible_to(*, user: User, application: Application) -> bool:
    """Who may look at a case here: whoever intake lets see it (applicant, clerks,
    supervisors), approvers acting for a department with a task on it, and the district
    government's head once a joint extension (联办) of the case is theirs to decide or
    was (art. 42: they cannot weigh the reason without the case's record)."""
    if application_list_for(user=user).filter(pk=application.pk).exists():
        return True
    if (
        user.has_role(Role.GOVERNMENT_HEAD)
        and application.extensions.filter(authority=ExtensionAuthority.GOVERNMENT_HEAD).exists()
    ):
        return True
    return Task.objects.filter(
        application=application, department__in=department_list_acting_for(user=user)
    ).exists()


def open_task_of(*, user: User, application: Application) -> Task | None:
    """The first open task of the case in a department ``user`` acts for (None for
    anyone else): where the case page sends an approver to work on it."""
    return (
        Task.objects.filter(
            application=application,
            department__in=department_list_acting_for(user=user),
            status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED),
        )
        .order_by("stage", "pk")
        .first()
    )


def case_route_department_ids(application: Application) -> set[int]:
    """The departments on a case's route: those with a task on it (routed, reassigned
    or done), and those its workflow sends a later stage to (routing's rule, 赋权
    included), so a department can read the file before its stage opens."""
    ids = set(Task.objects.filter(application=application).values_list("department_id", flat=True))
    steps = WorkflowStep.objects.filter(version=application.item_version_id).select_related(
        "department"
    )
    ids.update(step_department(application, step).pk for step in steps)
    return ids


def approver_may_read_case_files(*, user: User, application: Application) -> bool:
    """An approver acting for a department on the case's route may open its files, once
    it is a case (accepted: an application still at the window, or refused, is not the
    departments' business)."""
    if not application.case_number:
        return False
    route = case_route_department_ids(application)
    return department_list_acting_for(user=user).filter(pk__in=route).exists()


# --- the timeline ------------------------------------------------------------------------


@dataclass
class TimelineStep:
    task: Task
    started_on: datetime.date
    finished_on: datetime.date | None
    working_days: int
    who: str

    @property
    def label(self) -> str:
        if self.task.status == TaskStatus.COMPLETED:
            return f"{self.task.get_decision_display()}，用时 {self.working_days} 个工作日"
        if self.task.status == TaskStatus.CANCELLED:
            return "已取消"
        return f"办理中，已用 {self.working_days} 个工作日"


@dataclass
class CaseTimeline:
    events: list[CaseEvent] = field(default_factory=list)
    steps: list[TimelineStep] = field(default_factory=list)
    total_working_days: int | None = None
    # Staff see who did what; the applicant sees roles and departments only.
    for_staff: bool = True


STAFF_ROLES = (
    Role.CLERK,
    Role.APPROVER,
    Role.GOVERNMENT_HEAD,
    Role.SUPERVISOR,
    Role.SYSTEM_ADMIN,
)


def sees_staff_names(user: User) -> bool:
    """Whether ``user`` works for the portal (staff pages show names). Citizens never see
    staff names: for them the timeline shows the role and the department."""
    return any(user.has_role(role) for role in STAFF_ROLES)


def case_timeline(application: Application, *, for_staff: bool = True) -> CaseTimeline:
    """Every event of the case (who, when, what) and every workflow step with who handled
    it and how long it took in working days (paused time not counted). ``for_staff``
    False (the applicant's view): no names, and internal acts without their message."""
    calendar = current_calendar()
    today = timezone.localdate()
    events = list(
        CaseEvent.objects.filter(application=application)
        .select_related("actor", "department")
        .order_by("at", "id")
    )
    for event in events:
        event.shown_message = event.message if for_staff else event.public_message
    steps = []
    tasks = (
        Task.objects.filter(application=application)
        .select_related("department", "assignee", "clock")
        .order_by("stage", "id")
    )
    for task in tasks:
        started = timezone.localdate(task.created_at)
        finished = timezone.localdate(task.completed_at) if task.completed_at else None
        if task.clock is not None:
            started = task.clock.started_on
            end = task.clock.stopped_on or task.clock.paused_since or finished or today
            paused = task.clock.paused_days
            days = working_days_between(started, end, calendar) - paused
        else:
            days = working_days_between(started, finished or today, calendar)
        steps.append(
            TimelineStep(
                task=task,
                started_on=started,
                finished_on=finished,
                working_days=max(days, 0),
                who=(person(task.assignee) if task.assignee_id else "待认领") if for_staff else "",
            )
        )
    total = None
    if application.accepted_at:
        end = timezone.localdate(application.concluded_at) if application.concluded_at else today
        statutory = Clock.objects.filter(application=application, kind=ClockKind.STATUTORY).first()
        paused = statutory.paused_days if statutory else 0
        total = (
            working_days_between(timezone.localdate(application.accepted_at), end, calendar)
            - paused
        )
    return CaseTimeline(events=events, steps=steps, total_working_days=total, for_staff=for_staff)


# --- the task page -----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskPage:
    """What an approver's task page shows of the task and its case besides the forms:
    the clocks, the file, and which acts the page offers the user."""

    left: TimeLeft | None
    clocks: list[tuple[Clock, TimeLeft | None]]
    paused_limits: dict[str, str]  # the case's paused limits (``paused_case_limits``)
    timeline: CaseTimeline
    materials: QuerySet[SubmittedMaterial]
    supplement_files: list[SupplementFile]  # the supplements' files (审批补正材料)
    notices: QuerySet[Notice]
    attorney: dict | None  # the power of attorney's file, as stored
    pending_extension: Extension | None
    extension_limit: int
    extension_authority: str  # the label: who approves an extension of the case
    statutory_limit_passed: datetime.date | None
    is_mine: bool
    is_open: bool
    is_head: bool
    in_approval: bool
    pause: ClockPause | None
    colleagues: list[User]  # whom the user may reassign the task to: not the user himself
    tolerated: list[tuple]
    escalations: list["CaseEscalation"]  # the case's 督办, answerable where the user may
    acts: frozenset[str]  # the forms of acts the page offers (``task_acts``)


def task_acts(
    task: Task, application: Application, pause, extension: bool, *, mine: bool, head: bool
) -> frozenset[str]:
    """The acts with a form (``approvals.views.TASK_FORMS``) the task page offers: the
    template shows a form when its act is here, and a refused post whose act is no
    longer here (the task moved on) keeps what was typed above the page's acts.
    ``pause``: the case's running pause; ``extension``: False when none may be asked
    (one pending, the statutory limit passed); ``mine``: the task is the user's,
    ``head``: the user heads its department."""
    if task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED):
        return frozenset()
    if task.assignee_id and not mine:
        return frozenset({"take-over"} if head else ())
    acts = set()
    if application.status != CaseStatus.SUPPLEMENT_REQUESTED:
        if pause is not None:
            if pause.kind != PauseKind.SUPPLEMENT:
                acts.add("special-end")
        elif application.status == CaseStatus.IN_APPROVAL:
            acts |= {"approve", "deny", "supplement", "special-start"}
    if application.status in (CaseStatus.IN_APPROVAL, CaseStatus.SUPPLEMENT_REQUESTED):
        acts.add("terminate")
        if extension:
            acts.add("extension")
    return frozenset(acts)


def task_page_for(*, user: User, task: Task) -> TaskPage:
    """The task page of ``task`` (one ``task_get_for`` found) as ``user`` sees it."""
    application = task.application
    calendar = current_calendar()
    clocks = case_clocks_left(application, calendar=calendar)
    is_mine = task.assignee_id == user.pk
    is_head = is_department_head(user, task.department)
    pause = task_services.running_pause(application)
    pending_extension = application.extensions.filter(status=ExtensionStatus.REQUESTED).first()
    limit_passed = task_services.statutory_limit_passed(application)
    may_extend = pending_extension is None and limit_passed is None
    return TaskPage(
        left=time_left(task.clock, calendar=calendar),
        clocks=clocks,
        paused_limits=paused_case_limits(clock for clock, _left in clocks),
        timeline=case_timeline(application),
        materials=application.materials.select_related("material").order_by("material__position"),
        supplement_files=supplement_files_of(application),
        notices=application.notices.order_by("issued_at", "id"),
        attorney=(agent_of(application) or {}).get("power_of_attorney"),
        pending_extension=pending_extension,
        extension_limit=task_services.extension_limit(application),
        extension_authority=ExtensionAuthority(
            task_services.extension_authority(application)
        ).label,
        statutory_limit_passed=limit_passed,
        is_mine=is_mine,
        is_open=task.status in (TaskStatus.OPEN, TaskStatus.CLAIMED),
        is_head=is_head,
        in_approval=application.status == CaseStatus.IN_APPROVAL,
        pause=pause,
        colleagues=[
            u
            for u in _department_approvers(task.department)
            if u.pk not in (task.assignee_id, user.pk)
        ],
        tolerated=tolerated_owed(application, calendar=calendar),
        escalations=case_escalations_for(user=user, application=application),
        acts=task_acts(task, application, pause, may_extend, mine=is_mine, head=is_head),
    )


def _department_approvers(department) -> list[User]:
    """The approvers acting for ``department`` (by name), superusers and groups aside."""
    users = get_users_with_perms(
        department,
        only_with_perms_in=["act_for_department"],
        with_superusers=False,
        with_group_users=False,
    )
    return [u for u in users.order_by("full_name", "username") if u.has_role(Role.APPROVER)]


# --- results and delivery --------------------------------------------------------------


RESULT_KINDS = (NoticeKind.APPROVAL_DECISION, NoticeKind.DENIAL_DECISION)


def result_notice(application: Application) -> Notice | None:
    """The case's result document (准予 / 不予决定书, titled by the item's legal form), the
    latest one."""
    return _latest_notice(application, RESULT_KINDS)


#: The acts that conclude a case: a department's decision, a 即办件 concluded on the spot.
CONCLUDING_ACTIONS = (CaseAction.CONCLUDE, CaseAction.CONCLUDE_IMMEDIATELY)


@dataclass(frozen=True)
class CaseResult:
    """A concluded case's outcome and how its result reaches the applicant, as the
    applicant may see it: the window and hall, never the clerk; the postal address
    masked. Only what the record says: no verdict when it records none (``approved``
    None), no delivery when it records none (``method`` empty)."""

    approved: bool | None  # None: the record does not say
    verdict: str  # the item's legal form's words: 准予行政许可, 不予确认, ...; "" if unknown
    notice: Notice | None  # the result document (准予 / 不予决定书)
    concluded_at: datetime.datetime | None
    on_the_spot: bool = False  # a 即办件 concluded at the counter
    method: str = ""  # DeliveryMethod of the Delivery; "" without one
    method_label: str = ""
    delivered: bool = False
    status_label: str = ""  # 已领取 / 待领取 / 当场领取 at a window, else 已送达 / 待送达
    delivered_at: datetime.datetime | None = None
    window: str = ""  # where a window pick-up took place (the hall's name and the window)
    recipient: str = ""  # who collected it at the window (the applicant or the agent)
    halls: list = field(default_factory=list)  # where a pending pick-up may be made
    address: str = ""  # masked
    tracking_number: str = ""

    @property
    def ready(self) -> bool:
        return self.notice is not None and self.notice.status == NoticeStatus.READY


def recorded_decision(conclusion: CaseEvent | None, notice: Notice | None) -> bool | None:
    """Whether the case was decided for the applicant, as the record says: the decision
    its conclusion recorded (a department's, ``details["decision"]``; a 即办件 concluded
    on the spot was decided for the applicant there, the counter's only conclusion: what
    it cannot grant it refuses to accept, 不予受理), else the kind of its result
    document; None when neither says (a case imported without them)."""
    if conclusion is not None:
        if conclusion.action == CaseAction.CONCLUDE_IMMEDIATELY:
            return True
        decision = (conclusion.details or {}).get("decision")
        if decision in (Decision.APPROVE, Decision.DENY):
            return decision == Decision.APPROVE
    if notice is not None:
        return notice.kind == NoticeKind.APPROVAL_DECISION
    return None


def case_result(application: Application) -> CaseResult | None:
    """The result of a concluded case (else None): the decision recorded, the result
    document if one was issued, and the ``Delivery`` if one was recorded (a 即办件's is
    handed over at the window when it concludes)."""
    if application.status != CaseStatus.CONCLUDED:
        return None
    conclusion = (
        CaseEvent.objects.filter(application=application, action__in=CONCLUDING_ACTIONS)
        .order_by("-at", "-id")
        .first()
    )
    notice = result_notice(application)
    approved = recorded_decision(conclusion, notice)
    form = legal_form(application.item_version.item_type)
    outcome = {
        "approved": approved,
        "verdict": "" if approved is None else (form.approve if approved else form.deny).verdict,
        "notice": notice,
        "concluded_at": application.concluded_at or (conclusion.at if conclusion else None),
        "on_the_spot": conclusion is not None
        and conclusion.action == CaseAction.CONCLUDE_IMMEDIATELY,
    }
    delivery = (
        Delivery.objects.select_related("window__hall").filter(application=application).first()
    )
    if delivery is None:
        return CaseResult(**outcome)
    delivered = delivery.status == DeliveryStatus.DELIVERED
    at_window = delivery.method == DeliveryMethod.WINDOW
    if at_window and outcome["on_the_spot"] and delivered:
        status_label = "当场领取"
    elif at_window:
        status_label = "已领取" if delivered else "待领取"
    else:
        status_label = str(delivery.get_status_display())
    return CaseResult(
        **outcome,
        method=delivery.method,
        method_label=str(dict(DeliveryMethod.choices).get(delivery.method, delivery.method)),
        delivered=delivered,
        status_label=status_label,
        delivered_at=delivery.delivered_at,
        window=str(delivery.window) if delivery.window_id else "",
        recipient=delivery.recipient_name if at_window else "",
        halls=list(Hall.objects.order_by("code")) if at_window and not delivered else [],
        address=mask_address(delivery.address),
        tracking_number=delivery.tracking_number,
    )


def supplement_notice(application: Application) -> Notice | None:
    """The latest 审查补正告知书 of the case: what the applicant is asked to hand in."""
    return task_services.current_supplement_notice(application)


def _latest_notice(application: Application, kinds) -> Notice | None:
    return (
        Notice.objects.filter(application=application, kind__in=kinds)
        .order_by("-issued_at", "-id")
        .first()
    )


def delivery_list_pending(*, query: str = "") -> QuerySet[Delivery]:
    """Concluded cases whose result waits at the counter: pick-up at any window (两厅通办)
    or to be posted. Clerks of either hall see all of them."""
    deliveries = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, method__in=("window", "post"))
        .select_related(
            "application__item_version",
            "application__applicant",
            "application__agent",
            "application__enterprise",
        )
        .annotate(
            result_ready=Exists(
                Notice.objects.filter(
                    application=OuterRef("application"),
                    kind__in=RESULT_KINDS,
                    status=NoticeStatus.READY,
                )
            )
        )
        .order_by("application__concluded_at", "id")
    )
    query = (query or "").strip()
    if query:
        deliveries = deliveries.filter(
            Q(application__case_number__iexact=query)
            | Q(application__applicant__name=query)
            | Q(application__enterprise__name__icontains=query)
        )
    return deliveries


def tolerated_list_owed(*, query: str = "") -> QuerySet[SubmittedMaterial]:
    """容缺 materials still owed on cases in approval, earliest due first: the applicant
    may hand one in at any window (a clerk registers it)."""
    owed = SubmittedMaterial.objects.filter(
        status=MaterialStatus.TOLERATED,
        application__status__in=(CaseStatus.IN_APPROVAL, CaseStatus.SUPPLEMENT_REQUESTED),
    ).select_related("material", "application__item_version", "application__applicant")
    query = (query or "").strip()
    if query:
        owed = owed.filter(
            Q(application__case_number__iexact=query) | Q(application__applicant__name=query)
        )
    return owed.order_by("tolerance_due_date", "id")


def supplement_list_waiting(*, query: str = "") -> QuerySet[Application]:
    """Cases waiting for the applicant's supplement (a clerk may receive it)."""
    cases = Application.objects.filter(status=CaseStatus.SUPPLEMENT_REQUESTED).select_related(
        "item_version", "applicant", "enterprise"
    )
    query = (query or "").strip()
    if query:
        cases = cases.filter(Q(case_number__iexact=query) | Q(applicant__name=query))
    return cases.order_by("updated_at", "id")


# --- extensions and 督办 ---------------------------------------------------------------


def extension_list_decidable_by(*, user: User) -> QuerySet[Extension]:
    """Pending extensions ``user`` may decide (art. 42): those of the department they
    head (本行政机关负责人) that are not joint handling, and, for the district
    government's head (区政府负责人), every joint one (联办). Supervisors decide none
    (see extension_list_watched_by)."""
    scopes = []
    profile = getattr(user, "staff_profile", None)
    if (
        profile is not None
        and profile.head_of_id is not None
        and is_department_head(user, profile.head_of_id)
    ):
        scopes.append(
            Q(department_id=profile.head_of_id, authority=ExtensionAuthority.DEPARTMENT_HEAD)
        )
    if user.has_role(Role.GOVERNMENT_HEAD):
        scopes.append(Q(authority=ExtensionAuthority.GOVERNMENT_HEAD))
    if not scopes:
        return Extension.objects.none()
    return _pending_extensions(reduce(operator.or_, scopes))


def _extensions_alert(user: User, text: str) -> list:
    """The extensions waiting for ``user``'s decision as a home alert: ``text`` with the
    count in front, and a menu item with the count."""
    waiting = extension_list_decidable_by(user=user).count()
    return [
        HomeAlert(
            f"{waiting} {text}",
            waiting,
            reverse("approvals:extensions"),
            "待批延期",
            "bi-hourglass-split",
            "warning",
        )
    ]


def extension_alerts(user: User) -> list:
    """The district government's head's home and menu: the joint extensions waiting for
    their decision."""
    return _extensions_alert(user, "件联办事项延期申请待批准")


def head_extension_alerts(user: User) -> list:
    """A department head's home and menu: their department's extensions waiting for
    their decision (none for an approver who heads no department; a user who is also
    the district government's head has them in that alert)."""
    if user.has_role(Role.GOVERNMENT_HEAD):
        return []
    return _extensions_alert(user, "件延期申请待您批准（本行政机关负责人）")


def extension_list_referred_by(*, user: User) -> QuerySet[Extension]:
    """Pending joint extensions (联办) of the department ``user`` heads: no longer theirs
    to decide (the district government's head does), shown to them read-only."""
    profile = getattr(user, "staff_profile", None)
    if (
        profile is None
        or profile.head_of_id is None
        or user.has_role(Role.GOVERNMENT_HEAD)
        or not is_department_head(user, profile.head_of_id)
    ):
        return Extension.objects.none()
    return _pending_extensions(
        Q(department_id=profile.head_of_id, authority=ExtensionAuthority.GOVERNMENT_HEAD)
    )


def extension_list_watched_by(*, user: User) -> QuerySet[Extension]:
    """Pending extensions a supervisor sees (and may urge) but does not decide: those
    of the departments they watch, as deciding body or as the case's department."""
    if not user.has_role(Role.SUPERVISOR):
        return Extension.objects.none()
    watched = department_list_supervised_by(user=user)
    return _pending_extensions(
        Q(department__in=watched) | Q(application__item_version__department__in=watched)
    )


def extension_get_for(*, user: User, pk: int) -> Extension | None:
    """One extension (any status) that ``user`` has a part in: approvers acting for the
    deciding department (its head decides) or for a department with a task on the case,
    when it is not joint handling; the district government's head, when it is (联办);
    supervisors watching the deciding department or the case's. None for anyone else,
    as for an id that does not exist: the service's refusal names the deciding
    department, which an outsider must not learn."""
    acting = department_list_acting_for(user=user)
    watched = department_list_supervised_by(user=user)
    on_the_case = Task.objects.filter(application=OuterRef("application"), department__in=acting)
    scope = (
        (Q(department__in=acting) | Exists(on_the_case))
        & Q(authority=ExtensionAuthority.DEPARTMENT_HEAD)
        | Q(department__in=watched)
        | Q(application__item_version__department__in=watched)
    )
    if user.has_role(Role.GOVERNMENT_HEAD):
        scope |= Q(authority=ExtensionAuthority.GOVERNMENT_HEAD)
    return Extension.objects.filter(scope, pk=pk).select_related("department").first()


def _pending_extensions(scope: Q) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(scope, status=ExtensionStatus.REQUESTED)
        .select_related("application__item_version", "requested_by", "department")
        .order_by("created_at", "id")
    )


@dataclass
class CaseEscalation:
    escalation: Escalation
    answerable: bool  # open, and the user acts for the supervised department


def case_escalations_for(*, user: User, application: Application) -> list[CaseEscalation]:
    """The 督办 records of a case as a staff member's page of it shows them (none for
    anyone else), with whether the user may answer each (two queries)."""
    if not sees_staff_names(user):
        return []
    records = list(
        Escalation.objects.filter(application=application)
        .select_related("department")
        .order_by("-issued_at", "-id")
    )
    acting = (
        set(
            department_list_acting_for(user=user)
            .filter(pk__in={r.department_id for r in records})
            .values_list("pk", flat=True)
        )
        if records
        else set()
    )
    return [
        CaseEscalation(r, r.status == EscalationStatus.OPEN and r.department_id in acting)
        for r in records
    ]


def escalation_list_for(*, user: User, status: str = "") -> QuerySet[Escalation]:
    """督办 records of the departments a supervisor watches (district-wide: all), newest
    first; ``status`` "open" or "resolved" keeps those (any other value: all of them)."""
    if not user.has_role(Role.SUPERVISOR):
        return Escalation.objects.none()
    watched = department_list_supervised_by(user=user)
    records = Escalation.objects.filter(
        Q(department__in=watched) | Q(responsible_department__in=watched)
    )
    if status in EscalationStatus.values:
        records = records.filter(status=status)
    return (
        records.select_related(
            "application__item_version", "department", "responsible_department", "clock"
        )
        .distinct()
        .order_by("-issued_at", "-id")
    )
