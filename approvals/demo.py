"""The demo's live back office (``manage.py seed_demo``): cases accepted at 金普厅 1 号窗口
today and routed to the departments, so the approvers' inbox, the department head's and
the district government's head's 延期审批 have work to show.

- three cases waiting in the approvers' inbox, one of them claimed by ``approver``;
- a case whose approver asked for a 5-day extension: the deciding department's head
  (``head``) decides it;
- a joint case (联办: the version names co-handling departments) whose approver asked
  for 12 days: the district government's head (``govhead``) decides it.

Everything goes through the services (counter intake, acceptance, routing, claim,
extension), so the record is what a real day would leave. Run once: a second run finds
the demo's cases and adds nothing.
"""

from accounts.constants import Role
from accounts.demo import register_seeder
from accounts.models import Citizen, User
from accounts.selectors import department_list_acting_for
from catalog.constants import CaseType, VersionStatus
from catalog.models import ItemVersion
from intake.constants import Channel, MaterialStatus
from intake.models import Application
from intake.services.cases import application_create, counter_receive, intake_accept

from .models import Task
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
    demo approver acts for: (not joint, deciding department the head's) and joint."""
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
        (joint if version.co_departments.all() else plain).append(version)
    return plain, joint


@register_seeder("approvals", order=75)
def seed_live_cases() -> None:
    clerk = User.objects.select_related("staff_profile__window__hall").get(username=CLERK)
    applicant = Citizen.objects.get(user__username=APPLICANT_USER)
    if Task.objects.filter(
        application__accepted_by=clerk, application__applicant=applicant
    ).exists():
        return
    approvers = {
        user.username: user
        for user in User.objects.filter(groups__name=Role.APPROVER).order_by("username")
    }
    # The department's approver (approver, approver2), not its head (head): the head
    # decides the extensions the approvers ask for.
    acting: dict[int, User] = {}
    for user in approvers.values():
        for department_id in department_list_acting_for(user=user).values_list("pk", flat=True):
            acting.setdefault(department_id, user)
    plain, joint = _versions(clerk, set(acting))
    head = User.objects.get(username="head")
    headed = head.staff_profile.head_of_id
    waiting = plain[:3]
    # Another item than those waiting, so the inbox shows five different services.
    decided_by_head = [v for v in plain if v.department_id == headed and v not in waiting]
    cases = [accept_at_the_counter(v, clerk, applicant) for v in waiting]
    claimed = cases[0].tasks.order_by("pk").first()
    task_claim(task=claimed, actor=acting[claimed.department_id])
    for version, days, reason in (
        (decided_by_head[0] if decided_by_head else None, 5, "需组织专家现场评审。"),
        (joint[0] if joint else None, 12, "需多部门联合现场核查。"),
    ):
        if version is None:
            continue
        case = accept_at_the_counter(version, clerk, applicant)
        task: Task = case.tasks.order_by("pk").first()
        approver = acting[task.department_id]
        task_claim(task=task, actor=approver)
        extension_request(task=task, actor=approver, days=days, reason=reason)
