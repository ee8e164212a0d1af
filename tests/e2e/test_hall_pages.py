"""The hall's other pages in headless Chromium: axe (serious/critical: none) at 1280 and
390 px and no sideways scroll on every page of each role (the hall's index and ticket
pages, window management, the supervisors' hall view, the citizen's appointments), and
kiosk mode: the on-screen keypad types an ID number, and the idle timeout shows its
countdown and then signs out and clears the screen. Screenshots:
test-output/screenshots/hall-*.png.

The data fixtures come before ``browser`` in the signature (tests/e2e/conftest.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from hall.services.appointments import appointment_book, bookable_days
from hall.services.dayclose import day_close
from hall.services.tickets import ticket_issue
from tests.e2e.axe import assert_fits_and_passes_axe, assert_no_serious_violations
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    log_in,
    shoot,
    signed_in,
)
from tests.hall.pages_support import hall_scene

WIDTHS = [("desktop", DESKTOP), ("phone", PHONE)]


def _audit(page, base, pages, screenshots_dir, shots=()):
    for name, path in pages:
        for width, viewport in WIDTHS:
            page.set_viewport_size(viewport)
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            assert page.locator("main").count() == 1, path
            assert_fits_and_passes_axe(page, f"{name} at {width}")
            if name in shots:
                shoot(page, screenshots_dir, f"hall-{name}-{width}")


def test_every_hall_page_of_each_role_passes_axe_at_both_widths(
    clerk, supervisor, citizen, live_server, screenshots_dir, browser
):
    scene = hall_scene(clerk, supervisor)
    day = next(d for d in bookable_days() if d > timezone.localdate())
    appointment_book(category_id=scene.a.pk, day=day, slot=datetime.time(9, 30), actor=citizen.user)
    base = live_server.url
    code = scene.hall.code

    anonymous = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    _audit(
        anonymous,
        base,
        [("index", reverse("hall:index")), ("ticket-form", reverse("hall:ticket", args=[code]))],
        screenshots_dir,
    )

    _, desk = signed_in(browser, DESKTOP, base, clerk.username)
    _audit(
        desk,
        base,
        [
            ("panel-idle", reverse("hall:panel")),
            ("windows-clerk", reverse("hall:windows", args=[code])),
        ],
        screenshots_dir,
        shots=("panel-idle",),
    )

    _, boss = signed_in(browser, DESKTOP, base, supervisor.username)
    _audit(
        boss,
        base,
        [
            ("windows", reverse("hall:windows", args=[code])),
            ("overview", reverse("hall:overview") + f"?hall={code}"),
        ],
        screenshots_dir,
        shots=("windows", "overview"),
    )
    expect(boss.get_by_test_id("overview-windows")).to_be_visible()  # a manager

    # A supervisor of one department counts only the tickets linked to its cases...
    from tests.factories import DepartmentFactory, make_supervisor

    watcher = make_supervisor(DepartmentFactory(), username="hall-dept-supervisor")
    _, scoped = signed_in(browser, DESKTOP, base, watcher.username)
    _audit(
        scoped,
        base,
        [("overview-linked", reverse("hall:overview") + f"?hall={code}")],
        screenshots_dir,
        shots=("overview-linked",),
    )
    expect(scoped.get_by_test_id("overview-linked-only")).to_be_visible()
    # ... and manages no window: no 窗口管理 button (the page itself is a 403 to them).
    expect(scoped.get_by_test_id("overview-windows")).to_have_count(0)

    _, person = signed_in(browser, DESKTOP, base, citizen.user.username)
    _audit(
        person,
        base,
        [
            ("appointments", reverse("hall:appointments")),
            ("appointment-new", reverse("hall:appointment-new") + f"?hall={code}&day={day}"),
        ],
        screenshots_dir,
        shots=("appointments", "appointment-new"),
    )


def test_kiosk_mode_keypad_and_idle_timeout(
    clerk, supervisor, citizen, settings, live_server, screenshots_dir, browser
):
    """The kiosk's keypad types an ID number (digits and X); after the idle time without
    a touch the countdown shows, then the kiosk signs out and shows its home, empty."""
    settings.HALL_KIOSK_IDLE_SECONDS = 18
    scene = hall_scene(clerk, supervisor)
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", has_touch=True)
    kiosk = context.new_page()
    kiosk.goto(f"{base}{reverse('hall:kiosk', args=[scene.hall.code])}")
    expect(kiosk.locator("body")).to_have_class(
        "d-flex flex-column min-vh-100 bg-body-tertiary kiosk"
    )
    assert_no_serious_violations(kiosk, "kiosk home, desktop")
    shoot(kiosk, screenshots_dir, "hall-kiosk-home-desktop")
    kiosk.get_by_test_id("kiosk-ticket").tap()
    kiosk.get_by_test_id("category-B").tap()
    for key in "11010519491231002X":
        kiosk.locator(f".kiosk-keypad [data-key='{key}']").first.tap()
    expect(kiosk.locator("#id_id_number")).to_have_value("11010519491231002X")
    kiosk.locator(".kiosk-keypad [data-key='⌫']").tap()
    expect(kiosk.locator("#id_id_number")).to_have_value("11010519491231002")
    assert_no_serious_violations(kiosk, "kiosk ticket page with the keypad")
    shoot(kiosk, screenshots_dir, "hall-kiosk-ticket-desktop")
    kiosk.set_viewport_size(PHONE)
    assert_fits_and_passes_axe(kiosk, "kiosk ticket page, phone")
    kiosk.set_viewport_size(DESKTOP)

    # Signed in on the kiosk (the online pages in kiosk mode), then left alone.
    log_in(kiosk, base, citizen.user.username)
    kiosk.goto(f"{base}{reverse('intake:my_applications')}")
    expect(kiosk.locator(".kiosk-bar")).to_be_visible()
    countdown = kiosk.locator("#kiosk-countdown")
    expect(countdown).to_be_visible(timeout=8_000)
    expect(countdown).to_contain_text("秒后将自动退出")
    assert_no_serious_violations(kiosk, "kiosk countdown")
    shoot(kiosk, screenshots_dir, "hall-kiosk-countdown-desktop")
    kiosk.wait_for_url(f"{base}{reverse('hall:kiosk', args=[scene.hall.code])}", timeout=25_000)
    expect(kiosk.locator("header")).to_contain_text("登录")
    assert citizen.name not in kiosk.inner_text("body")
    context.close()


def test_the_follow_page_of_a_ticket_closed_at_its_days_end(
    clerk, supervisor, live_server, screenshots_dir, browser
):
    """A ticket of yesterday closed by the day's close (日终清号): its follow page says it
    lapsed, passes axe at both widths and polls no more."""
    scene = hall_scene(clerk, supervisor)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    ticket = ticket_issue(category_id=scene.a.pk, now=yesterday).ticket
    assert day_close().expired == 1
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    path = reverse("hall:follow", args=[ticket.token])
    _audit(page, live_server.url, [("follow-expired", path)], screenshots_dir, ("follow-expired",))
    expect(page.get_by_test_id("ticket-expired")).to_contain_text("当天未叫到，已失效")
    expect(page.locator("#ticket-status")).to_contain_text("已失效 · 更新于")
    expect(page.locator("#ticket-status[hx-get]")).to_have_count(0)
