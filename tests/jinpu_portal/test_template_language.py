"""What a screen reader or a tooltip says is Chinese too: the pages are Simplified
Chinese (lang="zh-CN"), and an English label in the markup is read out in English."""

import re
from pathlib import Path

from django.conf import settings

# A literal label with Latin letters and no Chinese (a template variable is not literal).
ENGLISH_LABEL = re.compile(r'\b(aria-label|title|placeholder|alt)="([A-Za-z][A-Za-z ,.\-]*)"')


def test_literal_labels_in_the_portals_templates_are_chinese():
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        f"{path.relative_to(templates)}: {attribute}={value!r}"
        for path in templates.rglob("*.html")
        if path.relative_to(templates).parts[0] != "admin"  # Django's admin, translated
        for attribute, value in ENGLISH_LABEL.findall(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
