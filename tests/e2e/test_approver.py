"""An approver works the inbox in headless Chromium and concludes a case; the citizen
downloads the result, and reads the results of a 即办件 and of a posted case. Data is
set up through the services (catalog, accounts, intake at the counter); every approval
step of the first case is done in the browser. Screenshots at 1280 and 390 pixels wide
go to test-output/screenshots/, the decision PDF to test-output/notices/ with a PNG of
its first page (pdftoppm) beside the screenshots, for a human to look at."""

import io
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from approvals.constants import DeliveryStatus, Light
from approvals.models import Delivery
from approvals.selectors import result_notice
from approvals.services.clocks import clock_days_left
from approvals.services.delivery import delivery_post
from approvals.services.tasks import task_approve
from intake.constants import CaseStatus, DeliveryMethod, NoticeKind, NoticeStatus
from intake.services.notices import notice_render
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    assert_no_squeezed_text,
    shoot,
    signed_in,
)
from tests.factories import (
    CitizenFactory,
    ItemVersionFactory,
    accept_case,
    accept_case_in_the_past,
    department,
    exe_bytes,
    make_approver,
    make_version,
    pdf_bytes,
    png_bytes,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOTICES = Path(__file__).resolve().parents[2] / "test-output" / "notices"


def seal_png() -> bytes:
    """A red round seal with a star, as a department's uploaded 电子印章 image."""
    image = Image.new("RGBA", (400, 400), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 30, 30, 230)
    draw.ellipse((10, 10, 390, 390), outline=red, width=14)
    draw.regular_polygon((200, 200, 70), 5, rotation=0, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def scene(clerk, monkeypatch):
    spj = department("SPJ", "金普新区行政审批局")
    spj.seal_image.save("spj-seal.png", ContentFile(seal_png()))
    scj = department("SCJ", "金普新区市场监督管理局")
    approver = make_approver(spj, scj, username="e2e-approver", full_name="李审批")
    version = make_version(
        department=spj,
        steps=[(1, "受理审查", spj, 5), (2, "审批决定", spj, 3)],
        name="食品经营许可（新办）",
        result_name="食品经营许可证",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
    )
    other = make_version(department=scj, steps=[(1, "现场核查", scj, 4)], name="广告发布登记")
    citizen = CitizenFactory(name="王芳", id_number="11010519491231002X")
    citizen.user.username = "e2e-citizen"
    citizen.user.save(update_fields=["username"])
    case = accept_case(
        version, clerk=clerk, applicant=citizen, delivery_method=DeliveryMethod.ELECTRONIC
    )
    neighbour = CitizenFactory(name="赵强")
    # A 4-day step accepted 6 working days ago is overdue; a 5-day one accepted 4 ago has
    # one or two left (today may be a weekend): yellow.
    overdue = accept_case_in_the_past(monkeypatch, 6, other, clerk=clerk, applicant=neighbour)
    yellow = accept_case_in_the_past(monkeypatch, 4, version, clerk=clerk, applicant=neighbour)
    assert overdue.tasks.get().clock.light == Light.RED
    assert yellow.tasks.get().clock.light == Light.YELLOW
    return {
        "approver": approver,
        "case": case,
        "citizen": citizen,
        "overdue": overdue,
        "yellow": yellow,
    }


def test_approver_concludes_and_citizen_downloads(
    live_server, browser, screenshots_dir, scene, tmp_path
):
    base = live_server.url
    case = scene["case"]

    # --- the approver, on a desktop ---------------------------------------------------
    context, page = signed_in(browser, DESKTOP, base, "e2e-approver")
    page.click("text=我的待办")
    page.wait_for_url(f"{base}/approvals/")
    rows = page.locator(".task-row")
    assert rows.count() == 3
    # Most urgent first: the red one, then the yellow one, then ours (green).
    assert scene["overdue"].case_number in rows.nth(0).inner_text()
    late = -clock_days_left(scene["overdue"].tasks.get().clock)
    left = clock_days_left(scene["yellow"].tasks.get().clock)
    assert f"超期 {late} 个工作日" in rows.nth(0).inner_text()
    assert f"剩 {left} 个工作日" in rows.nth(1).inner_text()
    assert "剩 5 个工作日" in rows.nth(2).inner_text()
    shoot(page, screenshots_dir, "approver-inbox-1280")

    page.select_option("#f-light", "2")
    expect(page.locator(".task-row")).to_have_count(1)
    page.select_option("#f-light", "")
    expect(page.locator(".task-row")).to_have_count(3)

    page.click(f".task-row:has-text('{case.case_number}')")
    page.wait_for_load_state("networkidle")
    page.click("button:has-text('认领')")
    page.wait_for_load_state("networkidle")
    assert "已认领" in page.inner_text(".alert")
    page.fill("#approve_opinion", "申请材料齐全，经营场所符合要求，同意。")
    shoot(page, screenshots_dir, "approver-task-1280")
    page.click("#btn-approve")
    page.wait_for_url(f"{base}/approvals/")
    assert "已提交审查意见" in page.inner_text(".alert")

    # The decision stage opened: decide it straight away (no claim needed).
    page.click(f".task-row:has-text('{case.case_number}')")
    page.wait_for_load_state("networkidle")
    assert "审批决定" in page.inner_text("h1 + div")
    page.fill("#approve_opinion", "准予行政许可。")
    page.click("#btn-approve")
    page.wait_for_url(f"{base}/approvals/")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED

    page.goto(f"{base}/approvals/?status=completed")
    assert page.locator(".task-row").count() == 2
    page.goto(f"{base}/approvals/cases/{case.pk}/")
    assert "已办结" in page.inner_text("main")
    shoot(page, screenshots_dir, "approver-case-timeline-1280")
    context.close()

    decision = case.notices.get(kind=NoticeKind.APPROVAL_DECISION)
    assert decision.status == NoticeStatus.READY

    # --- the approver's inbox on a phone ------------------------------------------------
    context, page = signed_in(browser, PHONE, base, "e2e-approver", is_mobile=True)
    page.goto(f"{base}/approvals/")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "approver-inbox-390")
    page.click(".task-row >> nth=0")
    page.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "approver-task-390")
    context.close()

    # --- the citizen: the case's page opens on 办理结果 (approvals' card) -----------------
    context, page = signed_in(browser, DESKTOP, base, "e2e-citizen")
    page.goto(f"{base}/intake/my/{case.pk}/")
    panel = page.get_by_test_id("result-panel")
    expect(panel.get_by_test_id("result-verdict")).to_have_text("准予行政许可")
    expect(panel).to_contain_text("准予行政许可决定书")
    expect(panel.get_by_test_id("result-delivery")).to_contain_text("电子证照下载 待送达")
    expect(panel).to_contain_text("下载结果文书即完成送达")
    expect(panel).not_to_contain_text("李审批")
    assert_fits_and_passes_axe(page, "citizen concluded case, desktop")
    shoot(page, screenshots_dir, "citizen-my-application-1280")
    context.close()

    # --- the citizen, on a phone: my applications, then the result ------------------------
    context, page = signed_in(browser, PHONE, base, "e2e-citizen", is_mobile=True)
    page.goto(f"{base}/intake/my/{case.pk}/")
    assert "准予行政许可决定书" in page.inner_text("main")
    assert_fits_and_passes_axe(page, "citizen concluded case, phone")
    shoot(page, screenshots_dir, "citizen-my-application-390")

    # The card's 下载结果文书 (approvals:result) is the electronic delivery.
    with page.expect_download() as download_info:
        page.get_by_test_id("result-download").click()
    path = tmp_path / "decision.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    page.goto(f"{base}/approvals/cases/{case.pk}/")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-case-result-390")

    delivery = Delivery.objects.get(application=case)
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.delivered_by == scene["citizen"].user

    # The card now says it was delivered, and when.
    page.goto(f"{base}/intake/my/{case.pk}/")
    delivered = page.get_by_test_id("result-delivery")
    expect(delivered).to_contain_text("电子证照下载 已送达")
    when = delivery.delivered_at.astimezone(SHANGHAI)
    expect(delivered).to_contain_text(f"送达时间{when:%Y-%m-%d %H:%M}")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-my-application-delivered-390")
    context.close()

    NOTICES.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, NOTICES / "approvals-decision.pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                str(path),
                str(screenshots_dir / "approvals-decision-pdf"),
            ],
            check=True,
        )


@pytest.fixture
def results(clerk):
    """The citizen's 即办件 concluded on the spot at 金普厅 3 号窗口, and a licence decided
    and posted with its tracking number."""
    spj = department("SPJ", "金普新区行政审批局")
    approver = make_approver(spj, username="e2e-approver", full_name="李审批")
    citizen = CitizenFactory(name="王芳", id_number="11010519491231002X")
    citizen.user.username = "e2e-citizen"
    citizen.user.save(update_fields=["username"])
    immediate = accept_case(
        ItemVersionFactory(name="个体工商户名称变更登记", immediate=True),
        clerk=clerk,
        applicant=citizen,
        conclude_immediately=True,
    )
    mailed = accept_case(
        make_version(
            department=spj,
            steps=[(1, "审批决定", spj, 3)],
            name="食品经营许可（延续）",
            postal_delivery_supported=True,
        ),
        clerk=clerk,
        applicant=citizen,
        delivery_method=DeliveryMethod.POST,
        delivery_address="大连市金州区友谊街道光明路 88 号 3 单元 502 室",
    )
    task_approve(task=mailed.tasks.get(), actor=approver, opinion="符合条件，同意。")
    notice_render(notice_id=result_notice(mailed).pk)
    mailed.refresh_from_db()
    delivery_post(delivery=mailed.delivery, actor=clerk, tracking_number="SF1402639587201")
    return immediate, mailed, clerk.full_name


def result_card(page, url, label, directory, screenshot):
    """The 办理结果 card of the citizen's page at ``url``, once the page is checked (fits,
    passes axe, no squeezed text) and photographed into ``directory``."""
    page.goto(url)
    assert_fits_and_passes_axe(page, label)
    assert_no_squeezed_text(page, label)
    shoot(page, directory, screenshot)
    return page.get_by_test_id("result-panel")


def test_citizen_reads_the_result_of_an_immediate_and_a_posted_case(
    live_server, results, browser, screenshots_dir
):
    base = live_server.url
    immediate, mailed, clerk_name = results
    spot = immediate.concluded_at.astimezone(SHANGHAI)
    for viewport, width, options in ((DESKTOP, 1280, {}), (PHONE, 390, {"is_mobile": True})):
        context, page = signed_in(browser, viewport, base, "e2e-citizen", **options)

        panel = result_card(
            page,
            f"{base}/intake/my/{immediate.pk}/",
            f"citizen 即办件 result, {width}",
            screenshots_dir,
            f"citizen-result-immediate-{width}",
        )
        expect(panel.get_by_test_id("result-verdict")).to_have_text("准予行政许可")
        delivery = panel.get_by_test_id("result-delivery")
        expect(delivery).to_contain_text("即办件，受理后当场办结")
        expect(delivery).to_contain_text("窗口领取 当场领取")
        expect(delivery).to_contain_text(f"领取时间{spot:%Y-%m-%d %H:%M}")
        expect(delivery).to_contain_text("领取窗口金普厅 3 号窗口")
        expect(page.locator("main")).not_to_contain_text(clerk_name)

        panel = result_card(
            page,
            f"{base}/intake/my/{mailed.pk}/",
            f"citizen posted result, {width}",
            screenshots_dir,
            f"citizen-result-posted-{width}",
        )
        expect(panel.get_by_test_id("result-verdict")).to_have_text("准予行政许可")
        expect(panel).to_contain_text("准予行政许可决定书")
        delivery = panel.get_by_test_id("result-delivery")
        expect(delivery).to_contain_text("邮寄送达 已送达")
        expect(delivery).to_contain_text("快递单号SF1402639587201")
        expect(delivery).to_contain_text("大连市金州区")
        expect(delivery).not_to_contain_text("光明路")
        expect(panel).not_to_contain_text("李审批")
        context.close()


def at_both_widths(browser, base, username, path):
    """(label, page) signed in as ``username`` on ``path``, at 1280 and at 390 pixels."""
    for label, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        context, page = signed_in(browser, viewport, base, username)
        page.goto(f"{base}{path}")
        yield label, page
        context.close()


def test_citizen_sees_what_a_department_asks_to_supplement(
    live_server, browser, screenshots_dir, scene, tmp_path
):
    """审批补正中: the applicant's page of the case carries the 补正 card (the items, the
    department, never the approver) and its link to the supplement page; answered there,
    the citizen is back on the page of the case. Meanwhile every page of the case shows
    its paused limits' working days left, not their due dates: the citizen's (the case
    and 我的申请), the approver's, the clerk's and the public progress query."""
    from approvals.services.tasks import task_claim, task_request_supplement

    case, approver = scene["case"], scene["approver"]
    task = case.tasks.get()
    task_claim(task=task, actor=approver)
    task_request_supplement(
        task=task, actor=approver, items=["补充提交经营场所租赁合同原件", "补充提交设备布局图"]
    )
    for label, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        context, page = signed_in(browser, viewport, live_server.url, "e2e-citizen")
        page.goto(f"{live_server.url}/intake/my/{case.pk}/")
        card = page.locator("[data-testid=supplement-panel]")
        expect(card).to_contain_text("审查部门要求补正 2 项")
        expect(card).to_contain_text("补充提交设备布局图")
        assert "李审批" not in page.inner_text("main")
        # The time limit is paused: no due date, the working days left, frozen.
        assert "已暂停，剩余" in page.inner_text("main")
        assert "恢复后顺延" in page.inner_text("main")
        assert_fits_and_passes_axe(page, f"case waiting for a supplement ({label})")
        assert_no_squeezed_text(page, f"case waiting for a supplement ({label})")
        shoot(page, screenshots_dir, f"citizen-supplement-card-{label}")
        page.goto(f"{live_server.url}/intake/my/")
        assert "办理时限已暂停，剩余" in page.inner_text("main")
        assert_fits_and_passes_axe(page, f"my applications, a limit paused ({label})")
        shoot(page, screenshots_dir, f"citizen-paused-list-{label}")
        context.close()
    # The clerk's page of the case and the public progress query say the same.
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    for label, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        context, page = signed_in(browser, viewport, live_server.url, "clerk-test")
        page.goto(f"{live_server.url}/intake/workbench/applications/{case.pk}/")
        assert "已暂停，剩余" in page.inner_text("main")
        assert_fits_and_passes_axe(page, f"workbench, a limit paused ({label})")
        shoot(page, screenshots_dir, f"clerk-paused-case-{label}")
        context.close()
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/intake/progress/")
        page.fill("#progress-case-number", case.case_number)
        page.fill("#progress-code", code)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "已暂停，剩余" in page.inner_text("[data-testid=progress-result]")
        assert_fits_and_passes_axe(page, f"progress query, a limit paused ({label})")
        shoot(page, screenshots_dir, f"progress-paused-{label}")
        context.close()
    for label, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        context, page = signed_in(browser, viewport, live_server.url, "e2e-approver")
        for name, url in (
            ("task", f"/approvals/tasks/{task.pk}/"),
            ("case", f"/approvals/cases/{case.pk}/"),
        ):
            page.goto(f"{live_server.url}{url}")
            assert "恢复后顺延" in page.inner_text("main")
            assert "到期 " not in page.inner_text("main")
            assert_fits_and_passes_axe(page, f"paused clocks, {name} page, {label}")
            assert_no_squeezed_text(page, f"paused clocks, {name} page, {label}")
            shoot(page, screenshots_dir, f"approver-paused-{name}-{label}")
        context.close()
    # The supplement page: one or more files per item, at both widths.
    lease, seal, layout, bad = (
        tmp_path / "租赁合同.pdf",
        tmp_path / "合同盖章页.png",
        tmp_path / "设备布局图.png",
        tmp_path / "布局图.pdf",
    )
    case_page = f"/intake/my/{case.pk}/"
    lease.write_bytes(pdf_bytes("lease"))
    seal.write_bytes(png_bytes(40, 40))
    layout.write_bytes(png_bytes(60, 40))
    bad.write_bytes(exe_bytes())
    for label, page in at_both_widths(browser, live_server.url, "e2e-citizen", case_page):
        page.click("[data-testid=supplement-link]")
        page.wait_for_load_state("networkidle")
        for number in (1, 2):
            expect(page.locator(f"input[type=file][name=item_{number}]")).to_have_attribute(
                "multiple", ""
            )
        assert_fits_and_passes_axe(page, f"supplement page ({label})")
        assert_no_squeezed_text(page, f"supplement page ({label})")
        shoot(page, screenshots_dir, f"citizen-supplement-page-{label}")
    context, page = signed_in(browser, PHONE, live_server.url, "e2e-citizen")
    page.goto(f"{live_server.url}/approvals/cases/{case.pk}/supplement/")
    # A refused file: nothing kept, what was typed stays, the page names what to choose again.
    page.set_input_files("input[name=item_1]", [lease])
    page.set_input_files("input[name=item_2]", [bad])
    page.fill("#id_note", "已按要求补正")
    page.click("button:has-text('我已补正，提交审查')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("内容不是 PDF、JPEG 或 PNG")
    expect(page.locator("main")).to_contain_text("请重新选择以下文件：租赁合同.pdf")
    assert page.input_value("#id_note") == "已按要求补正"
    assert not case.supplement_files.exists()
    assert_fits_and_passes_axe(page, "supplement page, a refused file (390)")
    shoot(page, screenshots_dir, "citizen-supplement-refused-390")
    page.set_input_files("input[name=item_1]", [lease, seal])
    page.set_input_files("input[name=item_2]", [layout])
    page.click("button:has-text('我已补正，提交审查')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/intake/my/{case.pk}/")
    expect(page.locator("[data-testid=supplement-panel]")).to_have_count(0)
    files = page.locator("[data-testid=supplement-files]")
    expect(files).to_contain_text("3 个文件")
    expect(files).to_contain_text("设备布局图.png")
    assert_fits_and_passes_axe(page, "citizen case page with supplement files (390)")
    shoot(page, screenshots_dir, "citizen-supplement-files-390")
    context.close()
    assert case.supplement_files.count() == 3
    # The approver sees them on the task page, marked 补正材料 with the time.
    task_page = f"/approvals/tasks/{task.pk}/"
    for label, page in at_both_widths(browser, live_server.url, "e2e-approver", task_page):
        files = page.locator("[data-testid=supplement-files]")
        expect(files).to_contain_text("补正材料")
        expect(files).to_contain_text("3 个文件")
        expect(files).to_contain_text("第 1 项：补充提交经营场所租赁合同原件")
        expect(files.locator(".supplement-link")).to_have_count(3)
        assert_fits_and_passes_axe(page, f"task page with supplement files ({label})")
        assert_no_squeezed_text(page, f"task page with supplement files ({label})")
        files.scroll_into_view_if_needed()
        shoot(page, screenshots_dir, f"approver-supplement-files-{label}")
        with page.expect_popup() as opened:
            files.locator(".supplement-link").first.click()
        assert "/supplement-files/" in opened.value.url


def test_the_task_page_keeps_a_refused_supplement_and_answers_a_escalation(
    live_server, browser, screenshots_dir, scene
):
    """A supervisor's 督办 shows on the task page with its answer form; a supplement the
    service refuses (an item over 200 characters) comes back with what was typed. At
    1280 and 390 pixels: no sideways scroll, no serious axe finding."""
    from approvals.services.escalations import escalation_issue
    from tests.factories import make_supervisor

    base = live_server.url
    case = scene["case"]
    task = case.tasks.get()
    supervisor = make_supervisor()
    escalation_issue(application=case, actor=supervisor, content="请今日说明审查进展。")
    long_item = "补充提交经营场所平面布局图及说明" * 14
    for label, viewport, options in (
        ("1280", DESKTOP, {}),
        ("390", PHONE, {"is_mobile": True}),
    ):
        context, page = signed_in(browser, viewport, base, "e2e-approver", **options)
        page.goto(f"{base}/approvals/tasks/{task.pk}/")
        card = page.locator("#escalations")
        expect(card).to_contain_text("请今日说明审查进展。")
        page.click("button:has-text('要求补正')")
        page.fill("#supplement_items", f"食品安全管理制度\n{long_item}")
        page.click("button:has-text('发出补正告知')")
        page.wait_for_load_state("networkidle")
        assert "第 2 项补正要求有 224 字" in page.inner_text(".alert-danger")
        assert page.input_value("#supplement_items") == f"食品安全管理制度\n{long_item}"
        expect(page.locator("#act-supplement")).to_be_visible()
        assert_fits_and_passes_axe(page, f"task page, refused supplement, {label}")
        shoot(page, screenshots_dir, f"approver-task-refused-{label}")
        context.close()

    context, page = signed_in(browser, DESKTOP, base, "e2e-approver")
    page.goto(f"{base}/approvals/tasks/{task.pk}/")
    page.fill("#escalations textarea", "已安排专人审查，今日答复申请人。")
    page.click("#escalations button[type=submit]")
    page.wait_for_url(f"{base}/approvals/tasks/{task.pk}/#escalations")
    expect(page.locator("#escalations")).to_contain_text("已安排专人审查，今日答复申请人。")
    assert_fits_and_passes_axe(page, "task page, 督办 answered, desktop")
    shoot(page, screenshots_dir, "approver-task-escalation-answered-1280")
    context.close()


def test_a_head_takes_over_a_colleagues_task_from_the_task_page(
    live_server, browser, screenshots_dir, scene
):
    """接办: the department head sees 由我接办 on a task a colleague claimed; sent from a
    page the colleague's act overtook, it comes back (409) with the reason typed and the
    refusal above it; sent again, the head holds the task and the timeline says whose it
    was. At 1280 and 390 pixels: no sideways scroll, no serious axe finding."""
    from approvals.services.tasks import task_claim, task_release

    base = live_server.url
    task = scene["case"].tasks.get()
    make_approver(task.department, username="e2e-head", head=True, full_name="周局长")
    task_claim(task=task, actor=scene["approver"])
    reason = "原认领人李审批休假至下周一"
    for label, viewport, options in (
        ("1280", DESKTOP, {}),
        ("390", PHONE, {"is_mobile": True}),
    ):
        context, page = signed_in(browser, viewport, base, "e2e-head", **options)
        page.goto(f"{base}/approvals/tasks/{task.pk}/")
        expect(page.locator("#take-over")).to_be_visible()
        assert_fits_and_passes_axe(page, f"task page, take-over form, {label}")
        shoot(page, screenshots_dir, f"head-task-take-over-{label}")
        page.fill("#take_over_reason", reason)
        task.refresh_from_db()
        task_release(task=task, actor=scene["approver"])  # the colleague, meanwhile
        task_claim(task=task, actor=scene["approver"])
        with page.expect_navigation() as answer:
            page.click("#btn-take-over")
        assert answer.value.status == 409
        page.wait_for_load_state("networkidle")
        expect(page.locator("#take-over .alert-danger")).to_contain_text("刚被李审批认领或更新")
        assert page.input_value("#take_over_reason") == reason
        assert_fits_and_passes_axe(page, f"task page, refused take-over, {label}")
        assert_no_squeezed_text(page)
        shoot(page, screenshots_dir, f"head-task-take-over-refused-{label}")
        context.close()

    context, page = signed_in(browser, DESKTOP, base, "e2e-head")
    page.goto(f"{base}/approvals/tasks/{task.pk}/")
    page.fill("#take_over_reason", reason)
    page.click("#btn-take-over")
    page.wait_for_url(f"{base}/approvals/tasks/{task.pk}/")
    expect(page.locator("#timeline")).to_contain_text("由部门负责人接办（原认领人 李审批）")
    expect(page.locator("#btn-approve")).to_be_visible()
    expect(page.locator("#take-over")).to_have_count(0)
    shoot(page, screenshots_dir, "head-task-taken-over-1280")
    context.close()


def test_a_refused_extension_decision_keeps_the_reason_typed(
    live_server, browser, screenshots_dir, scene
):
    """延期审批: a head's 不批准 with a reason over the 280 characters the service holds
    comes back with 不批准 chosen, the reason typed and the error next to the form. At
    1280 and 390 pixels: no sideways scroll, no serious axe finding."""
    from approvals.services.tasks import extension_request

    base = live_server.url
    spj = scene["case"].tasks.get().department
    make_approver(spj, username="e2e-head", head=True, full_name="周局长")
    extension = extension_request(
        task=scene["case"].tasks.get(), actor=scene["approver"], days=5, reason="需现场核查"
    )
    note = "申请人提交的材料已齐全，现场核查可在期限内完成" * 13  # 299 characters
    for label, viewport, options in (
        ("1280", DESKTOP, {}),
        ("390", PHONE, {"is_mobile": True}),
    ):
        context, page = signed_in(browser, viewport, base, "e2e-head", **options)
        page.goto(f"{base}/approvals/extensions/")
        page.select_option(f"#approve-{extension.pk}", "0")
        page.fill(f"#note-{extension.pk}", note)
        page.click(f'form[action$="/extensions/{extension.pk}/decide/"] button')
        page.wait_for_load_state("networkidle")
        assert page.input_value(f"#note-{extension.pk}") == note
        assert "最多 280 字，现有 299 字" in page.inner_text(f"#errors-{extension.pk}")
        assert page.input_value(f"#approve-{extension.pk}") == "0"
        assert_fits_and_passes_axe(page, f"extensions, refused decision, {label}")
        assert_no_squeezed_text(page)
        shoot(page, screenshots_dir, f"head-extension-refused-{label}")
        context.close()


def test_a_refused_hand_over_keeps_the_name_and_number_typed(
    live_server, browser, screenshots_dir, clerk
):
    """出件登记: a clerk types a number that is not the applicant's; the page comes back
    with the name and the number typed, the number marked and the refusal under the row.
    At 1280 and 390 pixels: no sideways scroll, no serious axe finding."""
    spj = department("SPJ", "金普新区行政审批局")
    approver = make_approver(spj, username="e2e-approver", full_name="李审批")
    citizen = CitizenFactory(name="王芳", id_number="11010519491231002X")
    case = accept_case(
        make_version(department=spj, steps=[(1, "审批决定", spj, 3)], name="食品经营许可（变更）"),
        clerk=clerk,
        applicant=citizen,
        delivery_method=DeliveryMethod.WINDOW,
    )
    task_approve(task=case.tasks.get(), actor=approver, opinion="符合条件，同意。")
    notice_render(notice_id=result_notice(case).pk)
    delivery = Delivery.objects.get(application=case)
    wrong = "360426199101010071"  # a valid number, not the applicant's
    base = live_server.url
    for label, viewport, options in (
        ("1280", DESKTOP, {}),
        ("390", PHONE, {"is_mobile": True}),
    ):
        context, page = signed_in(browser, viewport, base, clerk.username, **options)
        page.goto(f"{base}/approvals/counter/?q={case.case_number}")
        page.fill(f"#delivery{delivery.pk}_recipient_name", "王芳")
        page.fill(f"#delivery{delivery.pk}_recipient_id_number", wrong)
        page.click(f"#delivery-form-{delivery.pk} button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.input_value(f"#delivery{delivery.pk}_recipient_name") == "王芳"
        assert page.input_value(f"#delivery{delivery.pk}_recipient_id_number") == wrong
        expect(page.locator(f"#delivery-errors-{delivery.pk}")).to_contain_text("不能出件")
        assert page.input_value("input[name=q]") == case.case_number
        # 核验并登记领取 on one line, as tall as the inputs beside (or above) it.
        button = page.locator(f"#delivery-form-{delivery.pk} button[type=submit]")
        field = page.locator(f"#delivery{delivery.pk}_recipient_name")
        assert button.bounding_box()["height"] <= field.bounding_box()["height"] + 1, label
        assert_fits_and_passes_axe(page, f"counter, refused hand-over, {label}")
        assert_no_squeezed_text(page)
        shoot(page, screenshots_dir, f"clerk-counter-hand-over-refused-{label}")
        context.close()
    # A tablet's width: the name and the number side by side, wide enough, the button
    # on one line below them.
    context, page = signed_in(browser, {"width": 820, "height": 900}, base, clerk.username)
    page.goto(f"{base}/approvals/counter/?q={case.case_number}")
    button = page.locator(f"#delivery-form-{delivery.pk} button[type=submit]")
    field = page.locator(f"#delivery{delivery.pk}_recipient_name")
    assert button.bounding_box()["height"] <= field.bounding_box()["height"] + 1
    assert field.bounding_box()["width"] >= 150
    context.close()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
