"""The admin's scripts speak Chinese: every string of the two-box selector
(SelectFilter2.js) is in the admin's JavaScript catalog, Django's own translations
completed by the portal's (locale/zh_Hans/LC_MESSAGES/djangojs.po), and the compiled
catalog beside that file says what it says."""

import gettext
import json
import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User

SELECT_FILTER = Path(django.contrib.admin.__file__).parent / "static/admin/js/SelectFilter2.js"
PORTAL_PO = Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/djangojs.po"
GETTEXT = re.compile(r"\bn?gettext\(\s*'((?:[^'\\]|\\.)*)'")


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file whose entries are one line each."""
    entries, msgid = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgstr ")):
            keyword, quoted = line.split(" ", 1)
            text = json.loads(quoted)
            if keyword == "msgid":
                msgid = text
            elif msgid:
                entries[msgid] = text
    return entries


def test_the_compiled_catalog_is_the_po_file():
    compiled = gettext.GNUTranslations(PORTAL_PO.with_suffix(".mo").open("rb"))
    entries = po_entries(PORTAL_PO)
    assert entries
    assert {msgid: compiled.gettext(msgid) for msgid in entries} == entries


@pytest.mark.django_db
def test_every_string_of_the_two_box_selector_is_chinese(client):
    client.force_login(User.objects.create_superuser(username="root-test", password="Root-2026-x"))
    response = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.text, re.S)[1])
    strings = {s.replace("\\'", "'") for s in GETTEXT.findall(SELECT_FILTER.read_text())}
    assert "Choose all %s" in strings
    untranslated = [s for s in strings if not re.search(r"[\u4e00-\u9fff]", str(catalog.get(s)))]
    assert untranslated == []
