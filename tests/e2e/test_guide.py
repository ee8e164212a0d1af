"""A visitor, not logged in, opens the service guide in headless Chromium, searches
个人独资, opens the item page and downloads its one-time notice as PDF, then a bundle
and an item delegated to parks and streets (its table of units reads whole on a phone,
as stacked rows); screenshots at desktop and phone width go to test-output/screenshots/ for a
human to look at."""

import pytest

from accounts.demo import seed_organisation
from catalog.demo import seed_catalog
from catalog.models import Delegation
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import DESKTOP, PHONE, assert_no_sideways_scroll, assert_no_squeezed_text


@pytest.fixture
def demo_catalog(transactional_db):
    """The demo catalog; the code of the item delegated to the unit of the longest name."""
    seed_organisation()
    seed_catalog()
    delegations = Delegation.objects.select_related("item", "grantee")
    return max(delegations, key=lambda d: len(d.grantee.name)).item.code


@pytest.mark.parametrize(("label", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_search_open_item_and_download_notice(
    demo_catalog, live_server, tmp_path, label, viewport, screenshots_dir, browser
):
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="办事指南").first.click()
        page.wait_for_url("**/guide/")
        assert page.get_by_role("heading", name="办事指南").is_visible()
        page.screenshot(path=screenshots_dir / f"guide-home-{label}.png", full_page=True)

        page.get_by_role("searchbox").first.fill("个人独资")
        page.get_by_role("button", name="搜索").click()
        page.wait_for_url("**/guide/items/?q=*")
        result = page.get_by_role("link", name="个人独资企业设立登记")
        assert result.count() == 1
        page.screenshot(path=screenshots_dir / f"guide-search-{label}.png", full_page=True)

        result.click()
        page.wait_for_url("**/guide/items/*/")
        assert page.get_by_role("heading", level=1).inner_text() == "个人独资企业设立登记"
        body = page.locator("main").inner_text()
        for text in ["申请材料清单", "办理流程", "全域通办", "友谊所", "七顶山所", "营业执照"]:
            assert text in body
        page.screenshot(path=screenshots_dir / f"guide-item-{label}.png", full_page=True)

        with page.expect_download() as download_info:
            page.locator("#download-notice").click()
        download = download_info.value
        assert download.suggested_filename == "个人独资企业设立登记一次告知书.pdf"
        target = tmp_path / "notice.pdf"
        download.save_as(target)
        assert target.read_bytes().startswith(b"%PDF")

        # A bundle page from the guide home: merged materials, shared ones marked.
        page.goto(f"{live_server.url}/guide/")
        page.get_by_role("link", name="企业开办一件事").click()
        page.wait_for_url("**/guide/bundles/qiye-kaiban/")
        assert "4 个事项共用" in page.locator("#materials").inner_text()
        page.screenshot(path=screenshots_dir / f"guide-bundle-{label}.png", full_page=True)

        # An item delegated to parks and streets: the units' table of names, batches,
        # dates and document numbers reads whole at either width (on a phone as
        # stacked rows): no cell reaches past its card, none cut in its own box.
        page.goto(f"{live_server.url}/guide/items/{demo_catalog}/")
        assert page.locator("#delegations tbody tr").count() >= 1
        assert not cells_cut_off(page, "#delegations"), label
        page.locator("#delegations").screenshot(
            path=screenshots_dir / f"guide-delegations-{label}.png"
        )
        assert_no_squeezed_text(page, f"a delegated item's guide, {label}")
        assert_no_sideways_scroll(page, f"a delegated item's guide, {label}")
        assert_no_serious_violations(page, f"a delegated item's guide, {label}")
    finally:
        context.close()


def cells_cut_off(page, box: str) -> list[str]:
    """The texts of the table cells in ``box`` that reach past its right edge or are
    cut inside their own cell (a box that scrolls sideways hides them)."""
    return page.evaluate(
        """(box) => {
          const edge = document.querySelector(box).getBoundingClientRect().right;
          return [...document.querySelectorAll(`${box} td`)]
            .filter((td) => td.getBoundingClientRect().right > edge + 0.5
              || td.scrollWidth > td.clientWidth + 1)
            .map((td) => td.innerText);
        }""",
        box,
    )
