"""A clerk scans a counter case's paper materials at the workbench; the approver opens
them from the task page in a new tab (the image inline, the PDF inline), in headless
Chromium. Screenshots of the workbench card, the task page at 1280 and 390 px and the
opened scan go to test-output/screenshots/."""

import io

import pytest
from PIL import Image, ImageDraw

from tests.e2e.axe import assert_fits_and_passes_axe, assert_no_serious_violations
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    signed_in,
)
from tests.factories import (
    CitizenFactory,
    accept_case,
    department,
    make_approver,
    make_version,
    pdf_bytes,
)


def scan_png() -> bytes:
    """A 'scanned' application form: a white page with ruled lines and a red stamp."""
    image = Image.new("RGB", (620, 860), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 580, 820), outline="black", width=3)
    draw.text((60, 60), "APPLICATION FORM (scan)", fill="black")
    for y in range(140, 760, 48):
        draw.line((60, y, 560, y), fill=(120, 120, 120), width=1)
    draw.ellipse((400, 620, 540, 760), outline=(200, 30, 30), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def scene(clerk):
    spj = department("SPJ", "金普新区行政审批局")
    make_approver(spj, username="files-approver", full_name="李审批")
    version = make_version(
        department=spj,
        steps=[(1, "受理审查", spj, 5), (2, "审批决定", spj, 3)],
        name="食品经营许可（新办）",
    )
    citizen = CitizenFactory(name="王芳", id_number="11010519491231002X")
    return accept_case(version, clerk=clerk, applicant=citizen)


def test_clerk_scans_and_approver_opens_the_materials(
    live_server, browser, screenshots_dir, scene, tmp_path
):
    base = live_server.url
    case = scene
    png = tmp_path / "申请书扫描.png"
    png.write_bytes(scan_png())
    pdf = tmp_path / "身份证明.pdf"
    pdf.write_bytes(pdf_bytes("ID scan"))

    # --- the clerk scans the paper materials at the workbench ---------------------------
    context, page = signed_in(browser, DESKTOP, base, "clerk-test")
    page.goto(f"{base}/intake/workbench/applications/{case.pk}/")
    card = page.locator("#scans")
    for name, path in (("申请书", png), ("身份证明", pdf)):
        row = card.locator(f".scan-row[data-material='{name}']")
        row.locator("input[type=file]").set_input_files(str(path))
        row.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert f"已上传“{name}”的扫描件" in page.inner_text("main")
    assert card.locator("a:has-text('申请书扫描.png')").count() == 1
    assert_no_serious_violations(page, "workbench application with scans, desktop")
    card.screenshot(path=str(screenshots_dir / "workbench-scans-1280.png"))
    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits_and_passes_axe(page, "workbench application with scans, phone")
    page.locator("#scans").screenshot(path=str(screenshots_dir / "workbench-scans-390.png"))
    context.close()

    # --- the approver opens them from the task page ------------------------------------
    context, page = signed_in(browser, DESKTOP, base, "files-approver")
    page.goto(f"{base}/approvals/tasks/{case.tasks.get().pk}/")
    materials = page.locator("#materials")
    links = materials.locator("a.material-link")
    assert links.count() == 2
    for href in [links.nth(i).get_attribute("href") for i in range(2)]:
        assert href.startswith(f"/approvals/cases/{case.pk}/materials/")
        assert "/media/" not in href
    assert "窗口扫描件" in materials.inner_text()
    assert_no_serious_violations(page, "approver task page with materials, desktop")
    page.screenshot(path=str(screenshots_dir / "approver-task-materials-1280.png"), full_page=True)

    with context.expect_page() as opened:
        materials.locator("a:has-text('申请书扫描.png')").click()
    scan_tab = opened.value
    scan_tab.wait_for_load_state()
    assert "/approvals/cases/" in scan_tab.url
    # Chromium shows the image itself (inline, not a download): its natural size.
    image = scan_tab.locator("img")
    image.wait_for()
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [620, 860]
    scan_tab.screenshot(path=str(screenshots_dir / "approver-opens-scan.png"))
    scan_tab.close()

    pdf_href = materials.locator("a:has-text('身份证明.pdf')").get_attribute("href")
    response = context.request.get(f"{base}{pdf_href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.body() == pdf_bytes("ID scan")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits_and_passes_axe(page, "approver task page with materials, phone")
    page.locator("#materials").screenshot(
        path=str(screenshots_dir / "approver-task-materials-390.png")
    )
    context.close()
