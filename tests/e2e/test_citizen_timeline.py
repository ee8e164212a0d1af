"""The applicant's timeline after a case went through every approvals act, in headless
Chromium at 1280 and 390 px: each event's label, time, role and department, never a
staff member's name, on the application page and on the case progress page; axe finds
nothing serious in the timeline (the page chrome around it is issue 12 item 18's: its
known contrast findings are not this test's). Screenshots go to test-output/screenshots/."""

import contextlib

import pytest
from playwright.sync_api import expect

from tests.approvals.walk import walk_case
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import PHONE, assert_no_sideways_scroll, shoot, signed_in
from tests.e2e.test_tolerance import WIDTHS
from tests.factories import CitizenFactory, accept_case, department, make_approver, make_version


@pytest.fixture
def walked(clerk):
    spj = department("SPJ", "金普新区行政审批局")
    approver = make_approver(spj, username="e2e-approver", full_name="李审批")
    colleague = make_approver(spj, username="e2e-colleague", full_name="赵同事")
    head = make_approver(spj, username="e2e-head", head=True, full_name="周局长")
    clerk.full_name = "陈窗口"
    clerk.save(update_fields=["full_name"])
    version = make_version(department=spj, steps=[(1, "审查", spj, 5), (2, "决定", spj, 3)])
    citizen = CitizenFactory(name="王芳", id_number="11010519491231002X")
    citizen.user.username = "e2e-citizen"
    citizen.user.save(update_fields=["username"])
    case = walk_case(
        case=accept_case(version, clerk=clerk, applicant=citizen),
        approver=approver,
        colleague=colleague,
        head=head,
        clerk=clerk,
        citizen=citizen,
        capture=lambda execute: contextlib.nullcontext(),
    )
    names = [v for u in (approver, colleague, head, clerk) for v in (u.username, u.full_name)]
    return case, names


def test_the_citizens_timeline_names_no_staff(live_server, browser, screenshots_dir, walked):
    case, names = walked
    base = live_server.url
    for viewport, suffix in WIDTHS:
        context, page = signed_in(browser, viewport, base, "e2e-citizen")
        for path, name, region in (
            (f"/intake/my/{case.pk}/", "citizen-timeline", "ol.timeline"),
            (f"/approvals/cases/{case.pk}/", "citizen-case-progress", "#timeline"),
        ):
            page.goto(f"{base}{path}")
            expect(page.get_by_text("结果送达").first).to_be_visible()
            text = page.locator("body").inner_text()
            for staff in names:
                assert staff not in text, (path, staff)
            assert "金普新区行政审批局" in text
            assert "审批人员" in text
            assert "{#" not in text
            shoot(page, screenshots_dir, f"{name}-{suffix}")
            assert_no_serious_violations(page, f"{name}, {suffix}", within=region)
            if viewport is PHONE:
                assert_no_sideways_scroll(page)
        context.close()
