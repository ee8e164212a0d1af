"""The audit records (every ``*Event`` table) are append-only: ``AppendOnlyModel``
refuses to change or delete a stored row through the model."""

import datetime

import pytest
from django.apps import apps

from catalog.constants import CatalogEventAction
from catalog.models import CatalogEvent
from intake.constants import CaseAction
from intake.models import CaseEvent
from jinpu_portal.models import AppendOnlyModel


def test_every_event_table_is_append_only():
    events = [model for model in apps.get_models() if model.__name__.endswith("Event")]
    assert {model.__name__ for model in events} >= {
        "CaseEvent",
        "OrderEvent",
        "TicketEvent",
        "CatalogEvent",
        "EnterpriseAuthorizationEvent",
    }
    assert [model.__name__ for model in events if not issubclass(model, AppendOnlyModel)] == []
    # Each says its action's label: from the field's choices, or a label of its own.
    unlabelled = [
        model.__name__
        for model in events
        if model.label is AppendOnlyModel.label and not model._meta.get_field("action").choices
    ]
    assert unlabelled == []


def test_a_row_reads_its_time_in_the_local_time_zone():
    # 18:31 UTC is 02:31 the next day in Shanghai, as the admin's 时间 column shows it.
    at = datetime.datetime(2026, 12, 7, 18, 31, tzinfo=datetime.UTC)
    assert str(CaseEvent(at=at, action=CaseAction.NOTE)) == "2026-12-08 02:31 备注"


@pytest.mark.django_db
def test_a_stored_row_is_neither_changed_nor_deleted():
    event = CatalogEvent(action=CatalogEventAction.PUBLISHED, details={"n": 1})
    event.save()  # a new row is written
    assert str(event).endswith(" 发布")

    event.details = {"n": 2}
    with pytest.raises(ValueError, match="CatalogEvent rows are append-only"):
        event.save()
    with pytest.raises(ValueError, match="CatalogEvent rows are append-only"):
        event.delete()

    stored = CatalogEvent.objects.get(pk=event.pk)
    assert stored.details == {"n": 1}
    # A row read back is stored too: saving it again is refused as well.
    with pytest.raises(ValueError, match="append-only"):
        stored.save()
