"""A supervisor's walk in Chromium over the hand-computed week (tests/supervision/
week.py): the overview from the home page (with a hall ticket closed as 已失效),
its breakdown (分类统计: its columns with their tooltips and legend, scrolling
sideways in its own box at 390 px with the row names kept in view), filtered by
department; the lights board and a red case drilled into; a 督办 note the
department answers on its case page; the Excel export. axe at 1280 and 390 px on every
page (nothing serious or critical), no sideways scroll, screenshots under
test-output/screenshots/supervision-*.png."""

from tests.e2e.helpers import DESKTOP, assert_no_sideways_scroll, shoot, signed_in
from tests.e2e.supervision import download_workbook, look
from tests.e2e.test_axe_all_pages import WIDTHS

#: The breakdown's columns on the page, in order (tooltips on each, a legend under it).
BREAKDOWN_HEADERS = [
    "名称",
    "收件",
    "受理",
    "逾期视为受理",
    "办结",
    "提前办结",
    "按时办结率",
    "提前办结率",
    "平均用时（工作日）",
    "即办件占比",
    "网办率",
    "评价数",
    "好评率",
    "差评整改率",
]


def _the_breakdown_reads_at_both_widths(page, screenshots_dir):
    """The breakdown (分类统计) has its columns, each with a tooltip and a line in the
    legend; at 390 px it scrolls sideways in its own box (the row names staying in
    view), the page does not; a screenshot of it at each width
    (supervision-breakdown-<width>.png, and -390-end.png scrolled to its last column)."""
    table = page.locator("#breakdown")
    assert table.locator("thead th").all_inner_texts() == BREAKDOWN_HEADERS
    titles = table.locator("thead th[title]").evaluate_all("ths => ths.map(th => th.title)")
    assert len(titles) == len(BREAKDOWN_HEADERS) - 1
    assert all(titles)
    page.click("#breakdown-legend summary")
    assert page.locator("#breakdown-legend dt").count() == len(BREAKDOWN_HEADERS) - 1
    section = page.locator("section[aria-labelledby=breakdown-heading]")
    box = page.locator(".table-responsive:has(#breakdown)")
    for label, viewport in WIDTHS:
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page, ("breakdown", label))
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(screenshots_dir / f"supervision-breakdown-{label}.png"))
        scroll, client = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        if label == "390":
            assert scroll > client  # the table scrolls in its box
            box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
            name = table.locator("tbody th").first.bounding_box()
            assert abs(name["x"] - box.bounding_box()["x"]) < 2  # sticky: still in view
            assert_no_sideways_scroll(page, ("breakdown scrolled", label))
            section.screenshot(path=str(screenshots_dir / "supervision-breakdown-390-end.png"))
            box.evaluate("b => { b.scrollLeft = 0; }")
    page.set_viewport_size(DESKTOP)


def test_a_supervisor_walks_the_supervision_pages(
    transactional_db, week, live_server, browser, screenshots_dir
):
    import datetime
    import zoneinfo

    from approvals.services.sweep import clock_sweep
    from hall.services.dayclose import day_close
    from supervision import refresh
    from tests.factories import ServiceCategoryFactory, TicketFactory

    clock_sweep()  # Fri 6 Nov: case C (due Wed 4 Nov) is red
    # A hall's ticket of Thursday never called, closed as 已失效 at the day's end.
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    TicketFactory(
        category=ServiceCategoryFactory(), now=datetime.datetime(2026, 11, 5, 16, 50, tzinfo=zone)
    )
    assert day_close(now=datetime.datetime(2026, 11, 6, 0, 5, tzinfo=zone)).expired == 1
    refresh.refresh()
    failures = []
    context, page = signed_in(
        browser, DESKTOP, live_server.url, week.district.username, accept_downloads=True
    )
    page.click("a.action-card:has-text('综合监管')")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/supervision")
    page.fill("#id_start", "2026-11-02")
    page.fill("#id_end", "2026-11-06")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-figure=received] .fs-4") == "5"
    assert page.locator("#chart-trend svg").count() == 1  # ECharts drew
    assert page.inner_text("[data-figure=tickets] .fs-4") == "1"
    assert page.get_by_test_id("hall-expired").inner_text() == "1"
    look(page, screenshots_dir, "overview", failures)
    _the_breakdown_reads_at_both_widths(page, screenshots_dir)

    # Filter by department: the 市场监管局 had one application, told to correct.
    page.select_option("#id_department", label="金普新区市场监督管理局")
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-figure=received] .fs-4") == "1"
    assert page.inner_text("[data-figure=corrected] .fs-4") == "1"
    shoot(page, screenshots_dir, "supervision-overview-department-1280")

    # Export the overview as it is filtered.
    book = download_workbook(page, "#export-overview")
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["收件"], summary["一次性告知补正"]) == (1, 1)
    assert summary["已失效（大厅排队）"] == 0  # linked to the department's cases only

    # The lights board: case C is red; drill into it.
    page.click("nav[aria-label='监管页面'] a:has-text('红黄灯')")
    page.wait_for_load_state("networkidle")
    assert "红灯 1" in page.inner_text("main") or "红灯" in page.inner_text("#board")
    look(page, screenshots_dir, "lights", failures)
    page.click(f"#board-table a:has-text('{week.c.case_number}')")
    page.wait_for_load_state("networkidle")
    assert "办理过程" in page.inner_text("main")
    page.fill("#id_content", "该办件已超期，请今日办结并答复。")
    page.click("#escalate-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "督办已发出" in page.inner_text("main")
    # Besides the two the sweep opened when case C went red: the supervisor's own.
    note = ".escalation:has-text('该办件已超期，请今日办结并答复。')"
    assert page.locator(f"{note}[data-status=open]").count() == 1
    look(page, screenshots_dir, "case", failures)

    # The department answers on its case page.
    approver_context, approver_page = signed_in(
        browser, DESKTOP, live_server.url, week.approver.username
    )
    approver_page.goto(f"{live_server.url}/approvals/cases/{week.c.pk}/")
    approver_page.fill(f"{note} .escalation-answer-form textarea", "已联系申请人，今日出具决定。")
    approver_page.click(f"{note} .escalation-answer-form button[type=submit]")
    approver_page.wait_for_load_state("networkidle")
    assert "督办答复已提交" in approver_page.inner_text("main")
    shoot(approver_page, screenshots_dir, "supervision-answer-approver-1280")
    approver_context.close()

    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.inner_text(f"{note} .escalation-answer").endswith("已联系申请人，今日出具决定。")
    assert page.locator(f"{note}[data-status=resolved]").count() == 1
    shoot(page, screenshots_dir, "supervision-case-answered-1280")

    # The case search, and its export.
    page.goto(f"{live_server.url}/supervision/cases/?status=concluded")
    assert page.inner_text("#result-count") == "共 2 件"
    look(page, screenshots_dir, "cases", failures)
    book = download_workbook(page, "#export-cases")
    assert len(list(book["办件"].iter_rows(values_only=True))) == 3
    context.close()
    assert not failures, "axe-core: serious/critical findings\n" + "\n".join(failures)


def test_a_case_search_beyond_the_count_cap(
    transactional_db, week, live_server, browser, screenshots_dir, monkeypatch
):
    """More results than the search counts: "超过 N 件", no total in the pager."""
    from supervision.views import common

    monkeypatch.setattr(common, "COUNT_CAP", 3)
    monkeypatch.setattr("supervision.views.cases.PAGE_SIZE", 2)
    failures = []
    context, page = signed_in(browser, DESKTOP, live_server.url, week.district.username)
    page.goto(f"{live_server.url}/supervision/cases/")
    assert page.inner_text("#result-count").startswith("超过 3 件")
    assert "第 1 / 2 页" in page.inner_text("main")
    assert "共" not in page.inner_text("nav[aria-label=分页]")
    look(page, screenshots_dir, "cases-capped", failures)
    context.close()
    assert not failures, "axe-core: serious/critical findings\n" + "\n".join(failures)
