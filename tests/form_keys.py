"""The key of a create-only form (jinpu_portal.submissions) as a browser posts it: the
test GETs the page, takes its hidden ``submission`` field and posts the same form twice,
as a double click or a second tab does."""

import re

KEY = re.compile(r'<input type="hidden" name="submission" value="([^"]*)"')


def rendered_form(client, url: str, data: dict) -> dict:
    """``data`` with the form key of the page at ``url`` as the browser renders it (the
    page must render exactly one key)."""
    [key] = KEY.findall(client.get(url).content.decode())
    return {**data, "submission": key}
