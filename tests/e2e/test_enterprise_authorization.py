"""The enterprise authorization chain in a real browser, at desktop and phone width: the
legal representative authorizes an agent online for one item and revokes the
authorization; a clerk records a legal representative at the window. axe finds nothing
serious on any of these pages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import EnterpriseRepresentative
from tests.e2e.axe import assert_no_serious_violations, assert_no_sideways_scroll
from tests.e2e.helpers import log_in
from tests.factories import (
    credit_code,
    make_citizen,
    make_clerk,
    make_enterprise,
    make_item,
    resident_id,
)

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def chain_data(transactional_db):
    legal = make_citizen("钱七", phone="13900000011")
    enterprise = make_enterprise(legal, name="大连钱氏机械有限公司", legal_representative="钱七")
    agents = {
        "desktop": make_citizen("孙丽", phone="13900000012"),
        "phone": make_citizen("周九", phone="13900000013"),
    }
    item = make_item(name="食品经营许可")
    make_item(name="建设工程规划许可")
    # A real implementation code: 30 characters with no place to break the line.
    make_item(name="个人独资企业设立登记", code="11210213000000027A000102001000")
    clerk = make_clerk(hall_code="JP", number=1)
    return {
        "legal": legal,
        "enterprise": enterprise,
        "agents": agents,
        "item": item,
        "clerk": clerk,
    }


@pytest.mark.parametrize("size", list(WIDTHS))
def test_legal_representative_authorizes_and_revokes_an_agent_online(
    chain_data, live_server, browser, screenshots_dir, size
):
    legal, enterprise, item = chain_data["legal"], chain_data["enterprise"], chain_data["item"]
    agent = chain_data["agents"][size]
    page = browser.new_page(viewport={"width": WIDTHS[size], "height": 900})
    log_in(page, live_server.url, legal.user.username)
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="管理经办人授权").click()
    expect(page.get_by_role("heading", name="经办人授权", exact=True)).to_be_visible()
    assert_no_serious_violations(page, f"enterprise agents, empty, {size}")
    assert_no_sideways_scroll(page, f"enterprise agents, empty, {size}")
    page.screenshot(
        path=str(screenshots_dir / f"enterprise-agents-empty-{size}.png"), full_page=True
    )

    page.fill("#id_agent-name", agent.name)
    page.fill("#id_agent-id_number", agent.id_number)
    # The catalog's items (each with its long code) are listed only for 指定事项: with
    # 全部事项, as the page opens, the form ends at the date and the button.
    choice = page.get_by_label(f"{item.name}（{item.item.code}）", exact=True)
    expect(page.get_by_label("全部事项", exact=True)).to_be_checked()
    expect(choice).to_be_hidden()
    page.get_by_label("指定事项", exact=True).first.check()
    expect(choice).to_be_visible()
    assert_no_sideways_scroll(page, f"enterprise agents, the items to choose, {size}")
    choice.check()
    until = timezone.localdate() + datetime.timedelta(days=90)
    page.fill("#id_agent-valid_until", until.isoformat())
    page.get_by_role("button", name="确认授权").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"已授权 {agent.name} 为经办人")
    row = page.locator(f"li.agent-row[data-agent='{agent.name}']")
    expect(row).to_contain_text("有效")
    expect(row).to_contain_text("食品经营许可")
    expect(row).to_contain_text(agent.masked_id_number)
    assert agent.id_number not in page.content()
    assert_no_serious_violations(page, f"enterprise agents, granted, {size}")
    page.screenshot(
        path=str(screenshots_dir / f"enterprise-agents-granted-{size}.png"), full_page=True
    )

    row.get_by_role("button", name=agent.name).click()
    expect(page.get_by_role("alert").first).to_contain_text("立即生效")
    expect(row).to_contain_text("已撤销")
    expect(page.locator("#chain-events")).to_contain_text("撤销经办人授权")
    assert_no_serious_violations(page, f"enterprise agents, revoked, {size}")
    page.screenshot(
        path=str(screenshots_dir / f"enterprise-agents-revoked-{size}.png"), full_page=True
    )
    authorization = EnterpriseRepresentative.objects.get(enterprise=enterprise, citizen=agent)
    assert authorization.revoked_at is not None


@pytest.mark.parametrize("size", list(WIDTHS))
def test_clerk_records_a_legal_representative_at_the_window(
    chain_data, live_server, browser, screenshots_dir, size
):
    clerk = chain_data["clerk"]
    page = browser.new_page(viewport={"width": WIDTHS[size], "height": 900})
    log_in(page, live_server.url, clerk.username)
    page.goto(f"{live_server.url}/accounts/window/enterprise/")
    page.get_by_role("button", name="确认登记").click()
    expect(page.locator("#legal-form .invalid-feedback").first).to_be_visible()
    assert_no_serious_violations(page, f"window enterprise, errors, {size}")
    code = credit_code(700 + len(size))
    page.fill("#id_legal-credit_code", code)
    page.fill("#id_legal-name", "大连赵氏贸易有限公司")
    page.fill("#id_legal-legal_representative", "赵八")
    page.fill("#id_legal-id_number", resident_id(700 + len(size)))
    page.check("#id_legal-licence_checked")
    page.check("#id_legal-id_card_checked")
    page.get_by_role("button", name="确认登记").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "已登记大连赵氏贸易有限公司的法定代表人"
    )
    expect(page.locator("#chain-events")).to_contain_text("窗口登记法定代表人")
    assert_no_serious_violations(page, f"window enterprise detail, {size}")
    page.screenshot(path=str(screenshots_dir / f"window-enterprise-{size}.png"), full_page=True)
