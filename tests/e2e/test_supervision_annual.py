"""A supervisor makes the annual report in Chromium over the hand-computed week
(tests/supervision/week.py): the 年度报告 page from the home page, a report being made
shown with its progress and followed by polling (progress, then a failure with its
message), then the year 2026 generated (Celery runs eagerly in the tests) and its PDF
downloaded; axe at 1280 and 390 px, no sideways scroll, screenshots under
test-output/screenshots/supervision-annual-*.png, and the PDF's pages rendered to PNG
(supervision-annual-pdf-*.png) when pdftoppm is installed."""

import shutil
import subprocess

from tests.e2e.helpers import DESKTOP, signed_in
from tests.e2e.supervision import look


def test_a_supervisor_generates_and_downloads_the_annual_report(
    transactional_db, week, live_server, browser, screenshots_dir, tmp_path
):
    from supervision.models import AnnualReport, ReportState
    from supervision.reports import scope_key

    # Last year's report is being made (by a worker elsewhere): the page follows it.
    running = AnnualReport.objects.create(
        year=2025,
        scope_key=scope_key(None),
        scope_label="金普新区（全区）",
        requested_by=week.district,
        state=ReportState.RUNNING,
        progress=40,
        step="统计好差评",
    )
    failures = []
    context, page = signed_in(
        browser, DESKTOP, live_server.url, week.district.username, accept_downloads=True
    )
    page.click("a.action-card:has-text('年度报告')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/supervision/reports/")
    row = page.locator(f"#report-{running.pk}")
    assert row.locator(".progress").get_attribute("aria-valuenow") == "40"
    assert "生成中：统计好差评" in row.inner_text()
    look(page, screenshots_dir, "annual-running", failures)

    # The list polls every second: the progress moves, then the failure shows.
    AnnualReport.objects.filter(pk=running.pk).update(progress=75, step="绘制图表")
    page.wait_for_selector(f"#report-{running.pk} .progress[aria-valuenow='75']", timeout=5000)
    AnnualReport.objects.filter(pk=running.pk).update(
        state=ReportState.FAILED, error="排版并生成 PDF时出错：磁盘已满"
    )
    page.wait_for_selector(f"#report-{running.pk}[data-state=failed]", timeout=5000)
    assert "磁盘已满" in page.inner_text(f"#report-{running.pk} .report-error")

    # Generate 2026's report.
    page.select_option("#id_year", "2026")
    page.click("#annual-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    report = AnnualReport.objects.get(year=2026)
    page.wait_for_selector(f"#report-{report.pk}[data-state=done]", timeout=60000)
    assert "已开始生成 2026 年度报告" in page.inner_text("main")
    look(page, screenshots_dir, "annual", failures)

    with page.expect_download() as download:
        page.click(f"#report-{report.pk} .report-download")
    pdf = tmp_path / "annual.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    if shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603 - a fixed tool on a file the test wrote
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                str(pdf),
                str(screenshots_dir / "supervision-annual-pdf"),
            ],
            check=True,
        )
    context.close()
    assert not failures, "axe-core: serious/critical findings\n" + "\n".join(failures)
