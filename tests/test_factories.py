"""The one factory module makes each state of a case through the services: the status
comes with the events the services record, never from a written field."""

import pytest

from approvals.constants import DeliveryStatus
from intake.constants import CaseAction, CaseStatus
from tests.factories import ApplicationFactory, ItemVersionFactory

pytestmark = pytest.mark.django_db

STATES = [
    ({}, CaseStatus.DRAFT, [CaseAction.CREATE]),
    ({"submitted": True}, CaseStatus.SUBMITTED, [CaseAction.SUBMIT]),
    (
        {"correction_requested": True},
        CaseStatus.CORRECTION_REQUESTED,
        [CaseAction.REQUEST_CORRECTION],
    ),
    ({"accepted": True}, CaseStatus.ACCEPTED, [CaseAction.ACCEPT]),
    ({"in_approval": True}, CaseStatus.IN_APPROVAL, [CaseAction.ACCEPT]),
    (
        {"supplement_requested": True},
        CaseStatus.SUPPLEMENT_REQUESTED,
        [CaseAction.REQUEST_SUPPLEMENT],
    ),
    ({"concluded": True}, CaseStatus.CONCLUDED, [CaseAction.CONCLUDE]),
    ({"delivered": True}, CaseStatus.CONCLUDED, [CaseAction.CONCLUDE]),
    ({"refused": True}, CaseStatus.REFUSED, [CaseAction.REFUSE]),
    ({"withdrawn": True}, CaseStatus.WITHDRAWN, [CaseAction.WITHDRAW]),
]


@pytest.mark.parametrize(("traits", "status", "actions"), STATES, ids=[s[1] for s in STATES])
def test_each_trait_reaches_its_state_through_the_services(traits, status, actions):
    application = ApplicationFactory(**traits)
    assert application.status == status
    recorded = set(application.events.values_list("action", flat=True))
    assert set(actions) <= recorded
    assert CaseAction.CREATE in recorded
    if status not in (CaseStatus.DRAFT, CaseStatus.WITHDRAWN, CaseStatus.SUBMITTED):
        assert application.window_id is not None  # a clerk at a window acted


def test_delivered_is_the_applicants_download():
    application = ApplicationFactory(delivered=True)
    assert application.delivery.status == DeliveryStatus.DELIVERED


def test_accepted_case_has_a_number_and_in_approval_has_tasks():
    accepted = ApplicationFactory(accepted=True)
    routed = ApplicationFactory(in_approval=True)
    assert accepted.case_number
    assert routed.case_number
    assert not accepted.tasks.exists()
    assert routed.tasks.exists()


def test_item_versions_are_published_with_three_kinds_of_material():
    version = ItemVersionFactory()
    assert version.status == "published"
    kinds = {(m.requirement, m.tolerance_allowed) for m in version.materials.all()}
    assert kinds == {("required", False), ("required", True), ("optional", False)}
