"""The comprehensive window's workbench in headless Chromium: a clerk accepts an
online submission from the pre-review queue and downloads the 受理通知书; a clerk
issues a one-time correction notice at the counter. Screenshots at desktop and phone
width go to test-output/screenshots/ for a person to look at.

The data fixtures come before ``browser`` in each signature (see tests/e2e/conftest.py:
Playwright must start after the database is set up)."""

import hashlib
import subprocess
from pathlib import Path

from intake.constants import CaseStatus, NoticeKind, NoticeStatus
from intake.models import Application
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    assert_no_squeezed_text,
    shoot,
    signed_in,
)
from tests.factories import submit_online


def test_clerk_accepts_an_online_submission_and_downloads_the_notice(
    clerk, citizen, item, live_server, screenshots_dir, browser
):
    application = submit_online(citizen, item)
    context, page = signed_in(
        browser, DESKTOP, live_server.url, clerk.username, accept_downloads=True
    )
    page.click("text=网上预审")
    page.wait_for_load_state("networkidle")
    assert "待预审的网上申请" in page.inner_text("main")
    shoot(page, screenshots_dir, "workbench-queue-desktop")
    page.click(f"text=申请编号 {application.pk}")
    page.wait_for_load_state("networkidle")
    shoot(page, screenshots_dir, "workbench-review-desktop")
    # Both required materials were uploaded: they start as received; the optional one
    # as not submitted. The clerk accepts.
    page.click("label:has-text('受理') >> nth=0")
    page.click("button:has-text('确认办理')")
    page.wait_for_load_state("networkidle")
    application.refresh_from_db()
    assert application.status in (CaseStatus.ACCEPTED, CaseStatus.IN_APPROVAL)
    main = page.inner_text("main")
    assert f"已受理，办件编号 {application.case_number}" in main
    assert application.case_number in page.inner_text("[data-testid=case-number]")
    # Celery is eager in tests: the PDF was rendered after commit; if the page came
    # first, htmx polls until the download link appears.
    link = page.locator("a:has-text('下载受理通知书')")
    link.wait_for(timeout=20_000)
    shoot(page, screenshots_dir, "workbench-accepted-desktop")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    content = Path(download.path()).read_bytes()
    notice = application.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.status == NoticeStatus.READY
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == notice.sha256
    assert download.suggested_filename.endswith(".pdf")
    # One page: the seal, date and verification footer stay with the text.
    info = subprocess.run(["pdfinfo", download.path()], capture_output=True, check=True)
    assert "Pages:           1" in info.stdout.decode()

    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(page, "accepted page on a phone")
    shoot(page, screenshots_dir, "workbench-accepted-phone")
    page.goto(f"{live_server.url}/intake/workbench/")
    assert_no_sideways_scroll(page, "queue on a phone")
    shoot(page, screenshots_dir, "workbench-queue-phone")
    context.close()


def test_clerk_issues_a_correction_notice_at_the_counter(
    clerk, applicant, item, live_server, screenshots_dir, browser
):
    for label, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        context, page = signed_in(browser, viewport, live_server.url, clerk.username)
        page.goto(f"{live_server.url}/intake/workbench/counter/")
        page.fill("#id_id_number", applicant.id_number)
        page.click("button:has-text('查询')")
        page.wait_for_load_state("networkidle")
        assert applicant.id_number in page.inner_text("[data-testid=full-id]")
        shoot(page, screenshots_dir, f"workbench-counter-applicant-{label}")
        page.click("button:has-text('核对无误，选择事项')")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=q]", "食品经营")
        page.click("button:has-text('检索')")
        page.wait_for_load_state("networkidle")
        page.click("a:has-text('食品经营许可')")
        page.wait_for_load_state("networkidle")
        form = page.locator(".material-row[data-material='申请表']")
        form.locator("label:has-text('有误')").click()
        form.locator("input[name$='-reason']").fill("申请表缺少申请人签字")
        other = page.locator(".material-row[data-material='场地使用证明']")
        other.locator("label:has-text('缺少')").click()
        page.click("label:has-text('一次性告知补正')")
        # axe: 容缺后补 (Bootstrap's cyan outline) was 1.95:1 on white.
        assert_fits_and_passes_axe(page, f"counter form ({label})")
        shoot(page, screenshots_dir, f"workbench-counter-form-{label}")
        page.click("button:has-text('确认办理')")
        page.wait_for_load_state("networkidle")
        assert "已出具补正材料一次性告知书" in page.inner_text("main")
        page.locator("a:has-text('下载补正材料一次性告知书')").wait_for(timeout=20_000)
        assert "待补正" in page.inner_text("main")
        assert_fits_and_passes_axe(page, f"correction result ({label})")
        assert_no_squeezed_text(page, f"correction result ({label})")
        shoot(page, screenshots_dir, f"workbench-correction-{label}")
        # The applicant comes back with the corrected paper: 查找办件 by the ID number,
        # then 收取补正材料 puts it back to review at this window.
        page.goto(f"{live_server.url}/intake/workbench/cases/?q={applicant.id_number}")
        page.wait_for_load_state("networkidle")
        assert "查找办件" in page.inner_text("h1")
        assert_fits_and_passes_axe(page, f"case search ({label})")
        assert_no_squeezed_text(page, f"case search ({label})")
        shoot(page, screenshots_dir, f"workbench-case-search-{label}")
        page.click(".list-group a:has-text('待补正') >> nth=0")
        page.wait_for_load_state("networkidle")
        page.click("button:has-text('收取补正材料')")
        page.wait_for_load_state("networkidle")
        assert "已收取补正材料" in page.inner_text("main")
        assert page.locator("button:has-text('确认办理')").is_visible()
        shoot(page, screenshots_dir, f"workbench-correction-received-{label}")
        context.close()
    applications = Application.objects.all()
    assert applications.count() == 2
    assert {a.status for a in applications} == {CaseStatus.SUBMITTED}
    for application in applications:
        notice = application.notices.get(kind=NoticeKind.CORRECTION)
        items = {i.material.name: i.reason for i in notice.correction_notice.items.all()}
        assert items["申请表"] == "申请表缺少申请人签字"
        assert items["场地使用证明"] == "未提交该材料"


def test_window_cases_show_the_art_32_clock_of_a_counter_intake(
    clerk, applicant, item, live_server, screenshots_dir, browser
):
    """Paper received at this counter four working days ago, still unreviewed: the list
    of the window's cases shows the days waited and the day it counts as accepted."""
    import datetime
    from unittest import mock

    from django.utils import timezone

    from catalog.calendar import subtract_working_days
    from intake.services.cases import counter_receive
    from tests.e2e.axe import RUN_OPTIONS, SERIOUS, run_axe
    from tests.factories import counter_draft

    def serious_in_list(page):
        """axe on the list this change draws (the workbench's nav and grey small text
        are issue 12 item 18's, checked on their own)."""
        run_axe(page)  # injects axe
        found = page.evaluate("([s, o]) => axe.run(s, o)", [".list-group", RUN_OPTIONS])
        return [v["id"] for v in found["violations"] if v.get("impact") in SERIOUS]

    day = subtract_working_days(timezone.localdate(), 4)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    with mock.patch("django.utils.timezone.now", return_value=when):
        counter_receive(application=counter_draft(clerk, applicant, item), actor=clerk)
    # bypass_csp: axe is injected as an inline script.
    context, page = signed_in(browser, DESKTOP, live_server.url, clerk.username, bypass_csp=True)
    page.goto(f"{live_server.url}/intake/workbench/")
    assert "个工作日内未予预审的视为受理" in page.inner_text("main")
    page.goto(f"{live_server.url}/intake/workbench/cases/")
    page.wait_for_load_state("networkidle")
    main = page.inner_text("main")
    assert "后视为受理" in main
    assert "已等待" in main
    assert serious_in_list(page) == []
    shoot(page, screenshots_dir, "workbench-cases-clock-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert_no_sideways_scroll(page, "window cases on a phone")
    assert serious_in_list(page) == []
    shoot(page, screenshots_dir, "workbench-cases-clock-phone")
    context.close()
