"""The key of a create-only form (jinpu_portal.submissions) as a browser posts it: the
test GETs the page, takes its hidden ``submission`` field and posts the same form twice,
as a double click or a second tab does."""

import re


def rendered_form(client, url: str, data: dict, prefix: str = "") -> dict:
    """``data`` with the form key of the page at ``url`` as the browser renders it (the
    page must render exactly one key; ``prefix``: the form's, as Django's)."""
    name = f"{prefix}-submission" if prefix else "submission"
    key = re.compile(rf'<input type="hidden" name="{name}" value="([^"]*)"')
    [value] = key.findall(client.get(url).content.decode())
    return {**data, name: value}
