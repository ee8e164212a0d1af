"""What the supervision pages' browser tests share: a page looked at as a person and
axe would (axe at 1280 and 390 px, no sideways scroll, screenshots) and an Excel export
downloaded and opened."""

import io

from openpyxl import load_workbook

from tests.e2e.helpers import DESKTOP, assert_no_sideways_scroll, shoot
from tests.e2e.test_axe_all_pages import WIDTHS, check


def look(page, screenshots_dir, name, failures):
    """axe's serious or critical findings on the page added to ``failures``; no sideways
    scroll and a screenshot (test-output/screenshots/supervision-<name>-<width>.png) at
    each width; the page left at desktop width."""
    failures += check(page, "supervisor", name)
    for label, viewport in WIDTHS:
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page, (name, label))
        shoot(page, screenshots_dir, f"supervision-{name}-{label}")
    page.set_viewport_size(DESKTOP)


def download_workbook(page, selector):
    """The workbook the link ``selector`` downloads (openpyxl)."""
    with page.expect_download() as download:
        page.click(selector)
    return load_workbook(io.BytesIO(download.value.path().read_bytes()))
