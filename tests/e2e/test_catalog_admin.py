"""The catalog administrator's version editor (Django admin) on a 1,366 px screen:
it fits the width, axe finds nothing serious, the text is Chinese, and FAQs are edited
as question/answer fields that round-trip. Screenshot: catalog-admin-version-1366.png."""

import pytest

from accounts.constants import Role
from accounts.services import user_create
from catalog.models import ItemVersion
from catalog.services import version_create_draft
from tests.catalog.conftest import PASSWORD, _make_item
from tests.e2e.axe import assert_no_serious_violations

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def draft():
    admin = user_create(
        username="catalog-e2e", password=PASSWORD, full_name="孙磊", roles=[Role.CATALOG_ADMIN]
    )
    published = _make_item(
        "11210213E2E001",
        name="食品经营许可（新办）",
        faqs=[{"q": "可以委托他人办理吗？", "a": "可以，须提交授权委托书。"}],
    )
    return version_create_draft(item=published.item, actor=admin)


def test_version_editor_fits_1366_is_labelled_and_edits_faqs(
    live_server, browser, screenshots_dir, draft
):
    base = live_server.url
    context = browser.new_context(viewport=LAPTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "catalog-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/admin/catalog/itemversion/{draft.pk}/change/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots_dir / "catalog-admin-version-1366.png"), full_page=True)

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1366, width
    assert_no_serious_violations(page, "catalog admin version editor, 1366")
    text = page.inner_text("#content")
    for chinese in ("修改 事项版本", "添加另一个 申请材料", "问题 1", "回答 1", "删除"):
        assert chinese in text
    assert page.locator("input[name=_continue]").first.get_attribute("value") == "保存并继续编辑"
    for english in ("Choose all", "Remove all", "Save and continue", "selecting them"):
        assert english not in text

    # --- FAQs: edit the first, fill the blank second, add a third with the button ------
    assert page.input_value("#id_faqs_0_q") == "可以委托他人办理吗？"
    page.fill("#id_faqs_0_a", "可以，须提交授权委托书和代理人身份证。")
    page.fill("#id_faqs_1_q", "需要到现场几次？")
    page.fill("#id_faqs_1_a", "最多跑一次。")
    page.click("button:has-text('再添加一条常见问题')")
    assert page.locator(".faq-row").count() == 4
    page.fill("#id_faqs_3_q", "办理结果怎样送达？")
    page.fill("#id_faqs_3_a", "可选择窗口领取或邮寄。")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert "修改成功" in page.inner_text(".messagelist") or "成功" in page.inner_text(
        ".messagelist"
    )
    draft.refresh_from_db()
    assert draft.faqs == [
        {"q": "可以委托他人办理吗？", "a": "可以，须提交授权委托书和代理人身份证。"},
        {"q": "需要到现场几次？", "a": "最多跑一次。"},
        {"q": "办理结果怎样送达？", "a": "可选择窗口领取或邮寄。"},
    ]
    assert page.input_value("#id_faqs_2_q") == "办理结果怎样送达？"

    # --- clearing a row deletes it; a question without an answer is refused ------------
    page.fill("#id_faqs_1_q", "")
    page.fill("#id_faqs_1_a", "")
    page.fill("#id_faqs_3_q", "可以加急吗？")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    errors = page.inner_text(".errorlist")
    # Numbered as it will stand: row 2 was cleared, so the new question is the third.
    assert "第 3 条：请填写回答（只填了问题）。" in errors
    draft.refresh_from_db()
    assert len(draft.faqs) == 3  # nothing saved
    assert page.input_value("#id_faqs_2_q") == "可以加急吗？"  # what was typed is kept
    assert_no_serious_violations(page, "catalog admin version editor with an error, 1366")
    page.screenshot(
        path=str(screenshots_dir / "catalog-admin-version-faq-error-1366.png"), full_page=True
    )
    page.fill("#id_faqs_2_q", "")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    draft.refresh_from_db()
    assert draft.faqs == [
        {"q": "可以委托他人办理吗？", "a": "可以，须提交授权委托书和代理人身份证。"},
        {"q": "办理结果怎样送达？", "a": "可选择窗口领取或邮寄。"},
    ]

    # --- the published version it came from: read-only, fits too -----------------------
    published = ItemVersion.objects.get(item=draft.item, number=draft.number - 1)
    page.goto(f"{base}/admin/catalog/itemversion/{published.pk}/change/")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1366, width
    faqs = page.inner_text(".faq-list")
    assert "可以委托他人办理吗？" in faqs
    assert "可以，须提交授权委托书。" in faqs
    assert '"q"' not in page.inner_text("#content")  # no raw JSON
    assert_no_serious_violations(page, "catalog admin published version, 1366")
    page.screenshot(path=str(screenshots_dir / "catalog-admin-published-1366.png"), full_page=True)
    context.close()
