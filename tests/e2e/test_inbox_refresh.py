"""我的待办 refreshes its list every minute (htmx): on page 2 the refresh must bring page 2
again, not silently put page 1 under a pager that still says 第 2 / 2 页. Playwright's
clock runs the minute at once."""

from tests.e2e.helpers import DESKTOP, shoot, signed_in
from tests.factories import CitizenFactory, accept_case, department, make_approver, make_version


def rows(page) -> list[str]:
    return page.locator("#inbox-list .task-row").evaluate_all(
        "rows => rows.map(r => r.dataset.task)"
    )


def test_the_minute_refresh_keeps_the_page_and_filters_start_again(
    clerk, browser, live_server, screenshots_dir
):
    spj = department("SPJ", "金普新区行政审批局")
    make_approver(spj, username="inbox-approver", full_name="李审批")
    version = make_version(department=spj, steps=[(1, "审查", spj, 5)], name="食品经营许可")
    cases = [accept_case(version, clerk=clerk, applicant=CitizenFactory()) for _ in range(22)]

    context, page = signed_in(browser, DESKTOP, live_server.url, "inbox-approver")
    page.clock.install()
    page.goto(f"{live_server.url}/approvals/?page=2")
    second = rows(page)
    assert len(second) == 2

    def refresh(response):
        return "/approvals/" in response.url and response.request.headers.get("hx-request")

    with page.expect_response(refresh):
        page.clock.run_for(61_000)
    page.wait_for_load_state("networkidle")
    assert rows(page) == second  # still page 2, not the first 20 tasks
    assert "第 2 / 2 页，共 22 件" in page.locator("#inbox-list").inner_text()
    shoot(page, screenshots_dir, "inbox-refreshed-page-2-1280")

    # A filter changed from page 2 starts at page 1 of what it finds.
    with page.expect_response(lambda r: "item=" in r.url):
        page.fill("#f-item", cases[0].case_number)
        page.press("#f-item", "Enter")
    page.wait_for_load_state("networkidle")
    assert len(rows(page)) == 1
    context.close()
