"""A date reads the same wherever the same kind of place shows it (docs/architecture.md,
"Dates and times"): on pages as numbers (2026-11-03 09:05), in documents and messages as
words the way official documents write them (2026年11月3日, no leading zero), every
template naming its format from the portal's set (jinpu_portal/formats)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from intake.constants import NoticeKind
from jinpu_portal.models import Notification
from tests.factories import accept_case

NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}
# Besides the names: ISO 8601 in a <time datetime="…"> attribute, and the clocks that
# tick by the second (the hall's display, a ticket's status).
ALLOWED = {"date": NAMED | {"c"}, "time": NAMED | {"H:i:s"}}
FILTER = re.compile(r"\|(date|time)\b(?::(\"[^\"]*\"|'[^']*'|[^\s|}%]+))?")


def test_every_template_names_its_date_format():
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        f"{path.relative_to(templates)}: |{name}:{argument or '(none)'}"
        for path in sorted(templates.rglob("*.html"))
        for name, argument in FILTER.findall(path.read_text(encoding="utf-8"))
        if argument.strip("\"'") not in ALLOWED[name]
    ]
    assert offenders == []


def words(day) -> str:
    """How a document writes a day (GB/T 9704), written out here independently."""
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def case(at, clerk, applicant, item):
    at(2026, 11, 3, 9, 5)  # a Tuesday: one-digit day, leading zeros where numbers have them
    return accept_case(item, clerk=clerk, applicant=applicant)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_acceptance_reads_the_same_on_every_page(client, case, clerk, applicant, language):
    """The public progress query wrote the acceptance as 2026年11月3日 and its steps
    list, on the same page, as 2026-11-03 09:05; the citizen's page wrote the promised
    date 2026年11月17日 beside an acceptance time of 2026-11-03 09:05. An English-speaking
    browser gets the same (the pages are Chinese)."""
    accepted = "2026-11-03 09:05"
    promised = f"{case.promised_due_date:%Y-%m-%d}"
    code = case.notices.get(kind=NoticeKind.ACCEPTANCE).verification_code
    progress = client.post(
        "/intake/progress/",
        {"case_number": case.case_number, "code": code},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    client.force_login(applicant.user)
    mine = client.get(f"/intake/my/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(clerk)
    workbench = client.get(
        f"/intake/workbench/applications/{case.pk}/", HTTP_ACCEPT_LANGUAGE=language
    )
    for name, response in (("progress", progress), ("mine", mine), ("workbench", workbench)):
        assert response.status_code == 200, name
        html = response.content.decode()
        assert re.search(rf"受理时间</dt><dd[^>]*>{accepted}", html), name
        assert re.search(rf"承诺办结</dt><dd[^>]*>{promised}", html), name
        assert words(case.promised_due_date) not in html, name
        assert "2026年11月3日" not in html, name


def test_documents_and_messages_write_days_as_words(case, applicant):
    """The acceptance notice wrote 2026年11月03日 09:05 (a leading zero official documents
    never write); its message and the notice write the day as 2026年11月3日."""
    notice = case.notices.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.context["accepted_at"] == "2026年11月3日 09:05"
    assert notice.context["accepted_date"] == "2026年11月3日"
    assert notice.context["promised_due_date"] == words(case.promised_due_date)
    message = Notification.objects.get(recipient=applicant.user, title="您的申请已受理")
    assert f"承诺 {words(case.promised_due_date)} 前办结。" in message.body
