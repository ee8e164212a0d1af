"""Browser tests: Playwright's sync API drives Debian's Chromium against live_server.

While Playwright's sync API is active, an event loop runs in the test's thread. Django
then refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set (safe here: one thread,
nothing concurrent), and asgiref hands the thread a *different* connection object than
the one the test database was set up on. So Playwright runs only inside each test
(``browser`` is function-scoped and must come after the data fixtures): database setup,
serialized rollback and the flush all see the original connection, and the connections
opened while Playwright ran are closed before it stops.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

from tests.e2e.helpers import BROWSER_TEST

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E2E = Path(__file__).resolve().parent

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_itemcollected(item):
    """Every test here is a browser test (``BROWSER_TEST``'s marks), marked as it is
    collected: before the skip of a missing Chromium (tests/conftest.py) and
    pytest-django's ordering of the transactional tests look at the marks."""
    if E2E in item.path.parents:
        for mark in BROWSER_TEST:
            item.add_marker(mark)
