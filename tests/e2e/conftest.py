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

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
