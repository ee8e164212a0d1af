"""A supervisor's walk in Chromium over the rankings (排名与时限分析) and delegations
(赋权与就近办理) pages, on the hand-computed week and the nearby fortnight after it
(tests/supervision/week.py, nearby.py): from the supervision nav, filtered, sorted by
a header, each tab, the Excel exports; a supervisor of one department sees only it, at
phone width. axe at 1280 and 390 px on every page (nothing serious or critical), no
sideways scroll, screenshots under test-output/screenshots/supervision-*.png."""

from tests.e2e.helpers import DESKTOP, PHONE, assert_no_sideways_scroll, shoot, signed_in
from tests.e2e.supervision import download_workbook, look

PERIOD = ("2026-11-02", "2026-11-13")


def _filter(page):
    page.fill("#id_start", PERIOD[0])
    page.fill("#id_end", PERIOD[1])
    page.click("#filters button[type=submit]")
    page.wait_for_load_state("networkidle")


def _column(page, table, n):
    return page.locator(f"#{table} tbody tr > :nth-child({n})").all_inner_texts()


def _download(page, selector):
    return list(download_workbook(page, selector).worksheets[0].iter_rows(values_only=True))


def test_rankings_and_delegations(
    transactional_db, week, at, live_server, browser, screenshots_dir
):
    from tests.supervision.nearby import build_nearby

    build_nearby(week, at)
    failures = []
    context, page = signed_in(
        browser, DESKTOP, live_server.url, week.district.username, accept_downloads=True
    )
    page.goto(f"{live_server.url}/supervision/")
    page.click("nav[aria-label='监管页面'] a:has-text('排名与时限')")
    page.wait_for_load_state("networkidle")
    assert page.url.split("?")[0].endswith("/supervision/rankings/")
    _filter(page)
    # Departments: the 审批局 accepted 3 in the week and 3 more nearby (P2, P3 and P1
    # of item X), concluded A, B and P1.
    assert _column(page, "ranking", 1)[0] == "金普新区行政审批局"
    assert _column(page, "ranking", 2)[0] == "6"
    assert _column(page, "ranking", 4)[0] == "3"
    # The overview's 提前办结率 sorts too: A and P1 of the three concluded were early.
    page.click("#ranking thead a:has-text('提前办结率')")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#ranking thead th:nth-child(6)", "aria-sort") == "descending"
    assert _column(page, "ranking", 6)[0] == "66.67%"
    look(page, screenshots_dir, "rankings", failures)
    # Sort by name: 市 before 行 (code points), then back.
    page.click("#ranking thead a:has-text('部门')")
    page.wait_for_load_state("networkidle")
    assert _column(page, "ranking", 1)[0] == "金普新区市场监督管理局"
    assert page.get_attribute("#ranking thead th:first-child", "aria-sort") == "ascending"

    page.click("nav[aria-label='排名与分析'] a:has-text('人员排名')")
    page.wait_for_load_state("networkidle")
    assert week.clerk.full_name in page.inner_text("#ranking")
    look(page, screenshots_dir, "rankings-staff", failures)

    page.click("nav[aria-label='排名与分析'] a:has-text('事项时限分析')")
    page.wait_for_load_state("networkidle")
    assert "90% 分位" in page.inner_text("#ranking thead")
    look(page, screenshots_dir, "rankings-items", failures)
    rows = _download(page, "#export-rankings")
    assert rows[0][:3] == ("事项", "实施部门", "办结")
    assert {r[0] for r in rows[1:] if r and r[2]} >= {week.version.name}

    # Delegations.
    page.click("nav[aria-label='监管页面'] a:has-text('赋权与就近办理')")
    page.wait_for_load_state("networkidle")
    _filter(page)
    assert page.inner_text("[data-figure=unit_accepted] .fs-4") == "4"
    assert page.inner_text("[data-figure=station_accepted] .fs-4") == "1"
    assert _column(page, "delegation-table", 1)[0] == "大连保税区管理委员会"
    look(page, screenshots_dir, "delegations", failures)
    rows = _download(page, "#export-delegations")
    park = [r for r in rows if r and r[0] == "大连保税区管理委员会"][0]
    assert park[2:7] == (1, 1, 4, 4, 3)
    page.click("nav[aria-label='赋权与就近办理分类'] a:has-text('全域通办')")
    page.wait_for_load_state("networkidle")
    assert _column(page, "delegation-table", 1) == ["金州市场监督管理所"]
    look(page, screenshots_dir, "delegations-stations", failures)
    page.click("nav[aria-label='赋权与就近办理分类'] a:has-text('赋权事项清单')")
    page.wait_for_load_state("networkidle")
    assert "已收回（2026-06-30）" in page.inner_text("#delegation-table")
    look(page, screenshots_dir, "delegations-list", failures)
    context.close()

    # The 审批局's supervisor, on a phone: their department only.
    context, page = signed_in(browser, PHONE, live_server.url, week.watcher.username)
    page.goto(f"{live_server.url}/supervision/rankings/?start={PERIOD[0]}&end={PERIOD[1]}")
    assert _column(page, "ranking", 1) == ["金普新区行政审批局"]
    assert_no_sideways_scroll(page, "rankings (department supervisor)")
    shoot(page, screenshots_dir, "supervision-rankings-scoped-390")
    page.goto(f"{live_server.url}/supervision/delegations/?start={PERIOD[0]}&end={PERIOD[1]}")
    assert page.inner_text("[data-figure=unit_accepted] .fs-4") == "3"
    assert page.inner_text("[data-figure=station_accepted] .fs-4") == "0"
    assert_no_sideways_scroll(page, "delegations (department supervisor)")
    context.close()
    assert not failures, "axe-core: serious/critical findings\n" + "\n".join(failures)
