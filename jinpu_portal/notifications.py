"""Telling people what happened: one ``notify`` call, pluggable channels.

The in-portal message is always written, in the caller's transaction. The other back
ends named in ``settings.NOTIFICATION_BACKENDS`` (SMS, email) send from that row: it
is their outbox. Beat runs ``notifications_dispatch_pending`` every half minute, which
sends what was committed and marks it sent. So a rolled-back action sends nothing, a
slow gateway never holds a request, and a broker that is down when the act commits
delays the SMS instead of losing it; a request pays no broker message for it either.
The worker reads the recipient's phone number and address when it sends. A person
without an account (a walk-in applicant) is texted at the number given with the
message: their row has no recipient and sits in the outbox only. The demo's back ends
only log (with ID numbers redacted by the log filter).
"""

import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .db import insert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipient_id: int | None
    title: str
    body: str = ""
    url: str = ""
    reference: str = ""
    phone: str = ""
    email: str = ""


class InPortalBackend:
    """Writes the Notification row (always on; runs inside the caller's transaction)."""

    def send(self, message: Message) -> None:
        insert([self.row(message)])

    @staticmethod
    def row(message: Message):
        """The unsaved Notification row of ``message``."""
        from .models import Notification

        return Notification(
            recipient_id=message.recipient_id,
            phone="" if message.recipient_id else message.phone,
            title=message.title,
            body=message.body,
            url=message.url,
            reference=message.reference,
            # Nothing else to send: out of the outbox at once.
            dispatched_at=None if _external_paths() else timezone.now(),
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


def _external_paths() -> list[str]:
    return [path for path in settings.NOTIFICATION_BACKENDS if not path.endswith("InPortalBackend")]


def _external_backends():
    return [import_string(path)() for path in _external_paths()]


def notify(
    *,
    recipient,
    title: str,
    body: str = "",
    url: str = "",
    reference: str = "",
    phone: str = "",
) -> None:
    """Notify a user (a User or a user id): in-portal now, the other channels from the
    outbox once the caller's transaction has committed. Without a recipient, ``phone``
    is texted from the outbox (a person without an account); with neither, nobody is."""
    if recipient is None and not phone:
        return
    InPortalBackend().send(
        Message(
            recipient_id=getattr(recipient, "pk", recipient),
            title=title,
            body=body,
            url=url,
            reference=reference,
            phone=phone,
        )
    )


def notify_many(messages) -> int:
    """``notify`` for many people at once (a job's batch of ``Message``): the in-portal
    messages in one INSERT, in the caller's transaction, and so the outbox of their SMS
    and e-mail. A message with neither a recipient nor a phone is dropped. Returns how
    many were written."""
    from .models import Notification

    rows = [
        InPortalBackend.row(message)
        for message in messages
        if message.recipient_id is not None or message.phone
    ]
    Notification.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def notifications_dispatch_pending(*, limit: int = 500) -> int:
    """Send the committed messages still in the outbox through the SMS and email back
    ends, with each recipient's current phone number and address (none for a user who
    has been deactivated), and mark them sent. A back end that fails is logged; the
    message is not sent again. Rows another dispatcher holds are skipped. Returns how
    many messages were taken out of the outbox."""
    from .models import Notification

    backends = _external_backends()
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(dispatched_at__isnull=True)
            .select_related("recipient")
            .order_by("id")[:limit]
        )
        for notification in batch:
            message = _outbox_message(notification)
            for backend in backends:
                try:
                    backend.send(message)
                except Exception:
                    logger.exception(
                        "Notification back end %s failed for message %s",
                        type(backend).__name__,
                        notification.pk,
                    )
        Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
            dispatched_at=timezone.now()
        )
    return len(batch)


def _outbox_message(notification) -> Message:
    """What to send for an outbox row: to the recipient's current contact (none for a
    deactivated user), or to the row's own number when it has no recipient."""
    recipient = notification.recipient
    fields = {
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "reference": notification.reference,
    }
    if recipient is None:
        return Message(recipient_id=None, phone=notification.phone, **fields)
    return Message(
        recipient_id=recipient.pk,
        phone=(recipient.phone or "") if recipient.is_active else "",
        email=(recipient.email or "") if recipient.is_active else "",
        **fields,
    )


def dispatch_external(payload: dict) -> None:
    """Messages queued one by one by the release before the outbox: send them as
    ``notifications_dispatch_pending`` would (the task stays for them)."""
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
