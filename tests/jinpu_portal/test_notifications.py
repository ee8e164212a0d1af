"""Notifications: the in-portal message is written with the act; SMS and e-mail go out
from it (the outbox) once committed, through ``notifications_dispatch_pending``."""

import logging

import pytest
from django.core import mail

from jinpu_portal.models import Notification
from jinpu_portal.notifications import notifications_dispatch_pending, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def citizen(phone="", email=""):
    user = UserFactory(citizen=True, phone=phone)
    user.email = email
    user.save()
    return user


def test_sent_once_from_the_outbox_with_the_current_contact(caplog):
    user = citizen(phone="13900001234", email="li@example.cn")
    notify(recipient=user, title="您的申请已受理", body="办件编号 WS2026112800001", url="/x/")
    message = Notification.objects.get(recipient=user)
    assert message.dispatched_at is None  # in the outbox: nothing sent in the request
    assert mail.outbox == []
    user.phone = "13900005678"
    user.save()
    with caplog.at_level(logging.INFO, logger="jinpu_portal.notifications"):
        assert notifications_dispatch_pending() == 1
    assert "SMS to 5678: 您的申请已受理" in caplog.text
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert "办件编号 WS2026112800001" in mail.outbox[0].body
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert notifications_dispatch_pending() == 0
    assert len(mail.outbox) == 1


def test_a_deactivated_recipient_gets_nothing_outside_the_portal():
    user = citizen(phone="13900001234", email="li@example.cn")
    notify(recipient=user.pk, title="申请已撤回")
    user.is_active = False
    user.save()
    assert notifications_dispatch_pending() == 1
    assert mail.outbox == []
    assert Notification.objects.get(recipient=user).dispatched_at is not None


def test_a_failing_back_end_is_logged_and_the_others_still_send(settings, caplog):
    settings.NOTIFICATION_BACKENDS = [
        "jinpu_portal.notifications.InPortalBackend",
        "tests.jinpu_portal.test_notifications.BrokenGateway",
        "jinpu_portal.notifications.EmailBackend",
    ]
    user = citizen(email="li@example.cn")
    notify(recipient=user, title="请补正申请材料")
    assert notifications_dispatch_pending() == 1
    assert "BrokenGateway failed" in caplog.text
    assert len(mail.outbox) == 1


def test_in_portal_only_leaves_nothing_in_the_outbox(settings):
    settings.NOTIFICATION_BACKENDS = ["jinpu_portal.notifications.InPortalBackend"]
    user = citizen(email="li@example.cn")
    notify(recipient=user, title="申请已提交")
    assert Notification.objects.get(recipient=user).dispatched_at is not None
    assert notifications_dispatch_pending() == 0


class BrokenGateway:
    def send(self, message):
        raise ConnectionError("gateway down")


def test_a_person_without_an_account_is_texted_from_the_outbox(caplog):
    notify(recipient=None, phone="13900004321", title="您的申请已受理", body="办件编号 X")
    row = Notification.objects.get()
    assert (row.recipient, row.phone, row.dispatched_at) == (None, "13900004321", None)
    with caplog.at_level(logging.INFO, logger="jinpu_portal.notifications"):
        assert notifications_dispatch_pending() == 1
    assert "SMS to 4321: 您的申请已受理" in caplog.text
    assert mail.outbox == []


def test_nobody_and_no_number_writes_nothing():
    notify(recipient=None, title="申请已撤回")
    assert not Notification.objects.exists()
