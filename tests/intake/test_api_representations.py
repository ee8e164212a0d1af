"""The intake API's answers written out by hand (``WrittenOutMixin``) give exactly what
their declared fields give, which are the OpenAPI schema: for applications in every
state the answers show."""

import pytest
from django.db.models import prefetch_related_objects

from intake.api.citizen_serializers import ApplicationStateSerializer
from intake.api.clerk_serializers import ClerkOutcomeSerializer
from intake.models import Application
from intake.services.online import application_update_online
from intake.services.slots import slots_of
from tests.factories import (
    accept_all,
    make_citizen,
    make_clerk,
    make_enterprise,
    make_item,
    request_correction,
    start_online,
    upload_required,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applications():
    """A draft with an agent and a note, one for an enterprise, one waiting for
    corrections, one accepted (and routed)."""
    from intake.services.cases import application_submit

    item = make_item(name="食品经营许可")
    citizen = make_citizen("李明", phone="13900000001")
    clerk = make_clerk()
    draft = start_online(item, citizen)
    application_update_online(
        application=draft,
        actor=citizen.user,
        note="新开门店",
        agent={"name": "张代办", "id_number": "360426199101010071", "phone": "13922223333"},
    )
    enterprise = start_online(item, citizen, enterprise=make_enterprise(citizen))
    corrected = start_online(item, citizen)
    upload_required(corrected)
    application_submit(application=corrected, actor=citizen.user)
    request_correction(corrected, clerk, defective="申请表")
    accepted = start_online(item, citizen)
    upload_required(accepted)
    application_submit(application=accepted, actor=citizen.user)
    accept_all(accepted, clerk)
    return [draft, enterprise, corrected, accepted]


def loaded(application):
    application = Application.objects.select_related(
        "item_version__item", "item_version__department", "applicant", "enterprise", "window"
    ).get(pk=application.pk)
    slots_of(application)
    prefetch_related_objects([application], "notices")
    return application


def test_state_written_out_is_the_declared_fields(applications):
    statuses = set()
    for application in map(loaded, applications):
        serializer = ApplicationStateSerializer(application)
        assert serializer.to_representation(application) == (
            serializer.declared_representation(application)
        )
        statuses.add(application.status)
    assert statuses == {"draft", "correction", "in_approval"}


def test_clerk_outcome_written_out_is_the_declared_fields(applications):
    for application in map(loaded, applications):
        serializer = ClerkOutcomeSerializer(application)
        written = serializer.to_representation(application)
        assert written == serializer.declared_representation(application)
    assert written["notices"]
    assert written["case_number"]
