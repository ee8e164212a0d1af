"""What the browser tests share: the two viewports, the marks of a browser test, signing
in through the login form, screenshots, the check that a page does not scroll sideways
and the check that no text is squeezed to a character or two a line. (Fixtures are in
conftest.py; the axe checks in axe.py.)"""

import pytest

from tests.factories import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# A browser test (conftest.py marks every test of tests/e2e so). Transactional
# (live_server's thread must see the rows); serialized_rollback restores what migrations
# put in (service object types, role groups, the calendar) afterwards. The data fixtures
# come before ``browser`` (see conftest.py).
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, base_url, username, password=PASSWORD):
    """Sign in through the login form and wait for the page it leads to (the login
    page again when refused: the caller asserts what it expects)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def signed_in(browser, viewport, base_url, username, password=PASSWORD, **options):
    """A fresh zh-CN browser context at ``viewport`` with ``username`` signed in:
    (context, page). ``options`` go to ``new_context`` (accept_downloads, ...)."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    log_in(page, base_url, username, password)
    return context, page


def shoot(page, directory, name):
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 or less: it fits), once
    the page has drawn two frames (a viewport just changed: its resize handlers, such as
    the charts' own, have run)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def assert_no_sideways_scroll(page, what=None):
    """The page does not scroll sideways; ``what`` names the page in the failure (else its URL)."""
    overflow = sideways_overflow(page)
    assert overflow <= 0, (what or page.url, overflow, sticking_out(page))


def sticking_out(page) -> list[str]:
    """The innermost elements that reach past the viewport's right edge (for the failure)."""
    return page.evaluate(
        """() => {
          const edge = document.documentElement.clientWidth;
          const out = (e) => e.getBoundingClientRect().right > edge;
          return [...document.querySelectorAll('body *')]
            .filter((e) => out(e) && ![...e.children].some(out))
            .slice(0, 5)
            .map((e) => [e.tagName.toLowerCase(), ...e.classList].join('.'));
        }"""
    )


def squeezed_text(page) -> list[str]:
    """The texts the page squeezes into a column of a character or two a line (on two
    lines, a character and a half a line at most; on three or more, two): a table cell
    a phone narrows to one Chinese character, since a line may break after any of them.
    Each as element, lines and the text's start."""
    return page.evaluate(
        """() => {
          const found = [];
          for (const e of document.querySelectorAll('body *')) {
            for (const node of e.childNodes) {
              const text = node.nodeType === Node.TEXT_NODE ? node.textContent.trim() : '';
              const chars = [...text].length;
              if (chars < 2) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              const lines = new Set([...range.getClientRects()]
                .filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
              if ((lines === 2 && chars <= 3) || (lines >= 3 && chars / lines <= 2)) {
                const name = [e.tagName.toLowerCase(), ...e.classList].join('.');
                found.push(`${name} (${lines} lines): ${text.slice(0, 20)}`);
              }
            }
          }
          return found.slice(0, 5);
        }"""
    )


def split_dates(page) -> list[str]:
    """The dates (2026-12-08, 2026-12-08 14:30) the page breaks across two lines: a
    phone may break a line at a date's hyphen, which leaves 2026- on one line and 12-08
    on the next. Each as element and date."""
    return page.evaluate(
        r"""() => {
          const found = [];
          const date = /\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?/g;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(date)) {
              const range = document.createRange();
              range.setStart(node, match.index);
              range.setEnd(node, match.index + match[0].length);
              const lines = new Set([...range.getClientRects()]
                .filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
              if (lines > 1) {
                const e = node.parentElement;
                found.push(`${[e.tagName.toLowerCase(), ...e.classList].join('.')}: ${match[0]}`);
              }
            }
          }
          return found.slice(0, 5);
        }"""
    )


def assert_no_squeezed_text(page, what=None):
    """No text of the page is squeezed to a character or two a line (``squeezed_text``);
    ``what`` names the page in the failure (else its URL)."""
    squeezed = squeezed_text(page)
    assert not squeezed, (what or page.url, squeezed)


# Each page whose look matters, at desktop and phone width: (viewport, name).
AT_BOTH_WIDTHS = pytest.mark.parametrize(
    ("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")]
)
