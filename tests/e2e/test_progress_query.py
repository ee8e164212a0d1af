"""The public progress query in headless Chromium at desktop and phone width: an
anonymous visitor types the case number and verification code from the 受理通知书 and
sees the status and steps, the acceptance's time written as the steps write it; the
page fits the phone and passes axe. Screenshots go to test-output/screenshots/."""

from django.utils import timezone

from intake.constants import NoticeKind
from intake.services.cases import counter_receive, intake_accept
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import AT_BOTH_WIDTHS, assert_no_sideways_scroll
from tests.factories import all_received, counter_draft


@AT_BOTH_WIDTHS
def test_a_visitor_queries_a_cases_progress(
    clerk, applicant, item, live_server, screenshots_dir, browser, viewport, name
):
    case = counter_draft(clerk, applicant, item)
    counter_receive(application=case, actor=clerk)
    case = intake_accept(application=case, actor=clerk, verdicts=all_received(case))
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/intake/progress/")
    page.fill("#progress-case-number", case.case_number)
    page.fill("#progress-code", "WRONGCODE2")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "办件编号或验证码不正确" in page.inner_text("[data-testid=progress-error]")
    assert page.input_value("#progress-case-number") == case.case_number
    page.fill("#progress-code", code)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    result = page.inner_text("[data-testid=progress-result]")
    assert case.item_version.name in result
    assert page.inner_text("[data-testid=progress-status]") == case.get_status_display()
    assert applicant.name not in page.inner_text("body")
    accepted = page.locator("[data-testid=progress-result] dt:has-text('受理时间') + dd")
    # As the steps of 办理过程 below write their times (it read 2026年12月8日 above them).
    assert accepted.inner_text() == f"{timezone.localtime(case.accepted_at):%Y-%m-%d %H:%M}"
    assert_no_sideways_scroll(page, f"progress {name}")
    assert_no_serious_violations(page, f"progress query, {name}")
    page.screenshot(path=str(screenshots_dir / f"progress-query-{name}.png"), full_page=True)
    context.close()
