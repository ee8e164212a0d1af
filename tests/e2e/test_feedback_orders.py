"""差评整改 in the browser: the hall's clerk works a 差评's order (call back, reply), the
citizen rates the fix on a phone and is not satisfied (the order reopens), the clerk
replies again and records the telephone return visit: closed. axe finds nothing serious
or critical on the pages at 1280 and 390 px; screenshots in test-output/screenshots/."""

import pytest
from playwright.sync_api import expect

from feedback.constants import OrderOutcome, OrderStatus
from feedback.models import RectificationOrder
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import DESKTOP, PHONE, log_in, shoot
from tests.e2e.helpers import assert_no_sideways_scroll as assert_fits_the_phone
from tests.factories import accept_case, department, make_citizen, make_version
from tests.feedback.orders_support import bad_rating


@pytest.fixture
def scene(clerk):
    spj = department("SPJ", "金普新区行政审批局")
    version = make_version(department=spj, steps=[(1, "审查决定", spj, 5)], name="食品经营许可")
    citizen = make_citizen("张明", phone="13900001111")
    case = accept_case(version, clerk=clerk, applicant=citizen, contact_phone="13900001111")
    rating = bad_rating(case, reasons=["attitude"], text="窗口人员态度冷淡，解释不耐烦。")
    return {"order": RectificationOrder.objects.get(rating=rating), "citizen": citizen}


def _session(browser, viewport, base, username):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    log_in(page, base, username)
    return context, page


def _check(page, label, screenshots_dir, name):
    shoot(page, screenshots_dir, name)
    assert_no_serious_violations(page, label)


def _check_at_both_widths(page, label, screenshots_dir, name):
    """The page as it is, at 1280 and then 390 px: screenshot, axe, no sideways scroll."""
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        _check(page, f"{label}, {width}", screenshots_dir, f"{name}-{width}")
        assert_fits_the_phone(page)


def test_the_unit_works_the_order_to_the_return_visit(live_server, browser, screenshots_dir, scene):
    base = live_server.url
    order = scene["order"]

    # --- the hall's clerk, on a desktop: the list, the order, call back, reply ----------
    context, page = _session(browser, DESKTOP, base, "clerk-test")
    page.goto(f"{base}/feedback/orders/")
    row = page.locator(f".order-row[data-order='{order.pk}']")
    expect(row).to_contain_text("食品经营许可")
    expect(row).to_contain_text("待回访核实")
    _check(page, "order list (clerk)", screenshots_dir, "feedback-orders-desktop")
    row.click()
    expect(page.locator("h1")).to_contain_text(f"差评整改单 #{order.pk}")
    expect(page.locator("#rater")).to_contain_text("张明")
    expect(page.locator("#rater")).to_contain_text("13900001111")
    expect(page.locator("#clock")).to_contain_text("回访核实时限")
    _check(page, "order page, callback", screenshots_dir, "feedback-order-callback-desktop")
    page.select_option("#callback_finding", "true")
    page.fill("#callback_note", "已电话联系张先生，情况属实，已向其致歉。")
    page.click("#btn-call-back")
    expect(page.locator(".alert-success")).to_contain_text("已登记回访核实")
    expect(page.locator("#order-status")).to_contain_text("整改中")
    expect(page.locator("#clock")).to_contain_text("15 个工作日")
    page.fill("#reply_text", "已对窗口人员批评教育，并组织全厅服务礼仪培训。")
    page.click("#btn-reply")
    expect(page.locator(".alert-success")).to_contain_text("已答复群众")
    expect(page.locator("#order-status")).to_contain_text("待回访评价")
    _check(page, "order page, visit", screenshots_dir, "feedback-order-visit-desktop")
    context.close()

    # --- the citizen, on a phone: the message, then not satisfied ------------------------
    context, page = _session(browser, PHONE, base, scene["citizen"].user.username)
    page.goto(f"{base}/feedback/orders/{order.pk}/visit/")
    expect(page.locator("#reply")).to_contain_text("服务礼仪培训")
    _check(page, "citizen's return visit (phone)", screenshots_dir, "feedback-visit-phone")
    assert_fits_the_phone(page)
    page.get_by_label("不满意", exact=True).check()
    page.fill("#visit_note", "态度仍然不好。")
    page.click("#visit-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    expect(page.locator("#visit-done")).to_contain_text("正在重新整改")
    context.close()
    order.refresh_from_db()
    assert (order.status, order.reopened) == (OrderStatus.RECTIFYING, True)

    # --- the clerk, on a phone: reply again, record the telephone return visit ----------
    context, page = _session(browser, PHONE, base, "clerk-test")
    page.goto(f"{base}/feedback/orders/{order.pk}/")
    expect(page.locator("#order-status")).to_contain_text("已重新整改")
    _check(page, "order page reopened (phone)", screenshots_dir, "feedback-order-reopened-phone")
    assert_fits_the_phone(page)
    page.fill("#reply_text", "已调换该窗口人员岗位，并安排专人回访。")
    page.click("#btn-reply")
    expect(page.locator("#order-status")).to_contain_text("待回访评价")
    page.get_by_label("基本满意", exact=True).check()
    page.fill("#visit_note", "电话回访，群众表示基本满意。")
    page.click("#btn-return-visit")
    expect(page.locator(".alert-success")).to_contain_text("已登记回访评价")
    expect(page.locator("#order-status")).to_contain_text("已办结")
    expect(page.locator("#work")).to_contain_text("第 2 次回访")
    _check(page, "order page closed (phone)", screenshots_dir, "feedback-order-closed-phone")
    assert_fits_the_phone(page)
    context.close()

    order.refresh_from_db()
    assert (order.status, order.outcome) == (OrderStatus.CLOSED, OrderOutcome.SATISFIED)
    assert list(order.visits.values_list("round", "level", "channel")) == [
        (1, "unsatisfied", "online"),
        (2, "basic", "phone"),
    ]


def test_a_refused_reply_keeps_what_was_typed(live_server, browser, screenshots_dir, scene, clerk):
    """The clerk answers from a page a colleague's answer has overtaken: the page comes
    back with the step of now, the refusal, and the answer typed, to copy. At 1280 and
    390 px: no sideways scroll, nothing serious for axe."""
    from feedback.constants import Finding
    from feedback.services.orders import order_call_back, order_reply

    base = live_server.url
    order = scene["order"]
    order_call_back(order=order, actor=clerk, finding=Finding.TRUE, note="已电话核实，情况属实。")
    text = "已组织窗口人员服务规范培训，并当面向群众致歉说明。"
    context, page = _session(browser, DESKTOP, base, "clerk-test")
    page.goto(f"{base}/feedback/orders/{order.pk}/")
    page.fill("#reply_text", text)
    order_reply(order=order, actor=clerk, text="已整改。")  # a colleague, meanwhile
    with page.expect_navigation() as answer:
        page.click("#btn-reply")
    assert answer.value.status == 409
    page.wait_for_load_state("networkidle")
    expect(page.locator("#kept-text")).to_contain_text(text)
    expect(page.locator("#kept-text")).to_contain_text("未能提交")
    expect(page.locator("#order-status")).to_contain_text("待回访评价")
    _check_at_both_widths(
        page, "order page, refused reply", screenshots_dir, "feedback-order-refused"
    )
    context.close()


def test_a_refused_rating_of_the_fix_keeps_the_choice_and_the_note(
    live_server, browser, screenshots_dir, scene, clerk
):
    """The citizen rates the fix from a page the unit's new round has overtaken (a
    telephone 不满意 reopened it and it was answered again): the page comes back with
    the new answer, the refusal above the form, the choice and the note kept. At 1280
    and 390 px: no sideways scroll, nothing serious for axe."""
    from feedback.constants import Finding, VisitLevel
    from feedback.services.orders import order_call_back, order_reply, order_visit

    base = live_server.url
    order = scene["order"]
    order_call_back(order=order, actor=clerk, finding=Finding.TRUE, note="已电话核实，情况属实。")
    order_reply(order=order, actor=clerk, text="已对窗口人员批评教育。")
    note = "态度比以前好，但等候时间仍然较长，希望增加窗口。"
    context, page = _session(browser, DESKTOP, base, scene["citizen"].user.username)
    page.goto(f"{base}/feedback/orders/{order.pk}/visit/")
    page.get_by_label("基本满意", exact=True).check()
    page.fill("#visit_note", note)
    # Meanwhile the unit's telephone visit (不满意) reopens it; it is answered again.
    order_visit(order=order, actor=clerk, level=VisitLevel.UNSATISFIED)
    order_reply(order=order, actor=clerk, text="已增设一个综合窗口，高峰时段缩短等候时间。")
    page.click("#visit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#visit-errors")).to_contain_text("整改单位已更新整改情况")
    expect(page.locator("#reply")).to_contain_text("已增设一个综合窗口")
    assert page.input_value("#visit_note") == note
    assert page.get_by_label("基本满意", exact=True).is_checked()
    _check_at_both_widths(
        page, "citizen's refused rating", screenshots_dir, "feedback-visit-refused"
    )
    context.close()
    assert not order.visits.filter(channel="online").exists()


def test_a_refused_review_result_keeps_the_note(
    live_server, browser, screenshots_dir, scene, clerk
):
    """回头看: a supervisor records a case's result while a colleague records it first;
    the batch comes back with the colleague's result, the refusal in the entry's form
    and the result chosen and the note typed kept. At 1280 and 390 px: no sideways
    scroll, nothing serious for axe."""
    from django.utils import timezone

    from feedback.constants import ReviewResult
    from feedback.services.orders import review_batch_open, review_entry_record
    from tests.factories import make_supervisor

    base = live_server.url
    supervisor = make_supervisor(username="e2e-supervisor")
    colleague = make_supervisor(username="e2e-supervisor2")
    spj = scene["order"].department
    other = make_version(department=spj, steps=[(1, "审查决定", spj, 5)], name="餐饮服务许可")
    bad_rating(accept_case(other, clerk=clerk, applicant=make_citizen("李四")), text="等候太久。")
    today = timezone.localdate()
    batch = review_batch_open(
        actor=supervisor, title="本月差评回头看", period_start=today, period_end=today
    )
    entry = batch.entries.get(order=scene["order"])
    note = "电话回访群众，表示窗口服务已明显改进，对整改结果认可。"
    context, page = _session(browser, DESKTOP, base, "e2e-supervisor")
    page.goto(f"{base}/feedback/reviews/{batch.pk}/")
    page.select_option(f"#entry{entry.pk}_result", ReviewResult.RESOLVED)
    page.fill(f"#entry{entry.pk}_note", note)
    review_entry_record(
        entry=entry, actor=colleague, result=ReviewResult.IMPROVED, note="群众仍有意见。"
    )
    page.click(f"#entry-form-{entry.pk} button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"#entry-errors-{entry.pk}")).to_contain_text("已被他人修改")
    expect(page.locator(f".review-entry[data-entry='{entry.pk}']")).to_contain_text("群众仍有意见")
    assert page.input_value(f"#entry{entry.pk}_note") == note
    assert page.input_value(f"#entry{entry.pk}_result") == ReviewResult.RESOLVED
    _check_at_both_widths(
        page, "回头看, refused result", screenshots_dir, "feedback-review-refused"
    )
    context.close()
    entry.refresh_from_db()
    assert entry.result == ReviewResult.IMPROVED
