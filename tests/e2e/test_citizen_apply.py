"""A citizen applies online in headless Chromium: logs in, starts an application,
uploads real PDF and PNG files, submits and sees the timeline. A clerk (through the
services) sends back a one-time correction notice; on a phone the citizen sees exactly
what to fix, uploads it again and resubmits. Screenshots at 1280 and 390 pixels wide
go to test-output/screenshots/ for a human to look at."""

import pytest

from catalog.constants import MaterialRequirement
from intake.constants import CaseStatus
from intake.models import Application, BundleApplication
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_no_sideways_scroll,
    assert_no_squeezed_text,
    log_in,
    shoot,
    signed_in,
)
from tests.factories import (
    make_bundle,
    make_citizen,
    make_clerk,
    make_item,
    pdf_bytes,
    png_bytes,
    request_correction,
)


def assert_large_touch_targets(page, selector):
    """Every visible button and primary link in ``selector`` is at least 44 px high."""
    heights = page.eval_on_selector_all(
        f"{selector} .btn, {selector} input[type=file]",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])",
    )
    assert heights
    small = [(label, height) for label, height in heights if height < 44]
    assert not small, small


def file_payload(name, content, mime):
    return {"name": name, "mimeType": mime, "buffer": content}


def material_input(application, name):
    slot = application.materials.get(material__name=name)
    return f"input[name=material_{slot.material_id}]"


@pytest.fixture
def apply_data(transactional_db):
    """Seeded before Playwright starts (see tests/e2e/conftest.py)."""
    return {
        "item": make_item(name="食品经营许可"),
        "citizen": make_citizen("李明", phone="13900000001"),
        "clerk": make_clerk(username="clerk-e2e"),
    }


def test_citizen_applies_online_and_answers_a_correction(
    apply_data, live_server, screenshots_dir, browser
):
    item, citizen, clerk = apply_data["item"], apply_data["citizen"], apply_data["clerk"]
    base = live_server.url

    # --- desktop: apply, upload, submit, see the timeline ------------------------------
    context, page = signed_in(browser, DESKTOP, base, citizen.user.username)
    page.goto(f"{base}/intake/apply/{item.item.code}/")
    assert "食品经营许可" in page.inner_text("main")
    shoot(page, screenshots_dir, "citizen-apply-start-desktop")
    page.click("main button:has-text('开始申请')")
    page.wait_for_url("**/edit/")
    application = Application.objects.get()
    assert application.status == CaseStatus.DRAFT
    page.fill("#id_note", "在金普新区新开一家门店")
    page.set_input_files(
        material_input(application, "身份证明"),
        file_payload("身份证.png", png_bytes(64, 40), "image/png"),
    )
    page.set_input_files(
        material_input(application, "申请表"),
        file_payload("申请表.pdf", pdf_bytes("application form"), "application/pdf"),
    )
    shoot(page, screenshots_dir, "citizen-draft-desktop")
    page.click("button[value=submit]")
    page.wait_for_url(f"**/intake/my/{application.pk}/")
    text = page.inner_text("main")
    assert "申请已提交，等待综合窗口预审" in text
    assert "待预审" in text
    timeline = page.inner_text("ol.timeline")
    for step in ("创建申请", "上传材料", "提交申请", "网上提交申请，等待综合窗口预审", "申请人"):
        assert step in timeline, step
    shoot(page, screenshots_dir, "citizen-submitted-desktop")

    # --- a clerk sends back a one-time correction notice (through the services) ----------
    request_correction(application, clerk, defective="申请表", reason="申请表缺少申请人本人签字")
    page.reload()
    correction = page.inner_text("#correction")
    assert "请补正以下 1 项材料" in correction
    assert "申请表缺少申请人本人签字" in correction
    assert "身份证明" not in correction
    timeline = page.inner_text("ol.timeline")
    assert "一次性告知补正" in timeline
    assert "综窗人员" in timeline
    assert "金普厅 1 号窗口" in timeline
    assert "clerk-e2e" not in page.content()
    shoot(page, screenshots_dir, "citizen-correction-desktop")
    context.close()

    # --- phone: the message, exactly what to fix, re-upload, resubmit --------------------
    context, page = signed_in(
        browser, PHONE, base, citizen.user.username, has_touch=True, is_mobile=True
    )
    page.goto(f"{base}/intake/notifications/")
    assert "请补正申请材料" in page.inner_text("main")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-notifications-phone")
    page.click("text=请补正申请材料")
    page.wait_for_url(f"**/intake/my/{application.pk}/")
    assert_no_sideways_scroll(page)
    assert page.locator("#correction input[type=file]").count() == 1
    assert_large_touch_targets(page, "#correction")
    shoot(page, screenshots_dir, "citizen-correction-phone")
    page.set_input_files(
        "#correction input[type=file]",
        file_payload("申请表-已签字.pdf", pdf_bytes("signed form"), "application/pdf"),
    )
    page.click("#correction button[value=resubmit]")
    page.wait_for_load_state("networkidle")
    assert "补正材料已提交，等待综合窗口审核" in page.inner_text("main")
    assert page.locator("#correction").count() == 0
    assert "补正后重新提交" in page.inner_text("ol.timeline")
    application.refresh_from_db()
    assert application.status == CaseStatus.SUBMITTED
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-resubmitted-phone")

    page.goto(f"{base}/intake/my/")
    assert "食品经营许可" in page.inner_text("main")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-my-applications-phone")

    # The start and draft pages on a phone, and giving a draft up after confirming.
    page.goto(f"{base}/intake/apply/{item.item.code}/")
    assert_no_sideways_scroll(page)
    assert_large_touch_targets(page, "main form")
    shoot(page, screenshots_dir, "citizen-apply-start-phone")
    page.click("main button:has-text('开始申请')")
    page.wait_for_url("**/edit/")
    assert_no_sideways_scroll(page)
    assert_large_touch_targets(page, ".action-bar")
    shoot(page, screenshots_dir, "citizen-draft-phone")
    page.click("text=放弃此申请")
    page.wait_for_url("**/withdraw/")
    assert "确认撤回申请？" in page.inner_text("main")
    shoot(page, screenshots_dir, "citizen-withdraw-confirm-phone")
    page.click("main button:has-text('确认撤回')")
    page.wait_for_load_state("networkidle")
    assert "申请已撤回" in page.inner_text("main")
    assert Application.objects.filter(status=CaseStatus.WITHDRAWN).count() == 1
    context.close()


def test_unticking_the_agent_leaves_no_hidden_error(
    apply_data, live_server, screenshots_dir, browser
):
    """Ticked, filled in and unticked again, the agent block does not stop the draft
    with an error nobody can see: the power of attorney chosen meanwhile is dropped, and
    an agent field the server refuses stays shown with its message."""
    item, citizen = apply_data["item"], apply_data["citizen"]
    base = live_server.url
    context, page = signed_in(browser, PHONE, base, citizen.user.username)
    page.goto(f"{base}/intake/apply/{item.item.code}/")
    page.click("main button:has-text('开始申请')")
    page.wait_for_url("**/edit/")
    agent = page.locator("input[name=has_agent]")

    agent.check()
    page.set_input_files(
        "input[name=power_of_attorney]",
        file_payload("授权委托书.pdf", pdf_bytes("power of attorney"), "application/pdf"),
    )
    agent.uncheck()
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "草稿已保存" in page.inner_text("main")

    agent.check()
    page.fill("input[name=agent_phone]", "12")
    agent.uncheck()
    page.click("button[value=save]")
    page.wait_for_load_state("networkidle")
    assert "请按提示修改后重新提交" in page.inner_text("main")
    assert page.locator("#agent-block .invalid-feedback").is_visible()
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-draft-agent-error-phone")
    context.close()


@pytest.fixture
def bundle_data(transactional_db):
    """Seeded before Playwright starts (see tests/e2e/conftest.py)."""
    id_card = {"name": "身份证明", "issuing_body": "公安机关", "originals": 1}
    versions = [
        # Names as long as the real ones: the shared material's 用于 line takes two lines
        # on a phone, beside its 已上传.
        make_item(
            name="有限责任公司设立登记",
            materials=[id_card, {"name": "公司章程", "originals": 1}],
        ),
        make_item(
            name="企业职工社会保险登记",
            materials=[
                id_card,
                {"name": "参保名单", "originals": 1, "requirement": MaterialRequirement.OPTIONAL},
            ],
        ),
    ]
    make_bundle("kaiban", versions)
    return {
        "offline": make_item(name="居民身份证申领", online=False),
        "citizen": make_citizen("周婷", phone="13900000002"),
    }


def test_citizen_applies_for_a_bundle_on_a_phone(
    bundle_data, live_server, screenshots_dir, browser
):
    """一件事: one upload of a shared material fills every item's slot; the applicant
    sees one application. Also an item that cannot be done online says why."""
    offline, citizen = bundle_data["offline"], bundle_data["citizen"]
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{base}/intake/apply/{offline.item.code}/")
    assert "暂不支持网上办理" in page.inner_text("main")
    assert "需现场采集指纹和照片" in page.inner_text("main")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-not-online-phone")

    log_in(page, base, citizen.user.username)
    page.goto(f"{base}/intake/bundles/kaiban/apply/")
    assert "一次提交，用于 2 个事项" in page.inner_text("main")
    assert_no_sideways_scroll(page)
    shoot(page, screenshots_dir, "citizen-bundle-apply-phone")
    page.click("main button:has-text('开始申请')")
    page.wait_for_url("**/intake/my/bundles/*/")
    bundle_application = BundleApplication.objects.get()
    first, second = bundle_application.applications.order_by("pk")
    id_slot = first.materials.get(material__name="身份证明")
    charter = first.materials.get(material__name="公司章程")
    page.set_input_files(
        f"input[name=material_{id_slot.material_id}]",
        file_payload("身份证.pdf", pdf_bytes("id card"), "application/pdf"),
    )
    page.set_input_files(
        f"input[name=material_{charter.material_id}]",
        file_payload("章程.png", png_bytes(32, 32), "image/png"),
    )
    assert_no_sideways_scroll(page)
    assert_large_touch_targets(page, ".action-bar")
    shoot(page, screenshots_dir, "citizen-bundle-draft-phone")
    page.click("button[value=submit]")
    page.wait_for_load_state("networkidle")
    assert "一件事申请已提交" in page.inner_text("main")
    assert second.materials.get(material__name="身份证明").original_filename == "身份证.pdf"
    assert set(bundle_application.applications.values_list("status", flat=True)) == {
        CaseStatus.SUBMITTED
    }
    assert_no_squeezed_text(page, "一件事 submitted, phone")
    shoot(page, screenshots_dir, "citizen-bundle-submitted-phone")
    page.goto(f"{base}/intake/my/")
    assert page.locator("main .list-group > a").count() == 1
    shoot(page, screenshots_dir, "citizen-my-applications-bundle-phone")
    context.close()


def test_a_refused_bundle_upload_names_the_good_files_to_choose_again(
    bundle_data, live_server, screenshots_dir, browser
):
    """A disguised file refuses the whole post of the 一件事 page; the browser drops the
    good file chosen with it, so the page names it on top and at its slot. At 1280 and
    390 pixels: no sideways scroll, no serious axe finding."""
    from catalog.models import Bundle
    from intake.constants import Channel
    from intake.services.bundles import bundle_application_create

    citizen = bundle_data["citizen"]
    bundle_application = bundle_application_create(
        bundle=Bundle.objects.get(code="kaiban"),
        applicant=citizen,
        actor=citizen.user,
        channel=Channel.ONLINE,
    )
    first = bundle_application.applications.order_by("pk").first()
    id_slot = first.materials.get(material__name="身份证明")
    charter = first.materials.get(material__name="公司章程")
    base = live_server.url
    for label, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context, page = signed_in(browser, viewport, base, citizen.user.username)
        page.goto(f"{base}/intake/my/bundles/{bundle_application.pk}/")
        page.set_input_files(
            f"input[name=material_{id_slot.material_id}]",
            file_payload("身份证.pdf", pdf_bytes("id card"), "application/pdf"),
        )
        page.set_input_files(
            f"input[name=material_{charter.material_id}]",
            file_payload("章程.png", b"%PDF-1.4 not a png", "image/png"),
        )
        page.click("button[value=save]")
        page.wait_for_load_state("networkidle")
        assert "请重新选择以下文件：身份证.pdf" in page.inner_text(".alert-danger")
        mark = page.locator("[data-testid=not-saved]")
        assert mark.count() == 1
        assert "“身份证.pdf”未保存" in mark.inner_text()
        assert_fits_and_passes_axe(page, f"一件事, refused upload, {label}")
        assert_no_squeezed_text(page, f"一件事, refused upload, {label}")
        shoot(page, screenshots_dir, f"citizen-bundle-refused-{label}")
        context.close()
    assert not first.materials.exclude(file="").exists()
