"""Citizens never see staff names: after a case has been routed, claimed, reassigned,
released, paused for a special procedure, extended, returned for a supplement, approved,
concluded and handed over, the applicant's pages, the citizen API, the public progress
query and the documents the applicant downloads (every notice and the result) with their
public check show each event's label, time, role and department, and no staff member's
username or full name anywhere. Staff pages keep the names."""

import json

import pytest

from approvals.constants import ApprovalEvent
from intake.constants import NoticeKind
from intake.tasks import notice_render
from tests.catalog.test_guide_pages import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def walked(walked, spj_approver, spj_colleague, spj_head, clerk):
    case = walked
    staff = [spj_approver, spj_colleague, spj_head, clerk]
    names = [value for user in staff for value in (user.username, user.full_name)]
    # The names are really in the record: staff pages must keep showing them.
    assert any("李审批" in event.message for event in case.events.all())
    return case, names


def assert_no_names(text: str, names: list[str], where: str) -> None:
    for name in names:
        assert name not in text, f"{name} appears in {where}"


def test_the_citizens_pages_and_api_show_no_staff_name(client, walked, citizen):
    case, names = walked
    client.force_login(citizen.user)
    pages = {
        url: client.get(url)
        for url in (
            f"/intake/my/{case.pk}/",
            "/intake/my/",
            "/intake/notifications/",
            f"/approvals/cases/{case.pk}/",
        )
    }
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert_no_names(response.content.decode(), names, url)

    detail = pages[f"/intake/my/{case.pk}/"].content.decode()
    # What the citizen sees instead: the label, the role and the department.
    assert "认领" in detail
    assert "结果送达" in detail
    assert "金普新区行政审批局" in detail
    assert "审批人员" in detail

    response = client.get(f"/api/v1/applications/{case.pk}/")
    assert response.status_code == 200
    assert_no_names(json.dumps(response.json(), ensure_ascii=False), names, "the citizen API")
    events = response.json()["events"]
    claimed = [e for e in events if e["action"] == ApprovalEvent.CLAIMED]
    assert claimed
    assert claimed[0] | {"at": None, "id": None} == claimed[0] | {
        "at": None,
        "id": None,
        "action_label": "认领",
        "department": "金普新区行政审批局",
        "message": "",
    }
    # The applicant still reads what concerns them (the extension's reason, the supplement).
    messages = " ".join(e["message"] for e in events)
    assert "需现场核查" in messages
    assert "补充租赁合同" in messages


def test_the_documents_show_no_staff_name(client, walked, citizen, tmp_path):
    case, names = walked
    notices = list(case.notices.all())
    assert {NoticeKind.SPECIAL_PROCEDURE, NoticeKind.EXTENSION, NoticeKind.SUPPLEMENT} <= {
        notice.kind for notice in notices
    }
    for notice in notices:
        notice_render(notice_id=notice.pk)  # queued after a commit the test never makes
    client.force_login(citizen.user)
    pages = {f"/approvals/cases/{case.pk}/result/": "pdf"}
    for notice in notices:
        pages[f"/intake/my/{case.pk}/notices/{notice.pk}/"] = "pdf"
        pages[f"/intake/verify/{notice.verification_code}/"] = "html"
    for url, kind in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if kind == "pdf":
            # A name may break across lines of the page.
            text = "".join(pdf_text(b"".join(response.streaming_content), tmp_path).split())
        else:
            text = response.content.decode()
        assert_no_names(text, names, url)


def test_the_public_progress_query_shows_no_staff_name(client, walked):
    case, names = walked
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    response = client.post("/intake/progress/", {"case_number": case.case_number, "code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert case.case_number in html
    assert_no_names(html, names, "the progress query")


def test_staff_pages_keep_the_names(client, walked, spj_approver, supervisor):
    case, _ = walked
    for user in (spj_approver, supervisor):
        client.force_login(user)
        html = client.get(f"/approvals/cases/{case.pk}/").content.decode()
        assert "李审批" in html
        assert "周局长" in html
