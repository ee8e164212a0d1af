"""Telling people what happened: one ``notify`` call, pluggable channels.

The in-portal message is always written, in the caller's transaction. The other back
ends named in ``settings.NOTIFICATION_BACKENDS`` (SMS, email) run after commit in a
Celery task, so a slow gateway never holds a request and a rolled-back action sends
nothing. The demo's back ends only log (with ID numbers redacted by the log filter).
The task carries the recipient's id, not their phone number or address: the worker
reads those when it sends, so no personal data waits in the broker.
"""

import logging
from dataclasses import asdict, dataclass, replace

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipient_id: int
    title: str
    body: str = ""
    url: str = ""
    reference: str = ""
    phone: str = ""
    email: str = ""


class InPortalBackend:
    """Writes the Notification row (always on; runs inside the caller's transaction)."""

    def send(self, message: Message) -> None:
        from .models import Notification

        Notification.objects.create(
            recipient_id=message.recipient_id,
            title=message.title,
            body=message.body,
            url=message.url,
            reference=message.reference,
        )


class LoggingSmsBackend:
    """Stands where an SMS gateway would; logs what it would send."""

    def send(self, message: Message) -> None:
        if message.phone:
            logger.info("SMS to %s: %s %s", message.phone[-4:], message.title, message.reference)


class EmailBackend:
    """Sends through Django's EMAIL_BACKEND (console in the demo)."""

    def send(self, message: Message) -> None:
        if message.email:
            send_mail(
                f"【金普新区政务服务】{message.title}",
                f"{message.body}\n\n{settings.SITE_URL}{message.url}",
                None,
                [message.email],
            )


def _external_backends():
    return [
        import_string(path)()
        for path in settings.NOTIFICATION_BACKENDS
        if not path.endswith("InPortalBackend")
    ]


def notify(*, recipient, title: str, body: str = "", url: str = "", reference: str = "") -> None:
    """Notify a user (a User or a user id; None is nobody): in-portal now, other
    channels after commit."""
    if recipient is None:
        return
    message = Message(
        recipient_id=getattr(recipient, "pk", recipient),
        title=title,
        body=body,
        url=url,
        reference=reference,
    )
    InPortalBackend().send(message)
    if len(settings.NOTIFICATION_BACKENDS) > 1:
        from .tasks import notification_dispatch

        payload = asdict(message)
        # robust: with the broker down the act stands and only the SMS/e-mail is lost
        # (logged); the in-portal message is already written.
        transaction.on_commit(lambda: notification_dispatch.delay(payload), robust=True)


def dispatch_external(payload: dict) -> None:
    """The worker's half of ``notify``: the SMS and email back ends, with the
    recipient's current phone number and address."""
    from django.contrib.auth import get_user_model

    message = Message(**payload)
    contact = (
        get_user_model()
        .objects.filter(pk=message.recipient_id, is_active=True)
        .values("phone", "email")
        .first()
    )
    if contact is None:
        return
    message = replace(message, phone=contact["phone"] or "", email=contact["email"] or "")
    for backend in _external_backends():
        try:
            backend.send(message)
        except Exception:
            logger.exception("Notification back end %s failed", type(backend).__name__)


def notification_mark_read(*, recipient, ids=None) -> int:
    """Mark ``recipient``'s unread in-portal messages read: those with the given ids, or
    all of them when ``ids`` is None. Other people's messages are never touched.
    Returns how many were marked."""
    from .models import Notification

    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    now = timezone.now()
    return unread.update(read_at=now, updated_at=now)
