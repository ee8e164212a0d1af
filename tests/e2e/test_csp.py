"""The Content-Security-Policy in a real browser: the pages that run scripts (the
citizen's application form, Swagger UI) still work and Chromium reports no violation."""

import pytest

from tests.e2e.helpers import log_in
from tests.factories import make_citizen, make_item, start_online


@pytest.fixture
def csp_data(transactional_db):
    item = make_item(name="食品经营许可")
    citizen = make_citizen("李明", phone="13900000001")
    return {"application": start_online(item, citizen), "citizen": citizen}


def watch_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_application_form_script_runs_under_the_policy(csp_data, live_server, browser):
    application, citizen = csp_data["application"], csp_data["citizen"]
    page = browser.new_page()
    violations = watch_violations(page)
    log_in(page, live_server.url, citizen.user.username)
    page.goto(f"{live_server.url}/intake/my/{application.pk}/edit/")
    assert page.locator("#agent-block").is_hidden()
    page.check("#id_has_agent")
    assert page.locator("#agent-block").is_visible()
    assert violations == []


def test_swagger_ui_renders_under_the_policy(live_server, browser, transactional_db):
    page = browser.new_page()
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "金普新区政务服务一窗受理平台 API" in page.inner_text(".swagger-ui .info")
    assert violations == []
