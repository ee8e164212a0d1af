"""A rejected counter form in headless Chromium, at desktop and phone width: the error
summary is at the top and takes the focus, each link takes the clerk to its field, what
was entered is kept, and a 容缺 due date starts at the promised due date. Screenshots go
to test-output/screenshots/ (see tests/e2e/conftest.py for the fixture order)."""

from django.utils import timezone

from catalog.calendar import add_working_days
from tests.e2e.helpers import (
    AT_BOTH_WIDTHS,
    assert_no_sideways_scroll,
    signed_in,
)
from tests.intake.test_counter import intake_url


@AT_BOTH_WIDTHS
def test_the_error_summary_leads_to_each_field(
    clerk, applicant, item, live_server, screenshots_dir, browser, viewport, name
):
    site = item.materials.get(name="场地使用证明")
    context, page = signed_in(browser, viewport, live_server.url, clerk.username)
    page.goto(live_server.url + intake_url(item, applicant))
    # 容缺: the due date is already the promised due date.
    page.click(f"label[for=id_m{site.pk}-status_3]")
    due = page.input_value(f"#id_m{site.pk}-tolerance_due_date")
    assert due == add_working_days(timezone.localdate(), item.promised_limit_days).isoformat()
    page.click(f"label[for=id_m{site.pk}-status_2]")  # 有误, without saying why
    page.fill("#id_contact_phone", "0411")
    page.click("label[for=id_outcome_2]")  # 不予受理, without a reason
    page.fill("#id_note", "申请人下午再来")
    page.click("button:has-text('确认办理')")
    page.wait_for_load_state("networkidle")

    summary = page.locator("[data-testid=error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert box["y"] < viewport["height"]  # on screen without scrolling
    assert_no_sideways_scroll(page, f"counter errors {name}")
    page.screenshot(path=str(screenshots_dir / f"counter-error-summary-{name}.png"))
    links = summary.locator("a")
    assert links.count() == 4
    assert page.input_value("#id_contact_phone") == "0411"
    assert page.input_value("#id_note") == "申请人下午再来"
    assert due == page.input_value(f"#id_m{site.pk}-tolerance_due_date")

    links.filter(has_text="不予受理理由").click()
    assert page.evaluate("document.activeElement.id") == "id_refusal_reason"
    # Bootstrap scrolls smoothly: wait until the field has arrived on screen.
    page.wait_for_function(
        "() => { const r = document.getElementById('id_refusal_reason').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        timeout=3000,
    )
    page.screenshot(path=str(screenshots_dir / f"counter-error-field-{name}.png"))
    context.close()
