"""The minute sweep (电子监察): lights from stored dates, a warning when a light rises, 督办.

Every clock stores its due date and the day its light turns yellow, so the sweep is two
set-based UPDATEs over the partial indexes ``clock_sweep_red`` and ``clock_sweep_yellow``:
their cost follows the rows whose light changes, not the rows that exist. ``RETURNING``
hands back exactly those rows; a warning goes out for each clock whose light is now above
the level it was last warned at (``warned_level``), and ``warned_level`` is raised in the
same transaction. Running the sweep twice sends nothing twice; a sweep that did not run
(Redis or the worker down) is caught up by the next one, which reads the same stored
dates.

Overdue clocks open a 督办 record (``Escalation``, unique per clock and rule): a case
clock (promised or statutory limit) under ``case_overdue_<kind>``, a step clock under
``step_overdue`` even when the case as a whole is still green.

Warnings go to the approvers acting for the clock's department, one message per
department and level per sweep listing the clocks, so a bad morning for one department
does not send it thousands of messages; each clock is announced once per level.

A clock an app above approvals started (feedback's rectification orders,
``ClockKind.RECTIFICATION``) is lit the same way; its owner, named by the hook that app
registered (``approvals.clock_owners``), gets the warnings instead of the department's
approvers, and an overdue one opens a 督办 record under ``<kind>_overdue``.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Department, User
from jinpu_portal.dates import date_text, month_day_text
from jinpu_portal.notifications import notify

from .. import clock_owners
from ..constants import OPEN_TASK_STATUSES, ApprovalEvent, ClockKind, EscalationStatus, Light
from ..models import Clock, Escalation, Task
from .tolerance import tolerance_warn

logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key: one sweep at a time (a slow sweep overlapping the next
# minute's simply skips instead of queueing behind it).
SWEEP_LOCK_KEY = 0x4A50_5357  # "JPSW"

CASE_KINDS = (ClockKind.PROMISED, ClockKind.STATUTORY)
ESCALATED_KINDS = (*CASE_KINDS, ClockKind.STEP, ClockKind.RECTIFICATION)
STEP_RULE = "step_overdue"
LISTED_PER_MESSAGE = 10


def case_rule(kind: str) -> str:
    return f"case_overdue_{kind}"


def owned_rule(kind: str) -> str:
    """The 督办 rule of a clock whose owner a hook names (``rectification_overdue``)."""
    return f"{kind}_overdue"


@dataclass(frozen=True)
class SweepResult:
    today: datetime.date
    turned_red: int = 0
    turned_yellow: int = 0
    warned: int = 0
    escalated: int = 0
    notifications: int = 0
    skipped: bool = False
    tolerances_warned: int = 0  # 容缺 materials announced (due soon or overdue)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data


class _Row(NamedTuple):
    id: int
    kind: str
    department_id: int
    application_id: int | None
    due_date: datetime.date
    light: int
    warned_level: int


_COLUMNS = "id, kind, department_id, application_id, due_date, light, warned_level"


def _row(values) -> _Row:
    row = _Row(*values)
    if isinstance(row.due_date, str):  # SQLite hands raw SQL dates back as text
        row = row._replace(due_date=datetime.date.fromisoformat(row.due_date))
    return row


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _chunk_size() -> int:
    # SQLite caps the parameters of one statement; PostgreSQL takes big IN lists happily.
    return 20_000 if connection.vendor == "postgresql" else 900


class _Changes(NamedTuple):
    red: list[_Row]  # rows whose light turned red here
    yellow: list[_Row]
    owed: list[_Row]  # rows to warn about now (their warned_level was below the light)


def _raise_lights(cursor, today: datetime.date) -> _Changes:
    """Set-based UPDATEs, each changed row written once.

    For each level, one UPDATE raises the light and the warned level of the clocks not yet
    warned at that level (they are owed a warning), another raises only the light of
    those already warned at it (a light lowered by an extension, rising again). Their
    WHERE clauses repeat the partial indexes' predicates literally, so PostgreSQL can
    prove the indexes apply. A last UPDATE catches lights a service raised without a
    warning (a clock started or resumed already late), over the tiny partial index
    ``clock_sweep_unwarned``.
    """
    table = connection.ops.quote_name(Clock._meta.db_table)
    day = today.isoformat()
    red_when = f"is_open AND light < {Light.RED:d} AND paused_since IS NULL AND due_date < %s"
    yellow_when = (
        f"is_open AND light = {Light.GREEN:d} AND paused_since IS NULL "
        "AND yellow_from <= %s AND due_date >= %s"
    )
    rows = {}
    for name, level, when, params in (
        ("red", Light.RED, red_when, [day]),
        ("yellow", Light.YELLOW, yellow_when, [day, day]),
    ):
        cursor.execute(
            f"UPDATE {table} SET light = {level:d}, warned_level = {level:d} "  # noqa: S608
            f"WHERE {when} AND warned_level < {level:d} RETURNING {_COLUMNS}",
            params,
        )
        owed = [_row(values) for values in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {table} SET light = {level:d} "  # noqa: S608 (constants only)
            f"WHERE {when} AND warned_level >= {level:d} RETURNING {_COLUMNS}",
            params,
        )
        rows[name] = (owed, [_row(values) for values in cursor.fetchall()])
    cursor.execute(
        f"UPDATE {table} SET warned_level = light "  # noqa: S608 (constants only)
        f"WHERE is_open AND light > warned_level RETURNING {_COLUMNS}"
    )
    raised_elsewhere = [_row(values) for values in cursor.fetchall()]
    (red_owed, red_warned), (yellow_owed, yellow_warned) = rows["red"], rows["yellow"]
    return _Changes(
        red=red_owed + red_warned,
        yellow=yellow_owed + yellow_warned,
        owed=red_owed + yellow_owed + raised_elsewhere,
    )


def approvers_by_department(department_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active approvers acting for each department (django-guardian object permissions,
    granted to the user or to one of their groups), in a fixed number of queries."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

    wanted = {str(pk) for pk in department_ids}
    if not wanted:
        return {}
    content_type = ContentType.objects.get_for_model(Department)
    common = {
        "content_type": content_type,
        "permission__codename": "act_for_department",
        "object_pk__in": sorted(wanted),
    }
    pairs = set(
        get_user_obj_perms_model(Department)
        .objects.filter(**common)
        .values_list("object_pk", "user_id")
    )
    pairs |= set(
        get_group_obj_perms_model(Department)
        .objects.filter(**common, group__user__isnull=False)
        .values_list("object_pk", "group__user")
    )
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={user_id for _, user_id in pairs}, is_active=True, groups__name=Role.APPROVER
        ).order_by("pk")
    }
    result: dict[int, list[User]] = defaultdict(list)
    for object_pk, user_id in sorted(pairs, key=lambda pair: (int(pair[0]), pair[1])):
        if user_id in users:
            result[int(object_pk)].append(users[user_id])
    return result


def _select_by_ids(sql: str, ids: list[int], params: tuple = ()) -> list[tuple]:
    """Rows of ``sql`` (whose ``{ids}`` marks an ``IN``-style condition on a column) for
    many ids: one ``= ANY(array)`` on PostgreSQL, bounded ``IN`` lists on SQLite. The ORM's
    ``__in`` prepares every id separately, which shows at thousands of ids."""
    if not ids:
        return []
    rows = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(ids="= ANY(%s)"), [*params, ids])
            return cursor.fetchall()
        for chunk in _chunks(ids, _chunk_size()):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(ids=f"IN ({marks})"), [*params, *chunk])
            rows += cursor.fetchall()
    return rows


class _Context:
    """Names for the messages and records: cases, departments, tasks (a few queries)."""

    def __init__(self, rows: list[_Row]):
        from catalog.models import ItemVersion
        from intake.models import Application

        quote = connection.ops.quote_name
        self.labels = {kind: str(label) for kind, label in ClockKind.choices}
        application_ids = sorted({row.application_id for row in rows if row.application_id})
        self.cases: dict[int, tuple[str, str]] = {
            pk: (number or f"#{pk}", item)
            for pk, number, item in _select_by_ids(
                f"SELECT a.id, a.case_number, v.name FROM {quote(Application._meta.db_table)} a "  # noqa: S608
                f"JOIN {quote(ItemVersion._meta.db_table)} v ON v.id = a.item_version_id "
                "WHERE a.id {ids}",
                application_ids,
            )
        }
        task_table = quote(Task._meta.db_table)
        self.steps: dict[int, tuple[str, int]] = {
            clock_id: (name, department_id)
            for clock_id, name, department_id in _select_by_ids(
                f"SELECT clock_id, name, department_id FROM {task_table} "  # noqa: S608
                "WHERE clock_id {ids}",
                sorted(row.id for row in rows if row.kind == ClockKind.STEP),
            )
        }
        # The departments holding each late case's open tasks (联办: maybe several).
        late_cases = sorted(
            {
                row.application_id
                for row in rows
                if row.kind in CASE_KINDS and row.light == Light.RED and row.application_id
            }
        )
        self.open_departments: dict[int, list[int]] = defaultdict(list)
        statuses = tuple(str(status) for status in OPEN_TASK_STATUSES)
        for application_id, department_id in _select_by_ids(
            f"SELECT application_id, department_id FROM {task_table} "  # noqa: S608
            f"WHERE status IN ({', '.join(['%s'] * len(statuses))}) AND application_id {{ids}} "
            "ORDER BY application_id, stage, id",
            late_cases,
            statuses,
        ):
            if department_id not in self.open_departments[application_id]:
                self.open_departments[application_id].append(department_id)
        department_ids = {row.department_id for row in rows}
        department_ids |= {department_id for _, department_id in self.steps.values()}
        department_ids |= {pk for pks in self.open_departments.values() for pk in pks}
        self.department_names = dict(
            Department.objects.filter(pk__in=department_ids).values_list("pk", "name")
        )
        # Clocks of the apps above (rectification orders): their owners, by their hook.
        self.owners = clock_owners.owners_of((row.id, row.kind) for row in rows)
        # Each due date written once per sweep: thousands of rows share a few dates, and
        # Django's date formatting (about 13 µs a call) was a fifth of a 1 % sweep.
        self._days: dict[tuple, str] = {}

    def _day(self, write, day: datetime.date) -> str:
        text = self._days.get((write, day))
        if text is None:
            text = self._days[(write, day)] = write(day)
        return text

    def case_number(self, row: _Row) -> str:
        if row.application_id in self.cases:
            return self.cases[row.application_id][0]
        return f"时限#{row.id}"

    def describe(self, row: _Row) -> str:
        """One line naming the clock, e.g. "JP20261009001 承诺时限（10月12日到期）"."""
        owner = self.owners.get(row.id)
        if owner is not None:
            return f"{owner.subject}（{self._day(month_day_text, row.due_date)}到期）"
        label = self.labels[row.kind]
        if row.kind == ClockKind.STEP and row.id in self.steps:
            label = f"“{self.steps[row.id][0]}”环节时限"
        return f"{self.case_number(row)} {label}（{self._day(month_day_text, row.due_date)}到期）"

    def escalation(self, row: _Row) -> tuple:
        """(application, clock, department, responsible department, rule, content)."""
        number = self.case_number(row)
        item = self.cases.get(row.application_id, (None, ""))[1]
        subject = f"办件 {number}“{item}”" if item else f"办件 {number}"
        due = self._day(date_text, row.due_date)
        if row.kind not in (*CASE_KINDS, ClockKind.STEP):
            # A clock an app above started (a rectification order): its owner by the hook.
            owner = self.owners.get(row.id)
            name = owner.name if owner else self.department_names.get(row.department_id, "")
            subject = owner.subject if owner else self.describe(row)
            content = f"{subject}超过时限（{due}到期），请督促{name}加快办理。"
            rule = owned_rule(row.kind)
            responsible = row.department_id
            return (row.application_id, row.id, row.department_id, responsible, rule, content[:300])
        if row.kind == ClockKind.STEP:
            step, responsible = self.steps.get(row.id, ("", row.department_id))
            rule = STEP_RULE
            content = (
                f"{subject}的“{step or '审批'}”环节超过环节时限（{due}到期），"
                f"请督促{self.department_names.get(responsible, '')}加快办理。"
            )
        else:
            open_departments = self.open_departments.get(row.application_id, [])
            responsible = open_departments[0] if open_departments else row.department_id
            rule = case_rule(row.kind)
            names = "、".join(
                self.department_names.get(pk, "") for pk in open_departments or [responsible]
            )
            content = f"{subject}超过{self.labels[row.kind]}（{due}到期），请督促{names}加快办理。"
        return (row.application_id, row.id, row.department_id, responsible, rule, content[:300])


_ESCALATION_COLUMNS = (
    "application_id, clock_id, department_id, responsible_department_id, rule, content, "
    "warning_type, status, result, issued_at, created_at, updated_at"
)


# What an opened 督办 record hands back for its event in the case record.
_OPENED = "id, application_id, responsible_department_id, content"


def _escalate(rows: list[_Row], context: _Context) -> int:
    """Open the 督办 records owed by overdue clocks; the unique (clock, rule) constraint
    keeps an existing one (the sweep never opens a second). Returns how many opened.

    Raw multi-row INSERTs: thousands of records on a bad day cost the database's time
    only, not the ORM's per-instance preparation."""
    late = [row for row in rows if row.light == Light.RED and row.kind in ESCALATED_KINDS]
    if not late:
        return 0
    table = connection.ops.quote_name(Escalation._meta.db_table)
    values = [context.escalation(row) for row in late]
    # The same constants for every record, written once into the statement.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fixed = (Light.RED.value, EscalationStatus.OPEN.value, "", now, now, now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One INSERT ... SELECT over arrays (one per column): PostgreSQL parses one
            # small statement instead of thousands of VALUES rows, and Python formats
            # nothing per record.
            sql = (
                f"INSERT INTO {table} ({_ESCALATION_COLUMNS}) "  # noqa: S608 (constants only)
                "SELECT v.*, %s, %s, %s, %s, %s, %s FROM unnest("
                "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[]"
                ") AS v ON CONFLICT (clock_id, rule) DO NOTHING RETURNING " + _OPENED
            )
            cursor.execute(sql, [*fixed, *(list(column) for column in zip(*values, strict=True))])
            opened = cursor.fetchall()
        else:
            opened = []
            marks = "(" + ", ".join(["%s"] * (len(values[0]) + len(fixed))) + ")"
            for chunk in _chunks(values, 80):
                cursor.execute(
                    f"INSERT INTO {table} ({_ESCALATION_COLUMNS}) "  # noqa: S608 (placeholders)
                    f"VALUES {', '.join([marks] * len(chunk))} "
                    f"ON CONFLICT (clock_id, rule) DO NOTHING RETURNING {_OPENED}",
                    [value for row in chunk for value in (*row, *fixed)],
                )
                opened += cursor.fetchall()
    _record_escalations(opened)
    return len(opened)


def _record_escalations(opened: list[tuple]) -> None:
    """Each opened 督办 in its case's record (``ApprovalEvent.ESCALATED``, by the system),
    in multi-row INSERTs like the records themselves: no statement per case."""
    from intake.models import CaseEvent

    now = timezone.now()
    CaseEvent.objects.bulk_create(
        (
            CaseEvent(
                application_id=application_id,
                at=now,
                action=ApprovalEvent.ESCALATED,
                actor_role="系统",
                department_id=department_id,
                message=content,
                details={"escalation": pk},
            )
            for pk, application_id, department_id, content in opened
            if application_id
        ),
        batch_size=2000,
    )


def _notify(rows: list[_Row], context: _Context) -> int:
    """One message per unit and level to each of its people: the approvers acting for
    the clock's department, or the owner a hook names (a rectification order's hall or
    department)."""
    groups: dict[tuple[tuple, int], list[_Row]] = defaultdict(list)
    for row in rows:
        owner = context.owners.get(row.id)
        unit = (1, 0, owner.key) if owner is not None else (0, row.department_id, "")
        groups[(unit, row.light)].append(row)
    approvers = approvers_by_department(
        {row.department_id for row in rows if row.id not in context.owners}
    )
    sent = 0
    for (_unit, light), members in sorted(groups.items()):
        members.sort(key=lambda row: (row.due_date, row.id))
        owner = context.owners.get(members[0].id)
        if owner is not None:
            recipients, unit_name = list(owner.recipients), owner.name
        else:
            department_id = members[0].department_id
            recipients = approvers.get(department_id, [])
            unit_name = context.department_names.get(department_id, "")
        if not recipients:
            continue
        listed = "；".join(context.describe(row) for row in members[:LISTED_PER_MESSAGE])
        more = f"等 {len(members)} 件" if len(members) > LISTED_PER_MESSAGE else ""
        state = "已超期" if light == Light.RED else "即将到期"
        title = f"时限预警（{Light(light).label}）：{len(members)} 件{state}"
        body = f"{unit_name}：{listed}{more}{state}。"
        reference = context.case_number(members[0]) if len(members) == 1 else ""
        url = owner.url if owner is not None and len(members) == 1 else ""
        for user in recipients:
            notify(recipient=user, title=title, body=body, url=url, reference=reference[:40])
            sent += 1
    return sent


@transaction.atomic
def clock_sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Change the lights that today changes, warn once per rise, open the 督办 owed."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
            if not cursor.fetchone()[0]:
                logger.info("Clock sweep skipped: another sweep is running")
                return SweepResult(today=today, skipped=True)
        tolerances, tolerance_messages = tolerance_warn(cursor, today)
        changes = _raise_lights(cursor, today)
        red, yellow, owed = changes.red, changes.yellow, changes.owed
        if not owed:
            return SweepResult(
                today=today,
                turned_red=len(red),
                turned_yellow=len(yellow),
                notifications=tolerance_messages,
                tolerances_warned=tolerances,
            )
        context = _Context(owed)
        escalated = _escalate(owed, context)
        sent = _notify(owed, context) + tolerance_messages
    logger.info(
        "Clock sweep %s: %d red, %d yellow, %d warned, %d 督办, %d messages",
        today,
        len(red),
        len(yellow),
        len(owed),
        escalated,
        sent,
    )
    return SweepResult(
        today=today,
        turned_red=len(red),
        turned_yellow=len(yellow),
        warned=len(owed),
        escalated=escalated,
        notifications=sent,
        tolerances_warned=tolerances,
    )
