"""The list pages with nothing to list (includes/empty_state.html), at desktop and phone
width: the empty card is shown, the page does not scroll sideways and axe finds nothing
serious. The walk of tests/e2e/test_axe_all_pages.py sees these pages with their lists full.

The scene is the demo organisation and accounts only: no item, no 一件事, no case, no
message, no appointment, no pad, no report, and one hall without windows."""

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, seeders
from accounts.models import Citizen
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import DESKTOP, PHONE, shoot, signed_in
from tests.factories import hall

# who: the demo account (None: not signed in) and the pages, as (name, path, card text)
PAGES = {
    None: [
        ("guide-home", "/guide/", "暂无已发布的事项，请稍后再来。"),
        ("guide-items", "/guide/items/", "暂无已发布的事项"),
        ("guide-search", "/guide/items/?q=zzz", "查看全部事项"),
        ("bundles", "/intake/bundles/", "暂无可办理的一件事。"),
    ],
    "citizen": [
        ("my-applications", "/intake/my/", "您还没有申请"),
        ("notifications", "/intake/notifications/", "暂无消息"),
        ("appointments", "/hall/appointments/", "您还没有预约。"),
    ],
    "clerk": [
        ("workbench-queue", "/intake/workbench/", "暂无待预审的网上申请。"),
        ("workbench-cases", "/intake/workbench/cases/", "开始窗口收件"),
        ("workbench-items", "/intake/workbench/counter/items/?applicant={citizen}&q=zzz", "zzz"),
        ("counter", "/approvals/counter/", "暂无待补交的容缺材料。"),
        ("pads", "/feedback/pads/", "本窗口还没有登记评价器。"),
    ],
    "supervisor": [
        ("annual", "/supervision/reports/", "还没有生成过年度报告。"),
        ("hall-windows", "/hall/KF/windows/", "本厅尚未设置窗口。"),
    ],
}


@pytest.fixture
def empty_scene(transactional_db):
    for seeder in seeders():
        if seeder.name in ("organisation", "accounts"):
            seeder.func()
    hall("KF", name="开发区便民服务厅")
    return {"citizen": Citizen.objects.get(user__username="citizen").pk}


# Fourteen pages at two widths with axe on each: longer than the suite's 300 s when busy.
@pytest.mark.timeout(900)
def test_empty_lists_show_the_card_and_pass_axe(empty_scene, live_server, browser, screenshots_dir):
    for username, pages in PAGES.items():
        if username:
            context, page = signed_in(browser, DESKTOP, live_server.url, username, DEMO_PASSWORD)
        else:
            context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
            page = context.new_page()
        for name, path, text in pages:
            page.goto(live_server.url + path.format(**empty_scene))
            for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
                page.set_viewport_size(viewport)
                expect(page.locator(".empty-state", has_text=text)).to_be_visible()
                assert_fits_and_passes_axe(page, f"{name} (empty) at {width} px")
                shoot(page, screenshots_dir, f"empty-{name}-{width}")
        context.close()
