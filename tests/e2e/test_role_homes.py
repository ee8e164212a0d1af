"""Each demo account logs in through the real login page in headless Chromium and sees
its role's home page; screenshots at desktop and phone width for a human to look at."""

import io

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    log_in,
    signed_in,
)
from tests.factories import UserFactory

# What each home page must show: the role label and the scope of the demo account.
EXPECTED = {
    "citizen": ["办事群众", "实名信息：张明（210213********", "实名信息与企业"],
    "clerk": ["综窗人员", "工作窗口：金普厅 1 号窗口"],
    "clerk2": ["综窗人员", "工作窗口：金州厅 2 号窗口"],
    "approver": ["审批人员", "审批部门：", "金普新区行政审批局", "金普新区市场监督管理局"],
    "approver2": ["审批人员", "金普新区住房和城乡建设局", "金普新区燃气有限公司"],
    "approver3": ["审批人员", "大连市公安局金普新区分局", "金普新区民政局"],
    "head": ["审批人员", "金普新区行政审批局"],
    "head2": ["审批人员", "金普新区市场监督管理局"],
    "govhead": ["区政府负责人", "批准范围：全区联办事项的延期", "联办延期审批"],
    "supervisor": ["督查人员", "督查范围：全区"],
    "catalog": ["事项管理员", "管理后台"],
    "admin": ["系统管理员", "管理后台", "接口文档"],
}

# Transactional (live_server's thread must see the rows); serialized_rollback restores
# what migrations put in (role groups, the calendar) for the tests that run after.


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


# seed_demo (the whole catalog, and half a year of 好差评 history: about 40 s more on a
# loaded machine) and every role's home at two widths: over the suite's 300 s.
@pytest.mark.timeout(900)
def test_every_demo_role_sees_its_home(live_server, demo_data, browser, screenshots_dir):
    assert {a.username for a in DEMO_ACCOUNTS} == set(EXPECTED)
    for account in DEMO_ACCOUNTS:
        for label, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
            context, page = signed_in(
                browser, viewport, live_server.url, account.username, password=DEMO_PASSWORD
            )
            assert page.url == f"{live_server.url}/", (account.username, page.url)
            text = page.inner_text("main")
            assert f"您好，{account.full_name}" in text
            for expected in EXPECTED[account.username]:
                assert expected in text, (account.username, expected, text)
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert_no_sideways_scroll(page, (account.username, label))
            page.screenshot(
                path=str(screenshots_dir / f"home-{account.username}-{label}.png"),
                full_page=True,
            )
            context.close()
    citizen_profile_and_phone_menu(browser, live_server, screenshots_dir)


def citizen_profile_and_phone_menu(browser, live_server, screenshots_dir):
    """Part of the test above, to seed the demo data once."""
    context, page = signed_in(browser, PHONE, live_server.url, "citizen", password=DEMO_PASSWORD)
    page.click(".navbar-toggler")
    page.wait_for_selector("#portal-nav.show")
    assert page.is_visible("text=退出登录")
    page.screenshot(path=str(screenshots_dir / "menu-open-phone.png"))
    page.goto(f"{live_server.url}/accounts/profile/")
    text = page.inner_text("main")
    assert "大连金普示范科技有限公司" in text
    assert "法定代表人" in text
    assert "已认证" in text
    assert "不能凭企业名称、统一社会信用代码等公开信息在网上自行添加" in text
    assert page.query_selector("#id_credit_code") is None  # no claim form any more
    page.screenshot(path=str(screenshots_dir / "profile-phone.png"), full_page=True)
    context.close()


@pytest.fixture
def clerk_account(transactional_db):
    return UserFactory(username="clerk", clerk=True)


def test_wrong_password_shows_the_chinese_error(
    live_server, clerk_account, browser, screenshots_dir
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "clerk", "not-the-password")
    assert "/accounts/login/" in page.url
    alert = page.inner_text(".alert-danger")
    assert "用户名或密码错误" in alert
    page.screenshot(path=str(screenshots_dir / "login-wrong-password-phone.png"), full_page=True)
    context.close()


def test_anonymous_pages(live_server, browser, screenshots_dir):
    for name, path in [("home", "/"), ("signup", "/accounts/signup/"), ("404", "/nope/")]:
        for label, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{live_server.url}{path}")
            assert "金普新区政务服务" in page.inner_text("header")
            assert_no_sideways_scroll(page, (name, label))
            page.screenshot(path=str(screenshots_dir / f"{name}-{label}.png"), full_page=True)
            context.close()


def test_signup_refusal_in_the_browser(live_server, browser, screenshots_dir):
    from accounts.models import User

    users = User.objects.count()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_user-username", "newcomer")
    page.fill("#id_user-password1", "Quiet-river-2026")
    page.fill("#id_user-password2", "Quiet-river-2026")
    page.fill("#id_identity-name", "李小明")
    page.fill("#id_identity-id_number", "360426199101010072")
    page.fill("#id_identity-phone", "13912345678")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    feedback = page.inner_text(".invalid-feedback")
    assert "公民身份号码校验位错误：最后一位应为 1" in feedback
    page.screenshot(path=str(screenshots_dir / "signup-refused-phone.png"), full_page=True)
    context.close()
    assert User.objects.count() == users
