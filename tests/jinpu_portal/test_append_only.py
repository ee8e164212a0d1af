"""The audit records (every ``*Event`` table) are append-only: ``AppendOnlyModel``
refuses to change or delete a stored row through the model."""

import pytest
from django.apps import apps

from catalog.constants import CatalogEventAction
from catalog.models import CatalogEvent
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
