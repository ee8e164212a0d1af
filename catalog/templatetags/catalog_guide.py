"""Template helpers of the guide's pages."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# A page of the portal named in a guide's text by name and path:
# “办件进度查询”（/intake/progress/）.
PAGE_REFERENCE = re.compile(r"“([^“”]{1,40})”（(/[\w-]+(?:/[\w-]+)*/?)）", re.ASCII)


@register.filter
def page_links(text: str) -> str:
    """``text`` (plain text of the guide's data) escaped, each page of the portal it names
    by name and path made a link reading the name."""
    escaped = str(conditional_escape(text))
    # Both groups come from the escaped text; the path is letters, digits, - and / only.
    return mark_safe(PAGE_REFERENCE.sub(r'<a href="\2">\1</a>', escaped))  # noqa: S308
