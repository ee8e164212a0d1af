"""The four intake notices, rendered for real (WeasyPrint in the eager Celery task),
stored once with their SHA-256, and checked on the public verification page."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.calendar import add_working_days
from intake.constants import MaterialStatus, NoticeKind, NoticeStatus, RefusalKind
from intake.models import Notice
from intake.services.cases import (
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
)
from intake.tasks import notice_render
from tests.factories import counter_draft, materials_of, submit_online, verdict

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "notices"


def pdf_text(notice: Notice) -> str:
    with notice.file.open("rb") as handle:
        content = handle.read()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def keep_png(notice: Notice, name: str) -> None:
    """A picture of page 1 for people to look at (test-output/notices/<name>-1.png)."""
    if not shutil.which("pdftoppm"):
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob(f"{name}-*.png"):
        old.unlink()
    with notice.file.open("rb") as handle:
        (OUTPUT / f"{name}.pdf").write_bytes(handle.read())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(OUTPUT / f"{name}.pdf"), str(OUTPUT / name)],
        check=True,
    )


@pytest.fixture
def rendered(django_capture_on_commit_callbacks):
    """Run what services queue after commit (the eager notice_render task)."""

    def run(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)

    return run


def ready(notice: Notice) -> Notice:
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.READY
    with notice.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == notice.sha256
    return notice


def test_receipt_and_acceptance_with_tolerance(clerk, applicant, item, rendered):
    application = counter_draft(clerk, applicant, item)
    materials = materials_of(application)
    due = add_working_days(timezone.localdate(), 5)
    verdicts = [
        verdict(materials["申请表"]),
        verdict(
            materials["场地使用证明"],
            MaterialStatus.TOLERATED,
            originals=0,
            copies=0,
            pledge_signed=True,
            tolerance_due_date=due,
        ),
    ]
    rendered(counter_receive, application=application, actor=clerk, verdicts=verdicts)
    rendered(intake_accept, application=application, actor=clerk, verdicts=verdicts)
    application.refresh_from_db()

    receipt = ready(application.notices.get(kind=NoticeKind.RECEIPT))
    text = pdf_text(receipt)
    for expected in ("收件凭证", "申请表", "金普厅 3 号窗口", "不代表申请已被受理", "验证码"):
        assert expected in text, expected
    keep_png(receipt, "receipt")

    acceptance = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    text = pdf_text(acceptance)
    for expected in (
        "受理通知书",
        application.case_number,
        "予以受理",
        "10 个工作日",
        f"{application.promised_due_date:%Y年%m月%d日}",
        "容缺后补",
        due.isoformat(),
        "金普新区行政审批局",
        acceptance.verification_code,
    ):
        assert expected in text, expected
    keep_png(acceptance, "acceptance")


def test_correction_notice_lists_every_problem(clerk, citizen, item, rendered):
    application = submit_online(citizen, item)
    materials = materials_of(application)
    rendered(
        intake_request_correction,
        application=application,
        actor=clerk,
        verdicts=[
            verdict(materials["申请表"], MaterialStatus.DEFECTIVE, reason="缺少申请人签字"),
            verdict(materials["场地使用证明"], MaterialStatus.MISSING),
        ],
        note="请一并提供联系人电话。",
    )
    notice = ready(application.notices.get(kind=NoticeKind.CORRECTION))
    text = pdf_text(notice)
    for expected in (
        "补正材料一次性告知书",
        "一次性告知",
        "缺少申请人签字",
        "场地使用证明",
        "未提交该材料",
        "两厅通办",
        "补正材料齐全之日起",
        "请一并提供联系人电话。",
    ):
        assert expected in text, expected
    keep_png(notice, "correction")


def test_refusal_notice_tells_where_to_apply_and_the_right_to_review(
    clerk, applicant, item, rendered, settings
):
    settings.REMEDY_RECONSIDERATION_BODY = "大连金普新区管理委员会"
    settings.REMEDY_LITIGATION_COURT = "大连经济技术开发区人民法院"
    application = counter_draft(clerk, applicant, item)
    counter_receive(application=application, actor=clerk)
    rendered(
        intake_refuse,
        application=application,
        actor=clerk,
        kind=RefusalKind.OUTSIDE_POWERS,
        reason="申请的经营场所位于大连市中山区，不属于本机关管辖",
        redirect_to="大连市中山区行政审批局",
    )
    notice = ready(application.notices.get(kind=NoticeKind.REFUSAL))
    text = pdf_text(notice)
    for expected in (
        "不予受理通知书",
        "不属于本机关职权范围",
        "大连市中山区行政审批局",
        "根据《中华人民共和国行政许可法》第三十二条的规定",
        "60日内向大连金普新区管理委员会申请行政复议",
        "6个月内向大连经济技术开发区人民法院提起行政诉讼",
    ):
        assert expected in text.replace("\n", "").replace(" ", ""), expected
    keep_png(notice, "refusal")


def test_rendering_twice_changes_nothing(clerk, citizen, item, rendered):
    from tests.factories import all_received

    application = submit_online(citizen, item)
    rendered(
        intake_accept, application=application, actor=clerk, verdicts=all_received(application)
    )
    notice = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    before = (notice.file.name, notice.sha256, notice.rendered_at)
    assert notice_render.delay(notice.pk).get() == notice.sha256
    notice.refresh_from_db()
    assert (notice.file.name, notice.sha256, notice.rendered_at) == before


def test_verification_page(client, clerk, citizen, item, rendered):
    from tests.factories import all_received

    application = submit_online(citizen, item)
    rendered(
        intake_accept, application=application, actor=clerk, verdicts=all_received(application)
    )
    notice = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    application.refresh_from_db()

    response = client.get("/intake/verify/", {"code": f" {notice.verification_code.lower()} "})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "真实有效" in html
    assert notice.number in html
    assert application.case_number in html

    with notice.file.open("rb") as handle:
        content = handle.read()
    url = f"/intake/verify/{notice.verification_code}/"
    same = client.post(url, {"document": SimpleUploadedFile("n.pdf", content)})
    assert "文件一致" in same.content.decode()
    forged = client.post(url, {"document": SimpleUploadedFile("n.pdf", content + b"%forged")})
    assert "文件不一致" in forged.content.decode()

    missing = client.get("/intake/verify/ABCDEFGHJK/")
    assert missing.status_code == 404
    assert "未找到验证码为“ABCDEFGHJK”的文书" in missing.content.decode()
    assert client.get("/intake/verify/").status_code == 200


def test_workbench_download_and_htmx_status(client, clerk, citizen, item, rendered):
    from tests.factories import all_received

    application = submit_online(citizen, item)
    rendered(
        intake_accept, application=application, actor=clerk, verdicts=all_received(application)
    )
    notice = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    client.force_login(clerk)
    status = client.get(f"/intake/workbench/notices/{notice.pk}/status/", HTTP_HX_REQUEST="true")
    assert "下载受理通知书" in status.content.decode()
    assert "hx-trigger" not in status.content.decode()
    response = client.get(f"/intake/workbench/notices/{notice.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == notice.sha256


def test_pending_notice_polls(client, clerk, citizen, item):
    """Before the task has run, the row says 生成中 and polls with htmx."""
    from tests.factories import all_received

    application = submit_online(citizen, item)
    intake_accept(application=application, actor=clerk, verdicts=all_received(application))
    notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.status == NoticeStatus.PENDING
    client.force_login(clerk)
    html = client.get(f"/intake/workbench/applications/{application.pk}/").content.decode()
    assert "生成中" in html
    assert f'hx-get="/intake/workbench/notices/{notice.pk}/status/"' in html
    response = client.get(f"/intake/workbench/notices/{notice.pk}/download/", follow=True)
    assert "文书正在生成" in response.content.decode()
