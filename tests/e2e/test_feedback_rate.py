"""A citizen scans the QR code of the 受理通知书 with a phone (390 px): the notice check
it opens offers 评价受理服务; the rating page shows the service (no staff names), the
reasons appear once 不满意 is chosen, and the rating is recorded with its reason through
the QR channel. No sideways scroll; axe finds nothing serious or critical on the notice
check, the form with its reasons open, and the thanks. Screenshots in
test-output/screenshots/feedback-rate-*.png."""

from feedback.constants import Level, RatingChannel
from feedback.models import Rating
from intake.constants import NoticeKind
from tests.e2e.axe import assert_no_serious_violations as axe_clean
from tests.e2e.helpers import PHONE
from tests.e2e.helpers import assert_no_sideways_scroll as no_sideways_scroll
from tests.factories import accept_case


def text_boxes(locator, words: str) -> dict:
    """Where the text node of ``locator`` holding ``words`` is drawn: its lines, top and
    bottom (px)."""
    return locator.evaluate(
        """(e, words) => {
          const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (!n.textContent.includes(words)) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            const rects = [...range.getClientRects()].filter((r) => r.width > 0);
            return {
              lines: new Set(rects.map((r) => Math.round(r.top))).size,
              top: Math.min(...rects.map((r) => r.top)),
              bottom: Math.max(...rects.map((r) => r.bottom)),
            };
          }
          return null;
        }""",
        words,
    )


def test_a_citizen_rates_dissatisfied_with_a_reason_from_the_qr_code(
    clerk, applicant, item, live_server, screenshots_dir, browser
):
    case = accept_case(item, clerk=clerk, applicant=applicant)
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    # The QR code of the notice leads to its check page.
    page.goto(f"{live_server.url}/intake/verify/{code}/")
    link = page.locator("[data-testid=case-links] a", has_text="评价受理服务")
    assert link.count() == 1
    # The act reads on one line with its deadline under it, not squeezed beside it.
    title, note = text_boxes(link, "评价受理服务"), text_boxes(link, "前评价")
    assert title["lines"] == 1, title
    assert note["top"] >= title["bottom"], (title, note)
    no_sideways_scroll(page, "notice check, 390 px")
    axe_clean(page, "notice check with the rating link, 390 px")
    page.screenshot(path=str(screenshots_dir / "feedback-rate-verify-phone.png"), full_page=True)
    link.click()
    page.wait_for_load_state("networkidle")
    assert "/feedback/rate/" in page.url

    service = page.inner_text("[data-testid=rate-service]")
    assert item.name in service
    assert "受理服务" in service
    assert "金普厅" in service
    body = page.inner_text("body")
    assert clerk.full_name not in body
    assert clerk.username not in body

    reasons = page.locator("[data-testid=rate-reasons]")
    assert not reasons.is_visible()  # only for 差评
    page.click("[data-testid=level-4]")  # 不满意, two stars
    assert reasons.is_visible()
    page.check("text=办事效率")
    page.fill("#id_text", "排队等了一个多小时，窗口只开了一个。")
    no_sideways_scroll(page, "rating form, 390 px")
    axe_clean(page, "rating form with the reasons, 390 px")
    page.screenshot(path=str(screenshots_dir / "feedback-rate-form-phone.png"), full_page=True)

    page.click("[data-testid=rate-submit]")
    page.wait_for_load_state("networkidle")
    assert "感谢您的评价" in page.inner_text("main")
    given = page.inner_text("[data-testid=rating-given]")
    assert "不满意" in given
    assert "扫码评价" in given
    no_sideways_scroll(page, "thanks, 390 px")
    axe_clean(page, "rating recorded, 390 px")
    page.screenshot(path=str(screenshots_dir / "feedback-rate-done-phone.png"), full_page=True)
    context.close()

    rating = Rating.objects.get()
    assert (rating.level, rating.channel) == (Level.DISSATISFIED, RatingChannel.QR)
    assert rating.reasons == ["efficiency"]
    assert rating.text == "排队等了一个多小时，窗口只开了一个。"
