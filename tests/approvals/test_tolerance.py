"""容缺受理 after acceptance: a case with a tolerated material still owed cannot conclude
(approval or denial, page and API); the approver's task page shows what is owed and by
when with a light; the minute sweep warns as the date nears and once it has passed;
the material is received (then the case concludes) or the case is terminated with
reasons."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from approvals.constants import ApprovalEvent, TaskStatus
from approvals.errors import ApprovalError, ApprovalPermissionDenied
from approvals.models import Clock, Delivery
from approvals.services import tasks as svc
from approvals.services.sweep import clock_sweep
from approvals.services.tolerance import case_terminate, tolerated_material_receive
from intake.constants import CaseAction, CaseStatus, MaterialStatus, NoticeKind
from jinpu_portal.models import Notification
from tests.factories import make_version

D = datetime.date
pytestmark = pytest.mark.django_db

DUE = D(2026, 12, 8)  # a Tuesday; accepted Tuesday 12/1
REFUSAL = "容缺受理的材料“身份证明”（补交期限 2026年12月8日）尚未补交，不能办结"


@pytest.fixture
def case(at, accept, spj):
    at(2026, 12, 1, 10)
    version = make_version(
        department=spj, steps=[(1, "审查", spj, 5), (2, "决定", spj, 3)], tolerance=True
    )
    case = accept(version, tolerated={"身份证明": DUE})
    assert case.materials.get(material__name="身份证明").status == MaterialStatus.TOLERATED
    return case


def owed(case):
    return case.materials.get(material__name="身份证明")


def test_conclusion_is_refused_until_the_material_is_received(
    case, spj_approver, clerk, django_capture_on_commit_callbacks
):
    svc.task_approve(task=case.tasks.get(), actor=spj_approver, opinion="同意")  # stage 1
    final = case.tasks.get(stage=2)
    with pytest.raises(ApprovalError, match=REFUSAL) as refused:
        svc.task_approve(task=final, actor=spj_approver, opinion="同意")
    assert refused.value.code == "tolerated_missing"
    with pytest.raises(ApprovalError, match=REFUSAL):
        svc.task_deny(task=final, actor=spj_approver, reason="不符合条件")
    # Nothing half-saved: the task is open, the case in approval, no result, no delivery.
    final.refresh_from_db()
    case.refresh_from_db()
    assert (final.status, final.decision, case.status) == (TaskStatus.OPEN, "", "in_approval")
    assert not case.notices.filter(kind=NoticeKind.APPROVAL_DECISION).exists()
    assert not Delivery.objects.filter(application=case).exists()
    assert Clock.objects.filter(application=case, is_open=True).count() == 3  # case + step

    slot = tolerated_material_receive(application=case, slot=owed(case), actor=clerk)
    assert slot.status == MaterialStatus.RECEIVED
    event = case.events.get(action=ApprovalEvent.TOLERATED_RECEIVED)
    assert "“身份证明”已补交" in event.message
    with pytest.raises(ValidationError, match="不是待补交的容缺材料"):
        tolerated_material_receive(application=case, slot=slot, actor=clerk)

    with django_capture_on_commit_callbacks(execute=True):
        svc.task_approve(task=final, actor=spj_approver, opinion="同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED


def test_the_api_refuses_conclusion_with_a_400(client, case, spj_approver):
    svc.task_approve(task=case.tasks.get(), actor=spj_approver, opinion="同意")
    final = case.tasks.get(stage=2)
    client.force_login(spj_approver)
    response = client.post(
        f"/api/v1/tasks/{final.pk}/decide/",
        {"decision": "approve", "opinion": "同意"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "tolerated_missing"
    assert REFUSAL in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL


def test_the_task_page_shows_what_is_owed_and_takes_it_in(client, at, case, spj_approver):
    task = case.tasks.get()
    at(2026, 12, 4, 10)  # two working days before: yellow
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{task.pk}/").content.decode()
    assert "容缺材料待补交" in html
    assert 'data-material="身份证明"' in html
    assert '补交期限 <span class="text-nowrap">2026-12-08</span>' in html
    assert "剩 2 个工作日" in html
    assert "light-yellow" in html
    at(2026, 12, 9, 10)
    client.force_login(spj_approver)
    html = client.get(f"/approvals/tasks/{task.pk}/").content.decode()
    assert "超期 1 个工作日" in html
    response = client.post(
        f"/approvals/tasks/{task.pk}/tolerated-receive/", {"slot": owed(case).pk}, follow=True
    )
    assert "已登记容缺材料补交" in response.content.decode()
    assert owed(case).status == MaterialStatus.RECEIVED
    assert "容缺材料待补交" not in client.get(f"/approvals/tasks/{task.pk}/").content.decode()


def test_only_staff_on_the_case_register_the_material(case, scj_approver, citizen):
    for outsider in (scj_approver, citizen.user):
        with pytest.raises(ApprovalPermissionDenied):
            tolerated_material_receive(application=case, slot=owed(case), actor=outsider)
    assert owed(case).status == MaterialStatus.TOLERATED


def test_the_sweep_warns_as_the_date_nears_and_when_it_passes(case, spj_approver, citizen):
    def warnings(user):
        return list(Notification.objects.filter(recipient=user, title__contains="容缺"))

    assert clock_sweep(today=D(2026, 12, 3)).tolerances_warned == 0  # 3 working days left
    assert clock_sweep(today=D(2026, 12, 4)).tolerances_warned == 1
    [approver_message] = warnings(spj_approver)
    assert "即将到补交期限" in approver_message.title
    assert "“身份证明”（2026年12月8日前）" in approver_message.body
    [applicant_message] = warnings(citizen.user)
    assert "请按承诺到任一政务服务大厅综合窗口补交" in applicant_message.body
    assert clock_sweep(today=D(2026, 12, 7)).tolerances_warned == 0  # once per level
    assert clock_sweep(today=D(2026, 12, 8)).tolerances_warned == 0  # the due day itself
    assert clock_sweep(today=D(2026, 12, 9)).tolerances_warned == 1
    assert any("已逾期未补交" in message.title for message in warnings(spj_approver))
    assert clock_sweep(today=D(2026, 12, 10)).tolerances_warned == 0
    assert len(warnings(spj_approver)) == len(warnings(citizen.user)) == 2


def test_the_warning_days_follow_the_setting(settings, case):
    settings.TOLERANCE_WARN_DAYS = 3
    assert clock_sweep(today=D(2026, 12, 2)).tolerances_warned == 0  # 4 working days left
    assert clock_sweep(today=D(2026, 12, 3)).tolerances_warned == 1


def test_a_received_material_is_not_warned_about(case, clerk, spj_approver):
    tolerated_material_receive(application=case, slot=owed(case), actor=clerk)
    assert clock_sweep(today=D(2026, 12, 9)).tolerances_warned == 0


def test_the_case_is_terminated_with_reasons(case, spj_approver, citizen):
    task = case.tasks.get()
    with pytest.raises(ApprovalError, match="终止办理必须说明理由"):
        case_terminate(task=task, actor=spj_approver, reason=" ")
    case_terminate(task=task, actor=spj_approver, reason="申请人未按容缺承诺补交身份证明")
    case.refresh_from_db()
    task.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    assert "申请人未按容缺承诺补交身份证明" in case.outcome_note
    assert task.status == TaskStatus.CANCELLED
    assert not Clock.objects.filter(application=case, is_open=True).exists()
    # No 办结服务 to rate (好差评): a termination is not a decision on the application.
    assert list(case.service_instances.values_list("stage", flat=True)) == ["intake"]
    assert case.events.filter(action=CaseAction.TERMINATE).exists()
    assert Notification.objects.filter(recipient=citizen.user, title="您的办件已终止办理").exists()
    # A terminated case is not warned about any more.
    assert clock_sweep(today=D(2026, 12, 9)).tolerances_warned == 0


def test_the_api_lists_receives_and_terminates(client, case, spj_approver, clerk):
    task = case.tasks.get()
    client.force_login(spj_approver)
    detail = client.get(f"/api/v1/tasks/{task.pk}/").json()
    [owed_item] = detail["tolerated_missing"]
    assert owed_item | {"light": None, "label": None} == {
        "id": owed(case).pk,
        "name": "身份证明",
        "due_date": "2026-12-08",
        "light": None,
        "label": None,
    }
    client.force_login(clerk)
    url = f"/api/v1/cases/{case.pk}/tolerated/{owed(case).pk}/received/"
    response = client.post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == MaterialStatus.RECEIVED
    again = client.post(url)
    assert (again.status_code, again.json()["code"]) == (400, "not_owed")

    client.force_login(spj_approver)
    assert client.get(f"/api/v1/tasks/{task.pk}/").json()["tolerated_missing"] == []
    terminate = f"/api/v1/tasks/{task.pk}/terminate/"
    blank = client.post(terminate, {"reason": ""}, content_type="application/json")
    assert blank.status_code == 400
    done = client.post(terminate, {"reason": "申请人撤回承诺"}, content_type="application/json")
    assert done.status_code == 200, done.json()
    assert done.json()["task"]["status"] == TaskStatus.CANCELLED
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED


def test_the_counter_takes_the_material_in(client, case, clerk, spj_approver):
    client.force_login(clerk)
    html = client.get("/approvals/counter/").content.decode()
    assert "容缺材料补交" in html
    assert f'data-case="{case.case_number}"' in html
    assert '<span class="text-nowrap">补交期限 2026-12-08</span>' in html
    response = client.post(f"/approvals/tolerated/{owed(case).pk}/received/", follow=True)
    assert "已登记容缺材料“身份证明”补交" in response.content.decode()
    assert owed(case).status == MaterialStatus.RECEIVED
    event = case.events.get(action=ApprovalEvent.TOLERATED_RECEIVED)
    assert event.window_id == clerk.staff_profile.window_id
    assert "暂无待补交的容缺材料" in client.get("/approvals/counter/").content.decode()
    # Only clerks use the counter.
    client.force_login(spj_approver)
    assert client.post(f"/approvals/tolerated/{owed(case).pk}/received/").status_code == 403
