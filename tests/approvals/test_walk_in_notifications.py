"""Walk-in applicants (a counter case for a person without an account) are told by SMS
at the number recorded at the counter when the case is accepted, decided and ready to
collect: through the notification outbox, as an account holder's SMS goes."""

import logging

import pytest

from intake.constants import DeliveryMethod
from jinpu_portal.models import Notification
from jinpu_portal.notifications import notifications_dispatch_pending
from tests.approvals.test_delivery import conclude
from tests.factories import CitizenFactory, accept_case, make_version

pytestmark = pytest.mark.django_db


def accept_at_counter(version, clerk, applicant, *, contact_phone="", **kwargs):
    return accept_case(
        version, clerk=clerk, applicant=applicant, contact_phone=contact_phone, **kwargs
    )


def outbox_titles(phone):
    return list(
        Notification.objects.filter(recipient__isnull=True, phone=phone)
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_a_walk_in_is_texted_when_accepted_decided_and_ready_to_collect(
    sequential_version, clerk, spj_approver, django_capture_on_commit_callbacks, caplog
):
    walk_in = CitizenFactory(name="赵大爷", user=None, phone="13800000001")
    case = accept_at_counter(sequential_version, clerk, walk_in, contact_phone="13900007777")
    assert outbox_titles("13900007777") == ["您的申请已受理"]
    accepted = Notification.objects.get(title="您的申请已受理")
    assert case.case_number in accepted.body
    assert accepted.dispatched_at is None  # waits in the outbox

    conclude(case, spj_approver, django_capture_on_commit_callbacks)
    # And the rating link of the decision (feedback), after the act's own messages.
    assert outbox_titles("13900007777") == [
        "您的申请已受理",
        "您的办件已办结",
        "办理结果可以领取",
        "请您评价本次服务",
    ]
    # Nothing went to the number registered with the identity, nobody's inbox got it.
    assert not Notification.objects.filter(phone="13800000001").exists()

    with caplog.at_level(logging.INFO, logger="jinpu_portal.notifications"):
        assert notifications_dispatch_pending() == 4
    assert "SMS to 7777: 您的申请已受理" in caplog.text
    assert "SMS to 7777: 办理结果可以领取" in caplog.text
    assert not Notification.objects.filter(dispatched_at__isnull=True).exists()


def test_a_landline_at_the_counter_falls_back_to_the_registered_mobile(sequential_version, clerk):
    walk_in = CitizenFactory(user=None, phone="13800000002")
    accept_at_counter(sequential_version, clerk, walk_in, contact_phone="0411-87651234")
    assert outbox_titles("13800000002") == ["您的申请已受理"]


def test_a_walk_in_without_a_mobile_number_gets_no_row(sequential_version, clerk):
    walk_in = CitizenFactory(user=None, phone="")
    accept_at_counter(sequential_version, clerk, walk_in, contact_phone="0411-87651234")
    assert not Notification.objects.exists()


def test_an_account_holder_keeps_the_in_portal_message_and_no_extra_sms(
    sequential_version, clerk, citizen
):
    accept_at_counter(sequential_version, clerk, citizen, contact_phone="13900007777")
    message = Notification.objects.get(title="您的申请已受理")
    assert (message.recipient, message.phone) == (citizen.user, "")


def test_post_delivery_is_not_announced_as_ready_to_collect(
    spj, clerk, spj_approver, django_capture_on_commit_callbacks
):
    version = make_version(
        department=spj, steps=[(1, "决定", spj, 3)], postal_delivery_supported=True
    )
    walk_in = CitizenFactory(user=None, phone="13800000003")
    application = accept_at_counter(
        version,
        clerk,
        walk_in,
        delivery_method=DeliveryMethod.POST,
        delivery_address="大连市金州区友谊街道1号",
    )
    conclude(application, spj_approver, django_capture_on_commit_callbacks)
    assert outbox_titles("13800000003") == ["您的申请已受理", "您的办件已办结", "请您评价本次服务"]
