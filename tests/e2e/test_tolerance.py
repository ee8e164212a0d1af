"""The approver's task page shows a 容缺 material still owed, its due date and light, in
headless Chromium at 1280 and 390 px; trying to conclude is refused with the Chinese
message; registering the material takes it off. axe finds nothing serious in the
panel. Screenshots go to test-output/screenshots/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.calendar import add_working_days
from intake.constants import MaterialStatus
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    shoot,
    signed_in,
)
from tests.factories import CitizenFactory, accept_case, department, make_approver, make_version

WIDTHS = ((PHONE, "phone"), (DESKTOP, "desktop"))


@pytest.fixture
def scene(clerk):
    spj = department("SPJ", "金普新区行政审批局")
    make_approver(spj, username="e2e-approver", full_name="李审批")
    version = make_version(department=spj, steps=[(1, "审查决定", spj, 5)], tolerance=True)
    due = add_working_days(timezone.localdate(), 1)
    case = accept_case(
        version, clerk=clerk, applicant=CitizenFactory(), tolerated={"身份证明": due}
    )
    return case, due


def test_the_task_page_shows_the_owed_material(live_server, browser, screenshots_dir, scene):
    case, due = scene
    task = case.tasks.get()
    base = live_server.url
    for viewport, suffix in WIDTHS:
        context, page = signed_in(browser, viewport, base, "e2e-approver")
        page.goto(f"{base}/approvals/tasks/{task.pk}/")
        panel = page.locator("#tolerated")
        expect(panel).to_contain_text("容缺材料待补交")
        expect(panel).to_contain_text("身份证明")
        expect(panel).to_contain_text(f"补交期限 {due:%Y-%m-%d}")
        expect(panel.locator(".light-yellow")).to_have_count(1)
        expect(page.locator("#tolerated-alert")).to_contain_text("有 1 项容缺材料未补交")
        shoot(page, screenshots_dir, f"approver-tolerated-{suffix}")
        for region in ("#tolerated", "#actions"):
            assert_no_serious_violations(page, f"task page {region}, {suffix}", within=region)
        if viewport is PHONE:
            assert_no_sideways_scroll(page)
            context.close()
            continue
        page.fill("#approve_opinion", "材料齐全，同意。")
        page.click("#btn-approve")
        expect(page.locator(".alert-danger, .alert-error").first).to_contain_text(
            "尚未补交，不能办结"
        )
        shoot(page, screenshots_dir, "approver-tolerated-refused-desktop")
        page.click("#tolerated button:has-text('登记已补交')")
        expect(page.get_by_text("已登记容缺材料补交")).to_be_visible()
        expect(page.locator("#tolerated")).to_have_count(0)
        context.close()
    assert case.materials.get(material__name="身份证明").status == MaterialStatus.RECEIVED


def test_the_counter_takes_the_material_in(live_server, browser, screenshots_dir, scene):
    case, due = scene
    base = live_server.url
    for viewport, suffix in WIDTHS:
        context, page = signed_in(browser, viewport, base, "clerk-test")
        page.goto(f"{base}/approvals/counter/")
        row = page.locator(f".tolerated-row[data-case='{case.case_number}']")
        expect(row).to_contain_text("身份证明")
        expect(row).to_contain_text(f"补交期限 {due:%Y-%m-%d}")
        shoot(page, screenshots_dir, f"counter-tolerated-{suffix}")
        assert_no_serious_violations(
            page, f"counter 容缺 section, {suffix}", within="#tolerated-section"
        )
        if viewport is PHONE:
            assert_no_sideways_scroll(page)
        else:
            row.get_by_role("button", name="核验原件并登记补交").click()
            expect(page.get_by_text("已登记容缺材料“身份证明”补交。")).to_be_visible()
            expect(page.get_by_text("暂无待补交的容缺材料。")).to_be_visible()
        context.close()
    assert case.materials.get(material__name="身份证明").status == MaterialStatus.RECEIVED
