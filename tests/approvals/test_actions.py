"""Every action on a task and its refusals: claim / release / reassign, approve, deny,
supplement (补正) with pause and resume, special procedures, extensions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from approvals.constants import (
    ClockKind,
    ExtensionStatus,
    Light,
    PauseKind,
    TaskStatus,
)
from approvals.errors import ApprovalError, ApprovalPermissionDenied, TaskConflict
from approvals.models import Clock, ClockPause, Extension
from approvals.services import tasks as svc
from approvals.services.clocks import clock_days_left
from intake.constants import CaseAction, CaseStatus, NoticeKind
from intake.models import CaseEvent, Notice
from jinpu_portal.models import Notification
from tests.factories import CitizenFactory, UserFactory, make_version, pdf_file

D = datetime.date
pytestmark = pytest.mark.django_db


def case_clock(case, kind) -> Clock:
    return Clock.objects.get(application=case, kind=kind)


@pytest.fixture
def case(accept, sequential_version):
    return accept(sequential_version)


@pytest.fixture
def task(case):
    return case.tasks.get()


# --- claim, release, reassign ---------------------------------------------------------


def test_claim_release_and_reassign_within_the_department(
    task, spj_approver, spj_colleague, spj_head
):
    task = svc.task_claim(task=task, actor=spj_approver, expected_version=0)
    assert (task.status, task.assignee, task.lock_version) == (
        TaskStatus.CLAIMED,
        spj_approver,
        1,
    )
    with pytest.raises(TaskConflict, match="李审批认领"):
        svc.task_claim(task=task, actor=spj_colleague)
    with pytest.raises(PermissionDenied, match="只有认领人或部门负责人"):
        svc.task_release(task=task, actor=spj_colleague)

    task = svc.task_reassign(task=task, actor=spj_approver, assignee=spj_colleague)
    assert task.assignee == spj_colleague
    assert Notification.objects.filter(recipient=spj_colleague, title__contains="改派").exists()

    # Someone else's task: only a department head may hand it on or give it back.
    with pytest.raises(PermissionDenied):
        svc.task_reassign(task=task, actor=spj_approver, assignee=spj_approver)
    task = svc.task_release(task=task, actor=spj_head)
    assert (task.status, task.assignee) == (TaskStatus.OPEN, None)
    actions = list(
        CaseEvent.objects.filter(application=task.application, details__task=task.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == ["task_claimed", "task_reassigned", "task_released"]


def test_reassigning_to_oneself_is_refused(task, spj_approver, spj_head, spj_colleague):
    # Unclaimed, one's own, or (a head) someone else's: taking it is a claim, not a 改派.
    with pytest.raises(ApprovalError, match="不能改派给自己"):
        svc.task_reassign(task=task, actor=spj_approver, assignee=spj_approver)
    task = svc.task_claim(task=task, actor=spj_colleague)
    for actor in (spj_colleague, spj_head):
        with pytest.raises(ApprovalError, match="不能改派给自己"):
            svc.task_reassign(task=task, actor=actor, assignee=actor)
    task.refresh_from_db()
    assert (task.assignee, task.lock_version) == (spj_colleague, 1)


def test_reassign_only_to_someone_acting_for_the_department(task, spj_approver, scj_approver):
    with pytest.raises(ApprovalError, match="没有以“金普新区行政审批局”名义审批的权限"):
        svc.task_reassign(task=task, actor=spj_approver, assignee=scj_approver)


def test_acting_for_another_department_is_refused_everywhere(task, scj_approver):
    for call in (
        lambda: svc.task_claim(task=task, actor=scj_approver),
        lambda: svc.task_approve(task=task, actor=scj_approver, opinion="同意"),
        lambda: svc.task_deny(task=task, actor=scj_approver, reason="不符合条件"),
        lambda: svc.task_request_supplement(task=task, actor=scj_approver, items=["合同"]),
        lambda: svc.extension_request(task=task, actor=scj_approver, days=5, reason="复杂"),
    ):
        with pytest.raises(ApprovalPermissionDenied, match="没有以“金普新区行政审批局”名义审批"):
            call()
    task.refresh_from_db()
    assert (task.status, task.lock_version) == (TaskStatus.OPEN, 0)


def test_a_superuser_without_the_department_permission_is_refused(task):
    admin = UserFactory(system_admin=True)
    with pytest.raises(ApprovalPermissionDenied):
        svc.task_approve(task=task, actor=admin, opinion="同意")


def test_someone_elses_claimed_task_cannot_be_decided(task, spj_approver, spj_colleague):
    svc.task_claim(task=task, actor=spj_approver)
    with pytest.raises(TaskConflict, match="已由李审批认领"):
        svc.task_approve(task=task, actor=spj_colleague, opinion="同意")


# --- approve and deny ----------------------------------------------------------------------


def test_approving_a_completed_task_is_a_conflict(task, spj_approver, spj_colleague):
    svc.task_approve(task=task, actor=spj_approver, opinion="同意。", expected_version=0)
    with pytest.raises(TaskConflict, match="已由李审批办理完毕（同意），不能重复办理"):
        svc.task_approve(task=task, actor=spj_colleague, opinion="同意。")
    with pytest.raises(TaskConflict):
        svc.task_deny(task=task, actor=spj_approver, reason="不符合")


def test_a_stale_version_is_a_conflict(task, spj_approver, spj_colleague):
    svc.task_claim(task=task, actor=spj_approver)
    svc.task_release(task=task, actor=spj_approver)
    with pytest.raises(TaskConflict, match="刷新"):
        svc.task_approve(task=task, actor=spj_colleague, opinion="同意", expected_version=0)


def test_approve_needs_an_opinion(task, spj_approver):
    with pytest.raises(ApprovalError, match="请填写审查意见"):
        svc.task_approve(task=task, actor=spj_approver, opinion="  ")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_deny_without_a_reason_is_refused_and_saves_nothing(case, task, spj_approver):
    with pytest.raises(ApprovalError, match="不予许可必须说明理由"):
        svc.task_deny(task=task, actor=spj_approver, reason="")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    assert not case.notices.filter(kind=NoticeKind.DENIAL_DECISION).exists()


def test_deny_concludes_the_parallel_case_as_not_approved(
    accept, parallel_version, scj, zjj, scj_approver
):
    case = accept(parallel_version)
    scj_task = case.tasks.get(department=scj)
    notice = svc.task_deny(
        task=scj_task,
        actor=scj_approver,
        reason="申请人经营场所不符合食品安全条件",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    assert case.outcome_note.startswith("不予行政许可：")
    assert notice.kind == NoticeKind.DENIAL_DECISION
    assert notice.context["reason"] == "申请人经营场所不符合食品安全条件"
    remedies = notice.context["legal"]["remedies"]
    assert (remedies["review_days"], remedies["lawsuit_months"]) == (60, 6)
    assert notice.context["document_title"] == "不予行政许可决定书"
    # The other department's parallel task is cancelled; every clock stopped.
    assert case.tasks.get(department=zjj).status == TaskStatus.CANCELLED
    assert not Clock.objects.filter(application=case, is_open=True).exists()
    conclude = case.events.get(action=CaseAction.CONCLUDE)
    assert conclude.details["decision"] == "deny"
    assert case.delivery.status == "pending"
    assert Notification.objects.filter(
        recipient=case.applicant.user, title__contains="不予行政许可"
    ).exists()


# --- supplement (补正): pause and resume across National Day ---------------------------------


def test_supplement_pauses_and_resume_moves_the_due_date_over_national_day(
    at, accept, sequential_version, spj_approver, citizen
):
    at(2026, 9, 28, 10)
    case = accept(sequential_version)
    task = case.tasks.get()
    promised = case_clock(case, ClockKind.PROMISED)
    assert promised.due_date == D(2026, 10, 16)
    assert task.clock.due_date == D(2026, 10, 10)

    at(2026, 9, 30, 15)  # the last working day before 国庆
    notice = svc.task_request_supplement(
        task=task,
        actor=spj_approver,
        items=["补充提交经营场所租赁合同原件", "法定代表人签字的承诺书"],
        note="请一次性补正",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED
    assert notice.kind == NoticeKind.SUPPLEMENT
    assert notice.context["supplement_items"][1] == "法定代表人签字的承诺书"
    paused = ClockPause.objects.filter(clock__application=case, ended_on__isnull=True)
    assert {p.clock.kind for p in paused} == {"promised", "statutory", "step"}
    assert {p.kind for p in paused} == {PauseKind.SUPPLEMENT}
    with pytest.raises(ApprovalError, match="等待申请人补正"):
        svc.task_approve(task=task, actor=spj_approver, opinion="同意")

    at(2026, 10, 8, 9)  # the first working day after the holiday
    svc.supplement_receive(
        application=case,
        actor=citizen.user,
        note="已上传租赁合同",
        files=[(1, pdf_file("租赁合同.pdf")), (2, pdf_file("承诺书.pdf"))],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    promised.refresh_from_db()
    # Paused over 10/1-10/7 (holidays) and 10/8: only one working day does not count.
    assert promised.paused_days == 1
    assert promised.due_date == D(2026, 10, 19)
    assert case.promised_due_date == D(2026, 10, 19)
    step = Clock.objects.get(pk=task.clock_id)
    assert (step.paused_days, step.due_date) == (1, D(2026, 10, 12))
    assert clock_days_left(promised, D(2026, 10, 8)) == 8
    assert case.events.filter(action=CaseAction.SUPPLEMENT_RECEIVED).count() == 1


def test_supplement_refusals(case, task, spj_approver):
    with pytest.raises(ApprovalError, match="逐项列明"):
        svc.task_request_supplement(task=task, actor=spj_approver, items=["", "  "])
    stranger = CitizenFactory()
    with pytest.raises(ApprovalError, match="没有待补正"):
        svc.supplement_receive(application=case, actor=case.applicant.user)
    svc.task_request_supplement(task=task, actor=spj_approver, items=["合同原件"])
    with pytest.raises(PermissionDenied, match="申请人本人或综合窗口"):
        svc.supplement_receive(application=case, actor=stranger.user)
    with pytest.raises(ApprovalError, match="等待申请人补正"):
        svc.task_request_supplement(task=task, actor=spj_approver, items=["再补一项"])


def test_a_clerk_receives_the_supplement_at_the_window(case, task, spj_approver, clerk):
    svc.task_request_supplement(task=task, actor=spj_approver, items=["合同原件"])
    svc.supplement_receive(application=case, actor=clerk, note="窗口收取合同原件")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    event = case.events.get(action=CaseAction.SUPPLEMENT_RECEIVED)
    assert (event.channel, event.actor) == ("counter", clerk)
    assert not ClockPause.objects.filter(clock__application=case, ended_on__isnull=True).exists()


# --- special procedures (art. 45) ----------------------------------------------------------


def test_special_procedure_pauses_tells_the_applicant_and_ends(at, case, task, spj_approver):
    at(2026, 11, 2, 10)
    with pytest.raises(ApprovalError, match="请选择特别程序的种类"):
        svc.special_procedure_start(
            task=task, actor=spj_approver, kind="supplement", reason="x", expected_days=5
        )
    with pytest.raises(ApprovalError, match="预计所需的工作日"):
        svc.special_procedure_start(
            task=task, actor=spj_approver, kind=PauseKind.HEARING, reason="x", expected_days=0
        )
    notice = svc.special_procedure_start(
        task=task,
        actor=spj_approver,
        kind=PauseKind.EXPERT_REVIEW,
        reason="项目涉及重大公共安全，需组织专家评审",
        expected_days=10,
    )
    assert notice.kind == NoticeKind.SPECIAL_PROCEDURE
    assert notice.context["expected_days"] == 10
    assert notice.context["procedure_label"] == "专家评审"
    assert notice.context["expected_end"] == "2026年11月16日"
    statutory = case_clock(case, ClockKind.STATUTORY)
    before = statutory.due_date
    assert statutory.is_paused
    with pytest.raises(ApprovalError, match="专家评审"):
        svc.task_approve(task=task, actor=spj_approver, opinion="同意")
    with pytest.raises(ApprovalError, match="暂停"):
        svc.special_procedure_start(
            task=task, actor=spj_approver, kind=PauseKind.HEARING, reason="听证", expected_days=3
        )

    at(2026, 11, 9, 10)  # five working days later
    with pytest.raises(ApprovalError, match="请填写特别程序的结果"):
        svc.special_procedure_end(task=task, actor=spj_approver, result="")
    svc.special_procedure_end(task=task, actor=spj_approver, result="专家评审通过")
    statutory.refresh_from_db()
    assert not statutory.is_paused
    assert statutory.paused_days == 5
    assert statutory.due_date > before
    pause = statutory.pauses.get()
    assert (pause.kind, pause.result, pause.expected_days) == ("expert_review", "专家评审通过", 10)
    with pytest.raises(ApprovalError, match="没有正在进行的特别程序"):
        svc.special_procedure_end(task=task, actor=spj_approver, result="再次结束")


# --- extensions (art. 42) -------------------------------------------------------------------


def test_extension_limits_pending_and_approval(case, task, spj_approver, spj_colleague, spj_head):
    with pytest.raises(ApprovalError, match="最多可延长 10 个工作日"):
        svc.extension_request(task=task, actor=spj_approver, days=11, reason="情况复杂")
    with pytest.raises(ApprovalError, match="延期理由"):
        svc.extension_request(task=task, actor=spj_approver, days=5, reason="")
    extension = svc.extension_request(
        task=task, actor=spj_approver, days=6, reason="需现场核查多个经营场所"
    )
    with pytest.raises(ApprovalError, match="已有待批准的延期申请"):
        svc.extension_request(task=task, actor=spj_approver, days=2, reason="再延")
    with pytest.raises(PermissionDenied, match="行政机关（金普新区行政审批局）负责人批准"):
        svc.extension_decide(extension=extension, actor=spj_colleague, approve=True)

    statutory = case_clock(case, ClockKind.STATUTORY)
    promised = case_clock(case, ClockKind.PROMISED)
    svc.extension_decide(extension=extension, actor=spj_head, approve=True, note="同意延期")
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by) == (ExtensionStatus.APPROVED, spj_head)
    for clock, before in ((statutory, statutory.due_date), (promised, promised.due_date)):
        clock.refresh_from_db()
        assert clock.extension_days == 6
        assert clock.due_date > before
    case.refresh_from_db()
    assert case.statutory_due_date == statutory.due_date
    notice = case.notices.get(kind=NoticeKind.EXTENSION)
    assert notice.context["reason"] == "需现场核查多个经营场所"
    assert notice.context["extension_days"] == 6
    with pytest.raises(TaskConflict, match="已批准"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=True)

    # 6 used of 10: 5 more is beyond the statutory limit.
    with pytest.raises(ApprovalError, match="本次最多还可申请 4 个工作日"):
        svc.extension_request(task=task, actor=spj_approver, days=5, reason="仍需核查")


def test_a_head_cannot_approve_their_own_extension(task, spj_head):
    extension = svc.extension_request(task=task, actor=spj_head, days=3, reason="复杂")
    with pytest.raises(PermissionDenied, match="本人提出"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=True)


def test_rejecting_needs_a_reason_and_changes_no_clock(case, task, spj_approver, spj_head):
    extension = svc.extension_request(task=task, actor=spj_approver, days=3, reason="复杂")
    with pytest.raises(ApprovalError, match="不批准延期时请说明理由"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=False)
    svc.extension_decide(extension=extension, actor=spj_head, approve=False, note="理由不充分")
    assert Extension.objects.get().status == ExtensionStatus.REJECTED
    assert case_clock(case, ClockKind.STATUTORY).extension_days == 0
    assert not Notice.objects.filter(application=case, kind=NoticeKind.EXTENSION).exists()


def test_joint_handling_allows_fifteen_days(accept, parallel_version, scj, scj_approver):
    """15 working days, approved by the district government's head (区政府负责人)."""
    case = accept(parallel_version)
    task = case.tasks.get(department=scj)
    with pytest.raises(ApprovalError, match="最多可延长 15 个工作日"):
        svc.extension_request(task=task, actor=scj_approver, days=16, reason="联办复杂")
    extension = svc.extension_request(task=task, actor=scj_approver, days=15, reason="联办复杂")
    svc.extension_decide(extension=extension, actor=UserFactory(government_head=True), approve=True)
    assert case_clock(case, ClockKind.STATUTORY).extension_days == 15


def test_light_of_a_new_case_is_green(case):
    assert case_clock(case, ClockKind.PROMISED).light == Light.GREEN


def test_version_for_another_item_keeps_its_own_department(spj, scj, accept, scj_approver):
    version = make_version(department=scj, steps=[(1, "审查", scj, 3)])
    case = accept(version)
    task = case.tasks.get()
    assert task.department == scj
    svc.task_approve(task=task, actor=scj_approver, opinion="同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
