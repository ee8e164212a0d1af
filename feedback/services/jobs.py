"""The jobs of 好差评: default ratings when a rating period ends unrated, and the
invitations to rate.

**Default ratings** (GB/T 39734-2020: an instance not rated within the period counts
as 基本满意). ``ratings_default_record`` gives every OPEN instance whose ``rate_until``
has passed a rating with ``is_default`` (level 基本满意, channel DEFAULT, no rater,
rated at the end of the period) and marks it DEFAULTED. It is set-based: per batch one
``INSERT … SELECT`` writes the ratings (plain SQL: the ORM has no INSERT from a SELECT)
and one ``UPDATE`` (the ORM's) marks their instances, in one transaction. It is
idempotent, also when runs overlap: only instances without a rating are chosen, the
rating's one-to-one constraint turns a second insert into nothing (``ON CONFLICT DO
NOTHING``), only the instances whose rating this run inserted (``RETURNING``) are marked,
and on PostgreSQL a batch locks its instances with ``SKIP LOCKED``, so a second run takes
other rows instead of waiting, and a citizen rating in the last second (the rating
service locks the instance) is never overwritten.

**Invitations** (the SMS channel of item 3):

- ``rating_link_send``: a walk-in applicant (no portal account) is texted the rating link
  of an instance as soon as the instance exists (the act that opens it commits);
- ``invitations_send``: whoever has not rated ``FEEDBACK_INVITE_DAYS`` after the service
  gets one invitation while the period is still open: an in-portal message (SMS and
  e-mail from its outbox) for an account, an SMS for a walk-in. ``invited_at`` marks the
  instance in the same transaction, so it is sent once.

Both go through the notifications outbox (``jinpu_portal.notifications``): nothing is
sent for an act or a run rolled back. The link is the token link of the rate-by-token page
with ``?via=sms``, so a rating made through it records the SMS channel. Messages name
the item and the case, never a member of staff.
"""

import datetime
import functools
import threading
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from intake.services.contact import walk_in_phone
from jinpu_portal.dates import datetime_text
from jinpu_portal.notifications import Message, notify, notify_many

from ..constants import InstanceState, Level, RatingChannel, Stage
from ..models import Rating, ServiceInstance

#: Instances per transaction of the default-rating job (a batch holds its row locks).
DEFAULT_BATCH = 10_000
#: Database sessions of the default-rating job side by side (PostgreSQL).
DEFAULT_SESSIONS = 2
#: Instances per transaction of the invitations.
INVITE_BATCH = 500

SMS_VIA = "sms"


# --- Default ratings --------------------------------------------------------------------


@dataclass(frozen=True)
class JobRun:
    def as_dict(self) -> dict:
        """For the task's result: JSON, moments in ISO 8601."""
        return {
            key: value.isoformat() if isinstance(value, datetime.datetime) else value
            for key, value in asdict(self).items()
        }


@dataclass(frozen=True)
class DefaultRun(JobRun):
    recorded: int  # default ratings written (= instances marked DEFAULTED)
    batches: int
    until: datetime.datetime  # periods ended before this moment were due


def ratings_default_record(
    *,
    now: datetime.datetime | None = None,
    batch: int = DEFAULT_BATCH,
    sessions: int = DEFAULT_SESSIONS,
) -> DefaultRun:
    """Record the default rating of every OPEN instance whose period ended before ``now``
    (default: now) and mark those instances DEFAULTED; ``batch`` instances per
    transaction. Running it again, or twice at once, records nothing twice.

    On PostgreSQL, called outside a transaction, ``sessions`` database sessions (threads)
    take batches side by side (``SKIP LOCKED`` keeps them apart): writing the rows and
    their index entries is work for the database's CPUs, so two sessions take about half
    the time of one where two CPUs are free."""
    now = now or timezone.now()
    side_by_side = (
        sessions > 1
        and connection.features.has_select_for_update_skip_locked
        and not connection.in_atomic_block  # threads would not see the caller's rows
    )
    if not side_by_side:
        recorded, batches = _default_batches(now, batch)
        return DefaultRun(recorded=recorded, batches=batches, until=now)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def session() -> None:
        try:
            results.append(_default_batches(now, batch))
        except BaseException as error:  # re-raised in the caller's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return DefaultRun(
        recorded=sum(recorded for recorded, _ in results),
        batches=sum(batches for _, batches in results),
        until=now,
    )


def _default_batches(now: datetime.datetime, batch: int) -> tuple[int, int]:
    """Batches until none is left for this session: (ratings recorded, batches)."""
    recorded = batches = 0
    while True:
        with transaction.atomic():
            ids = _default_ratings_insert(now=now, limit=batch)
            for chunk in _chunks(ids):
                ServiceInstance.objects.filter(pk__in=chunk).update(
                    state=InstanceState.DEFAULTED, updated_at=now
                )
        if not ids:
            # Nothing left, or what is left is locked by another session or run (which
            # records it) or was rated in the meantime.
            return recorded, batches
        recorded += len(ids)
        batches += 1


def _default_ratings_insert(*, now: datetime.datetime, limit: int) -> list[int]:
    """One batch: insert the default ratings of up to ``limit`` due instances that have
    none, skipping instances another transaction holds; the ids of those rated now."""
    sql, params = _default_insert_statement(now)
    with connection.cursor() as cursor:
        moment = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [InstanceState.OPEN.value, moment, limit, *params])
        return [row[0] for row in cursor.fetchall()]


def _default_insert_statement(now: datetime.datetime) -> tuple[str, list]:
    """``WITH due AS (…) INSERT INTO rating (…) SELECT … FROM due`` and the values of the
    rating's columns other than the instance and the time. Every concrete column of
    Rating is written: the default rating's own values, else the field's default, as
    ``Rating(...)`` would have them (a field added later is written too)."""
    qn = connection.ops.quote_name
    rating, instance = Rating._meta, ServiceInstance._meta
    own = {
        "level": Level.BASIC,
        "channel": RatingChannel.DEFAULT,
        "is_default": True,
        "rater": None,
        "created_at": now,
        "updated_at": now,
    }
    columns, values, params = [], [], []
    for field in rating.concrete_fields:
        if field.primary_key:
            continue
        columns.append(qn(field.column))
        if field.name == "instance":
            values.append("due.id")
        elif field.name == "rated_at":
            values.append("due.rate_until")  # the end of the period, whenever the job runs
        else:
            value = own[field.name] if field.name in own else field.get_default()
            values.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    lock = (
        f" FOR UPDATE OF {qn('s')} SKIP LOCKED"
        if connection.features.has_select_for_update_skip_locked
        else ""  # SQLite: a write transaction holds the whole database
    )
    instance_table, rating_table = qn(instance.db_table), qn(rating.db_table)
    rating_instance = qn(rating.get_field("instance").column)
    # Identifiers quoted by the backend, every value a parameter.
    sql = (
        f"WITH due AS ("  # noqa: S608
        f" SELECT s.id, s.rate_until FROM {instance_table} s"
        f" WHERE s.state = %s AND s.rate_until < %s"
        f" AND NOT EXISTS (SELECT 1 FROM {rating_table} r WHERE r.{rating_instance} = s.id)"
        f" ORDER BY s.rate_until LIMIT %s{lock})"
        f" INSERT INTO {rating_table} ({', '.join(columns)})"
        f" SELECT {', '.join(values)} FROM due WHERE true"  # WHERE: SQLite's ON CONFLICT
        f" ON CONFLICT ({rating_instance}) DO NOTHING"
        f" RETURNING {rating_instance}"
    )
    return sql, params


def _chunks(ids: list[int]):
    """The ids in as few lists as the database takes parameters (SQLite: 999)."""
    size = connection.features.max_query_params or len(ids) or 1
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- Invitations ------------------------------------------------------------------------


def rating_sms_link(instance: ServiceInstance) -> str:
    """The absolute address of the instance's rate-by-token page, marked as the SMS
    channel (the rating records channel SMS)."""
    from ..tokens import rating_url  # the token rules live with the rating page

    return f"{settings.SITE_URL}{rating_url(instance, via=SMS_VIA)}"


def _service(instance: ServiceInstance) -> str:
    """“您办理“食品经营许可”的受理服务” (the item and the stage, no names)."""
    name = instance.application.item_version.name
    return f"您办理“{name}”的{Stage(instance.stage).label}"


def _deadline(moment: datetime.datetime) -> str:
    """The end of a rating period as the citizen reads it: the day and the time (the
    period ends at the time of day of the service, not at midnight)."""
    return datetime_text(moment)


def rating_link_send(*, application, stage: str) -> bool:
    """Text a walk-in applicant (a counter case, no portal account) the rating link of
    ``application``'s instance at ``stage``. Call it in the transaction that opens the
    instance (feedback's receivers do): the message is put in the outbox when that
    transaction commits, after the act's own messages (受理, 办结), so the applicant
    reads them in that order, and never for an act rolled back. An applicant with an
    account rates under 我的申请 and is invited later if they have not. Returns whether
    a message will be written (not for an account, nor without a mobile number)."""
    if application.applicant.user_id is not None:
        return False
    phone = walk_in_phone(application)
    if not phone:
        return False
    transaction.on_commit(functools.partial(_rating_link_write, application.pk, stage, phone))
    return True


def _rating_link_write(application_id: int, stage: str, phone: str) -> None:
    with transaction.atomic():
        instance = (
            ServiceInstance.objects.select_related("application__item_version")
            .filter(application_id=application_id, stage=stage, state=InstanceState.OPEN)
            .first()
        )
        if instance is None:  # rated meanwhile (the counter pad), or not opened after all
            return
        link = rating_sms_link(instance)
        notify(
            recipient=None,
            phone=phone,
            title="请您评价本次服务",
            body=f"{_service(instance)}已完成，请在{_deadline(instance.rate_until)}前评价：{link}",
            url=link.removeprefix(settings.SITE_URL),
            reference=instance.application.case_number or "",
        )


@dataclass(frozen=True)
class InvitationRun(JobRun):
    invited: int  # instances marked invited
    messages: int  # messages written (an applicant without account or mobile gets none)
    since: datetime.datetime  # served before this moment and still unrated


def invitations_send(
    *, now: datetime.datetime | None = None, batch: int = INVITE_BATCH
) -> InvitationRun:
    """Invite, once, every applicant whose instance served ``FEEDBACK_INVITE_DAYS`` ago or
    earlier is still unrated and not yet invited, while its period is open: the
    in-portal message (and SMS from its outbox) to an account, an SMS to a walk-in.
    Marks ``invited_at`` in the same transaction; overlapping runs skip each other's
    rows (PostgreSQL) or wait for them (SQLite)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.FEEDBACK_INVITE_DAYS)
    invited = messages = 0
    while True:
        with transaction.atomic():
            due = list(
                ServiceInstance.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    state=InstanceState.OPEN,
                    invited_at__isnull=True,
                    served_at__lte=since,
                    rate_until__gt=now,
                )
                .select_related("application__applicant", "application__item_version")
                .order_by("rate_until", "id")[:batch]
            )
            if not due:
                break
            for chunk in _chunks([instance.pk for instance in due]):
                ServiceInstance.objects.filter(pk__in=chunk).update(invited_at=now, updated_at=now)
            messages += notify_many(_invitation(instance) for instance in due)
        invited += len(due)
    return InvitationRun(invited=invited, messages=messages, since=since)


def _invitation(instance: ServiceInstance) -> Message:
    application = instance.application
    user_id = application.applicant.user_id
    link = rating_sms_link(instance)
    return Message(
        recipient_id=user_id,
        phone="" if user_id is not None else walk_in_phone(application),
        title="邀请您评价政务服务",
        body=f"{_service(instance)}尚未评价，请在{_deadline(instance.rate_until)}前评价：{link}",
        url=link.removeprefix(settings.SITE_URL),
        reference=application.case_number or "",
    )
