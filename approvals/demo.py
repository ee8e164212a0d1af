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

Everything goes through the services (counter intake, acceptance, routing, claim,
extension, approval, hand-over, posting), so the record is what a real day would leave.
A second run finds the demo's cases (the waiting ones, each extension by who decides it,
and 张明's results) and adds nothing.
"""

from django.db.models import Q

from accounts.constants import Role
from accounts.demo import DEPARTMENT_HEADS, register_seeder
from accounts.models import Citizen, Department, User
from accounts.selectors import department_list_acting_for
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


def _acting_approvers() -> dict[int, User]:
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


@register_seeder("approvals", order=75)
def seed_live_cases() -> None:
    clerk, applicant = _clerk_and_applicant()
    ours = Q(application__accepted_by=clerk, application__applicant=applicant)
    acting = _acting_approvers()
    plain, joint = _versions(clerk, set(acting))
    waiting = plain[:3]
    if not Task.objects.filter(ours).exists():
        cases = [accept_at_the_counter(v, clerk, applicant) for v in waiting]
        claimed = cases[0].tasks.order_by("pk").first()
        task_claim(task=claimed, actor=acting[claimed.department_id])
    # An extension for each department head to decide, each of another item than those
    # waiting (the inbox shows different services), and one of a 联办 case for the
    # district government's head. Each is looked for on its own, so a demo seeded before
    # a head was added gets that head's extension on the next run, and nothing twice.
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


def _approve_every_step(case: Application, acting: dict[int, User]) -> Application:
    """Each open task claimed and approved by its department's demo approver, stage after
    stage, until the last approval concludes the case with its result document."""
    while True:
        task = case.tasks.filter(status__in=OPEN_TASK_STATUSES).order_by("stage", "pk").first()
        if task is None:
            break
        approver = acting[task.department_id]
        task_claim(task=task, actor=approver)
        task_approve(task=task, actor=approver, opinion=OPINION)
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
    acting = _acting_approvers()
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
