"""接办: a department head takes over, in one act, a task another approver of the
department claimed (退回待办 then 认领 were two, and 改派 refuses oneself). The service's
rules, its record (staff only) and notice, the API, the task page's form (heads only),
and two heads taking over at once."""

import time

import pytest
from rest_framework.test import APIClient

from approvals.constants import ApprovalEvent, TaskStatus
from approvals.errors import ApprovalError, ApprovalPermissionDenied, TaskConflict
from approvals.models import Task
from approvals.services import tasks as svc
from jinpu_portal.models import Notification
from tests.concurrency import run_at_once
from tests.factories import make_approver

pytestmark = pytest.mark.django_db

REASON = "原认领人休假至下周一"


@pytest.fixture
def task(accept, sequential_version):
    return accept(sequential_version).tasks.get()


@pytest.fixture
def claimed(task, spj_approver):
    """The task claimed by 李审批 (who then goes on leave)."""
    return svc.task_claim(task=task, actor=spj_approver, expected_version=0)


def events(task, action=ApprovalEvent.TAKEN_OVER):
    return list(task.application.events.filter(action=action, details__task=task.pk))


def unchanged(task, assignee, version):
    task.refresh_from_db()
    return (task.assignee, task.lock_version, events(task)) == (assignee, version, [])


# --- the service --------------------------------------------------------------------------


def test_a_head_takes_over_a_colleagues_task_in_one_act(claimed, spj_approver, spj_head):
    task = svc.task_take_over(
        task=claimed, actor=spj_head, reason=f"  {REASON} ", expected_version=1
    )
    task.refresh_from_db()
    assert (task.status, task.assignee, task.lock_version) == (TaskStatus.CLAIMED, spj_head, 2)
    # In the record: who, why, and whose task it was (the staff's timeline).
    [event] = events(task)
    assert event.actor == spj_head
    assert event.department == task.department
    assert event.message == f"“审查”由部门负责人接办（原认领人 李审批）：{REASON}"
    assert event.details["previous_assignee"] == spj_approver.pk
    assert event.details["reason"] == REASON
    assert event.label == "负责人接办"
    # The previous assignee is told, with a link to the task.
    [notice] = Notification.objects.filter(recipient=spj_approver, title__contains="接办")
    assert REASON in notice.body
    assert "周局长" in notice.body
    assert notice.url == f"/approvals/tasks/{task.pk}/"
    # The head now works the task like their own claim.
    task = svc.task_approve(task=task, actor=spj_head, opinion="同意", expected_version=2)
    assert (task.status, task.assignee) == (TaskStatus.COMPLETED, spj_head)


def test_only_a_head_takes_over(claimed, spj_approver, spj_colleague):
    with pytest.raises(ApprovalPermissionDenied, match="只有金普新区行政审批局的负责人可以接办"):
        svc.task_take_over(task=claimed, actor=spj_colleague, reason=REASON)
    assert unchanged(claimed, spj_approver, 1)


def test_a_head_of_another_department_is_refused(claimed, spj_approver, scj):
    other_head = make_approver(scj, username="scj-head", head=True, full_name="钱局长")
    with pytest.raises(ApprovalPermissionDenied, match="没有以“金普新区行政审批局”名义审批"):
        svc.task_take_over(task=claimed, actor=other_head, reason=REASON)
    assert unchanged(claimed, spj_approver, 1)


def test_an_unclaimed_task_or_ones_own_is_claimed_not_taken_over(task, spj_head):
    with pytest.raises(ApprovalError, match="尚未被认领，无需接办；要办理请直接认领") as raised:
        svc.task_take_over(task=task, actor=spj_head, reason=REASON)
    assert raised.value.code == "not_claimed"
    assert unchanged(task, None, 0)
    svc.task_claim(task=task, actor=spj_head)
    with pytest.raises(ApprovalError, match="已由您认领，无需接办") as raised:
        svc.task_take_over(task=task, actor=spj_head, reason=REASON)
    assert raised.value.code == "already_yours"
    assert unchanged(task, spj_head, 1)


def test_a_closed_task_is_not_taken_over(claimed, spj_approver, spj_head):
    svc.task_approve(task=claimed, actor=spj_approver, opinion="同意")
    with pytest.raises(TaskConflict, match="已由李审批办理完毕"):
        svc.task_take_over(task=claimed, actor=spj_head, reason=REASON)
    assert unchanged(claimed, spj_approver, 2)


def test_the_reason_is_required_and_bounded(claimed, spj_approver, spj_head):
    for reason, message in (
        ("  ", "请填写接办理由"),
        ("休" * (svc.TAKEOVER_REASON_MAX_LENGTH + 1), "200 字以内"),
    ):
        with pytest.raises(ApprovalError, match=message):
            svc.task_take_over(task=claimed, actor=spj_head, reason=reason)
    assert unchanged(claimed, spj_approver, 1)


def test_a_page_shown_before_the_task_moved_is_a_conflict(claimed, spj_approver, spj_head):
    with pytest.raises(TaskConflict, match="刚被李审批认领或更新"):
        svc.task_take_over(task=claimed, actor=spj_head, reason=REASON, expected_version=0)
    assert unchanged(claimed, spj_approver, 1)


def test_the_citizen_sees_the_act_but_no_name_and_no_reason(
    client, claimed, spj_head, citizen, spj_approver
):
    svc.task_take_over(task=claimed, actor=spj_head, reason=REASON)
    client.force_login(citizen.user)
    html = client.get(f"/intake/my/{claimed.application_id}/").content.decode()
    assert "负责人接办" in html
    for hidden in ("周局长", "李审批", spj_head.username, spj_approver.username, REASON):
        assert hidden not in html
    api = APIClient()
    api.force_authenticate(citizen.user)
    answer = api.get(f"/api/v1/applications/{claimed.application_id}/").json()
    [event] = [e for e in answer["events"] if e["action"] == ApprovalEvent.TAKEN_OVER]
    assert (event["action_label"], event["message"]) == ("负责人接办", "")
    # Staff read the whole line.
    client.force_login(spj_approver)
    html = client.get(f"/approvals/cases/{claimed.application_id}/").content.decode()
    assert f"由部门负责人接办（原认领人 李审批）：{REASON}" in html


# --- the API ------------------------------------------------------------------------------


def test_the_api_takes_over_with_the_usual_answers(claimed, spj_approver, spj_colleague, spj_head):
    url = f"/api/v1/tasks/{claimed.pk}/take-over/"
    api = APIClient()
    api.force_authenticate(spj_colleague)
    response = api.post(url, {"reason": REASON, "version": 1}, format="json")
    assert response.status_code == 403
    assert "只有金普新区行政审批局的负责人可以接办" in response.json()["detail"]
    api.force_authenticate(spj_head)
    response = api.post(url, {"reason": "", "version": 1}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "required")
    response = api.post(url, {"reason": REASON, "version": 0}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    response = api.post(url, {"reason": REASON, "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["task"]["assignee"]["username"] == "spj-head"
    assert response.json()["task"]["version"] == 2
    # Now it is the head's own: 400, claim it (nothing to take over).
    response = api.post(url, {"reason": REASON}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "already_yours")


def test_the_schema_documents_the_take_over(system_admin):
    api = APIClient()
    api.force_authenticate(system_admin)
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/tasks/{id}/take-over/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert component["properties"]["reason"]["title"] == "接办理由"


# --- the task page ------------------------------------------------------------------------


def test_the_take_over_form_is_for_heads_only(
    client, claimed, spj_approver, spj_colleague, spj_head
):
    url = f"/approvals/tasks/{claimed.pk}/"
    for user, shown in ((spj_head, True), (spj_colleague, False), (spj_approver, False)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert ('id="take-over"' in html) is shown, user
    # Not when the task is unclaimed or the head's own.
    client.force_login(spj_head)
    svc.task_release(task=claimed, actor=spj_approver)
    assert 'id="take-over"' not in client.get(url).content.decode()
    svc.task_claim(task=claimed, actor=spj_head)
    assert 'id="take-over"' not in client.get(url).content.decode()


def test_the_head_takes_over_from_the_task_page(client, claimed, spj_approver, spj_head):
    client.force_login(spj_head)
    response = client.post(
        f"/approvals/tasks/{claimed.pk}/take-over/", {"version": 1, "reason": REASON}, follow=True
    )
    assert response.redirect_chain == [(f"/approvals/tasks/{claimed.pk}/", 302)]
    html = response.content.decode()
    assert "已接办" in html
    assert f"由部门负责人接办（原认领人 李审批）：{REASON}" in html
    # The decision forms are the head's now.
    assert 'id="btn-approve"' in html
    claimed.refresh_from_db()
    assert claimed.assignee == spj_head


def test_a_refused_take_over_on_the_page_keeps_the_reason(
    client, claimed, spj_approver, spj_colleague, spj_head
):
    url = f"/approvals/tasks/{claimed.pk}/take-over/"
    # Not a head: 403, saying who may.
    client.force_login(spj_colleague)
    response = client.post(url, {"version": 1, "reason": REASON})
    assert response.status_code == 403
    assert "只有金普新区行政审批局的负责人可以接办" in response.content.decode()
    client.force_login(spj_head)
    # No reason: 400, the error under the field.
    response = client.post(url, {"version": 1, "reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('id="take-over"') : html.index("由我接办</button>")]
    assert "该字段是必填项。" in form
    # The approver moved the task meanwhile (still theirs): 409, the reason kept in the
    # form with the version of now, the refusal above it.
    Task.objects.filter(pk=claimed.pk).update(lock_version=2)
    response = client.post(url, {"version": 1, "reason": REASON})
    assert response.status_code == 409
    html = response.content.decode()
    form = html[html.index('id="take-over"') : html.index("由我接办</button>")]
    assert "刚被李审批认领或更新" in form
    assert f'value="{REASON}"' in form
    assert 'name="version" value="2"' in form
    # Given back meanwhile (no takeover on the page): claim it; the reason shown to copy.
    svc.task_release(task=claimed, actor=spj_approver)
    response = client.post(url, {"version": 3, "reason": REASON})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="take-over"' not in html
    alert = html[html.index('id="refused-act"') : html.index('id="timeline"')]
    assert "要办理请直接认领" in alert
    assert REASON in alert
    assert unchanged(claimed, None, 3)


# --- two heads at once --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_heads_taking_over_at_once_one_wins(
    accept, sequential_version, spj, spj_approver, spj_head, monkeypatch
):
    deputy = make_approver(spj, username="spj-deputy", head=True, full_name="吴副局长")
    task = svc.task_claim(
        task=accept(sequential_version).tasks.get(), actor=spj_approver, expected_version=0
    )
    original = svc.notify

    def slow_notify(**kwargs):  # the winner holds its locks a moment: the other waits
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(svc, "notify", slow_notify)

    def take_over(head):
        def call():
            api = APIClient()
            api.force_authenticate(head)
            return api.post(
                f"/api/v1/tasks/{task.pk}/take-over/",
                {"reason": REASON, "version": 1},
                format="json",
            )

        return call

    results = run_at_once(take_over(spj_head), take_over(deputy))
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    answers = sorted(((r.status_code, r.json()) for _, r in results), key=lambda a: a[0])
    assert [status for status, _ in answers] == [200, 409], answers
    (_, won), (_, lost) = answers
    assert lost["code"] == "conflict"
    assert "刷新" in lost["detail"]
    winner = won["task"]["assignee"]["username"]
    assert winner in ("spj-head", "spj-deputy")
    task.refresh_from_db()
    assert (task.assignee.username, task.lock_version) == (winner, 2)
    assert len(events(task)) == 1
    assert Notification.objects.filter(recipient=spj_approver, title__contains="接办").count() == 1
