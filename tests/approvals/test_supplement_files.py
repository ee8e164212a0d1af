"""审批补正 with files: the applicant (or an agent of the applying enterprise) hands in
one or more files per item of the department's 审查补正告知书, a clerk may attach the
scans at a window; the files are kept with the case (``intake.SupplementFile``), all or
nothing, shown to the department's approvers (task and case pages) and the applicant,
served only by views that check who asks. A second submit (another tab) is refused
without a second set of files."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from accounts.models import Enterprise
from approvals.constants import ClockKind
from approvals.errors import ApprovalError
from approvals.models import Clock, ClockPause
from approvals.services import tasks as svc
from intake.constants import CaseAction, CaseStatus
from intake.errors import IntakeError
from intake.models import SupplementFile
from intake.services.supplements import SUPPLEMENT_FILES_PER_ITEM_MAX
from jinpu_portal.models import Notification
from tests.factories import (
    CitizenFactory,
    authorize_agent,
    exe_bytes,
    make_citizen,
    make_supervisor,
    pdf_bytes,
    pdf_file,
    png_file,
)

pytestmark = pytest.mark.django_db

ITEMS = ["补充提交经营场所租赁合同原件", "补充提交设备布局图"]


@pytest.fixture
def case(accept, sequential_version):
    return accept(sequential_version)


@pytest.fixture
def asked(case, spj_approver):
    """The case sent back for supplement of ``ITEMS``: its notice."""
    task = case.tasks.get()
    svc.task_claim(task=task, actor=spj_approver)
    return svc.task_request_supplement(task=task, actor=spj_approver, items=ITEMS)


def exe_file(name="合同.pdf"):
    return SimpleUploadedFile(name, exe_bytes(), content_type="application/pdf")


def stored_supplements() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "intake" / "supplements"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def still_waiting(case) -> bool:
    case.refresh_from_db()
    paused = ClockPause.objects.filter(clock__application=case, ended_on__isnull=True)
    return case.status == CaseStatus.SUPPLEMENT_REQUESTED and paused.exists()


# --- the service ----------------------------------------------------------------------


def test_the_applicant_hands_in_files_per_item_kept_with_the_case(
    case, asked, citizen, spj_approver
):
    svc.supplement_receive(
        application=case,
        actor=citizen.user,
        files=[
            (1, pdf_file("租赁合同.pdf", text="lease")),
            (1, png_file("合同盖章页.png")),
            (2, pdf_file("布局图.pdf")),
        ],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_APPROVAL
    assert not ClockPause.objects.filter(clock__application=case, ended_on__isnull=True).exists()
    rows = list(case.supplement_files.order_by("item", "id"))
    assert [(r.item, r.item_text, r.original_filename, r.content_type) for r in rows] == [
        (1, ITEMS[0], "租赁合同.pdf", "application/pdf"),
        (1, ITEMS[0], "合同盖章页.png", "image/png"),
        (2, ITEMS[1], "布局图.pdf", "application/pdf"),
    ]
    assert {(r.notice_id, r.channel, r.uploaded_by_id) for r in rows} == {
        (asked.pk, "online", citizen.user.pk)
    }
    assert len({r.uploaded_at for r in rows}) == 1  # one supplement, one time
    assert rows[0].file.read() == pdf_bytes("lease")
    assert not rows[0].file.name.startswith("intake/supplements/租赁")  # a random name
    assert len(stored_supplements()) == 3
    event = case.events.get(action=CaseAction.SUPPLEMENT_RECEIVED)
    assert "3 个文件" in event.message
    assert event.details["files"] == 3
    told = Notification.objects.get(recipient=spj_approver, title="申请人已补正材料")
    assert "3 个文件" in told.body


def test_a_refused_file_refuses_the_whole_supplement(case, asked, citizen):
    with pytest.raises(IntakeError, match="第 2 项：文件“布局图.pdf”的内容不是 PDF"):
        svc.supplement_receive(
            application=case,
            actor=citizen.user,
            files=[(1, pdf_file("租赁合同.pdf")), (2, exe_file("布局图.pdf"))],
        )
    assert not SupplementFile.objects.exists()
    assert stored_supplements() == []
    assert still_waiting(case)
    assert not case.events.filter(action=CaseAction.SUPPLEMENT_RECEIVED).exists()


def test_a_file_over_the_size_limit_is_refused_in_chinese(case, asked, citizen, settings):
    settings.INTAKE_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("布局图.pdf", pdf_bytes() + b"0" * 1024 * 1024, "application/pdf")
    with pytest.raises(IntakeError, match="第 2 项：.*超过 1 MB 的上限"):
        svc.supplement_receive(
            application=case, actor=citizen.user, files=[(1, pdf_file()), (2, big)]
        )
    assert not SupplementFile.objects.exists()
    assert still_waiting(case)


def test_online_every_item_needs_a_file(case, asked, citizen):
    with pytest.raises(IntakeError, match=f"第 2 项“{ITEMS[1]}”还没有选择文件") as refused:
        svc.supplement_receive(application=case, actor=citizen.user, files=[(1, pdf_file())])
    assert refused.value.code == "files_missing"
    with pytest.raises(IntakeError, match="补正告知书中没有第 3 项"):
        svc.supplement_receive(
            application=case,
            actor=citizen.user,
            files=[(1, pdf_file()), (2, pdf_file()), (3, pdf_file())],
        )
    too_many = [(1, pdf_file(f"{n}.pdf")) for n in range(SUPPLEMENT_FILES_PER_ITEM_MAX + 1)]
    with pytest.raises(IntakeError, match=f"每项最多 {SUPPLEMENT_FILES_PER_ITEM_MAX} 个"):
        svc.supplement_receive(
            application=case, actor=citizen.user, files=[*too_many, (2, pdf_file())]
        )
    assert not SupplementFile.objects.exists()
    assert stored_supplements() == []
    assert still_waiting(case)


def test_another_citizen_is_refused_and_nothing_is_kept(case, asked):
    stranger = CitizenFactory()
    with pytest.raises(PermissionDenied):
        svc.supplement_receive(
            application=case, actor=stranger.user, files=[(1, pdf_file()), (2, pdf_file())]
        )
    assert not SupplementFile.objects.exists()
    assert still_waiting(case)


def test_an_agent_of_the_applying_enterprise_may_hand_it_in(
    accept, sequential_version, citizen, spj_approver
):
    enterprise = Enterprise.objects.get(credit_code="91110000600037341L")  # citizen's
    case = accept(sequential_version, enterprise=enterprise)
    agent = make_citizen("赵经办")
    authorize_agent(enterprise, citizen, agent)
    task = case.tasks.get()
    svc.task_request_supplement(task=task, actor=spj_approver, items=["合同原件"])
    svc.supplement_receive(application=case, actor=agent.user, files=[(1, pdf_file())])
    assert case.supplement_files.get().uploaded_by == agent.user


def test_a_second_submit_is_refused_and_keeps_no_second_set_of_files(case, asked, citizen):
    files = [(1, pdf_file()), (2, pdf_file())]
    svc.supplement_receive(
        application=case, actor=citizen.user, files=files, expected_notice=asked.pk
    )
    again = [(1, pdf_file()), (2, pdf_file())]
    with pytest.raises(ApprovalError, match="已不在等待补正") as refused:
        svc.supplement_receive(
            application=case, actor=citizen.user, files=again, expected_notice=asked.pk
        )
    assert refused.value.code == "conflict"
    with pytest.raises(ApprovalError, match="没有待补正"):  # a caller without a page
        svc.supplement_receive(application=case, actor=citizen.user, files=again)
    assert SupplementFile.objects.count() == 2
    assert len(stored_supplements()) == 2
    assert case.events.filter(action=CaseAction.SUPPLEMENT_RECEIVED).count() == 1


def test_a_page_of_an_earlier_request_is_refused_as_stale(case, asked, citizen, spj_approver):
    svc.supplement_receive(
        application=case, actor=citizen.user, files=[(1, pdf_file()), (2, pdf_file())]
    )
    svc.task_request_supplement(task=case.tasks.get(), actor=spj_approver, items=["再补一项"])
    with pytest.raises(ApprovalError, match="重新出具补正告知书") as refused:
        svc.supplement_receive(
            application=case, actor=citizen.user, files=[(1, pdf_file())], expected_notice=asked.pk
        )
    assert refused.value.code == "stale"
    assert SupplementFile.objects.count() == 2
    assert still_waiting(case)


def test_a_clerk_may_attach_the_scans_or_keep_the_paper(
    accept, sequential_version, case, asked, clerk, spj_approver
):
    svc.supplement_receive(application=case, actor=clerk, files=[(2, png_file("布局图.png"))])
    row = case.supplement_files.get()
    assert (row.item, row.channel, row.uploaded_by) == (2, "counter", clerk)
    assert "1 个文件" in case.events.get(action=CaseAction.SUPPLEMENT_RECEIVED).message

    other = accept(sequential_version)
    svc.task_request_supplement(task=other.tasks.get(), actor=spj_approver, items=["合同"])
    svc.supplement_receive(application=other, actor=clerk, note="原件留存")
    event = other.events.get(action=CaseAction.SUPPLEMENT_RECEIVED)
    assert event.message == "收到补正材料（纸质材料）：原件留存，恢复计时"
    assert event.details["files"] == 0
    assert not other.supplement_files.exists()


# --- the supplement page ------------------------------------------------------------------


def supplement_url(case):
    return reverse("approvals:supplement", args=[case.pk])


def post_supplement(client, case, notice, **files):
    return client.post(supplement_url(case), {"note": "已按要求补正", "notice": notice.pk, **files})


def test_the_page_asks_one_or_more_files_per_item_and_keeps_them(client, case, asked, citizen):
    client.force_login(citizen.user)
    html = client.get(supplement_url(case)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    for number, item in enumerate(ITEMS, 1):
        field = re.search(rf'<input[^>]*name="item_{number}"[^>]*>', html).group(0)
        assert "multiple" in field
        assert item in html
    assert f'name="notice" value="{asked.pk}"' in html

    response = post_supplement(
        client,
        case,
        asked,
        item_1=[pdf_file("租赁合同.pdf"), png_file("盖章页.png")],
        item_2=pdf_file("布局图.pdf"),
    )
    assert response.status_code == 302
    assert response.url == reverse("intake:my_application", args=[case.pk])
    assert case.supplement_files.count() == 3
    page = client.get(response.url).content.decode()
    assert "已收到补正材料（3 个文件）" in page
    files = re.search(r'<section[^>]*data-testid="supplement-files".*?</section>', page, re.S)
    assert files is not None
    for row in case.supplement_files.all():
        link = reverse("intake:my_supplement_file", args=[case.pk, row.pk])
        assert link in files.group(0)
        assert row.original_filename in files.group(0)
    assert "补正材料" in files.group(0)


def test_a_refused_post_keeps_the_note_says_what_to_choose_again_and_keeps_nothing(
    client, case, asked, citizen
):
    client.force_login(citizen.user)
    response = post_supplement(
        client, case, asked, item_1=pdf_file("租赁合同.pdf"), item_2=exe_file("布局图.pdf")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "内容不是 PDF、JPEG 或 PNG" in html
    assert "已按要求补正" in html  # the note typed
    assert "请重新选择以下文件：租赁合同.pdf" in html
    assert "您选择的“租赁合同.pdf”未保存" in html
    assert not SupplementFile.objects.exists()
    assert still_waiting(case)

    response = post_supplement(client, case, asked, item_1=pdf_file("租赁合同.pdf"))
    assert response.status_code == 400
    assert "还没有选择文件" in response.content.decode()
    assert not SupplementFile.objects.exists()


def test_the_second_tab_is_answered_409_without_a_second_set_of_files(client, case, asked, citizen):
    client.force_login(citizen.user)
    first = post_supplement(client, case, asked, item_1=pdf_file(), item_2=pdf_file())
    assert first.status_code == 302
    second = post_supplement(client, case, asked, item_1=pdf_file(), item_2=pdf_file())
    assert second.status_code == 409
    html = second.content.decode()
    assert "已不在等待补正" in html
    assert "该办件当前没有待补正的审查意见" in html
    assert SupplementFile.objects.count() == 2


def test_another_citizen_gets_404_on_the_page(client, case, asked):
    client.force_login(CitizenFactory().user)
    assert client.get(supplement_url(case)).status_code == 404
    response = post_supplement(client, case, asked, item_1=pdf_file(), item_2=pdf_file())
    assert response.status_code == 404
    assert not SupplementFile.objects.exists()


def test_the_clerk_attaches_scans_at_the_window(client, case, asked, clerk):
    client.force_login(clerk)
    html = client.get(supplement_url(case)).content.decode()
    assert "选填" in html
    response = post_supplement(client, case, asked, item_2=pdf_file("扫描件.pdf"))
    assert response.status_code == 302
    assert response.url == reverse("approvals:counter")
    assert case.supplement_files.get().channel == "counter"


# --- who opens the files ------------------------------------------------------------------


def test_the_files_are_served_only_to_who_may_see_them(
    client, accept, sequential_version, case, asked, citizen, spj_approver, scj_approver, clerk
):
    svc.supplement_receive(
        application=case,
        actor=citizen.user,
        files=[(1, pdf_file("租赁合同.pdf", text="lease")), (2, png_file())],
    )
    row = case.supplement_files.get(item=1)
    approver_url = reverse("approvals:case_supplement_file", args=[case.pk, row.pk])
    citizen_url = reverse("intake:my_supplement_file", args=[case.pk, row.pk])

    client.force_login(spj_approver)
    response = client.get(approver_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert body(response) == pdf_bytes("lease")
    other = accept(sequential_version)  # the file through another case's address
    assert client.get(f"/approvals/cases/{other.pk}/supplement-files/{row.pk}/").status_code == 404

    client.force_login(citizen.user)
    response = client.get(citizen_url)
    assert response.status_code == 200
    assert body(response) == pdf_bytes("lease")
    assert client.get(approver_url).status_code == 403  # not an approver

    client.force_login(scj_approver)  # a department not on the case's route
    assert client.get(approver_url).status_code == 404
    client.force_login(CitizenFactory().user)
    assert client.get(citizen_url).status_code == 404
    client.force_login(clerk)
    assert client.get(approver_url).status_code == 403
    assert client.get(citizen_url).status_code == 403


# --- the approver's pages -----------------------------------------------------------------


def handed_in(accept, version, approver, citizen, count: int):
    """A case whose supplement (of both items, of the first for one file) came with
    ``count`` files."""
    case = accept(version)
    task = case.tasks.get()
    svc.task_claim(task=task, actor=approver)
    svc.task_request_supplement(task=task, actor=approver, items=ITEMS[: min(count, 2)])
    files = [(1 + n % 2, pdf_file(f"补正{n}.pdf")) for n in range(count)]
    svc.supplement_receive(application=case, actor=citizen.user, files=files)
    return case, task


def test_the_task_page_shows_the_files_as_supplement_with_the_time(
    client, accept, sequential_version, spj_approver, citizen
):
    case, task = handed_in(accept, sequential_version, spj_approver, citizen, 3)
    client.force_login(spj_approver)
    html = client.get(reverse("approvals:task", args=[task.pk])).content.decode()
    card = re.search(r'<section[^>]*data-testid="supplement-files".*?</section>', html, re.S)
    assert card is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card.group(0)))
    row = case.supplement_files.first()
    assert "补正材料" in text
    assert localtime(row.uploaded_at).strftime("%Y-%m-%d %H:%M") in text
    assert "3 个文件" in text
    assert f"第 1 项：{ITEMS[0]}" in text
    for row in case.supplement_files.all():
        assert reverse("approvals:case_supplement_file", args=[case.pk, row.pk]) in card.group(0)
    case_html = client.get(reverse("approvals:case", args=[case.pk])).content.decode()
    assert 'data-testid="supplement-files"' in case_html


def test_a_supervisor_sees_the_case_page_without_the_files(
    client, accept, sequential_version, spj, spj_approver, citizen
):
    case, _task = handed_in(accept, sequential_version, spj_approver, citizen, 1)
    client.force_login(make_supervisor(spj))
    html = client.get(reverse("approvals:case", args=[case.pk])).content.decode()
    assert 'data-testid="supplement-files"' not in html


def statements(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_listing_files_cost_the_same_statements_for_1_and_20_files(
    client, accept, sequential_version, spj_approver, citizen
):
    one, one_task = handed_in(accept, sequential_version, spj_approver, citizen, 1)
    many, many_task = handed_in(accept, sequential_version, spj_approver, citizen, 20)
    assert many.supplement_files.count() == 20
    client.force_login(spj_approver)
    for name, args in (
        ("approvals:task", (one_task.pk, many_task.pk)),
        ("approvals:case", (one.pk, many.pk)),
    ):
        few = statements(client, reverse(name, args=[args[0]]))
        assert statements(client, reverse(name, args=[args[1]])) == few, name
    client.force_login(citizen.user)
    few = statements(client, reverse("intake:my_application", args=[one.pk]))
    assert statements(client, reverse("intake:my_application", args=[many.pk])) == few
    assert Clock.objects.filter(application=many, kind=ClockKind.PROMISED).get().is_open
