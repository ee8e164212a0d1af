"""行政许可法 art. 42, second sentence: the extension of a case handled jointly (联办: the
version names co-handling departments) is approved by the head of the people's
government at that level (本级人民政府负责人: role government_head, 区政府负责人), not by
the head of the department deciding the case; on the service, the pages, the API, the
notifications, the record and the written notice. A case that is not 联办 stays its
department head's (tests/approvals/test_extension_authority.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from accounts.services import user_set_roles
from approvals.constants import ApprovalEvent as E
from approvals.constants import ClockKind, ExtensionAuthority, ExtensionStatus
from approvals.models import Clock, Extension
from approvals.selectors import (
    extension_list_decidable_by,
    extension_list_referred_by,
    extension_list_watched_by,
)
from approvals.services import tasks as svc
from intake.constants import NoticeKind
from intake.models import CaseEvent
from jinpu_portal.models import Notification
from tests.factories import UserFactory, make_approver, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(accept, parallel_version):
    """联办: 市场监管局 and 住建局 review in parallel (co-handling), the 审批局 decides."""
    return accept(parallel_version)


@pytest.fixture
def government_head(db):
    return UserFactory(government_head=True, username="gov-head", full_name="吴区长")


@pytest.fixture
def extension(case, scj, scj_approver, spj_head, government_head):
    task = case.tasks.get(department=scj)
    return svc.extension_request(task=task, actor=scj_approver, days=12, reason="需联合现场核查")


def statutory_extension(case) -> int:
    return Clock.objects.get(application=case, kind=ClockKind.STATUTORY).extension_days


def test_a_joint_extension_is_the_government_heads(extension, spj):
    assert extension.authority == ExtensionAuthority.GOVERNMENT_HEAD
    assert extension.department == spj  # the body whose decision is extended


def test_a_department_head_can_no_longer_decide_a_joint_extension(
    client, case, extension, spj_head
):
    with pytest.raises(PermissionDenied, match="本级人民政府负责人（区政府负责人）批准"):
        svc.extension_decide(extension=extension, actor=spj_head, approve=True)
    assert extension_list_decidable_by(user=spj_head).count() == 0
    # Theirs to see, read-only: the case's deciding department is theirs.
    assert list(extension_list_referred_by(user=spj_head)) == [extension]
    client.force_login(spj_head)
    html = client.get("/approvals/extensions/").content.decode()
    assert "需联合现场核查" in html
    assert "报区政府负责人批准的联办延期申请" in html
    assert f"/approvals/extensions/{extension.pk}/decide/" not in html
    response = client.post(f"/approvals/extensions/{extension.pk}/decide/", {"approve": "1"})
    assert response.status_code == 404
    api = APIClient()
    api.force_authenticate(spj_head)
    assert api.get("/api/v1/extensions/").json()["count"] == 0
    response = api.post(
        f"/api/v1/extensions/{extension.pk}/decide/", {"approve": True}, format="json"
    )
    assert response.status_code == 404
    assert Extension.objects.get().status == ExtensionStatus.REQUESTED
    assert statutory_extension(case) == 0


def test_the_government_head_approves_on_the_api(case, extension, government_head):
    assert list(extension_list_decidable_by(user=government_head)) == [extension]
    api = APIClient()
    api.force_authenticate(government_head)
    listed = api.get("/api/v1/extensions/").json()
    assert [row["id"] for row in listed["results"]] == [extension.pk]
    assert listed["results"][0]["authority"] == "government_head"
    response = api.post(
        f"/api/v1/extensions/{extension.pk}/decide/", {"approve": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["authority_label"]) == ("approved", "本级人民政府负责人")
    assert body["decided_by"]["full_name"] == "吴区长"
    extension.refresh_from_db()
    assert (extension.decided_by, extension.authority) == (
        government_head,
        ExtensionAuthority.GOVERNMENT_HEAD,
    )
    assert statutory_extension(case) == 12
    event = CaseEvent.objects.get(application=case, action=E.EXTENSION_APPROVED)
    assert event.actor == government_head
    assert event.message.startswith("本级人民政府负责人批准延期 12 个工作日")
    assert event.details["authority"] == "government_head"
    notice = case.notices.get(kind=NoticeKind.EXTENSION)
    assert notice.context["extension_authority"] == "government_head"


def test_the_written_notice_names_the_government_head(
    case, scj, scj_approver, government_head, django_capture_on_commit_callbacks
):
    from tests.approvals.test_legal_forms import text_of

    task = case.tasks.get(department=scj)
    with django_capture_on_commit_callbacks(execute=True):
        extension = svc.extension_request(
            task=task, actor=scj_approver, days=5, reason="需联合现场核查"
        )
        svc.extension_decide(extension=extension, actor=government_head, approve=True)
    text = text_of(case.notices.get(kind=NoticeKind.EXTENSION))
    assert "第四十二条的规定，经本级人民政府负责人批准，" in text
    assert "本行政机关负责人" not in text


def test_the_government_head_refuses_on_the_page(client, case, extension, government_head):
    client.force_login(government_head)
    home = client.get("/").content.decode()
    assert "1 件联办事项延期申请待批准" in home
    assert "批准范围：全区联办事项的延期" in home
    html = client.get("/approvals/extensions/").content.decode()
    assert f"/approvals/extensions/{extension.pk}/decide/" in html
    response = client.post(
        f"/approvals/extensions/{extension.pk}/decide/",
        {"approve": "0", "note": "理由不充分"},
        follow=True,
    )
    assert "已不予批准延期" in response.content.decode()
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by) == (ExtensionStatus.REJECTED, government_head)
    assert statutory_extension(case) == 0
    assert "1 件联办事项延期申请待批准" not in client.get("/").content.decode()


def test_the_government_head_does_not_decide_a_case_that_is_not_joint(
    client, accept, sequential_version, spj_approver, spj_head, government_head
):
    case = accept(sequential_version)
    extension = svc.extension_request(
        task=case.tasks.get(), actor=spj_approver, days=3, reason="复杂"
    )
    assert extension.authority == ExtensionAuthority.DEPARTMENT_HEAD
    with pytest.raises(PermissionDenied, match="金普新区行政审批局）负责人批准"):
        svc.extension_decide(extension=extension, actor=government_head, approve=True)
    assert extension_list_decidable_by(user=government_head).count() == 0
    api = APIClient()
    api.force_authenticate(government_head)
    assert api.get("/api/v1/extensions/").json()["count"] == 0
    url = f"/api/v1/extensions/{extension.pk}/decide/"
    assert api.post(url, {"approve": True}, format="json").status_code == 404
    client.force_login(government_head)
    assert client.post(f"/approvals/extensions/{extension.pk}/decide/").status_code == 404
    # Still its department head's.
    svc.extension_decide(extension=extension, actor=spj_head, approve=True)
    assert Extension.objects.get().status == ExtensionStatus.APPROVED


def test_pending_extensions_are_sent_to_whoever_decides(
    accept, sequential_version, case, scj, scj_approver, spj_approver, spj_head, government_head
):
    retired = UserFactory(government_head=True, username="gov-retired")
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    def told(user):
        return list(
            Notification.objects.filter(recipient=user, title="延期申请待批准").values_list(
                "body", flat=True
            )
        )

    svc.extension_request(
        task=case.tasks.get(department=scj), actor=scj_approver, days=5, reason="联办核查"
    )
    assert len(told(government_head)) == 1
    assert case.case_number in told(government_head)[0]
    assert "本级人民政府负责人批准" in told(government_head)[0]
    assert told(spj_head) == []
    assert told(retired) == []

    plain = accept(sequential_version)
    svc.extension_request(task=plain.tasks.get(), actor=spj_approver, days=3, reason="复杂")
    assert len(told(spj_head)) == 1
    assert plain.case_number in told(spj_head)[0]
    assert len(told(government_head)) == 1  # nothing more


def test_the_requester_never_decides_their_own(case, scj, government_head):
    """A government head who also works on the case as an approver asks; they cannot
    approve their own request."""
    user_set_roles(user=government_head, roles=[Role.GOVERNMENT_HEAD, Role.APPROVER])
    from tests.factories import ApproverFactory

    ApproverFactory(user=government_head, departments=[scj])
    extension = svc.extension_request(
        task=case.tasks.get(department=scj), actor=government_head, days=5, reason="复杂"
    )
    assert not Notification.objects.filter(
        recipient=government_head, title="延期申请待批准"
    ).exists()
    with pytest.raises(PermissionDenied, match="本人提出"):
        svc.extension_decide(extension=extension, actor=government_head, approve=True)
    other = UserFactory(government_head=True)
    svc.extension_decide(extension=extension, actor=other, approve=True)
    assert statutory_extension(case) == 5


def test_supervisors_still_only_watch(extension, supervisor):
    assert list(extension_list_watched_by(user=supervisor)) == [extension]
    with pytest.raises(PermissionDenied, match="督查人员.*区政府负责人"):
        svc.extension_decide(extension=extension, actor=supervisor, approve=True)


def test_no_joint_extension_after_the_statutory_limit(at, case, extension, government_head):
    due = Clock.objects.get(application=case, kind=ClockKind.STATUTORY).due_date
    after = due + datetime.timedelta(days=1)
    at(after.year, after.month, after.day, 9)
    with pytest.raises(ValidationError, match=f"法定办理期限已于 {due:%Y年%-m月%-d日} 届满"):
        svc.extension_decide(extension=extension, actor=government_head, approve=True)
    assert statutory_extension(case) == 0


def test_the_task_page_says_who_approves(client, case, scj, scj_approver):
    task = case.tasks.get(department=scj)
    client.force_login(scj_approver)
    page = client.get(reverse("approvals:task", args=[task.pk])).content.decode()
    assert "最多 15 个工作日，由本级人民政府负责人批准" in page
    svc.extension_request(task=task, actor=scj_approver, days=5, reason="复杂")
    page = client.get(reverse("approvals:task", args=[task.pk])).content.decode()
    assert "申请待本级人民政府负责人批准" in page


def test_a_department_head_who_is_not_of_the_deciding_department_finds_nothing(
    client, extension, scj
):
    """The 市场监管局's head works on the case but neither decides it nor sees it as
    referred."""
    scj_head = make_approver(scj, head=True)
    assert extension_list_referred_by(user=scj_head).count() == 0
    api = APIClient()
    api.force_authenticate(scj_head)
    url = f"/api/v1/extensions/{extension.pk}/decide/"
    assert api.post(url, {"approve": True}, format="json").status_code == 404


def test_a_version_without_co_departments_is_not_joint(accept, spj, scj, spj_approver):
    version = make_version(
        department=spj, steps=[(1, "审查", scj, 4), (2, "决定", spj, 3)], name="单办事项"
    )
    case = accept(version)
    extension = svc.extension_request(
        task=case.tasks.get(department=scj),
        actor=make_approver(scj),
        days=3,
        reason="复杂",
    )
    assert extension.authority == ExtensionAuthority.DEPARTMENT_HEAD


def test_the_migration_hands_pending_joint_extensions_to_the_government_head(
    accept, parallel_version, sequential_version, scj, scj_approver, spj_approver, spj_head
):
    """Before the role, every extension was a department head's: the pending joint one
    moves to the government's head; a decided one keeps the capacity it was decided in,
    and one of a case that is not joint stays."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("approvals.migrations.0008_extension_authority")
    pending = svc.extension_request(
        task=accept(parallel_version).tasks.get(department=scj),
        actor=scj_approver,
        days=5,
        reason="联办",
    )
    decided = svc.extension_request(
        task=accept(parallel_version).tasks.get(department=scj),
        actor=scj_approver,
        days=5,
        reason="联办",
    )
    plain = svc.extension_request(
        task=accept(sequential_version).tasks.get(), actor=spj_approver, days=3, reason="复杂"
    )
    Extension.objects.update(authority=ExtensionAuthority.DEPARTMENT_HEAD)
    Extension.objects.filter(pk=decided.pk).update(status=ExtensionStatus.APPROVED)
    migration.pending_joint_to_government(apps, None)
    authority = dict(Extension.objects.values_list("pk", "authority"))
    assert authority == {
        pending.pk: ExtensionAuthority.GOVERNMENT_HEAD,
        decided.pk: ExtensionAuthority.DEPARTMENT_HEAD,
        plain.pk: ExtensionAuthority.DEPARTMENT_HEAD,
    }


def test_the_government_head_opens_the_case_of_a_joint_extension(
    client, case, extension, government_head
):
    """To weigh the reason they need the record: the list links the case page, which opens
    for them (clocks and timeline), and stays open once decided; another case does not."""
    client.force_login(government_head)
    html = client.get("/approvals/extensions/").content.decode()
    assert f'href="/approvals/cases/{case.pk}/"' in html
    page = client.get(f"/approvals/cases/{case.pk}/")
    assert page.status_code == 200
    assert case.case_number in page.content.decode()
    svc.extension_decide(extension=extension, actor=government_head, approve=True)
    assert client.get(f"/approvals/cases/{case.pk}/").status_code == 200


def test_the_government_head_sees_no_case_without_a_joint_extension(
    client, accept, parallel_version, government_head
):
    other = accept(parallel_version)
    client.force_login(government_head)
    assert client.get(f"/approvals/cases/{other.pk}/").status_code == 404
    api = APIClient()
    api.force_authenticate(government_head)
    assert api.get(f"/api/v1/cases/{other.pk}/clocks/").status_code == 404
