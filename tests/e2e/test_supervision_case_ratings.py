"""The 好差评 section of a case's supervision page in Chromium: a case with a 好评 and a
差评 and its rectification order, and a case without ratings. axe at 1280 and 390 px
(nothing serious or critical), no sideways scroll, no squeezed text, screenshots
test-output/screenshots/supervision-case-ratings-*.png."""

from tests.e2e.helpers import DESKTOP, assert_no_squeezed_text, signed_in
from tests.e2e.supervision import look


def test_a_supervisor_sees_a_cases_ratings_and_its_order(
    transactional_db, week, live_server, browser, screenshots_dir
):
    from feedback.constants import Level, Stage
    from tests.factories import rating_of, service_instance
    from tests.feedback.orders_support import bad_rating

    bad_rating(
        week.a,
        Stage.CONCLUSION,
        Level.VERY_DISSATISFIED,
        reasons=["efficiency", "attitude"],
        text="审批时间太长，电话询问进度时工作人员态度冷淡，希望改进。",
    )
    rating_of(service_instance(week.a, Stage.INTAKE), Level.VERY_SATISFIED, text="窗口热情")
    failures = []
    _, page = signed_in(browser, DESKTOP, live_server.url, week.watcher.username)
    for name, case, rows in (("case-ratings", week.a, 2), ("case-no-ratings", week.c, 0)):
        page.goto(f"{live_server.url}/supervision/cases/{case.pk}/")
        page.wait_for_load_state("networkidle")
        assert page.locator("#ratings .case-rating").count() == rows
        if not rows:
            assert "暂无评价" in page.inner_text("#ratings")
        look(page, screenshots_dir, name, failures)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            assert_no_squeezed_text(page, (name, width))
        page.set_viewport_size(DESKTOP)
    assert not failures, failures
    # The order's link opens the order's page.
    page.goto(f"{live_server.url}/supervision/cases/{week.a.pk}/")
    page.click("#ratings a:has-text('查看整改单')")
    page.wait_for_load_state("networkidle")
    assert "/feedback/orders/" in page.url
    assert page.locator("#rating").count() == 1
