"""The four intake notices, rendered for real (WeasyPrint in the eager Celery task),
stored once with their SHA-256, and checked on the public verification page."""

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.calendar import add_working_days
from intake.constants import MaterialStatus, NoticeKind, NoticeStatus, RefusalKind
from intake.models import Notice, SubmittedMaterial
from intake.services.cases import (
    counter_receive,
    intake_accept,
    intake_refuse,
    intake_request_correction,
)
from intake.services.notices import received_form
from intake.tasks import notice_render
from tests.factories import (
    ItemVersionFactory,
    accept_all,
    counter_draft,
    materials_of,
    submit_online,
    verdict,
)

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


def assert_says(notice: Notice, png: str, *expected: str, squeezed: bool = False) -> str:
    """The notice's PDF holds every ``expected`` text (``squeezed``: read without line
    breaks and spaces); page 1 is kept as ``png`` (keep_png). Returns the text."""
    keep_png(notice, png)
    text = pdf_text(notice)
    if squeezed:
        text = text.replace("\n", "").replace(" ", "")
    for fragment in expected:
        assert fragment in text, fragment
    return text


def assert_names_the_window_not_the_clerk(notice: Notice, clerk) -> None:
    """Citizens never see staff names: a notice the applicant holds says which window
    acted, never which clerk (neither its PDF nor its frozen content)."""
    text = pdf_text(notice).replace(" ", "")
    assert "金普厅3号窗口" in text, notice.kind
    for name in (clerk.full_name, clerk.username):
        assert name not in text, f"{name} in the {notice.kind} notice"
        assert name not in str(notice.context), f"{name} in the {notice.kind} content"


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
    assert_says(
        receipt, "receipt", "收件凭证", "申请表", "金普厅 3 号窗口", "不代表申请已被受理", "验证码"
    )

    acceptance = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    assert_says(
        acceptance,
        "acceptance",
        "受理通知书",
        application.case_number,
        "予以受理",
        "10 个工作日",
        f"{application.promised_due_date:%Y年%-m月%-d日}",
        "容缺（待补交，截止日期",
        f"请于 {due:%Y年%-m月%-d日} 前补交",  # as official documents write a day
        "金普新区行政审批局",
        acceptance.verification_code,
    )
    assert_names_the_window_not_the_clerk(receipt, clerk)
    assert_names_the_window_not_the_clerk(acceptance, clerk)


def correction_notice(clerk, citizen, item, rendered, verdicts, note="") -> Notice:
    """The rendered correction notice of an online application of ``item`` that the
    clerk sends back with ``verdicts``: material name → (status, reason)."""
    application = submit_online(citizen, item)
    materials = materials_of(application)
    rendered(
        intake_request_correction,
        application=application,
        actor=clerk,
        verdicts=[
            verdict(materials[name], status, **({"reason": reason} if reason else {}))
            for name, (status, reason) in verdicts.items()
        ],
        note=note,
    )
    return ready(application.notices.get(kind=NoticeKind.CORRECTION))


def test_correction_notice_lists_every_problem(clerk, citizen, item, rendered):
    problems = {
        "申请表": (MaterialStatus.DEFECTIVE, "缺少申请人签字"),
        "场地使用证明": (MaterialStatus.MISSING, ""),
    }
    notice = correction_notice(clerk, citizen, item, rendered, problems, "请一并提供联系人电话。")
    assert_says(
        notice,
        "correction",
        "补正材料一次性告知书",
        "一次性告知",
        "缺少申请人签字",
        "场地使用证明",
        "未提交该材料",
        "两厅通办",
        "补正材料齐全之日起",
        "请一并提供联系人电话。",
    )
    assert_names_the_window_not_the_clerk(notice, clerk)


def test_correction_notice_numbers_its_own_rows(clerk, citizen, item, rendered):
    """The table lists only what is to be corrected, numbered 1, 2 …: the 申请表 passed,
    so 场地使用证明 is row 1 and 其他补充材料 row 2 (not 2 and 3, their places among
    all the item's materials, which left the reader looking for a row 1)."""
    verdicts = {
        "申请表": (MaterialStatus.RECEIVED, ""),
        "场地使用证明": (MaterialStatus.MISSING, ""),
        "其他补充材料": (MaterialStatus.DEFECTIVE, "复印件不清晰"),
    }
    notice = correction_notice(clerk, citizen, item, rendered, verdicts)
    rows = [
        line.split()
        for line in assert_says(notice, "correction-numbered", "复印件不清晰").splitlines()
        if "缺少材料" in line or "材料有误" in line
    ]
    assert [row[:2] for row in rows] == [["1", "场地使用证明"], ["2", "其他补充材料"]]


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
    assert_says(
        notice,
        "refusal",
        "不予受理通知书",
        "不属于本机关职权范围",
        "大连市中山区行政审批局",
        "根据《中华人民共和国行政许可法》第三十二条的规定",
        "60日内向大连金普新区管理委员会申请行政复议",
        "6个月内向大连经济技术开发区人民法院提起行政诉讼",
        squeezed=True,
    )
    assert_names_the_window_not_the_clerk(notice, clerk)


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


# --- layout and wording with eight materials ------------------------------------
# The 受理通知书 and the 收件凭证 of an item with eight materials: one A4 page each, the
# seal, date and verification footer on the page of the text; the 收取形式 column says
# what was actually received (电子 for an upload, 纸质原件 / 复印件 with their counts for
# paper, 容缺 with its due date), never "原件 0 份" for an upload nor an original for a
# 容缺 material. PNGs of the pages go to test-output/notices/ for a person to look at.

EIGHT = [
    {"name": "食品经营许可申请书", "issuing_body": "申请人", "originals": 1, "copies": 0},
    {"name": "营业执照", "issuing_body": "市场监督管理部门", "originals": 0, "copies": 1},
    {"name": "法定代表人身份证明", "issuing_body": "公安机关", "originals": 0, "copies": 1},
    {"name": "经营场所平面布局图", "issuing_body": "申请人", "originals": 1, "copies": 0},
    {
        "name": "场地使用证明（房屋产权证明或租赁合同）",
        "issuing_body": "产权单位",
        "originals": 1,
        "copies": 1,
        "tolerance_allowed": True,
    },
    {"name": "食品安全管理制度文本", "issuing_body": "申请人", "originals": 1, "copies": 0},
    {"name": "食品安全管理人员健康证明", "issuing_body": "医疗机构", "originals": 0, "copies": 1},
    {
        "name": "委托书及受托人身份证明",
        "issuing_body": "申请人",
        "originals": 1,
        "copies": 1,
        "requirement": "optional",
    },
]


def pages(notice) -> int:
    with notice.file.open("rb") as handle:
        info = subprocess.run(
            ["pdfinfo", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_counter_receipt_and_acceptance_with_tolerance_fit_one_page(clerk, applicant, rendered):
    version = ItemVersionFactory(materials=EIGHT)
    application = counter_draft(clerk, applicant, version)
    materials = materials_of(application)
    due = add_working_days(timezone.localdate(), 5)
    tolerated = materials["场地使用证明（房屋产权证明或租赁合同）"]
    verdicts = [
        verdict(m)
        for name, m in materials.items()
        if name not in (tolerated.name, "委托书及受托人身份证明")
    ]
    # The clerk's form sends the catalog's counts for a 容缺 material too (原件 1).
    verdicts.append(
        verdict(tolerated, MaterialStatus.TOLERATED, pledge_signed=True, tolerance_due_date=due)
    )
    rendered(counter_receive, application=application, actor=clerk, verdicts=verdicts)
    rendered(intake_accept, application=application, actor=clerk, verdicts=verdicts)
    application.refresh_from_db()

    acceptance = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    text = assert_says(
        acceptance,
        "acceptance-eight",
        "收取形式",
        "纸质原件 1 份",
        "复印件 1 份",
        f"容缺（待补交，截止日期{due:%Y年%-m月%-d日}）",
        "未提交",
        acceptance.verification_code,
        application.case_number,
    )
    assert pages(acceptance) == 1
    rows = {m["name"]: m["form"] for m in acceptance.context["materials"]}
    assert rows[tolerated.name] == f"容缺（待补交，截止日期{due:%Y年%-m月%-d日}）"
    assert rows["食品经营许可申请书"] == "纸质原件 1 份"
    assert rows["营业执照"] == "复印件 1 份"
    assert rows["委托书及受托人身份证明"] == "未提交"
    assert "原件（份）" not in text

    receipt = ready(application.notices.get(kind=NoticeKind.RECEIPT))
    assert_says(
        receipt, "receipt-eight", "收取形式", "容缺（待补交，截止日期", receipt.verification_code
    )
    assert pages(receipt) == 1


def test_online_acceptance_says_electronic_and_fits_one_page(clerk, citizen, rendered):
    version = ItemVersionFactory(materials=EIGHT)
    application = submit_online(citizen, version)
    # As the pre-review form sends it: an uploaded material is received, no paper.
    verdicts = [
        verdict(slot.material, originals=0, copies=0)
        for slot in application.materials.select_related("material")
        if slot.file
    ]
    rendered(intake_accept, application=application, actor=clerk, verdicts=verdicts)
    application.refresh_from_db()
    acceptance = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    keep_png(acceptance, "acceptance-online-eight")
    assert pages(acceptance) == 1
    rows = {m["name"]: m["form"] for m in acceptance.context["materials"]}
    assert rows["营业执照"] == "电子"
    assert rows["食品经营许可申请书"] == "电子"
    assert rows["委托书及受托人身份证明"] == "未提交"
    text = pdf_text(acceptance)
    assert "电子" in text
    assert " 0 " not in text.replace("000", "")  # no "原件 0 / 复印件 0" cells


def test_an_immediate_items_acceptance_says_it_is_concluded_on_the_spot(clerk, citizen, rendered):
    """A 即办件 promises 0 days: its acceptance says 当场办结, not "0 个工作日"."""
    application = submit_online(citizen, ItemVersionFactory(immediate=True))
    rendered(accept_all, application=application, clerk=clerk)
    acceptance = ready(application.notices.get(kind=NoticeKind.ACCEPTANCE))
    text = assert_says(acceptance, "acceptance-immediate", "即办件，当场办结")
    assert "0 个工作日" not in text


def test_received_form_wording():
    slot = SubmittedMaterial(
        status=MaterialStatus.RECEIVED, originals_received=1, copies_received=2
    )
    assert received_form(slot) == "纸质原件 1 份、复印件 2 份"
    slot.file.name = "intake/materials/a.pdf"
    assert received_form(slot) == "电子、纸质原件 1 份、复印件 2 份"
    slot = SubmittedMaterial(status=MaterialStatus.RECEIVED)
    slot.file.name = "intake/materials/a.pdf"
    assert received_form(slot) == "电子"
    tolerated = SubmittedMaterial(
        status=MaterialStatus.TOLERATED,
        originals_received=1,
        tolerance_due_date=timezone.localdate().replace(year=2027, month=1, day=8),
    )
    assert received_form(tolerated) == "容缺（待补交，截止日期2027年1月8日）"
    assert received_form(SubmittedMaterial(status=MaterialStatus.PENDING)) == "未提交"


@pytest.mark.parametrize(
    ("phones", "line"),
    [
        ({"consult_phone": "", "complaint_phone": ""}, "政务服务便民热线：8890"),
        (
            {"consult_phone": "0411-87650001", "complaint_phone": "0411-87650002"},
            "咨询电话：0411-87650001　监督投诉电话：0411-87650002　政务服务便民热线：8890",
        ),
    ],
)
def test_the_verification_block_names_each_phone_once(phones, line):
    """An item without its own phones no longer reads 咨询电话：8890 … 便民热线：8890 (the
    hotline twice) nor an empty 监督投诉电话："""
    notice = Notice(number="金普SLTZ〔2026〕000001号", verification_code="ABCD2345")
    html = render_to_string(
        "documents/intake/_verify.html", {"notice": notice, "c": phones, "verify_url": "/v/"}
    )
    assert html.split("<br>")[-1].split("</div>")[0].strip() == line
