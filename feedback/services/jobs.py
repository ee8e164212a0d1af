"""The jobs of 好差评: default ratings when a rating period ends unrated.

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
"""

import datetime
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone

from ..constants import InstanceState, Level, RatingChannel
from ..models import Rating, ServiceInstance

#: Instances per transaction of the default-rating job (a batch holds its row locks).
DEFAULT_BATCH = 10_000


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
    *, now: datetime.datetime | None = None, batch: int = DEFAULT_BATCH
) -> DefaultRun:
    """Record the default rating of every OPEN instance whose period ended before ``now``
    (default: now) and mark those instances DEFAULTED; ``batch`` instances per
    transaction. Running it again, or twice at once, records nothing twice."""
    now = now or timezone.now()
    recorded = batches = 0
    while True:
        with transaction.atomic():
            ids = _default_ratings_insert(now=now, limit=batch)
            for chunk in _chunks(ids):
                ServiceInstance.objects.filter(pk__in=chunk).update(
                    state=InstanceState.DEFAULTED, updated_at=now
                )
        if not ids:
            # Nothing left, or what is left is locked by another run (which records it)
            # or was rated in the meantime.
            break
        recorded += len(ids)
        batches += 1
    return DefaultRun(recorded=recorded, batches=batches, until=now)


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
