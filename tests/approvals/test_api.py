"""The approvals API: inbox with filters and a flat query count, task detail, claim,
decide, supplement, special procedures, extensions, case clocks, 督办 records; the
errors: 400 with the service's Chinese message, 403, 404, 409 on a conflict."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.constants import ClockKind, EscalationStatus, Light, PauseKind
from approvals.models import Clock, Escalation
from approvals.services.tasks import task_claim
from intake.constants import CaseStatus
from tests.factories import department, make_approver, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def case(accept, sequential_version):
    return accept(sequential_version)


def login(api, user):
    api.force_authenticate(user)
    return api


def test_inbox_lists_only_the_departments_tasks_most_urgent_first(
    api, accept, sequential_version, parallel_version, spj_approver, scj_approver
):
    first = accept(sequential_version)
    second = accept(sequential_version)
    accept(parallel_version)  # stage 1 is at 市场监管 and 住建, none at 审批局
    # The second case's step is overdue: red comes first whatever the order of creation.
    Clock.objects.filter(task__application=second).update(light=Light.RED)

    data = login(api, spj_approver).get("/api/v1/tasks/").json()
    assert data["count"] == 2
    assert [row["case_number"] for row in data["results"]] == [
        second.case_number,
        first.case_number,
    ]
    row = data["results"][1]
    assert row["department"]["code"] == "SPJ"
    assert row["time_left"]["label"].startswith("剩 ")
    assert row["version"] == 0

    assert login(api, spj_approver).get("/api/v1/tasks/?light=2").json()["count"] == 1
    code = sequential_version.item.code
    assert login(api, spj_approver).get(f"/api/v1/tasks/?item={code}").json()["count"] == 2
    assert login(api, scj_approver).get("/api/v1/tasks/").json()["count"] == 1


def test_inbox_query_count_stays_flat(
    api, accept, sequential_version, spj_approver, assert_flat_queries
):
    api = login(api, spj_approver)

    def add(n):
        for _ in range(n):
            accept(sequential_version)

    one, twenty = assert_flat_queries(lambda: api.get("/api/v1/tasks/"), add)
    assert one.json()["count"] == 1
    assert twenty.json()["count"] == 20


def test_inbox_needs_the_approver_role(api, clerk, citizen):
    assert api.get("/api/v1/tasks/").status_code == 401
    assert login(api, clerk).get("/api/v1/tasks/").status_code == 403


def test_claim_and_decide(api, case, spj_approver, django_capture_on_commit_callbacks):
    task = case.tasks.get()
    api = login(api, spj_approver)
    assert api.get(f"/api/v1/tasks/{task.pk}/").json()["case_status"] == CaseStatus.IN_APPROVAL

    response = api.post(f"/api/v1/tasks/{task.pk}/claim/", {"version": 0}, format="json")
    assert response.status_code == 200
    body = response.json()["task"]
    assert (body["status"], body["assignee"]["username"], body["version"]) == (
        "claimed",
        "spj-approver",
        1,
    )

    response = api.post(
        f"/api/v1/tasks/{task.pk}/decide/",
        {"decision": "approve", "opinion": "同意", "version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["task"]["decision"] == "approve"
    second = case.tasks.get(stage=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/tasks/{second.pk}/decide/",
            {"decision": "approve", "opinion": "准予许可"},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["task"]["case_status"] == CaseStatus.CONCLUDED


def test_errors_are_chinese_with_the_right_status(api, case, spj_approver, scj_approver):
    task = case.tasks.get()
    api = login(api, spj_approver)
    response = api.post(
        f"/api/v1/tasks/{task.pk}/decide/", {"decision": "deny", "reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "不予许可必须说明理由。", "code": "required", "errors": {}}

    response = api.post(f"/api/v1/tasks/{task.pk}/decide/", {"decision": "maybe"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("办理意见：")

    # Stale version: someone claimed it in between.
    response = api.post(
        f"/api/v1/tasks/{task.pk}/decide/",
        {"decision": "approve", "opinion": "同意", "version": 3},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"

    # Another department's approver does not see the task at all.
    assert login(api, scj_approver).get(f"/api/v1/tasks/{task.pk}/").status_code == 404


def test_completed_task_is_a_409(api, case, spj_approver, spj_colleague):
    task = case.tasks.get()
    login(api, spj_approver).post(
        f"/api/v1/tasks/{task.pk}/decide/",
        {"decision": "approve", "opinion": "同意"},
        format="json",
    )
    response = login(api, spj_colleague).post(
        f"/api/v1/tasks/{task.pk}/decide/",
        {"decision": "approve", "opinion": "同意"},
        format="json",
    )
    assert response.status_code == 409
    assert "不能重复办理" in response.json()["detail"]


def test_reassign_release(api, case, spj_approver, spj_colleague, scj_approver, citizen):
    task = case.tasks.get()
    api = login(api, spj_approver)
    # Refused, and the refusal names nobody: any user's id (another department's
    # approver, a citizen's account) gave back their full name or username.
    for stranger in (scj_approver, citizen.user):
        stranger.full_name = stranger.full_name or "王芳"
        stranger.save(update_fields=["full_name"])
        response = api.post(
            f"/api/v1/tasks/{task.pk}/reassign/", {"assignee": stranger.pk}, format="json"
        )
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert "没有以“金普新区行政审批局”名义审批的权限" in detail
        assert stranger.full_name not in detail
        assert stranger.username not in detail
    response = api.post(
        f"/api/v1/tasks/{task.pk}/reassign/", {"assignee": spj_colleague.pk}, format="json"
    )
    assert response.json()["task"]["assignee"]["username"] == "spj-colleague"
    response = login(api, spj_colleague).post(f"/api/v1/tasks/{task.pk}/release/", format="json")
    assert response.json()["task"]["status"] == "open"


def test_supplement_special_procedure_and_clocks(api, case, spj_approver, citizen, clerk):
    task = case.tasks.get()
    api = login(api, spj_approver)
    response = api.post(
        f"/api/v1/tasks/{task.pk}/supplement/",
        {"items": ["补充租赁合同", ""], "note": "一次性补正"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["notice"]["kind"] == "supplement"

    clocks = login(api, citizen.user).get(f"/api/v1/cases/{case.pk}/clocks/").json()
    assert clocks["status"] == CaseStatus.SUPPLEMENT_REQUESTED
    assert [c["kind"] for c in clocks["clocks"]] == ["promised", "statutory", "step"]
    # As the case page: paused, with the working days left, frozen (no due date).
    for c in clocks["clocks"]:
        left = Clock.objects.get(pk=c["id"]).paused_left
        assert left.startswith("剩余 ")
        assert c["time_left"]["label"] == f"已暂停，{left}"
        assert (c["due_date"], c["paused"]) == (None, True)
        assert c["paused_days_left"] == Clock.objects.get(pk=c["id"]).paused_days_left
    assert clocks["clocks"][0]["pauses"][0]["kind_label"] == "补正材料"

    received = f"/api/v1/cases/{case.pk}/supplement-received/"
    response = login(api, citizen.user).post(received, {"note": "已补正"}, format="json")
    assert response.status_code == 400  # online, every item needs a file
    assert "还没有选择文件" in str(response.json())
    response = login(api, citizen.user).post(
        received, {"note": "已补正", "item_1": pdf_file("租赁合同.pdf")}, format="multipart"
    )
    assert response.status_code == 200
    assert case.supplement_files.get().original_filename == "租赁合同.pdf"
    assert response.json()["status"] == CaseStatus.IN_APPROVAL

    api = login(api, spj_approver)
    response = api.post(
        f"/api/v1/tasks/{task.pk}/special-procedure/",
        {"procedure_kind": PauseKind.INSPECTION, "reason": "需检测", "expected_days": 5},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["notice"]["kind"] == "special"
    response = api.post(
        f"/api/v1/tasks/{task.pk}/special-procedure/end/", {"result": "检测合格"}, format="json"
    )
    assert response.status_code == 200


def test_case_clocks_are_private(api, case, citizen, scj_approver, spj_approver):
    from tests.factories import CitizenFactory

    stranger = CitizenFactory()
    assert login(api, stranger.user).get(f"/api/v1/cases/{case.pk}/clocks/").status_code == 404
    assert login(api, scj_approver).get(f"/api/v1/cases/{case.pk}/clocks/").status_code == 404
    assert login(api, spj_approver).get(f"/api/v1/cases/{case.pk}/clocks/").status_code == 200


def test_extension_request_and_decision(api, case, spj_approver, spj_head, supervisor):
    task = case.tasks.get()
    response = login(api, spj_approver).post(
        f"/api/v1/tasks/{task.pk}/extension/", {"days": 12, "reason": "复杂"}, format="json"
    )
    assert response.status_code == 400
    assert "最多可延长 10 个工作日" in response.json()["detail"]
    response = api.post(
        f"/api/v1/tasks/{task.pk}/extension/", {"days": 5, "reason": "需现场核查"}, format="json"
    )
    assert response.status_code == 201
    extension_id = response.json()["id"]

    assert login(api, spj_approver).get("/api/v1/extensions/").json()["count"] == 0
    assert login(api, spj_head).get("/api/v1/extensions/").json()["count"] == 1
    assert login(api, supervisor).get("/api/v1/extensions/").json()["count"] == 1

    response = login(api, spj_approver).post(
        f"/api/v1/extensions/{extension_id}/decide/", {"approve": True}, format="json"
    )
    assert response.status_code == 403
    response = login(api, spj_head).post(
        f"/api/v1/extensions/{extension_id}/decide/", {"approve": True}, format="json"
    )
    assert response.json()["status"] == "approved"
    statutory = Clock.objects.get(application=case, kind=ClockKind.STATUTORY)
    assert statutory.extension_days == 5


def test_escalations_for_supervisors_only(api, case, supervisor, spj_approver, spj):
    # 督办 rows are opened by the clock sweep; here they are made directly to test the
    # list's scoping.
    watcher = make_approver(department("XX", "无关部门"))
    clock = Clock.objects.get(application=case, kind=ClockKind.PROMISED)
    Escalation.objects.create(
        application=case,
        clock=clock,
        department=spj,
        rule="overdue",
        warning_type=Light.RED,
        content="承诺时限已超期",
        issued_at=timezone.now() - datetime.timedelta(hours=1),
    )
    data = login(api, supervisor).get("/api/v1/escalations/").json()
    assert data["count"] == 1
    assert data["results"][0]["case_number"] == case.case_number
    assert data["results"][0]["status"] == EscalationStatus.OPEN
    assert login(api, supervisor).get("/api/v1/escalations/?status=resolved").json()["count"] == 0
    assert login(api, spj_approver).get("/api/v1/escalations/").status_code == 403
    assert login(api, watcher).get("/api/v1/escalations/").status_code == 403


def test_task_actions_need_the_department(api, case, spj_approver, scj_approver):
    task = case.tasks.get()
    task_claim(task=task, actor=spj_approver)
    response = login(api, scj_approver).post(f"/api/v1/tasks/{task.pk}/claim/", format="json")
    assert response.status_code == 404


def test_schema_lists_the_approvals_endpoints(api, system_admin):
    schema = login(api, system_admin).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/decide/",
        "/api/v1/tasks/{id}/special-procedure/end/",
        "/api/v1/extensions/{id}/decide/",
        "/api/v1/cases/{id}/clocks/",
        "/api/v1/escalations/",
    ):
        assert path in schema["paths"], path
