"""A create-only form posted again in Chromium (jinpu_portal.submissions): the page is
submitted, then the very same form data (its hidden key included) is posted once more,
as a resubmitted page or a second tab does (or a double tap at the hall's kiosk). The
second answer says in Chinese that the form was already submitted and shows what the
first post made; one object exists. The
answer passes axe at 1280 and 390 px (screenshots: test-output/screenshots/form-key-*).

The data fixtures come before ``browser`` in the signature (tests/e2e/conftest.py).
"""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import EnterpriseRepresentative
from approvals.models import Escalation
from feedback.models import Pad, ReviewBatch
from hall.models import Ticket
from intake.models import Application
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import DESKTOP, PHONE, shoot, signed_in
from tests.factories import (
    accept_case,
    department,
    make_citizen,
    make_enterprise,
    make_item,
    make_supervisor,
    make_version,
)
from tests.feedback.orders_support import bad_rating
from tests.hall.pages_support import hall_scene

KEEP_FORM = """(selector) => {
    const form = document.querySelector(selector);
    return {action: form.action, fields: [...new FormData(form).entries()]};
}"""
POST_AGAIN = """(saved) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = saved.action;
    for (const [name, value] of saved.fields) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""


def post_twice(page, url: str, selector: str, fill) -> None:
    """Open ``url``, fill the form ``selector``, keep its data, submit it, then post
    the kept data again (the page's key with it)."""
    page.goto(url)
    fill(page)
    saved = page.evaluate(KEEP_FORM, selector)
    page.click(f"{selector} button[type=submit]")
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.evaluate(POST_AGAIN, saved)
    page.wait_for_load_state("networkidle")


def look(page, screenshots_dir, name: str) -> None:
    for label, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        assert_fits_and_passes_axe(page, f"{name} at {label} px")
        shoot(page, screenshots_dir, f"form-key-{name}-{label}")


def test_an_escalation_posted_again_shows_the_first(week, live_server, browser, screenshots_dir):
    context, page = signed_in(browser, DESKTOP, live_server.url, week.watcher.username)
    url = live_server.url + reverse("supervision:case", args=[week.c.pk])
    post_twice(page, url, "#escalate-form", lambda p: p.fill("#id_content", "请今日答复办理进度。"))
    escalation = Escalation.objects.get(application=week.c)
    expect(page.get_by_text("该督办表单已提交过，未重复督办。", exact=False)).to_be_visible()
    assert page.url.endswith(f"#escalation-{escalation.pk}")
    look(page, screenshots_dir, "escalation")
    context.close()


@pytest.fixture
def bad_rated(clerk):
    """A 差评 of today in the 审批局's scope, and a supervisor watching the 审批局."""
    spj = department("SPJ", "金普新区行政审批局")
    version = make_version(department=spj, steps=[(1, "审查决定", spj, 5)])
    case = accept_case(version, clerk=clerk, applicant=make_citizen("张明"))
    bad_rating(case)
    return make_supervisor(spj, username="spj-supervisor")


def test_a_review_batch_posted_again_shows_the_first(
    bad_rated, live_server, browser, screenshots_dir
):
    today = timezone.localdate().isoformat()

    def fill(page):
        page.fill("#batch_title", "本月回头看")
        page.fill("#batch_period_start", today)
        page.fill("#batch_period_end", today)

    context, page = signed_in(browser, DESKTOP, live_server.url, bad_rated.username)
    post_twice(page, live_server.url + reverse("feedback:reviews"), "#batch-form", fill)
    batch = ReviewBatch.objects.get()
    assert page.url == live_server.url + reverse("feedback:review", args=[batch.pk])
    expect(page.get_by_text("该回头看表单已提交过，未重复开展。", exact=False)).to_be_visible()
    look(page, screenshots_dir, "review-batch")
    context.close()


def test_a_new_pad_posted_again_names_the_first(clerk, live_server, browser, screenshots_dir):
    context, page = signed_in(browser, DESKTOP, live_server.url, clerk.username)
    selector = "form[action='{}']".format(reverse("feedback:pad-new"))
    post_twice(
        page,
        live_server.url + reverse("feedback:pads"),
        selector,
        lambda p: p.fill("#id_name", "3 号窗口平板"),
    )
    pad = Pad.objects.get()
    expect(page.get_by_test_id("pad-duplicate")).to_contain_text("未重复登记评价器")
    expect(page.locator(f"#pad-{pad.pk}")).to_have_class("table-warning")
    look(page, screenshots_dir, "pad")
    context.close()


@pytest.fixture
def starting(db):
    """An item applicable online and a verified citizen about to apply for it."""
    return make_item(name="食品经营许可"), make_citizen("李明")


def test_a_start_form_posted_again_opens_the_first_draft(
    starting, live_server, browser, screenshots_dir
):
    online_item, applicant = starting
    context, page = signed_in(browser, DESKTOP, live_server.url, applicant.user.username)
    url = f"{live_server.url}/intake/apply/{online_item.item.code}/"
    post_twice(page, url, "main form[method=post]", lambda p: None)
    application = Application.objects.get()
    assert page.url == live_server.url + reverse(
        "intake:my_application_edit", args=[application.pk]
    )
    expect(page.get_by_text("该申请表单已提交过，未重复创建申请。", exact=False)).to_be_visible()
    look(page, screenshots_dir, "apply-start")
    context.close()


def double_click(page, button: str) -> list:
    """Two clicks 150 ms apart on ``button``, on the same page (Playwright's own second
    click would wait for the page the first one opens). Returns the list the page's POST
    requests go into (the caller waits for the page before counting them)."""
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request))
    page.locator(button).evaluate("b => { b.click(); setTimeout(() => b.click(), 150); }")
    return posts


def test_a_double_click_on_a_new_pad_shows_its_key(
    clerk, live_server, browser, screenshots_dir, monkeypatch
):
    """The second click of a double click lands while the first post is on its way (the
    service is held back 0.4 s for that): the form is sent once (static/js/
    submit-once.js), and the page shows the first answer, the only one that can show
    the device key. Without the script Chromium sent both posts and showed the second
    answer, which has no key."""
    from feedback.views import pad as pad_views

    pad_create = pad_views.pad_create

    def slow_pad_create(**kwargs):
        time.sleep(0.4)
        return pad_create(**kwargs)

    monkeypatch.setattr(pad_views, "pad_create", slow_pad_create)
    context, page = signed_in(browser, DESKTOP, live_server.url, clerk.username)
    page.goto(live_server.url + reverse("feedback:pads"))
    page.fill("#id_name", "4 号窗口平板")
    button = "form[action='{}'] button[type=submit]".format(reverse("feedback:pad-new"))
    posts = double_click(page, button)
    expect(page.get_by_test_id("pad-new-key")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1
    assert Pad.objects.count() == 1
    expect(page.get_by_test_id("pad-duplicate")).to_have_count(0)
    look(page, screenshots_dir, "pad-double-click")
    context.close()


def test_a_ticket_posted_again_shows_the_first(
    clerk, supervisor, live_server, browser, screenshots_dir
):
    """The hall's 取号 page, nobody signed in (a kiosk): a double tap is one number."""
    scene = hall_scene(clerk, supervisor)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    url = live_server.url + reverse("hall:ticket", args=[scene.hall.code])
    post_twice(
        page, url, "main form[method=post]", lambda p: p.get_by_test_id("category-A").click()
    )
    ticket = Ticket.objects.get()
    assert page.url == live_server.url + reverse("hall:ticket-issued", args=[ticket.token])
    expect(page.get_by_test_id("ticket-number")).to_have_text("A001")
    expect(page.get_by_role("alert")).to_contain_text(
        "该取号已提交过，未重复取号。这是刚才取到的 A001 号。"
    )
    look(page, screenshots_dir, "ticket")
    context.close()


def fill_agent_form(page, agent) -> None:
    page.fill("#id_agent-name", agent.name)
    page.fill("#id_agent-id_number", agent.id_number)
    until = timezone.localdate() + datetime.timedelta(days=90)
    page.fill("#id_agent-valid_until", until.isoformat())


@pytest.fixture
def agent_chain(db):
    """An enterprise, its legal representative and a verified person to authorize."""
    legal = make_citizen("钱七")
    return legal, make_enterprise(legal), make_citizen("孙丽")


def test_an_agent_authorization_posted_again_grants_once(
    agent_chain, live_server, browser, screenshots_dir
):
    """Not revoked and granted again: one grant in the enterprise's record."""
    legal, enterprise, agent = agent_chain
    context, page = signed_in(browser, DESKTOP, live_server.url, legal.user.username)
    url = live_server.url + reverse("accounts:enterprise-agents", args=[enterprise.pk])
    post_twice(page, url, "#agent-form", lambda p: fill_agent_form(p, agent))
    assert EnterpriseRepresentative.objects.get().revoked_at is None
    expect(page.get_by_role("alert").first).to_contain_text(
        f"该授权表单已提交过，未重复授权。首次提交已授权 {agent.name} 为经办人"
    )
    expect(page.locator("#chain-events")).not_to_contain_text("撤销经办人授权")
    look(page, screenshots_dir, "agent-authorization")
    context.close()


def test_a_double_click_on_an_agent_authorization_sends_it_once(
    agent_chain, live_server, browser, monkeypatch
):
    """The agent form's key is prefixed (agent-submission): submit-once.js knows it too,
    so a double click sends one post and the page says 已授权, not the second post's
    refusal (the grant is held back 0.4 s so the second click lands during the first)."""
    from accounts import views as account_views

    authorize = account_views.agent_authorize_online

    def slow_authorize(**kwargs):
        time.sleep(0.4)
        return authorize(**kwargs)

    monkeypatch.setattr(account_views, "agent_authorize_online", slow_authorize)
    legal, enterprise, agent = agent_chain
    context, page = signed_in(browser, DESKTOP, live_server.url, legal.user.username)
    page.goto(live_server.url + reverse("accounts:enterprise-agents", args=[enterprise.pk]))
    fill_agent_form(page, agent)
    posts = double_click(page, "#agent-form button[type=submit]")
    expect(page.get_by_role("alert").first).to_contain_text(f"已授权 {agent.name} 为经办人")
    page.wait_for_load_state("networkidle")
    assert len(posts) == 1
    expect(page.get_by_text("该授权表单已提交过")).to_have_count(0)
    assert EnterpriseRepresentative.objects.count() == 1
    context.close()
