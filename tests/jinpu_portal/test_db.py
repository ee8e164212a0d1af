"""``jinpu_portal.db``: a prepared query gives what the queryset gives; remembered
related rows answer as prefetched ones; ``insert`` and ``update`` write what
``bulk_create`` and ``save(update_fields=...)`` write."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from intake.models import Application, CaseEvent, SubmittedMaterial
from intake.services.cases import _LOCK_QUERY
from jinpu_portal.db import PreparedQuery, insert, remember_related, update
from jinpu_portal.models import Notification
from tests.factories import HallFactory, make_citizen, make_item, start_online

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
    compiled = _LOCK_QUERY._compiled["default"]
    if connection.vendor == "postgresql":  # run as the statement prepared on the server
        assert sql.startswith(f"EXECUTE {compiled.statement.name} (")
        assert compiled.statement.prepare_sql.endswith('FOR UPDATE OF "intake_application"')
    if connection.features.has_select_for_update_of:
        assert 'FOR UPDATE OF "intake_application"' in compiled.sql
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


def _event(application, **fields):
    return CaseEvent(
        **{
            "application": application,
            "at": datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC),
            "action": "upload",
            "actor": application.applicant.user,
            "actor_role": "申请人",
            "channel": "online",
            "message": "上传材料：营业执照",
            "details": {"material": 7, "names": ["营业执照", "身份证"]},
            **fields,
        }
    )


def _stored(model, pks) -> list[dict]:
    fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    rows = model.objects.filter(pk__in=pks).order_by("pk").values(*fields)
    return [{k: v for k, v in row.items() if k not in ("created_at", "updated_at")} for row in rows]


def test_insert_writes_the_rows_bulk_create_writes_in_one_statement():
    application = start_online(make_item(), make_citizen())
    ours = [_event(application, message=f"第{n}次") for n in range(3)]
    theirs = [_event(application, message=f"第{n}次") for n in range(3)]

    with CaptureQueriesContext(connection) as captured:
        assert insert(ours) == ours
    CaseEvent.objects.bulk_create(theirs)

    assert len(captured.captured_queries) == 1
    assert [event.pk for event in ours] == sorted(event.pk for event in ours)  # in order
    assert all(event._state.adding is False and event._state.db == "default" for event in ours)
    assert _stored(CaseEvent, [e.pk for e in ours]) == _stored(CaseEvent, [e.pk for e in theirs])
    assert insert([]) == []


def test_insert_sets_auto_now_fields_and_related_ids_as_save_does():
    citizen = make_citizen()
    before = datetime.datetime.now(tz=datetime.UTC)
    notification = Notification(recipient=citizen.user, title="您的申请已受理")
    insert([notification])
    stored = Notification.objects.get(pk=notification.pk)
    assert stored.recipient_id == citizen.user_id
    assert stored.created_at == notification.created_at >= before
    assert stored.updated_at == notification.updated_at >= before
    assert stored.dispatched_at is None
    assert stored.body == ""


def test_insert_refuses_rows_it_cannot_write():
    application = start_online(make_item(), make_citizen())
    saved = _event(application)
    saved.save()
    with pytest.raises(ValueError, match="new rows of one model"):
        insert([saved])
    with pytest.raises(ValueError, match="new rows of one model"):
        insert([_event(application), Notification(recipient_id=1, title="x")])
    unsaved = Application(item_version=application.item_version)  # never saved
    with pytest.raises(ValueError, match="unsaved related object"):
        insert([CaseEvent(application=unsaved, at=saved.at, action="upload")])


def test_update_writes_the_fields_save_writes_and_fails_on_a_vanished_row():
    application = start_online(make_item(), make_citizen())
    slot = application.materials.order_by("pk").first()
    stamp = slot.updated_at
    slot.original_filename = "营业执照.pdf"
    slot.size = 2048
    slot.status = "defective"  # not in the list: not written

    with CaptureQueriesContext(connection) as captured:
        update(slot, ["original_filename", "size", "updated_at"])
    assert len(captured.captured_queries) == 1
    stored = SubmittedMaterial.objects.get(pk=slot.pk)
    assert (stored.original_filename, stored.size) == ("营业执照.pdf", 2048)
    assert stored.status != "defective"
    assert stored.updated_at == slot.updated_at > stamp  # auto_now, as save() sets it

    SubmittedMaterial.objects.filter(pk=slot.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        update(slot, ["size"])
    with pytest.raises(ValueError, match="primary key"):
        update(slot, ["id"])


def test_update_refuses_a_model_whose_saves_are_listened_to():
    hall = HallFactory(code="TST", name="测试大厅")
    with pytest.raises(ValueError, match="save signal receivers"):
        update(hall, ["name"])


def test_a_receiver_connected_after_the_first_write_is_refused_too():
    """The check runs on every call, not once per process: a receiver connected later
    (another app's ready(), a test) is never silently skipped."""
    from django.db.models.signals import post_save

    application = start_online(make_item(), make_citizen())
    slot = application.materials.order_by("pk").first()
    insert([_event(application)])
    update(slot, ["size"])

    def listener(**kwargs):
        pass  # pragma: no cover - never called: the writes refuse first

    post_save.connect(listener, sender=CaseEvent)
    post_save.connect(listener, sender=SubmittedMaterial)
    try:
        with pytest.raises(ValueError, match="save signal receivers"):
            insert([_event(application)])
        with pytest.raises(ValueError, match="save signal receivers"):
            update(slot, ["size"])
    finally:
        post_save.disconnect(listener, sender=CaseEvent)
        post_save.disconnect(listener, sender=SubmittedMaterial)
    insert([_event(application)])  # fine again


PIECES = ["prepared_query", "remember_related", "insert", "update"]


@pytest.mark.parametrize("piece", PIECES)
def test_each_piece_switched_off_does_what_the_public_api_does(piece, settings):
    """The benchmark's A/B switch (bench.settings.FASTPATH_OFF): the same results."""
    settings.FASTPATH_OFF = frozenset({piece})
    application = start_online(make_item(), make_citizen())
    expected = list(_orm(application.pk))
    assert [s.pk for s in PreparedQuery(lambda pk: _orm(pk))(application.pk)] == [
        s.pk for s in expected
    ]
    fresh = type(application).objects.get(pk=application.pk)
    remember_related(fresh, "materials", expected)
    assert sorted(s.pk for s in fresh.materials.all()) == sorted(s.pk for s in expected)
    events = insert([_event(application), _event(application)])
    assert all(event.pk for event in events)
    assert CaseEvent.objects.filter(pk__in=[e.pk for e in events]).count() == 2
    slot = expected[0]
    slot.size = 4321
    update(slot, ["size"])
    assert SubmittedMaterial.objects.get(pk=slot.pk).size == 4321
