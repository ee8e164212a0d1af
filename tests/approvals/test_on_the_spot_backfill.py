"""即办件 concluded on the spot before approvals recorded their hand-over (commit
fe53728: the receiver of ``case_concluded``) have no ``Delivery``. Migration
approvals.0009 and the function it runs (``on_the_spot_backfill``) write for each the
rows the receiver writes now, through the receiver's own builder: a case of then ends
with the record a case of now has, and nothing else is touched."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from approvals.constants import ApprovalEvent
from approvals.models import Delivery
from approvals.receivers import deliver_on_the_spot
from approvals.selectors import case_result
from approvals.services.delivery import on_the_spot_backfill
from intake.constants import CaseStatus, DeliveryMethod
from intake.services.cases import case_concluded
from supervision.refresh import visit_days
from tests.factories import accept_case

UID = "approvals.deliver_on_the_spot"
BEFORE = [("approvals", "0008_extension_authority")]
AFTER = [("approvals", "0009_on_the_spot_deliveries")]


@contextmanager
def before_the_receiver():
    """The code before fe53728: a conclusion on the spot reached no receiver of
    approvals, so nothing recorded the hand-over."""
    case_concluded.disconnect(dispatch_uid=UID)
    try:
        yield
    finally:
        case_concluded.connect(deliver_on_the_spot, dispatch_uid=UID)


def concluded_on_the_spot(version, clerk, applicant):
    return accept_case(
        version,
        clerk=clerk,
        applicant=applicant,
        delivery_method=DeliveryMethod.ELECTRONIC,  # handed over at the window all the same
        conclude_immediately=True,
    )


def record_of(case) -> tuple[dict, dict]:
    """What a case's delivery and its 结果送达 event say, beside the case itself."""
    delivery = Delivery.objects.get(application=case)
    event = case.events.get(action=ApprovalEvent.DELIVERED)
    return (
        {
            "method": delivery.method,
            "status": delivery.status,
            "window": delivery.window_id,
            "delivered_at": delivery.delivered_at == case.concluded_at,
            "delivered_by": delivery.delivered_by_id,
            "recipient": delivery.recipient_name,
            "tracking_number": delivery.tracking_number,
            "address": delivery.address,
        },
        {
            "at": event.at == case.concluded_at,
            "actor": event.actor_id,
            "actor_role": event.actor_role,
            "channel": event.channel,
            "hall": event.hall_id,
            "window": event.window_id,
            "department": event.department_id,
            "statuses": (event.from_status, event.to_status),
            "message": event.message,
            "details": {k: v for k, v in event.details.items() if k != "backfilled"},
        },
    )


@pytest.mark.django_db
def test_a_case_of_then_gets_the_record_a_case_of_now_has(immediate_item, clerk, citizen):
    with before_the_receiver():
        then = concluded_on_the_spot(immediate_item, clerk, citizen)
    now = concluded_on_the_spot(immediate_item, clerk, citizen)
    assert not Delivery.objects.filter(application=then).exists()
    assert case_result(then).method == ""  # its card claimed no delivery

    assert on_the_spot_backfill() == 1

    assert record_of(then) == record_of(now)
    event = then.events.get(action=ApprovalEvent.DELIVERED)
    assert event.details["backfilled"] is True  # the audit says it was recorded later
    assert "backfilled" not in now.events.get(action=ApprovalEvent.DELIVERED).details
    result = case_result(then)
    assert (result.method, result.status_label, result.on_the_spot) == ("window", "当场领取", True)
    assert visit_days([then.pk]) == {then.pk: 1}  # still one visit (一次办结)
    assert on_the_spot_backfill() == 0  # idempotent


@pytest.mark.django_db
def test_only_cases_concluded_on_the_spot_without_a_delivery_are_touched(
    immediate_item, accept, sequential_version, clerk, citizen
):
    recorded = concluded_on_the_spot(immediate_item, clerk, citizen)  # has its delivery
    open_immediate = accept(immediate_item)  # accepted, not concluded on the spot
    promised = accept(sequential_version)  # in approval: its delivery comes when decided
    with before_the_receiver():
        missing = [concluded_on_the_spot(immediate_item, clerk, citizen) for _ in range(3)]
    assert open_immediate.status == CaseStatus.ACCEPTED
    deliveries = Delivery.objects.count()

    assert on_the_spot_backfill(batch_size=2) == 3  # in two batches

    assert Delivery.objects.count() == deliveries + 3
    assert {d.application_id for d in Delivery.objects.filter(application__in=missing)} == {
        case.pk for case in missing
    }
    assert recorded.events.filter(action=ApprovalEvent.DELIVERED).count() == 1
    for case in (open_immediate, promised):
        assert not Delivery.objects.filter(application=case).exists()
        assert not case.events.filter(action=ApprovalEvent.DELIVERED).exists()


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migration_0009_records_them(immediate_item, clerk, citizen):
    with before_the_receiver():
        then = concluded_on_the_spot(immediate_item, clerk, citizen)
    now = concluded_on_the_spot(immediate_item, clerk, citizen)
    migrate(BEFORE)  # the reverse removes nothing: there was nothing to remove yet
    assert not Delivery.objects.filter(application=then).exists()

    migrate(AFTER)

    assert record_of(then) == record_of(now)
    migrate(BEFORE)  # reversed: the rows stay, they record what happened
    assert Delivery.objects.filter(application=then).exists()
    migrate(AFTER)
    assert then.events.filter(action=ApprovalEvent.DELIVERED).count() == 1
