"""The supervisors' 好差评 page in Chromium at 1280 and 390 px, over the hand-computed
district of tests/feedback/test_figures.py: the figures are there, axe finds nothing
serious or critical, nothing is wider than a phone's screen, and the screenshots are
kept for a person to look at (test-output/screenshots/supervision-feedback-*.png); the
overview's rating cards, and the rating list its 评价数 card opens, the same way
(supervision-overview-ratings-*.png, supervision-ratings-*.png)."""

from tests.e2e.helpers import DESKTOP, signed_in
from tests.e2e.supervision import look
from tests.e2e.test_axe_all_pages import check
from tests.feedback.test_figures import district  # noqa: F401 - the fixture


def test_the_feedback_page_at_both_widths(
    transactional_db,
    supervisor,
    district,  # noqa: F811
    live_server,
    browser,
    screenshots_dir,
):
    from supervision import refresh

    refresh.rebuild()  # the minute refresh's work: the page reads the rating rollups
    context, page = signed_in(browser, DESKTOP, live_server.url, supervisor.username)
    # From the home page, as a supervisor finds it.
    page.click("a.action-card:has-text('好差评统计')")
    page.wait_for_load_state("networkidle")
    assert "/supervision/feedback/" in page.url
    failures = []
    for query, name in [("", "department"), ("?group=window&start=2026-12-01", "window")]:
        page.goto(f"{live_server.url}/supervision/feedback/{query}")
        text = page.inner_text("main")
        assert "好差评统计" in text
        if not query:
            assert "77.78%" in text  # the district's 好评率
        look(page, screenshots_dir, f"feedback-{name}", failures)
    # The overview's 评价数 card opens the ratings it counts (评价列表).
    page.goto(f"{live_server.url}/supervision/")
    rated = page.inner_text("[data-figure=rated] .fs-4")
    assert rated == "9"  # the district's, as on the 好差评 page
    assert page.inner_text("[data-figure=good_rate] .fs-4") == "77.78%"
    look(page, screenshots_dir, "overview-ratings", failures)
    page.click("[data-figure=rated]")
    page.wait_for_load_state("networkidle")
    assert "/supervision/ratings/" in page.url
    assert page.inner_text("#result-count") == f"共 {rated} 条"
    look(page, screenshots_dir, "ratings", failures)
    # The empty state.
    page.goto(f"{live_server.url}/supervision/feedback/?start=2027-01-01")
    assert "该期间暂无评价" in page.inner_text("main")
    failures += check(page, "supervisor", "empty state")
    context.close()
    assert not failures, "axe-core: serious/critical findings\n" + "\n".join(failures)
