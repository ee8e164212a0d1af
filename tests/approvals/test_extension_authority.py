"""行政许可法 art. 42: an extension is approved by the head (负责人) of the body that
decides the case, never by a supervisor (who watches and urges) nor by the head of
another department, on the service, the pages and the API. The case here is not 联办
(no co-handling departments on its version); a 联办 extension is the district
government's head's (test_joint_extensions.py)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import staff_set_department_head
from approvals.constants import ClockKind, ExtensionStatus
from approvals.models import Clock, Extension
from approvals.selectors import extension_list_decidable_by, extension_list_watched_by
from approvals.services import tasks as svc
from tests.factories import department, make_approver, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(accept, spj, scj, zjj):
    """市场监管局 and 住建局 review in parallel, the 审批局 decides; no co-handling
    departments on the version: not 联办."""
    version = make_version(
        department=spj,
        steps=[(1, "市场监管审查", scj, 4), (1, "住建审查", zjj, 5), (2, "决定", spj, 3)],
        statutory=45,
        promised=15,
    )
    return accept(version)


@pytest.fixture
def extension(case, scj, scj_approver):
    task = case.tasks.get(department=scj)
    return svc.extension_request(task=task, actor=scj_approver, days=5, reason="需现场核查")


def statutory_extension(case) -> int:
    return Clock.objects.get(application=case, kind=ClockKind.STATUTORY).extension_days


def test_the_extension_names_the_deciding_department(extension, spj):
    assert extension.department == spj


def test_a_supervisor_is_refused_and_nothing_changes(case, extension, supervisor):
    for approve, note in ((True, ""), (False, "理由不充分")):
        with pytest.raises(PermissionDenied, match="督查人员.*不能批准或不批准延期"):
            svc.extension_decide(extension=extension, actor=supervisor, approve=approve, note=note)
    assert Extension.objects.get().status == ExtensionStatus.REQUESTED
    assert statutory_extension(case) == 0


def test_the_head_of_another_department_is_refused(case, extension, scj):
    """The 市场监管局's head works on the case (a parallel step) but does not decide it."""
    scj_head = make_approver(scj, head=True)
    with pytest.raises(PermissionDenied, match="金普新区行政审批局）负责人批准"):
        svc.extension_decide(extension=extension, actor=scj_head, approve=True)
    assert extension_list_decidable_by(user=scj_head).count() == 0
    assert statutory_extension(case) == 0


def test_an_approver_of_the_deciding_department_who_is_not_its_head_is_refused(
    extension, spj_approver
):
    with pytest.raises(PermissionDenied):
        svc.extension_decide(extension=extension, actor=spj_approver, approve=True)


def test_a_head_who_no_longer_acts_for_the_department_is_refused(extension, spj, spj_head):
    from accounts.services import staff_revoke_department

    staff_revoke_department(user=spj_head, department=spj)
    with pytest.raises(PermissionDenied):
        svc.extension_decide(extension=extension, actor=spj_head, approve=True)


def test_the_head_of_the_deciding_department_approves(case, extension, spj_head):
    assert list(extension_list_decidable_by(user=spj_head)) == [extension]
    svc.extension_decide(extension=extension, actor=spj_head, approve=True)
    assert Extension.objects.get().status == ExtensionStatus.APPROVED
    assert statutory_extension(case) == 5


def test_heading_needs_acting_for_the_department(scj, spj_approver):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不能担任其负责人"):
        staff_set_department_head(user=spj_approver, department=scj)


def test_supervisors_see_pending_extensions_read_only(client, extension, supervisor):
    assert list(extension_list_watched_by(user=supervisor)) == [extension]
    assert extension_list_decidable_by(user=supervisor).count() == 0
    client.force_login(supervisor)
    html = client.get("/approvals/extensions/").content.decode()
    assert "需现场核查" in html
    assert f"/approvals/extensions/{extension.pk}/decide/" not in html
    response = client.post(f"/approvals/extensions/{extension.pk}/decide/", {"approve": "1"})
    assert response.status_code == 403
    assert Extension.objects.get().status == ExtensionStatus.REQUESTED


def test_api_refuses_supervisors_and_other_heads(case, extension, supervisor, scj, spj_head):
    api = APIClient()
    url = f"/api/v1/extensions/{extension.pk}/decide/"
    api.force_authenticate(supervisor)
    assert api.get("/api/v1/extensions/").json()["count"] == 1
    assert api.post(url, {"approve": True}, format="json").status_code == 403
    api.force_authenticate(make_approver(scj, head=True))
    response = api.post(url, {"approve": True}, format="json")
    assert response.status_code == 403
    assert "负责人批准" in response.json()["detail"]
    assert statutory_extension(case) == 0
    api.force_authenticate(spj_head)
    response = api.post(url, {"approve": True}, format="json")
    assert response.status_code == 200
    assert response.json()["department"] == "金普新区行政审批局"
    assert statutory_extension(case) == 5


def test_an_outsider_finds_no_extension(client, case, extension):
    """Someone with no part in the case (a head of a department neither deciding nor on
    its route) gets 404 on the API and the page, as for an id that does not exist: the
    403 named the deciding department and told that the extension exists."""
    outsider = make_approver(department("GAJ", "金普新区公安分局"), head=True)
    api = APIClient()
    api.force_authenticate(outsider)
    for pk in (extension.pk, extension.pk + 1000):
        response = api.post(f"/api/v1/extensions/{pk}/decide/", {"approve": True}, format="json")
        assert response.status_code == 404
        assert "行政审批局" not in response.content.decode()
    client.force_login(outsider)
    response = client.post(f"/approvals/extensions/{extension.pk}/decide/", {"approve": "1"})
    assert response.status_code == 404
    assert Extension.objects.get().status == ExtensionStatus.REQUESTED


def test_an_over_long_decision_note_is_refused_not_cut(case, extension, spj_head):
    """The note was silently cut at 300 characters (issue 11 item 7)."""
    api = APIClient()
    api.force_authenticate(spj_head)
    url = f"/api/v1/extensions/{extension.pk}/decide/"
    response = api.post(url, {"approve": False, "note": "长" * 281}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "批准意见：请确保这个字段不能超过 280 个字符。"
    with pytest.raises(ValidationError, match="说明过长：最多 280 字，现有 301 字。"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=False, note="长" * 301)
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.REQUESTED
    assert extension.decision_note == ""
    response = api.post(url, {"approve": False, "note": "长" * 280}, format="json")
    assert response.status_code == 200
    extension.refresh_from_db()
    assert extension.decision_note == "长" * 280


def test_no_extension_once_the_statutory_limit_has_run_out(
    at, client, case, scj, scj_approver, spj_head
):
    """Art. 42 extends a limit that is still running: an extension may be asked for on
    its last day; from the day after, it can no longer be approved (only refused), and
    no new one can be asked for."""
    due = Clock.objects.get(application=case, kind=ClockKind.STATUTORY).due_date
    task = case.tasks.get(department=scj)
    at(due.year, due.month, due.day, 16)
    extension = svc.extension_request(task=task, actor=scj_approver, days=5, reason="需现场核查")
    after = due + datetime.timedelta(days=1)
    at(after.year, after.month, after.day, 9)
    with pytest.raises(ValidationError, match=f"法定办理期限已于 {due:%Y年%-m月%-d日} 届满"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=True)
    svc.extension_decide(extension=extension, actor=spj_head, approve=False, note="已超期")
    with pytest.raises(ValidationError, match="不能再申请延期"):
        svc.extension_request(task=task, actor=scj_approver, days=5, reason="仍需核查")
    assert statutory_extension(case) == 0
    # The task page says so instead of offering the form.
    client.force_login(scj_approver)
    page = client.get(reverse("approvals:task", args=[task.pk])).content.decode()
    assert f"法定办理期限已于 {due:%Y年%-m月%-d日} 届满，不能再申请延期" in page
    assert "提交延期申请" not in page


def test_the_decision_form_asks_for_a_choice(client, case, extension, spj_head):
    """The head chooses 批准延期 or 不批准: the form no longer comes with 批准延期 chosen,
    so 提交 pressed on the wrong card (or before reading the reason) approves nothing.
    The form is posted as the page serves it (the option a browser sends untouched)."""
    client.force_login(spj_head)
    html = client.get("/approvals/extensions/").content.decode()
    select = html[html.index(f'id="approve-{extension.pk}"') : html.index("</select>")]
    options = re.findall(r'<option value="([^"]*)"( selected)?', select)
    untouched = next((value for value, selected in options if selected), options[0][0])
    assert untouched == ""
    assert options[0] == ("", "")
    response = client.post(
        f"/approvals/extensions/{extension.pk}/decide/", {"approve": untouched, "note": ""}
    )
    assert response.status_code == 400
    assert "请选择是否批准延期。" in response.content.decode()
    assert Extension.objects.get().status == ExtensionStatus.REQUESTED
    assert statutory_extension(case) == 0
    # A refused 不批准 keeps the choice the head made.
    response = client.post(f"/approvals/extensions/{extension.pk}/decide/", {"approve": "0"})
    assert response.status_code == 400
    assert '<option value="0" selected>不批准</option>' in response.content.decode()
