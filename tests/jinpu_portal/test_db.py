"""``jinpu_portal.db``: a prepared query gives what the queryset gives; remembered
related rows answer as prefetched ones."""

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from intake.models import SubmittedMaterial
from intake.services.cases import _LOCK_QUERY
from jinpu_portal.db import PreparedQuery, remember_related
from tests.intake.citizen_support import make_citizen, make_item, start_online

pytestmark = pytest.mark.django_db


def _orm(pk):
    return (
        SubmittedMaterial.objects.select_related("application__applicant")
        .filter(application_id=pk)
        .order_by("pk")
    )


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_it_gives_the_querysets_instances_with_their_related_rows():
    citizen = make_citizen()
    item = make_item()
    first = start_online(item, citizen)
    second = start_online(item, citizen)
    prepared = PreparedQuery(lambda pk: _orm(pk))

    for application in (first, second, first):  # compiled once, run with each value
        got = prepared(application.pk)
        expected = list(_orm(application.pk))
        assert [slot.pk for slot in got] == [slot.pk for slot in expected]
        assert len(got) == application.materials.count() > 1
        for slot, reference in zip(got, expected, strict=True):
            assert _values(slot) == _values(reference)
            assert _values(slot.application) == _values(reference.application)
            assert _values(slot.application.applicant) == _values(reference.application.applicant)
            assert slot._state.adding is False
            assert slot._state.db == "default"
    assert prepared(first.pk + second.pk + 1000) == []


def test_a_call_is_one_statement_and_the_lock_locks():
    citizen = make_citizen()
    application = start_online(make_item(), citizen)
    with transaction.atomic():
        _LOCK_QUERY(application.pk)  # compiled here if no test before did
        with CaptureQueriesContext(connection) as captured:
            slots = _LOCK_QUERY(application.pk)
    assert len(captured.captured_queries) == 1
    sql = captured.captured_queries[0]["sql"]
    if connection.features.has_select_for_update_of:
        assert 'FOR UPDATE OF "intake_application"' in sql
    assert {slot.application.pk for slot in slots} == {application.pk}


@pytest.mark.django_db(transaction=True)  # the test's own transaction would hide it
def test_a_locking_query_needs_a_transaction_as_the_queryset_does():
    application = start_online(make_item(), make_citizen())
    with transaction.atomic():
        _LOCK_QUERY(application.pk)
    if not connection.features.has_select_for_update:  # SQLite: Django lets it pass too
        assert len(_LOCK_QUERY(application.pk)) == application.materials.count()
        return
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        _LOCK_QUERY(application.pk)


def test_it_refuses_what_it_cannot_rebuild():
    with pytest.raises(ValueError, match="instances only"):
        PreparedQuery(lambda pk: _orm(pk).values("pk"))(1)
    with pytest.raises(ValueError, match="instances only"):
        PreparedQuery(lambda pk: _orm(pk).prefetch_related("application__materials"))(1)
    with pytest.raises(ValueError, match="annotations"):
        PreparedQuery(lambda pk: _orm(pk).annotate(twice=F("size") * 2))(1)
    with pytest.raises(ValueError, match="exactly once"):
        PreparedQuery(lambda pk: SubmittedMaterial.objects.filter(size=3))(1)


def test_remembered_rows_answer_all_and_a_filter_still_asks_for_this_instances_rows():
    citizen = make_citizen()
    item = make_item()
    first, second = start_online(item, citizen), start_online(item, citizen)
    slots = list(first.materials.order_by("pk"))
    fresh = type(first).objects.get(pk=first.pk)

    remember_related(fresh, "materials", slots[:1])  # deliberately fewer than stored
    with CaptureQueriesContext(connection) as captured:
        assert list(fresh.materials.all()) == slots[:1]
    assert captured.captured_queries == []
    filtered = fresh.materials.filter(size=0)
    assert {slot.application_id for slot in filtered} == {first.pk}
    assert filtered.count() == len(slots)
    assert second.materials.count() == len(slots)
