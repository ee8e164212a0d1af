"""The project's copies of Django admin templates stay Django's own but for their edits:
a Django upgrade that changes an edited line, or a copy nobody lists here, fails, so the
copy is made again from the new original instead of silently serving the old markup."""

from pathlib import Path

import django.contrib.admin
from django.conf import settings

DJANGO_ADMIN = Path(django.contrib.admin.__file__).parent / "templates"
PROJECT = Path(settings.BASE_DIR) / "templates"

TABULAR_BOX = (
    '<div class="js-inline-admin-formset inline-group" '
    'id="{{ inline_admin_formset.formset.prefix }}-group"'
)
SEARCH_LABEL = (
    '<label for="searchbar"><img src="{% static "admin/img/search.svg" %}" alt="ALT"></label>'
)
SEARCH_INPUT = (
    '<input type="text" size="40" name="{{ search_var }}" value="{{ cl.query }}" '
    'id="searchbar"NAME{% if cl.search_help_text %} aria-describedby="searchbar_helptext"'
    "{% endif %}>"
)

# Each copy: Django's line -> the lines that stand for it in the copy.
EDITS = {
    "admin/edit_inline/tabular.html": {
        TABULAR_BOX: [
            TABULAR_BOX,
            '     tabindex="0" role="region" '
            'aria-labelledby="{{ inline_admin_formset.formset.prefix }}-heading"',
        ],
    },
    "admin/search_form.html": {
        SEARCH_LABEL.replace("ALT", "Search"): [
            SEARCH_LABEL.replace("ALT", "{% translate 'Search' %}")
        ],
        SEARCH_INPUT.replace("NAME", ""): [
            SEARCH_INPUT.replace("NAME", " aria-label=\"{% translate 'Search' %}\"")
        ],
    },
}


def _copies() -> set[str]:
    """Project templates standing in for a Django admin template of the same name,
    other than the ones that extend it (an extension is not a copy)."""
    names = set()
    for path in PROJECT.joinpath("admin").rglob("*.html"):
        name = str(path.relative_to(PROJECT))
        if (DJANGO_ADMIN / name).exists() and "{% extends" not in path.read_text():
            names.add(name)
    return names


def _without_comment(text: str) -> list[str]:
    if text.startswith("{% comment %}"):
        text = text.split("{% endcomment %}", 1)[1].removeprefix("\n")
    return text.splitlines()


def test_every_copy_is_listed():
    # base_site.html is Django's extension point, written for the project.
    assert _copies() - {"admin/base_site.html"} == set(EDITS)


def test_every_copy_is_djangos_own_but_for_its_edits():
    for name, edits in EDITS.items():
        original = (DJANGO_ADMIN / name).read_text().splitlines()
        assert set(edits) <= set(original), f"{name}: Django changed an edited line"
        expected = [new for line in original for new in edits.get(line, [line])]
        assert _without_comment((PROJECT / name).read_text()) == expected, name
