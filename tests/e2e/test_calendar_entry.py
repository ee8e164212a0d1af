"""The year's schedule entry page (/calendar/year/) and the home page's notice in the
browser, at 1280 and 390 px: the empty form, the form refused with its errors, the
preview, the saved state; axe finds nothing serious, nothing scrolls sideways.
Screenshots: calendar-entry-{empty,errors,preview}-{1280,390}.png,
calendar-notice-{catalog,supervisor}-{1280,390}.png. The dates typed are made up."""

import pytest
from playwright.sync_api import expect

from catalog.models import CalendarDay, CalendarYear
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import DESKTOP, PHONE, signed_in
from tests.factories import UserFactory, make_supervisor

NOTICE = "2027 年节假日安排尚未录入，跨年期限暂按推定的法定节假日计算"
WIDTHS = [("1280", DESKTOP), ("390", PHONE)]


@pytest.fixture
def people(at):
    at(2026, 12, 8, 10)
    UserFactory(catalog_admin=True, username="calendar-e2e", full_name="孙磊")
    make_supervisor(username="supervisor-e2e")


def check_both_widths(page, shots, name):
    for label, viewport in WIDTHS:
        page.set_viewport_size(viewport)
        page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
        assert_fits_and_passes_axe(page, f"{name} at {label}")
    page.set_viewport_size(DESKTOP)


def test_the_notice_and_the_entry_page(people, live_server, browser, screenshots_dir):
    base = live_server.url
    context, page = signed_in(browser, DESKTOP, base, "supervisor-e2e")
    expect(page.locator("[data-testid=home-notice]")).to_contain_text(NOTICE)
    assert page.locator("[data-testid=home-notice] a").count() == 0
    check_both_widths(page, screenshots_dir, "calendar-notice-supervisor")
    context.close()

    context, page = signed_in(browser, DESKTOP, base, "calendar-e2e")
    notice = page.locator("[data-testid=home-notice]")
    expect(notice).to_contain_text(NOTICE)
    check_both_widths(page, screenshots_dir, "calendar-notice-catalog")
    notice.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/calendar/year/"
    assert page.input_value("#id_year") == "2027"
    check_both_widths(page, screenshots_dir, "calendar-entry-empty")

    # Refused: a weekday typed as a worked weekend day, a range ending before it starts.
    typed = {
        "h0_start": "2027-01-01",
        "h0_end": "2027-01-03",
        "h1_start": "2027-02-12",
        "h1_end": "2027-02-06",
        "w0_date": "2027-01-06",
        "w0_name": "元旦",
    }
    for name, value in typed.items():
        page.fill(f"#id_{name}", value)
    page.click("button[value=preview]")
    page.wait_for_load_state("networkidle")
    summary = page.locator("[data-testid=error-summary]")
    expect(summary).to_contain_text("2027年1月6日是星期三；调休上班日须为周六或周日。")
    expect(summary).to_contain_text("放假结束日期不能早于开始日期。")
    expect(summary).to_contain_text("请填写“清明节”的放假起止日期")
    assert page.input_value("#id_w0_date") == "2027-01-06"
    check_both_widths(page, screenshots_dir, "calendar-entry-errors")

    # Corrected (the other statutory rows cleared for the test): the preview.
    page.fill("#id_h1_start", "2027-02-06")
    page.fill("#id_h1_end", "2027-02-12")
    page.fill("#id_w0_date", "2027-01-09")
    for row in range(2, 7):
        page.fill(f"#id_h{row}_name", "")
    page.click("button[value=preview]")
    page.wait_for_load_state("networkidle")
    preview = page.locator("[data-testid=calendar-preview]")
    expect(preview).to_contain_text("2027 年将写入 11 天")
    check_both_widths(page, screenshots_dir, "calendar-entry-preview")

    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("已录入 2027 年节假日安排")
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 11
    page.goto(f"{base}/")
    assert page.locator("[data-testid=home-notice]").count() == 0
    context.close()
