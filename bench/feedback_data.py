"""Cases and their 好差评 service instances in bulk, for default_rating_bench.py and
rating_load_bench.py (inside Django, on the benchmark's own database).

The organisation, the item and the clerks go through the services; the many cases and
instances are bulk inserts (the services would take hours for 100,000): concluded
counter cases of walk-in applicants, each with its two instances (intake at a window,
conclusion by the department), as feedback's receivers would have opened them.
"""

import datetime
import random

CHUNK = 5000


def seed_base(clerks: int = 8) -> dict:
    """The organisation, the item, ``clerks`` clerks at windows of both halls and 500
    walk-in applicants (no account). Returns what the bulk builders need."""
    from accounts.demo import make_resident_id, seed_organisation
    from accounts.models import Citizen, Department
    from bench.common import bench_clerks, publish_bench_item

    seed_organisation()
    department = Department.objects.get(code="SCJ")
    version = publish_bench_item(department)
    staff = [(user.pk, window.pk, window.hall_id) for user, window in bench_clerks(clerks)]
    citizens = Citizen.objects.bulk_create(
        Citizen(
            name=f"压测居民{index}",
            id_number=make_resident_id(f"21021319800101{index:03d}"),
            phone=f"139{index:08d}",
        )
        for index in range(500)
    )
    return {
        "version": version,
        "department": department.pk,
        "staff": staff,
        "citizens": [citizen.pk for citizen in citizens],
    }


def insert_select(
    model, source_sql: str, source_params: list, columns: dict, fixed: dict, *, pk: str = ""
) -> int:
    """``INSERT INTO <model's table> (every column but the id) SELECT … FROM (source_sql)
    src``: the fields named in ``columns`` from the source's column of that name (or the
    expression given), those in ``fixed`` from a value, every other field its default
    (``auto_now``: now), each value through the field's ``get_db_prep_save``; ``pk`` is
    the id's expression when the ids are given (else the sequence's). Returns the rows
    written."""
    from django.db import connection
    from django.utils import timezone

    qn = connection.ops.quote_name
    now = timezone.now()
    names, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            if pk:
                names.append(qn(field.column))
                values.append(pk)
            continue
        names.append(qn(field.column))
        if field.name in columns:
            values.append(columns[field.name] or f"src.{field.column}")
        else:
            if field.name in fixed:
                value = fixed[field.name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            values.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(names)})"  # noqa: S608
        f" SELECT {', '.join(values)} FROM ({source_sql}) src"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + source_params)
        return cursor.rowcount


def cases_with_instances(
    base: dict,
    count: int,
    *,
    served_between: tuple[datetime.datetime, datetime.datetime],
    period: datetime.timedelta,
    prefix: str,
) -> list[tuple[int, int]]:
    """``count`` concluded counter cases (case numbers ``prefix`` + 9 digits), each with
    an intake and a conclusion instance served at random moments between
    ``served_between`` (the conclusion 1-72 hours after the intake, at the latest the
    end), open for ``period``; in SQL (``generate_series``, ``random()``), so that
    100,000 instances take seconds. Returns (instance id, case id) of each instance."""
    from django.db import connection

    from feedback.constants import Stage
    from feedback.models import ServiceInstance
    from intake.constants import CaseStatus, Channel
    from intake.models import Application

    version = base["version"]
    earliest, latest = served_between
    staff, windows, halls = (list(column) for column in zip(*base["staff"], strict=True))
    citizens = base["citizens"]
    cases = (
        "SELECT c.*, least(c.accepted_at + (1 + floor(random() * 71)) * interval '1 hour',"
        " %s::timestamptz) AS concluded_at"
        " FROM (SELECT %s || lpad(g::text, 9, '0') AS case_number,"
        " (%s::bigint[])[1 + mod(g, %s)] AS applicant_id,"
        " (%s::bigint[])[1 + mod(g, %s)] AS accepted_by_id,"
        " (%s::bigint[])[1 + mod(g, %s)] AS window_id,"
        " (%s::bigint[])[1 + mod(g, %s)] AS hall_id,"
        " %s::timestamptz + random() * (%s::timestamptz - %s::timestamptz) AS accepted_at"
        " FROM generate_series(1, %s) AS g) c"
    )
    insert_select(
        Application,
        cases,
        [latest, prefix, citizens, len(citizens)]
        + [staff, len(staff), windows, len(staff), halls, len(staff)]
        + [earliest, latest, earliest, count],
        dict.fromkeys(
            [
                "case_number",
                "applicant",
                "accepted_by",
                "window",
                "hall",
                "accepted_at",
                "concluded_at",
            ]
        )
        | {"submitted_at": "src.accepted_at", "received_at": "src.accepted_at"},
        {
            "item_version": version.pk,
            "status": CaseStatus.CONCLUDED,
            "channel": Channel.COUNTER,
        },
    )
    instances = (
        "SELECT a.id AS application_id, st.stage, a.hall_id, a.accepted_by_id AS staff_id,"
        " CASE WHEN st.stage = %s THEN a.window_id END AS window_id,"
        " CASE WHEN st.stage = %s THEN a.accepted_at ELSE a.concluded_at END AS served_at"
        " FROM intake_application a CROSS JOIN (VALUES (%s), (%s)) AS st(stage)"
        " WHERE a.case_number LIKE %s"
    )
    insert_select(
        ServiceInstance,
        instances,
        [Stage.INTAKE.value] * 3 + [Stage.CONCLUSION.value, f"{prefix}%"],
        dict.fromkeys(["application", "stage", "hall", "staff", "window", "served_at"])
        | {"rate_until": f"src.served_at + interval '{int(period.total_seconds())} seconds'"},
        {"item": version.item_id, "department": base["department"]},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.application_id FROM feedback_serviceinstance s"
            " JOIN intake_application a ON a.id = s.application_id"
            " WHERE a.case_number LIKE %s ORDER BY s.id",
            [f"{prefix}%"],
        )
        return cursor.fetchall()


def rate_some(instance_ids: list[int], rng: random.Random) -> None:
    """Citizens' ratings of these instances (mostly good, a few 差评 with a reason), the
    instances marked RATED, as the rating service leaves them."""
    from feedback.constants import InstanceState, Level, RatingChannel
    from feedback.models import Rating, ServiceInstance

    channels = [RatingChannel.QR, RatingChannel.ONLINE, RatingChannel.SMS, RatingChannel.PAD]
    served = dict(
        ServiceInstance.objects.filter(pk__in=instance_ids).values_list("pk", "served_at")
    )
    for start in range(0, len(instance_ids), CHUNK):
        chunk = instance_ids[start : start + CHUNK]
        ratings = []
        for pk in chunk:
            level = rng.choices([1, 2, 3, 4, 5], weights=[80, 15, 4, 0.7, 0.3])[0]
            ratings.append(
                Rating(
                    instance_id=pk,
                    level=level,
                    reasons=["efficiency"] if level >= Level.DISSATISFIED else [],
                    channel=rng.choice(channels),
                    rated_at=served[pk] + datetime.timedelta(hours=rng.randrange(1, 48)),
                )
            )
        Rating.objects.bulk_create(ratings)
        ServiceInstance.objects.filter(pk__in=chunk).update(state=InstanceState.RATED)
