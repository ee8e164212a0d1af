"""The applicant's case pages as a legal representative sees them, at 1280 and 390
pixels wide: 我的申请 with a concluded window case (窗口办理, 已于 … 办结), its case page,
an enterprise's draft headed （法定代表人 …）, and refused citizen forms shown again
(the draft with a disguised file, the bundle start with a bad phone), each fitting the
width with no serious axe finding. Screenshots go to test-output/screenshots/."""

import pytest

from intake.constants import Channel
from tests.e2e.axe import assert_fits_and_passes_axe
from tests.e2e.helpers import AT_BOTH_WIDTHS, shoot, signed_in
from tests.factories import (
    ApplicationFactory,
    make_bundle,
    make_citizen,
    make_enterprise,
    make_item,
    pdf_bytes,
    start_online,
)


@pytest.fixture
def case_pages(transactional_db):
    """Seeded before Playwright starts (see tests/e2e/conftest.py)."""
    citizen = make_citizen("张明", phone="13900000003")
    enterprise = make_enterprise(citizen, name="大连金普示范商贸有限公司")
    item = make_item(name="食品经营许可")
    make_bundle("kaiban", [make_item(name="有限责任公司设立登记"), item])
    concluded = ApplicationFactory(
        concluded=True, channel=Channel.COUNTER, applicant=citizen, item_version=item
    )
    draft = start_online(item, citizen, enterprise=enterprise)
    return citizen, concluded, draft


@AT_BOTH_WIDTHS
def test_the_applicants_case_pages_read_plainly(
    case_pages, live_server, screenshots_dir, browser, viewport, name
):
    citizen, concluded, draft = case_pages
    base = live_server.url
    context, page = signed_in(browser, viewport, base, citizen.user.username)
    try:
        page.goto(f"{base}/intake/my/")
        main = page.inner_text("main")
        assert "窗口办理" in main
        assert "综窗办" not in main
        assert "办结" in main
        shoot(page, screenshots_dir, f"citizen-polish-my-{name}")
        assert_fits_and_passes_axe(page, f"我的申请 {name}")

        page.goto(f"{base}/intake/my/{concluded.pk}/")
        assert "窗口办理" in page.inner_text("main")
        shoot(page, screenshots_dir, f"citizen-polish-case-{name}")
        assert_fits_and_passes_axe(page, f"case page {name}")

        page.goto(f"{base}/intake/my/{draft.pk}/edit/")
        assert "（法定代表人 张明）" in page.inner_text("main")
        slot = draft.materials.get(material__name="身份证明")
        page.set_input_files(
            f"input[name=material_{slot.material_id}]",
            {"name": "身份证.png", "mimeType": "image/png", "buffer": pdf_bytes()},
        )
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("main button[name=action][value=save]")
        assert posted.value.status == 400
        page.wait_for_load_state("networkidle")
        assert "本次未保存任何内容" in page.inner_text("main")
        shoot(page, screenshots_dir, f"citizen-polish-edit-refused-{name}")
        assert_fits_and_passes_axe(page, f"refused draft {name}")

        page.goto(f"{base}/intake/bundles/kaiban/apply/")
        page.fill("#id_contact_phone", "138-0")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("main button:has-text('开始申请')")
        assert posted.value.status == 400
        page.wait_for_load_state("networkidle")
        assert page.input_value("#id_contact_phone") == "138-0"
        shoot(page, screenshots_dir, f"citizen-polish-bundle-refused-{name}")
        assert_fits_and_passes_axe(page, f"refused bundle start {name}")
    finally:
        context.close()
