"""Issuing tickets (取号), 绿色通道, cancelling, and the "almost your turn" SMS.

``ticket_issue`` is the kiosk's and the reception desk's one call, and the hot path of
the hall (bench/hall_ticket_bench.py). On PostgreSQL it is ONE statement, atomic by
itself (data-modifying CTEs, no BEGIN/COMMIT round trips):

1. the day's number: ``INSERT … SELECT … ON CONFLICT (category, day) DO UPDATE SET
   last = last + 1, waiting_<lane> = waiting_<lane> + 1 RETURNING …`` on
   ``DayCounter``, which also checks that the category is active and of the kiosk's
   hall (no row: refused) and returns the day's served count and service seconds (for
   the expected wait) and the waiting count of each lane, this ticket included. The
   counter row's lock serialises the issuers of one category (and the calls that take
   a ticket of it off the counts) until the statement commits, so numbers are gap-free
   and never repeat and the counts are exact; other categories do not wait;
2. the ticket's INSERT and its ``issued`` event's INSERT;
3. the letter, the names and the windows open for the category. The people ahead are
   the waiting counts of the ticket's lane and the lanes before it, less the ticket
   itself (``hall.services.waiting``): the queue is not counted.

The ticket page's post carries its form's key (``jinpu_portal.submissions``), and a
kiosk client of the API may send one (``submission``, to retry a request safely): the same
statement then first claims it (``_CLAIM_SQL``: ``INSERT … ON CONFLICT (key) DO
NOTHING`` of the key's row naming the ticket to be made), and the rest writes only
when that inserted a row. A second post of the page (a double tap, also at the same
moment) waits at that INSERT for the first one's commit, writes nothing, and is shown
the first post's ticket: still one statement, and one more only for the refused post.
A request without a key (the API's 取号 as the benchmark sends it) runs the statement
without the claim.

Elsewhere (SQLite: the demo and the quick tests) the same is three statements in a
transaction (``_COUNTER_SQL``, which also returns the names and the open windows, the
ticket, the event), the key claimed with ``submission_claim`` after the counter's.

Nothing else is read: no category row, no hall row, no window row. The numbers restart
each day (``DayCounter`` is per day, the day is Asia/Shanghai's); a label (A012) is
unique per hall and day in the database too.

``near_sms_send`` runs inside each call (``hall.services.calling``): one ``UPDATE …
RETURNING`` marks, set-based and once per ticket, the waiting tickets of the called
category with a mobile number and at most ``NEAR_AHEAD`` people ahead, and their SMS go
into the notifications outbox in one INSERT (sent after the commit by the outbox).
"""

import datetime
import json
import math
import secrets
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Hall, User
from jinpu_portal.db import insert
from jinpu_portal.notifications import Message, notify_many
from jinpu_portal.prepared import PreparedStatement
from jinpu_portal.submissions import submission_claim, submission_record, submission_refuse

from ..constants import (
    NEAR_AHEAD,
    Lane,
    PriorityGroup,
    TicketAction,
    TicketSource,
    TicketStatus,
)
from ..errors import HallConflict, HallError
from ..models import Appointment, ServiceCategory, Ticket
from .base import (
    clean_id_number,
    clean_mobile,
    event,
    local_day,
    log,
    record,
    require_hall_staff,
    require_today,
    signed_in,
)
from .waiting import ahead_of, waiting_add

#: Random bytes of a ticket's public follow token (token_urlsafe: 22 characters).
TOKEN_BYTES = 16
#: The ticket page's form key and the API's request key (jinpu_portal.submissions): its
#: purpose, and the refusal of its second post, which is shown the first post's ticket.
PURPOSE = "hall.ticket"
ALREADY = "该取号已提交过，未重复取号。"

# The counter's upsert of both forms: the day's number, and the ticket added to its
# lane's waiting count (EXCLUDED holds the 1 of its lane, 0 for the others).
_UPSERT_SQL = """
INSERT INTO hall_daycounter AS d (
    hall_id, category_id, day, last, served, service_seconds,
    waiting_priority, waiting_appointment, waiting_normal)
SELECT c.hall_id, c.id, %(day)s, 1, 0, 0, %(w0)s, %(w1)s, %(w2)s
FROM hall_servicecategory c{claimed}
WHERE c.id = %(category)s AND c.is_active AND (%(hall)s IS NULL OR c.hall_id = %(hall)s)
ON CONFLICT (category_id, day) DO UPDATE SET last = d.last + 1,
    waiting_priority = d.waiting_priority + EXCLUDED.waiting_priority,
    waiting_appointment = d.waiting_appointment + EXCLUDED.waiting_appointment,
    waiting_normal = d.waiting_normal + EXCLUDED.waiting_normal
"""

# The windows open for the category.
_OPEN_WINDOWS_SQL = """
SELECT count(*) FROM hall_windowseat s
JOIN hall_windowseat_categories wc ON wc.windowseat_id = s.window_id
WHERE wc.servicecategory_id = %(category)s AND s.state = 'open'
"""

_COUNTER_SQL = f"""{_UPSERT_SQL.format(claimed="")}
-- SQLite's RETURNING names the table, not its alias
RETURNING hall_id, last, served, service_seconds,
    (SELECT letter FROM hall_servicecategory s WHERE s.id = hall_daycounter.category_id),
    (SELECT service_minutes FROM hall_servicecategory s WHERE s.id = hall_daycounter.category_id),
    (SELECT name FROM hall_servicecategory s WHERE s.id = hall_daycounter.category_id),
    (SELECT name FROM accounts_hall h WHERE h.id = hall_daycounter.hall_id),
    waiting_priority, waiting_appointment, waiting_normal,
    ({_OPEN_WINDOWS_SQL})
"""  # noqa: S608 (constant SQL)

# The claim of the form's key (jinpu_portal.submissions), first in the keyed statement:
# the key's row names the ticket the statement makes (its id taken from the sequence
# here), only for a category the upsert takes. A second post of the key waits at this
# INSERT for the first one's commit and then inserts nothing, and so neither does the
# rest: ``issue`` finds the first post's ticket.
_CLAIM_SQL = """k AS (
    INSERT INTO jinpu_portal_formsubmission (
        key, user_id, purpose, content_type_id, object_id, created_at)
    SELECT %(submission)s, %(actor)s, %(purpose)s, %(ticket_type)s,
        nextval(pg_get_serial_sequence('hall_ticket', 'id')), %(now)s
    FROM hall_servicecategory c
    WHERE c.id = %(category)s AND c.is_active
        AND (%(hall)s::bigint IS NULL OR c.hall_id = %(hall)s::bigint)
    ON CONFLICT (key) DO NOTHING
    RETURNING object_id
), """


def _issue_pg_sql(*, keyed: bool) -> str:
    """PostgreSQL: the number, the ticket and its event in ONE statement (data-modifying
    CTEs), atomic on its own: no BEGIN/COMMIT round trips. Every column of hall_ticket is
    named (a new column without a value here fails the tests at once). ``keyed``: the
    form's key is claimed in it too (``_CLAIM_SQL``), and nothing is written when it was
    claimed before."""
    upsert = _UPSERT_SQL.format(claimed=", k" if keyed else "")
    return f"""
WITH {_CLAIM_SQL if keyed else ""}n AS (
    {upsert.replace("%(hall)s", "%(hall)s::bigint")}
    RETURNING d.hall_id, d.category_id, d.last, d.served, d.service_seconds,
        d.waiting_priority, d.waiting_appointment, d.waiting_normal
), c AS (
    SELECT s.letter, s.service_minutes, s.name, h.name AS hall_name
    FROM hall_servicecategory s JOIN accounts_hall h ON h.id = s.hall_id
    WHERE s.id = %(category)s
), t AS (
    INSERT INTO hall_ticket ({"id, " if keyed else ""}
        created_at, updated_at, hall_id, category_id, day, number, label, token, source,
        status, lane, queued_at, due_at, priority, priority_confirmed_by_id,
        priority_confirmed_at, appointment_id, id_number, mobile, target_window_id,
        window_id, clerk_id, call_count, first_called_at, called_at, started_at, ended_at,
        requeued, transfers, near_notified_at, application_id)
    SELECT {"k.object_id," if keyed else ""}
        %(now)s, %(now)s, n.hall_id, n.category_id, %(day)s, n.last,
        c.letter || lpad(n.last::text, greatest(3, length(n.last::text)), '0'),
        %(token)s, %(source)s, 'waiting', %(lane)s, %(now)s, %(due)s, %(priority)s, NULL,
        NULL, %(appointment)s, %(id_number)s, %(mobile)s, NULL, NULL, NULL, 0, NULL, NULL,
        NULL, NULL, false, 0, NULL, NULL
    FROM n, c{", k" if keyed else ""}
    RETURNING id, hall_id, number, label
), e AS (
    INSERT INTO hall_ticketevent (hall_id, ticket_id, action, at, actor_id, window_id, details)
    SELECT t.hall_id, t.id, %(action)s, %(now)s, %(actor)s, NULL,
        jsonb_build_object('label', t.label) || %(details)s::jsonb
    FROM t
)
SELECT t.id, t.hall_id, t.number, t.label, n.served, n.service_seconds, c.service_minutes,
    c.name, c.hall_name, n.waiting_priority, n.waiting_appointment, n.waiting_normal,
    ({_OPEN_WINDOWS_SQL})
FROM t, n, c
"""  # noqa: S608 (constant SQL)


# Parsed and planned once per connection (jinpu_portal.prepared): planning this statement
# cost the database more than running it. A 取号 without a key (the API's, as a rule) runs
# the first, one with a key (the ticket page's form key, an API client's) the second.
_ISSUE_PG = PreparedStatement("hall_ticket_issue", _issue_pg_sql(keyed=False))
_ISSUE_KEYED_PG = PreparedStatement("hall_ticket_issue_keyed", _issue_pg_sql(keyed=True))

# People ahead of a ticket in its category and day (the order of ``call_next``, an appointment
# counted in its lane) and the windows open for that category.
_AHEAD_SQL = """
SELECT
    (SELECT count(*) FROM hall_ticket t
     WHERE t.category_id = %s AND t.day = %s AND t.status = 'waiting' AND t.id <> %s
       AND (t.lane < %s OR (t.lane = %s AND (t.queued_at < %s
            OR (t.queued_at = %s AND t.id < %s))))),
    (SELECT count(*) FROM hall_windowseat s
     JOIN hall_windowseat_categories wc ON wc.windowseat_id = s.window_id
     WHERE wc.servicecategory_id = %s AND s.state = 'open')
"""


@dataclass(frozen=True)
class Wait:
    """People ahead and the expected wait in minutes (None while no window is open for
    the category)."""

    ahead: int
    windows: int
    minutes: int | None


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    wait: Wait

    @property
    def ahead(self) -> int:
        return self.wait.ahead

    @property
    def expected_minutes(self) -> int | None:
        return self.wait.minutes


def follow_path(token: str) -> str:
    """The public follow page of a ticket (hallui's ``hall:follow``), "" before it is
    routed."""
    try:
        return reverse("hall:follow", args=[token])
    except NoReverseMatch:
        return ""


def estimated_wait(
    *, ahead: int, windows: int, served: int, service_seconds: int, default_minutes: int
) -> Wait:
    """The wait of a ticket with ``ahead`` people before it, in minutes: people ahead ×
    today's average service time of the category (its default before anyone is served)
    ÷ the windows open for it, rounded up; None with no window open."""
    average = service_seconds / served if served else default_minutes * 60
    minutes = math.ceil(ahead * average / windows / 60) if windows > 0 else None
    return Wait(ahead=ahead, windows=windows, minutes=minutes)


def wait_for(
    *,
    ticket_id: int,
    category_id: int,
    day: datetime.date,
    lane: int,
    queued_at: datetime.datetime,
    served: int,
    service_seconds: int,
    default_minutes: int,
) -> Wait:
    """One SELECT: people ahead of the ticket and the windows open for its category."""
    at = connection.ops.adapt_datetimefield_value(queued_at)
    with connection.cursor() as cursor:
        cursor.execute(
            _AHEAD_SQL,
            [
                category_id,
                connection.ops.adapt_datefield_value(day),
                ticket_id,
                lane,
                lane,
                at,
                at,
                ticket_id,
                category_id,
            ],
        )
        ahead, windows = cursor.fetchone()
    return estimated_wait(
        ahead=ahead,
        windows=windows,
        served=served,
        service_seconds=service_seconds,
        default_minutes=default_minutes,
    )


def _label(letter: str, number: int) -> str:
    return f"{letter}{number:03d}"


def _counter_params(*, category_id, hall_id, day, lane) -> dict:
    """The upsert's parameters: the ticket counts 1 in its lane's waiting count."""
    return {
        "day": day,
        "category": category_id,
        "hall": hall_id,
        **{f"w{each}": int(each == lane) for each in Lane.values},
    }


def _issue_rows_pg(*, category_id, hall_id, actor, source, now, values, details, submission):
    """PostgreSQL: one statement, returning the row ``issue`` reads: the ticket's id,
    hall, number and label, the day's served count and seconds, the category's default
    minutes and name, the hall's name, the three waiting counts and the open windows.
    With a ``submission`` key the statement claims it first (``_CLAIM_SQL``)."""
    keyed = {}
    if submission is not None:
        keyed = {
            "submission": str(submission),
            "purpose": PURPOSE,
            "ticket_type": ContentType.objects.get_for_model(Ticket).pk,  # cached
        }
    with connection.cursor() as cursor:
        (_ISSUE_PG if submission is None else _ISSUE_KEYED_PG).execute(
            cursor,
            {
                **keyed,
                **_counter_params(
                    category_id=category_id,
                    hall_id=hall_id,
                    day=local_day(now),
                    lane=values["lane"],
                ),
                "now": now,
                "token": values["token"],
                "source": source,
                "lane": values["lane"],
                "due": values["due_at"],
                "priority": values["priority"],
                "appointment": values["appointment_id"],
                "id_number": values["id_number"],
                "mobile": values["mobile"],
                "action": values["action"],
                "actor": getattr(signed_in(actor), "pk", None),
                "details": json.dumps(details),
            },
        )
        return cursor.fetchone()


def _issue_rows_orm(*, category_id, hall_id, actor, source, now, values, details, submission):
    """Other databases (SQLite: the demo and the quick tests): the counter's upsert, the
    ticket and the event, three statements in the caller's transaction; a ``submission``
    key is claimed once the category is known good (a refused claim rolls the caller's
    transaction back, the counter's number with it) and records the ticket."""
    day = local_day(now)
    params = _counter_params(
        category_id=category_id,
        hall_id=hall_id,
        day=connection.ops.adapt_datefield_value(day),
        lane=values["lane"],
    )
    with connection.cursor() as cursor:
        cursor.execute(_COUNTER_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    submission_claim(submission, user=signed_in(actor), purpose=PURPOSE, message=ALREADY)
    counter_hall_id, number, served, service_seconds, letter, minutes, name, hall_name = row[:8]
    ticket = Ticket(
        hall_id=counter_hall_id,
        category_id=category_id,
        day=day,
        number=number,
        label=_label(letter, number),
        token=values["token"],
        source=source,
        status=TicketStatus.WAITING,
        lane=values["lane"],
        queued_at=now,
        due_at=values["due_at"],
        priority=values["priority"],
        appointment_id=values["appointment_id"],
        id_number=values["id_number"],
        mobile=values["mobile"],
    )
    insert([ticket])
    submission_record(submission, ticket)
    record(
        event(
            hall_id=counter_hall_id,
            ticket_id=ticket.pk,
            action=values["action"],
            at=now,
            actor=actor,
            label=ticket.label,
            **details,
        )
    )
    return (
        ticket.pk,
        counter_hall_id,
        number,
        ticket.label,
        served,
        service_seconds,
        minutes,
        name,
        hall_name,
        *row[8:],  # the waiting counts and the open windows
    )


def issue(
    *,
    category_id: int,
    actor: User | None,
    source: str,
    now: datetime.datetime,
    id_number: str = "",
    mobile: str = "",
    priority: str = "",
    lane: int = Lane.NORMAL,
    due_at: datetime.datetime | None = None,
    appointment: Appointment | None = None,
    hall_id: int | None = None,
    submission=None,
) -> IssuedTicket:
    """Write the ticket's rows (``ticket_issue`` and the appointments' check-in; inputs
    already clean), with the wait: on PostgreSQL one statement, atomic by itself;
    elsewhere three in the caller's transaction. Refused (HallError ``inactive``) for a
    category that is unknown, inactive or not of ``hall_id``; with the ``submission``
    key of a form posted before, ``DuplicateSubmission`` naming its ticket."""
    values = {
        "token": secrets.token_urlsafe(TOKEN_BYTES),
        "lane": int(lane),
        "due_at": due_at,
        "priority": priority,
        "appointment_id": appointment.pk if appointment is not None else None,
        "id_number": id_number,
        "mobile": mobile,
        "action": str(TicketAction.CHECKED_IN if appointment else TicketAction.ISSUED),
    }
    details = {"source": str(source)}
    if priority:
        details["priority_claimed"] = priority
    if appointment is not None:
        details["appointment"] = appointment.pk
    write = _issue_rows_pg if connection.vendor == "postgresql" else _issue_rows_orm
    row = write(
        category_id=category_id,
        hall_id=hall_id,
        actor=actor,
        source=str(source),
        now=now,
        values=values,
        details=details,
        submission=submission,
    )
    if row is None:
        # On PostgreSQL the statement made nothing also when the key was claimed before.
        submission_refuse(submission, user=signed_in(actor), purpose=PURPOSE, message=ALREADY)
        raise HallError(
            "该业务类别不存在、已停止取号或不属于本大厅，请选择其他业务。", code="inactive"
        )
    (pk, ticket_hall_id, number, label, served, service_seconds, default_minutes, name, hall) = row[
        :9
    ]
    *counts, windows = row[9:]
    ticket = Ticket(
        id=pk,
        # The names come with the row (the kiosk shows them): no query for them.
        hall=Hall(id=ticket_hall_id, name=hall),
        category=ServiceCategory(
            id=category_id, hall_id=ticket_hall_id, name=name, service_minutes=default_minutes
        ),
        day=local_day(now),
        number=number,
        label=label,
        source=source,
        status=TicketStatus.WAITING,
        queued_at=now,
        created_at=now,
        id_number=id_number,
        mobile=mobile,
        appointment=appointment,
        **{key: values[key] for key in ("token", "lane", "due_at", "priority")},
    )
    wait = estimated_wait(
        ahead=ahead_of(values["lane"], dict(zip(Lane.values, counts, strict=True))),
        windows=windows,
        served=served,
        service_seconds=service_seconds,
        default_minutes=default_minutes,
    )
    return IssuedTicket(ticket=ticket, wait=wait)


def ticket_issue(
    *,
    category_id: int,
    actor: User | None = None,
    source: str = TicketSource.KIOSK,
    id_number: str = "",
    mobile: str = "",
    priority: str = "",
    hall_id: int | None = None,
    now: datetime.datetime | None = None,
    submission=None,
) -> IssuedTicket:
    """Issue the next number of ``category_id`` today (kiosk or reception desk).

    ``actor``: None at a kiosk (nobody signed in), the desk's clerk otherwise.
    ``id_number`` (optional) finds the applicant when the intake starts; ``mobile``
    (optional) receives the "almost your turn" SMS; ``priority`` (a ``PriorityGroup``)
    is a *claim* of 绿色通道: the ticket is served first only once a clerk confirms it
    (``priority_confirm``). ``hall_id``: the kiosk's hall, when the caller knows it (a
    category of another hall is refused). ``submission``: the ticket page's form key
    (``jinpu_portal.submissions``; the API's optional request key, None when left out): a
    second post of the same page, a double tap or a retried request, issues nothing and
    raises ``DuplicateSubmission`` naming the first post's ticket (``made``); on
    PostgreSQL the key is claimed in the issuing statement, still one statement.

    Returns the ticket with the people ahead and the expected wait. Raises HallError
    (``inactive``, ``invalid``) with a Chinese message. Appointments check in through
    ``hall.services.appointments.appointment_check_in``."""
    if source not in (TicketSource.KIOSK, TicketSource.DESK):
        raise HallError("取号方式无效。", code="invalid")
    if priority and priority not in PriorityGroup.values:
        raise HallError("绿色通道类别无效。", code="invalid")
    id_number = clean_id_number(id_number)
    mobile = clean_mobile(mobile)
    now = now or timezone.now()
    # PostgreSQL: the write is one statement, atomic by itself (no transaction block).
    block = transaction.atomic() if connection.vendor != "postgresql" else nullcontext()
    with block:
        return issue(
            category_id=category_id,
            actor=actor,
            source=source,
            now=now,
            id_number=id_number,
            mobile=mobile,
            priority=priority,
            hall_id=hall_id,
            submission=submission,
        )


def lock_ticket(ticket: Ticket | int) -> Ticket:
    """The ticket's row, locked for the rest of the transaction (HallError when gone)."""
    pk = getattr(ticket, "pk", ticket)
    found = Ticket.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise HallError("未找到该排队号。", code="not_found")
    return found


@transaction.atomic
def priority_confirm(*, ticket: Ticket | int, group: str, actor: User) -> Ticket:
    """A clerk of the hall has seen the proof: the ticket joins the 绿色通道 lane (served
    first). Only a waiting or called ticket of today (``past_day``); ``group`` is a
    ``PriorityGroup``."""
    if group not in PriorityGroup.values:
        raise HallError("请选择绿色通道类别。", code="invalid")
    ticket = lock_ticket(ticket)
    require_hall_staff(actor, ticket.hall_id)
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.CALLED):
        raise HallError(
            f"{ticket.label} 号{ticket.get_status_display()}，不能再确认绿色通道。", code="state"
        )
    if ticket.priority_confirmed_at is not None:
        raise HallConflict(f"{ticket.label} 号已确认绿色通道。")
    now = timezone.now()
    require_today(ticket, now)
    if ticket.status == TicketStatus.WAITING and ticket.lane != Lane.PRIORITY:
        waiting_add(ticket, {ticket.lane: -1, Lane.PRIORITY: +1})
    ticket.priority = group
    ticket.priority_confirmed_by = actor
    ticket.priority_confirmed_at = now
    ticket.lane = Lane.PRIORITY
    ticket.save(
        update_fields=[
            "priority",
            "priority_confirmed_by",
            "priority_confirmed_at",
            "lane",
            "updated_at",
        ]
    )
    log(ticket, TicketAction.PRIORITY_CONFIRMED, at=now, actor=actor, group=group)
    return ticket


@transaction.atomic
def ticket_cancel(*, ticket: Ticket | int, actor: User, reason: str = "") -> Ticket:
    """The person left (a clerk of the hall cancels a waiting, called or 过号 ticket of
    today; one of an earlier day is refused, ``past_day``: the day's close ends it)."""
    ticket = lock_ticket(ticket)
    require_hall_staff(actor, ticket.hall_id)
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.NO_SHOW):
        raise HallError(f"{ticket.label} 号{ticket.get_status_display()}，不能取消。", code="state")
    now = timezone.now()
    require_today(ticket, now)
    if ticket.status == TicketStatus.WAITING:
        waiting_add(ticket, {ticket.lane: -1})
    ticket.status = TicketStatus.CANCELLED
    ticket.save(update_fields=["status", "updated_at"])
    log(
        ticket,
        TicketAction.CANCELLED,
        at=now,
        actor=actor,
        window=ticket.window_id,
        reason=(reason or "").strip()[:200],
    )
    return ticket


_NEAR_SQL = """
UPDATE hall_ticket SET near_notified_at = %s
WHERE id IN (
    SELECT id FROM (
        SELECT id, row_number() OVER (ORDER BY lane, queued_at, id) AS place
        FROM hall_ticket WHERE category_id = %s AND day = %s AND status = 'waiting'
    ) ranked WHERE place <= %s
)
AND near_notified_at IS NULL AND mobile <> '' AND status = 'waiting'
RETURNING id, hall_id, label, mobile, token
"""


def near_sms_send(*, category_ids, now: datetime.datetime) -> int:
    """Text every waiting ticket of ``category_ids`` with a mobile number that now has at
    most ``NEAR_AHEAD`` people ahead, once per ticket (``near_notified_at``), inside the
    caller's transaction: one UPDATE … RETURNING per category, the SMS in one INSERT
    into the outbox, the events in one INSERT. Returns how many were texted."""
    texted = []
    at = connection.ops.adapt_datetimefield_value(now)
    day = connection.ops.adapt_datefield_value(local_day(now))
    with connection.cursor() as cursor:
        for category_id in sorted(set(category_ids)):
            cursor.execute(_NEAR_SQL, [at, category_id, day, NEAR_AHEAD + 1])
            texted += cursor.fetchall()
    if not texted:
        return 0
    notify_many(
        Message(
            recipient_id=None,
            phone=mobile,
            title="即将到号提醒",
            body=f"您的 {label} 号前面等候已不超过 {NEAR_AHEAD} 人，请回到大厅留意叫号。",
            url=follow_path(token),
            reference=label,
        )
        for _pk, _hall, label, mobile, token in texted
    )
    record(
        *(
            event(hall_id=hall_id, ticket_id=pk, action=TicketAction.NEAR_SMS, at=now)
            for pk, hall_id, _label, _mobile, _token in texted
        )
    )
    return len(texted)
