"""The axe-core helper itself: it finds what it must and says it readably."""

import pytest

from tests.e2e.axe import assert_no_serious_violations, run_axe

PAGE = """<!doctype html><html lang="zh-CN"><head><title>测试</title></head>
<body><main><h1>标题</h1>
<p style="color:#999;background:#fff;font-size:14px" id="grey">灰色小字</p>
<input type="text" id="unlabelled">
</main></body></html>"""


def test_axe_reports_contrast_and_labels_readably(browser):
    page = browser.new_page()
    page.set_content(PAGE)
    found = {v["id"]: v for v in run_axe(page)}
    assert {"color-contrast", "label"} <= set(found)
    assert found["color-contrast"]["impact"] == "serious"
    with pytest.raises(AssertionError) as failure:
        assert_no_serious_violations(page, "sample")
    message = str(failure.value)
    assert "color-contrast (serious, 1 node(s))" in message
    expected = "#grey  [contrast 2.84:1, needs 4.5:1; fg #999999 on bg #ffffff, 10.5pt (14px)"
    assert expected in message
    assert "label (critical" in message
    assert "#unlabelled" in message


def test_a_clean_page_passes(browser):
    page = browser.new_page()
    clean = PAGE.replace("#999", "#595959").replace('<input type="text" id="unlabelled">', "")
    page.set_content(clean)
    assert_no_serious_violations(page, "sample")
    assert run_axe(page, impacts=("minor", "moderate", "serious", "critical")) == []
