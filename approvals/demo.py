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

Everything goes through the services (counter intake, acceptance, routing, claim,
extension), so the record is what a real day would leave. A second run finds the demo's
cases (the waiting ones, and each extension by who decides it) and adds nothing.
"""

from django.db.models import Q

from accounts.constants import Role
from accounts.demo import DEPARTMENT_HEADS, register_seeder
from accounts.models import Citizen, Department, User
from accounts.selectors import department_list_acting_for
from catalog.constants import CaseType, VersionStatus
from catalog.models import ItemVersion
from intake.constants import Channel, MaterialStatus
from intake.models import Application
from intake.services.cases import application_create, counter_receive, intake_accept

from .constants import ExtensionAuthority
from .models import Extension, Task
from .services.tasks import extension_request, task_claim

#: The demo's live cases are the 1 号窗口 clerk's counter intakes of the demo citizen.
CLERK = "clerk"
APPLICANT_USER = "citizen"


def accept_at_the_counter(
    version: ItemVersion, clerk: User, applicant: Citizen, *, conclude_immediately=False
) -> Application:
    """A counter intake of ``version`` by ``clerk`` with every material received, accepted
    (and, for a 即办件 with ``conclude_immediately``, concluded on the spot)."""
    application = application_create(
        item_version=version, applicant=applicant, actor=clerk, channel=Channel.COUNTER
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


@register_seeder("approvals", order=75)
def seed_live_cases() -> None:
    clerk = User.objects.select_related("staff_profile__window__hall").get(username=CLERK)
    applicant = Citizen.objects.get(user__username=APPLICANT_USER)
    ours = Q(application__accepted_by=clerk, application__applicant=applicant)
    approvers = {
        user.username: user
        for user in User.objects.filter(groups__name=Role.APPROVER).order_by("username")
    }
    # The department's approver (approver, approver2, approver3), not its head (head,
    # head2): the head decides the extensions the approvers ask for.
    acting: dict[int, User] = {}
    for user in approvers.values():
        for department_id in department_list_acting_for(user=user).values_list("pk", flat=True):
            acting.setdefault(department_id, user)
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
