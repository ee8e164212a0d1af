"""Case numbers come from one daily sequence per prefix, document numbers from one
yearly sequence per document type (``intake.services.numbering``), each value one
upsert (``jinpu_portal.models.Sequence``)."""

import datetime
import importlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from intake.constants import NoticeKind, RefusalKind
from intake.models import CaseNumberSequence, DocumentNumberSequence, Notice
from intake.services.cases import counter_receive, intake_accept, intake_refuse
from intake.services.numbering import case_number_next, document_number_next
from tests.factories import (
    CitizenFactory,
    all_received,
    counter_draft,
    request_correction,
    submit_online,
)

pytestmark = pytest.mark.django_db


def test_daily_sequence_per_prefix():
    day = datetime.date(2026, 11, 27)
    assert [case_number_next(prefix="JP", day=day) for _ in range(3)] == [
        "JP2026112700001",
        "JP2026112700002",
        "JP2026112700003",
    ]
    assert case_number_next(prefix="WS", day=day) == "WS2026112700001"
    assert case_number_next(prefix="JP", day=day + datetime.timedelta(days=1)) == (
        "JP2026112800001"
    )
    assert CaseNumberSequence.objects.get(prefix="JP", day=day).last_value == 3


def test_a_number_is_one_statement_whether_it_starts_or_continues_a_sequence(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        assert document_number_next(code="SL", year=2040) == "金普SL〔2040〕000001号"
    with django_assert_num_queries(1):
        assert document_number_next(code="SL", year=2040) == "金普SL〔2040〕000002号"
    with django_assert_num_queries(1):
        case_number_next(prefix="ZZ", day=datetime.date(2040, 1, 2))


def test_document_numbers_run_per_type_and_year():
    assert [document_number_next(code="SL", year=2026) for _ in range(2)] == [
        "金普SL〔2026〕000001号",
        "金普SL〔2026〕000002号",
    ]
    assert document_number_next(code="BZ", year=2026) == "金普BZ〔2026〕000001号"
    assert document_number_next(code="SL", year=2027) == "金普SL〔2027〕000001号"
    assert document_number_next(code="SL", year=2026) == "金普SL〔2026〕000003号"
    assert DocumentNumberSequence.objects.get(code="SL", year=2026).last_value == 3


def test_a_rolled_back_document_gives_its_number_back():
    document_number_next(code="SJ", year=2026)
    taken = []

    def issue_then_fail():
        with transaction.atomic():
            taken.append(document_number_next(code="SJ", year=2026))
            raise RuntimeError("the issuing transaction fails")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert taken == ["金普SJ〔2026〕000002号"]
    assert document_number_next(code="SJ", year=2026) == "金普SJ〔2026〕000002号"


def test_each_notice_type_of_the_services_counts_from_one(clerk, citizen, applicant, item):
    """A receipt, a correction, two acceptances and a refusal: each type its own run,
    where one counter shared by all types numbered them 1 to 5."""
    year = timezone.localdate().year
    at_counter = counter_draft(clerk, applicant, item)
    counter_receive(application=at_counter, actor=clerk)
    online = submit_online(citizen, item)
    request_correction(online, clerk, defective="场地使用证明")
    intake_accept(application=at_counter, actor=clerk, verdicts=all_received(at_counter))
    second = submit_online(CitizenFactory(), item)
    intake_accept(application=second, actor=clerk, verdicts=all_received(second))
    third = submit_online(CitizenFactory(), item)
    intake_refuse(
        application=third, actor=clerk, kind=RefusalKind.NOT_ELIGIBLE, reason="不符合条件"
    )

    numbers = {
        kind: sorted(Notice.objects.filter(kind=kind).values_list("number", flat=True))
        for kind in NoticeKind.values
    }
    assert numbers[NoticeKind.RECEIPT] == [f"金普SJ〔{year}〕000001号"]
    assert numbers[NoticeKind.CORRECTION] == [f"金普BZ〔{year}〕000001号"]
    assert numbers[NoticeKind.ACCEPTANCE] == [
        f"金普SL〔{year}〕000001号",
        f"金普SL〔{year}〕000002号",
    ]
    assert numbers[NoticeKind.REFUSAL] == [f"金普BSL〔{year}〕000001号"]
    # The acceptance event names the notice by its number, taken at the end of the block.
    event = at_counter.events.get(action="notice_issued", message__contains="受理通知书")
    assert event.details["notice"] == f"金普SL〔{year}〕000001号"


def test_the_migration_seeds_each_type_above_its_highest_number(citizen, item):
    """Numbers issued before the sequences existed came from the notice's id; each
    type and year continues above its highest one."""
    application = submit_online(citizen, item)
    issued = ["金普SL〔2026〕000007号", "金普SL〔2026〕000031号", "金普BZ〔2026〕000012号"]
    issued += ["金普SL〔2025〕000040号", "不符合格式的旧编号"]
    for index, number in enumerate(issued):
        Notice.objects.create(
            application=application,
            kind=NoticeKind.ACCEPTANCE,
            number=number,
            issued_at=application.submitted_at,
            verification_code=f"SEED{index}",
        )
    DocumentNumberSequence.objects.all().delete()
    migration = importlib.import_module("intake.migrations.0005_document_number_sequence")
    migration.seed_from_issued(apps, None)

    seeded = set(DocumentNumberSequence.objects.values_list("code", "year", "last_value"))
    assert seeded == {("SL", 2026, 31), ("BZ", 2026, 12), ("SL", 2025, 40)}
    assert document_number_next(code="SL", year=2026) == "金普SL〔2026〕000032号"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_documents_of_a_new_year_never_share_a_number():
    """Twenty transactions take a number of a type whose year has no row yet, at once
    (each with its own connection): they race to create the row, and every number
    from 1 to 20 goes to exactly one of them."""
    workers = 20
    start = threading.Barrier(workers)

    def take(_):
        try:
            start.wait()
            with transaction.atomic():
                return document_number_next(code="SL", year=2031)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        numbers = list(pool.map(take, range(workers)))
    assert sorted(numbers) == [f"金普SL〔2031〕{n:06d}号" for n in range(1, workers + 1)]
    assert DocumentNumberSequence.objects.get(code="SL", year=2031).last_value == workers
