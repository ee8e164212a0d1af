"""Every Bootstrap icon a page names is in the vendored icon font (static/vendor): an
icon name the font does not have draws nothing, and nothing fails (the supervisors'
红黄灯预警 card showed no icon for a name the font never had)."""

import re
from pathlib import Path

from django.conf import settings

# A class name as written: bi-<name>; one that a template completes ("bi-caret-{% if … %}")
# ends in a hyphen and is left out.
ICON = re.compile(r"""(?<![\w-])bi-([a-z0-9]+(?:-[a-z0-9]+)*)(?![\w-]|\{)""")
SOURCES = ("*.html", "*.py")
APPS = (
    "accounts",
    "approvals",
    "catalog",
    "feedback",
    "hall",
    "intake",
    "jinpu_portal",
    "supervision",
)


def _named_icons() -> dict[str, set[str]]:
    root = Path(settings.BASE_DIR)
    places: dict[str, set[str]] = {}
    folders = [root / "templates", *(root / app for app in APPS)]
    for folder in folders:
        for pattern in SOURCES:
            for path in folder.rglob(pattern):
                if "migrations" in path.parts:
                    continue
                for name in ICON.findall(path.read_text(encoding="utf-8")):
                    places.setdefault(name, set()).add(str(path.relative_to(root)))
    return places


def test_every_named_icon_is_in_the_vendored_font():
    font = Path(settings.BASE_DIR, "static/vendor/bootstrap-icons/bootstrap-icons.min.css")
    defined = set(re.findall(r"\.bi-([a-z0-9-]+)::?before", font.read_text(encoding="utf-8")))
    named = _named_icons()
    assert len(named) > 50  # the scan found the pages' icons
    missing = {name: sorted(paths) for name, paths in named.items() if name not in defined}
    assert missing == {}
