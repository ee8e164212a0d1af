"""What the browser tests share: signing in through the login page, and a screenshot
for a person to look at (test-output/screenshots/)."""

from tests.factories import PASSWORD


def log_in(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(page, screenshots_dir, name):
    page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)
