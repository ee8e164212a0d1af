"""The counter pad (评价器) in headless Chromium.

The clerk registers a pad on their page (desktop); the tablet, another browser context
at tablet width with touch, opens the bind link once (the key after ``#``); the clerk
accepts a case at the counter (through the services) and the pad shows it within 2
seconds; the citizen taps four stars and a sub-score and sends; thanks, then idle. A
second case left untouched goes back to idle after the (shortened) timeout and is not
shown again. Screenshots: test-output/screenshots/pad-*.png; axe serious/critical: 0.

The data fixtures come before ``browser`` in the signature (tests/e2e/conftest.py).
"""

import threading

from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from feedback.constants import InstanceState, Level, RatingChannel
from feedback.models import Rating, ServiceInstance
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.helpers import DESKTOP, shoot, signed_in
from tests.factories import accept_case, service_instance

TABLET = {"width": 820, "height": 1180}
IDLE_TEXT = "窗口办理完成后"


def accept_while_watching(pad, item, clerk, applicant):
    """The clerk accepts a case at the counter (in another thread: the acceptance goes on
    after its commit, rendering the notice) while the pad is watched; returns the case,
    its intake instance and the seconds from the instance's insert, in the accepting
    transaction, to the pad showing the case."""
    done = {}

    def accept():
        try:
            case = accept_case(item, clerk=clerk, applicant=applicant)
            done["case"], done["instance"] = case, service_instance(case)
        finally:
            connections.close_all()

    worker = threading.Thread(target=accept)
    worker.start()
    pad.get_by_test_id("pad-case").wait_for(timeout=60_000)
    seen = timezone.now()
    shown = pad.get_by_test_id("pad-case").inner_text()
    worker.join()
    case, instance = done["case"], done["instance"]
    assert shown == case.case_number
    return case, instance, (seen - instance.created_at).total_seconds()


def test_the_pad_shows_the_case_just_accepted_within_2_seconds_and_takes_a_rating(
    clerk, citizen, item, settings, live_server, screenshots_dir, browser
):
    base = live_server.url
    _, desk = signed_in(browser, DESKTOP, base, clerk.username)
    desk.goto(f"{base}{reverse('feedback:pads')}")
    desk.fill("#id_name", "3 号窗口平板")
    desk.click("main button:has-text('登记并生成密钥')")
    bind_url = desk.inner_text("[data-testid=pad-bind-url]").strip()
    assert bind_url.startswith(f"{base}/feedback/pad/bind/#key=")
    shoot(desk, screenshots_dir, "pad-clerk-registers")
    assert_no_serious_violations(desk, "the clerk's pads, a new key shown")

    tablet = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True)
    pad = tablet.new_page()
    pad.goto(bind_url)  # pad.js puts the key into the form and sends it
    pad.wait_for_url(f"{base}/feedback/pad/")
    expect(pad.get_by_test_id("pad-window")).to_contain_text("金普厅 3 号窗口")
    expect(pad.locator("#pad-stage")).to_contain_text(IDLE_TEXT)
    assert "#key=" not in pad.url
    shoot(pad, screenshots_dir, "pad-idle-tablet")
    assert_no_serious_violations(pad, "pad idle")

    case, instance, shown_after = accept_while_watching(pad, item, clerk, citizen)
    print(f"\npad showed the accepted case {shown_after:.2f} s after it was recorded")  # noqa: T201
    assert shown_after < 2
    main = pad.inner_text("main")
    assert citizen.name not in main
    assert citizen.id_number not in main
    assert f"{citizen.name[0]}*" in main
    assert clerk.full_name not in main

    # A 差评 opens the reasons (axe on that state), then the citizen settles on 满意.
    pad.locator("label[for=pad-level-4]").tap()
    expect(pad.locator("[data-pad-bad]")).to_be_visible()
    pad.wait_for_timeout(300)  # the buttons' colour transition
    shoot(pad, screenshots_dir, "pad-rate-bad-tablet")
    assert_no_serious_violations(pad, "pad rating form, 差评 reasons open")
    pad.locator("label[for=pad-level-2]").tap()
    expect(pad.locator("[data-pad-bad]")).to_be_hidden()
    pad.locator("label[for=pad-sub_attitude-1]").tap()
    pad.wait_for_timeout(300)  # the buttons' colour transition
    shoot(pad, screenshots_dir, "pad-rate-tablet")
    pad.locator("button:has-text('提交评价')").tap()
    expect(pad.get_by_test_id("pad-thanks")).to_have_text("感谢您的评价！")
    shoot(pad, screenshots_dir, "pad-thanks-tablet")
    assert_no_serious_violations(pad, "pad thanks")
    rating = Rating.objects.get(instance=instance)
    assert (rating.level, rating.channel, rating.rater_id) == (
        Level.SATISFIED,
        RatingChannel.PAD,
        None,
    )
    assert rating.sub_scores == {"attitude": 1}
    expect(pad.locator("#pad-stage")).to_contain_text(IDLE_TEXT, timeout=8000)

    # Untouched, the next service goes back to idle after the timeout, and stays there.
    settings.FEEDBACK_PAD_IDLE_SECONDS = 2
    second, untouched, shown_after = accept_while_watching(pad, item, clerk, citizen)
    assert shown_after < 2
    expect(pad.locator("#pad-stage")).to_contain_text(IDLE_TEXT, timeout=4000)
    pad.wait_for_timeout(2500)  # two more polls
    expect(pad.locator("#pad-stage")).to_contain_text(IDLE_TEXT)
    assert ServiceInstance.objects.get(pk=untouched.pk).state == InstanceState.OPEN
    tablet.close()
