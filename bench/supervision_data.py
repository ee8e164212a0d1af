"""A year of the service centre's work in PostgreSQL, for the supervision benchmarks:
1,000,000 cases (by default) with their case records, tasks and clocks, 督办, service
instances, ratings and rectification orders, in minutes.

Usage (its own database, made with bench/common.py's helpers):

    .venv/bin/python bench/supervision_data.py [--cases 1000000] [--db-name ...] [--keep-db]

The organisation, the demo catalog (106 items with their delegations to the parks and
streets and the two 全域通办 registrations), the staff and 20,000 applicants go through
the services and seeders; everything per case is set-based SQL: a staging table of the
cases is built with one ``INSERT … SELECT`` over ``generate_series`` (every random draw
is ``random()`` in SQL, the working days come from two small tables of working-day
ordinals made from the portal's calendar), then each table is one or a few
``INSERT … SELECT`` from it. Python never loops over cases.

What the year looks like (the distributions are parameters below):

- applications submitted on the working days of the year up to today, in office hours;
  items drawn by a Zipf-like popularity (a few items take most cases, as in a real
  centre); for an item delegated to parks or streets 30 % of its cases are applied for
  there, for a 全域通办 item 45 % at one of the 12 market-supervision stations;
- channels: online 55 %, counter 40 %, kiosk 5 % (items that cannot be done online:
  counter 95 %, kiosk 5 %); counter cases at a window of 金普厅 (60 %) or 金州厅 (40 %),
  accepted by one of the window's two clerks; online ones pre-reviewed the same or the
  next working day;
- 1.5 % refused, 0.5 % withdrawn, 7 % with a correction (补正) before acceptance, 2 %
  with a supplement during approval;
- 承诺件: 3 % concluded after the promised due date (1-5 working days late), 12 % on
  the due date, the rest early (15-90 % of the promise); 即办件 within the hour; cases
  whose conclusion would fall after today are still open (in approval, with lit
  clocks; red ones with their 督办);
- every accepted case has its intake service (a window's, kiosk or nearby unit's) and
  every concluded one its conclusion service (一次一评); services older than the rating
  period are rated (85 %: 非常满意 88 %, 满意 10 %, 基本满意 1.8 %, 不满意 0.15 %,
  非常不满意 0.05 %) or defaulted (15 %); each 差评 has its rectification order.

Then ``--rollups`` (default on) refreshes the supervision rollups the way production
does, and ``ANALYZE`` runs. The numbers of every step are printed.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    ROOT,
    database_arguments,
    database_url,
    drop_database,
    recreate_database,
)

#: Share of cases of a delegated item applied for at a grantee, of a 全域通办 item at a station.
DELEGATED_SHARE = 0.30
STATION_SHARE = 0.45
CITIZENS = 20_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser, "jinpu_bench_supervision")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--no-rollups", dest="rollups", action="store_false", help="skip the rollup refresh"
    )
    return parser.parse_args(argv)


def setup_django(args) -> None:
    os.environ["DATABASE_URL"] = database_url(args)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "supervision-bench-" + os.urandom(8).hex())
    os.environ["NOTIFICATION_BACKENDS"] = "jinpu_portal.notifications.InPortalBackend"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinpu_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Steps:
    """Prints each step's time and what it wrote."""

    def __init__(self):
        self.started = time.perf_counter()
        self.times: dict[str, float] = {}

    def run(self, name: str, func, *args):
        began = time.perf_counter()
        result = func(*args)
        self.times[name] = time.perf_counter() - began
        rows = f" ({result:,} rows)" if isinstance(result, int) else ""
        print(f"  {name}: {self.times[name]:.1f} s{rows}", flush=True)
        return result

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def sql(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.rowcount


# --- The organisation, the catalog and the staff (through the services) ---------------


def seed_base() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.demo import seed_accounts, seed_organisation
    from catalog.demo import seed_catalog

    seed_organisation()
    seed_accounts()
    seed_catalog()
    return seed_staff()


def seed_staff() -> dict:
    """Two clerks per window, one approver per department (and unit) acting for it."""
    from accounts.models import Department, Window
    from accounts.services import staff_assign_window, staff_grant_department, user_create

    def staff(username: str, full_name: str, role: str):
        return user_create(username=username, password=None, full_name=full_name, roles=[role])

    clerks = []
    for window in Window.objects.select_related("hall").order_by("hall__code", "number"):
        for k in range(2):
            name = f"{window.hall.name}{window.number}号窗口{'甲乙'[k]}"
            user = staff(f"sb-clerk-{window.hall.code}-{window.number}-{k}", name, "clerk")
            staff_assign_window(user=user, window=window)
            clerks.append((window.pk, window.hall_id, k, user.pk))
    approvers = []
    for department in Department.objects.order_by("pk"):
        name = f"{department.short_name or department.name}审批员"
        user = staff(f"sb-approver-{department.code}", name, "approver")
        staff_grant_department(user=user, department=department)
        approvers.append((department.pk, user.pk))
    return {"clerks": clerks, "approvers": approvers}


def seed_citizens() -> int:
    """Applicants without accounts, in one INSERT (ID numbers from the series)."""
    from accounts.demo import make_resident_id
    from accounts.models import Citizen

    rows = [
        (f"居民{index:05d}", make_resident_id(f"2102131985{index % 12 + 1:02d}15{index:04d}"[:17]))
        for index in range(CITIZENS)
    ]
    Citizen.objects.bulk_create(
        (Citizen(name=name, id_number=number, phone="") for name, number in rows),
        batch_size=5000,
    )
    return len(rows)


# --- Staging: working days, item picks, the cases -------------------------------------


def working_day_tables(today: datetime.date) -> int:
    """sb_ord(day, ord): every day's working-day ordinal; sb_wd(ord, day): the working
    day of each ordinal (from the portal's calendar), from the year before to a year on."""
    from approvals.services.rederive import WorkingDayIndex
    from catalog.calendar import load_calendar

    first = datetime.date(today.year - 1, 12, 1)
    last = datetime.date(today.year + 1, 12, 31)
    index = WorkingDayIndex(load_calendar(), first, last)
    sql("DROP TABLE IF EXISTS sb_ord, sb_wd")
    sql("CREATE UNLOGGED TABLE sb_ord (day date PRIMARY KEY, ord int NOT NULL)")
    sql("CREATE UNLOGGED TABLE sb_wd (ord int PRIMARY KEY, day date NOT NULL)")
    days = [(d, o) for d, o in index.rows() if d >= first]
    sql(
        "INSERT INTO sb_ord SELECT * FROM unnest(%s::date[], %s::int[])",
        [[d for d, _ in days], [o for _, o in days]],
    )
    working = list(index.working_days())
    sql(
        "INSERT INTO sb_wd SELECT * FROM unnest(%s::int[], %s::date[])",
        [[k for k, _ in working], [d for _, d in working]],
    )
    return len(days)


def item_picks(rng: random.Random) -> int:
    """sb_pick(n, version, unit, delegated): one row per unit of popularity; a case draws
    a row uniformly, so each version (and nearby unit) comes with its weight."""
    from accounts.constants import DepartmentKind
    from accounts.models import Department
    from catalog.constants import TongbanScope, VersionStatus
    from catalog.models import Delegation, ItemVersion

    versions = list(
        ItemVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by("item__code")
    )
    rng.shuffle(versions)
    stations = list(
        Department.objects.filter(kind=DepartmentKind.STATION).values_list("pk", flat=True)
    )
    grantees: dict[int, list[int]] = {}
    for item_id, grantee_id in Delegation.objects.filter(revoked_on__isnull=True).values_list(
        "item_id", "grantee_id"
    ):
        grantees.setdefault(item_id, []).append(grantee_id)
    rows = []
    for rank, version in enumerate(versions):
        weight = int(2000 / (rank + 1) ** 0.9) + 2
        units: list[tuple[int | None, bool]] = []
        if version.tongban_scope == TongbanScope.DISTRICT:
            share = int(weight * STATION_SHARE)
            units += [(stations[i % len(stations)], False) for i in range(share)]
        elif version.item_id in grantees:
            share = int(weight * DELEGATED_SHARE)
            held = grantees[version.item_id]
            units += [(held[i % len(held)], True) for i in range(share)]
        units += [(None, False)] * (weight - len(units))
        rows += [(version.pk, unit, delegated) for unit, delegated in units]
    sql("DROP TABLE IF EXISTS sb_pick")
    sql(
        "CREATE UNLOGGED TABLE sb_pick (n serial PRIMARY KEY, version_id bigint,"
        " unit_id bigint, delegated boolean)"
    )
    sql(
        "INSERT INTO sb_pick (version_id, unit_id, delegated)"
        " SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[])",
        [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
    )
    return len(rows)


def staff_tables(staff: dict) -> int:
    sql("DROP TABLE IF EXISTS sb_clerk, sb_approver, sb_window")
    sql("CREATE UNLOGGED TABLE sb_clerk (window_id bigint, hall_id bigint, k int, user_id bigint)")
    sql("CREATE UNLOGGED TABLE sb_approver (department_id bigint PRIMARY KEY, user_id bigint)")
    clerks = staff["clerks"]
    sql(
        "INSERT INTO sb_clerk SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::int[],"
        " %s::bigint[])",
        [[c[i] for c in clerks] for i in range(4)],
    )
    approvers = staff["approvers"]
    sql(
        "INSERT INTO sb_approver SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
        [[a[0] for a in approvers], [a[1] for a in approvers]],
    )
    # Windows numbered per hall (1..n) for the uniform draw of a window in a hall.
    sql(
        "CREATE UNLOGGED TABLE sb_window AS SELECT w.id AS window_id, w.hall_id,"
        " row_number() OVER (PARTITION BY w.hall_id ORDER BY w.number) AS k,"
        " count(*) OVER (PARTITION BY w.hall_id) AS n, h.code AS hall_code"
        " FROM accounts_window w JOIN accounts_hall h ON h.id = w.hall_id"
    )
    return len(clerks) + len(approvers)


def stage_cases(count: int, today: datetime.date) -> int:
    """sb_case: every case's facts, drawn in one INSERT … SELECT (see the module)."""
    start = datetime.date(today.year, 1, 1)
    sql("DROP TABLE IF EXISTS sb_case")
    sql("SELECT setseed(0.16)")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM intake_application")
        offset = cursor.fetchone()[0]
        cursor.execute(
            "SELECT min(ord), max(ord) FROM sb_ord WHERE day BETWEEN %s AND %s", [start, today]
        )
        low, high = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM sb_pick")
        picks = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM accounts_citizen")
        citizens = cursor.fetchone()[0]
    # low is the ordinal of Jan 1 (maybe a holiday): the first working day of the year
    # has ordinal low + 1 unless Jan 1 is one.
    return sql(
        """
CREATE UNLOGGED TABLE sb_case AS
WITH draw AS (
  SELECT g, %(offset)s + g AS id,
         1 + floor(random() * %(picks)s)::int AS pick,
         %(low)s + 1 + floor(random() * (%(high)s - %(low)s))::int AS sub_ord,
         random() AS r_channel, random() AS r_hall, random() AS r_window, random() AS r_fate,
         random() AS r_time, random() AS r_days, random() AS r_late, random() AS r_acc,
         (%(citizens)s::bigint[])[1 + floor(random() * %(n_citizens)s)::int] AS applicant_id,
         random() AS r_corr, random() AS r_supp, random() AS r_clerk
  FROM generate_series(1, %(count)s) AS g
), picked AS (
  SELECT d.*, p.version_id, p.unit_id, p.delegated, v.item_id, v.department_id AS impl_id,
         v.case_type = '1' AS immediate, v.promised_limit_days AS promised,
         v.statutory_limit_days AS statutory, v.online_available,
         st.id AS step_id, st.name AS step_name, st.department_id AS step_dept_raw,
         st.budget_days AS step_budget
  FROM draw d
  JOIN sb_pick p ON p.n = d.pick
  JOIN catalog_itemversion v ON v.id = p.version_id
  LEFT JOIN LATERAL (
    SELECT s.id, s.name, s.department_id, s.budget_days FROM catalog_workflowstep s
    WHERE s.version_id = v.id ORDER BY s.stage, s.id LIMIT 1
  ) st ON true
), channeled AS (
  SELECT p.*,
         CASE WHEN p.unit_id IS NOT NULL THEN 'counter'
              WHEN p.online_available AND p.r_channel < 0.55 THEN 'online'
              WHEN p.r_channel > 0.95 THEN 'kiosk'
              ELSE 'counter' END AS channel,
         CASE WHEN p.r_hall < 0.6 THEN 'JP' ELSE 'JZ' END AS hall_code,
         CASE WHEN p.r_fate < 0.015 THEN 'refused'
              WHEN p.r_fate < 0.020 THEN 'withdrawn'
              ELSE 'case' END AS fate,
         CASE WHEN p.delegated THEN p.unit_id ELSE p.step_dept_raw END AS step_dept,
         coalesce(p.unit_id, p.impl_id) AS unit
  FROM picked p
), placed AS (
  SELECT c.*,
         CASE WHEN c.channel IN ('counter', 'kiosk') AND c.unit_id IS NULL THEN w.hall_id END
           AS hall_id,
         CASE WHEN c.channel = 'counter' AND c.unit_id IS NULL THEN w.window_id END AS window_id,
         CASE WHEN c.channel = 'counter' AND c.unit_id IS NULL THEN w.hall_code
              WHEN c.channel = 'online' THEN 'WB'
              WHEN c.channel = 'kiosk' THEN 'ZZ'
              ELSE 'JJ' END AS prefix,
         (SELECT day FROM sb_wd WHERE ord = c.sub_ord) AS sub_day
  FROM channeled c
  LEFT JOIN sb_window w ON w.hall_code = c.hall_code
       AND w.k = 1 + floor(c.r_window * w.n)::int
), timed AS (
  SELECT p.*,
         ((p.sub_day + time '08:30' + p.r_time * interval '7 hours') AT TIME ZONE 'Asia/Shanghai')
           AS submitted_at,
         p.sub_ord + CASE WHEN p.channel = 'online' AND p.r_acc < 0.6 THEN 1 ELSE 0 END
           AS acc_ord,
         CASE WHEN p.immediate THEN 0
              WHEN p.r_late < 0.03 THEN p.promised + 1 + floor(p.r_days * 5)::int
              WHEN p.r_late < 0.15 THEN p.promised
              ELSE floor(p.promised * (0.15 + 0.75 * p.r_days))::int END AS actual
  FROM placed p
)
SELECT t.*,
       CASE WHEN t.fate <> 'case' THEN NULL
            WHEN t.acc_ord = t.sub_ord
              THEN t.submitted_at + (5 + floor(t.r_corr * 60)) * interval '1 minute'
            ELSE ((a.day + time '09:00' + t.r_acc * interval '6 hours')
                  AT TIME ZONE 'Asia/Shanghai')
       END AS accepted_at,
       a.day AS acc_day,
       pd.day AS promised_due,
       sd.day AS statutory_due,
       cd.day AS concluded_day,
       stp.day AS step_due,
       t.fate = 'case' AND cd.day <= %(today)s::date AS concluded,
       t.r_corr < 0.07 AS corrected,
       NOT t.immediate AND t.r_supp < 0.02 AS supplemented,
       cl.user_id AS clerk_id,
       ap.user_id AS approver_id
FROM timed t
JOIN sb_wd a ON a.ord = t.acc_ord
JOIN sb_wd pd ON pd.ord = t.acc_ord + t.promised
JOIN sb_wd sd ON sd.ord = t.acc_ord + t.statutory
JOIN sb_wd cd ON cd.ord = t.acc_ord + t.actual
LEFT JOIN sb_wd stp ON stp.ord = t.acc_ord + t.step_budget
LEFT JOIN sb_clerk cl ON cl.window_id = t.window_id AND cl.k = floor(t.r_clerk * 2)::int
LEFT JOIN sb_approver ap ON ap.department_id = t.step_dept
""",
        {
            "picks": picks,
            "low": low,
            "high": high,
            "count": count,
            "citizens": citizens,
            "n_citizens": len(citizens),
            "today": today,
            "offset": offset,
        },
    )


def finish_staging(today: datetime.date) -> int:
    """The moments derived from the drawn days: conclusion time (None while open)."""
    sql("ALTER TABLE sb_case ADD COLUMN concluded_at timestamptz, ADD COLUMN status text")
    changed = sql(
        """
UPDATE sb_case SET
  concluded_at = CASE
    WHEN NOT concluded THEN NULL
    WHEN immediate THEN accepted_at + (5 + floor(r_days * 40)) * interval '1 minute'
    WHEN concluded_day = acc_day THEN accepted_at + interval '2 hours'
    ELSE ((concluded_day + time '09:30' + r_time * interval '7 hours') AT TIME ZONE 'Asia/Shanghai')
  END,
  status = CASE
    WHEN fate = 'refused' THEN 'refused'
    WHEN fate = 'withdrawn' THEN 'withdrawn'
    WHEN concluded THEN 'concluded'
    ELSE 'in_approval' END
"""
    )
    sql("ALTER TABLE sb_case ADD PRIMARY KEY (id)")
    sql("ANALYZE sb_case")
    return changed


# --- The portal's tables, from the staging table ---------------------------------------


def insert_cases() -> int:
    from bench.feedback_data import insert_select
    from intake.models import Application

    written = insert_select(
        Application,
        "SELECT * FROM sb_case",
        [],
        {
            "item_version": "src.version_id",
            "status": None,
            "case_number": "CASE WHEN src.fate = 'case' THEN src.prefix"
            " || to_char(src.acc_day, 'YYYYMMDD') || lpad(src.id::text, 8, '0') END",
            "applicant": None,
            "channel": None,
            "hall": None,
            "window": None,
            "accepting_unit": "src.unit_id",
            "submitted_at": None,
            "received_at": "src.submitted_at",
            "accepted_at": None,
            "accepted_by": "CASE WHEN src.fate = 'case' THEN src.clerk_id END",
            "promised_due_date": "CASE WHEN src.fate = 'case' THEN src.promised_due END",
            "statutory_due_date": "CASE WHEN src.fate = 'case' THEN src.statutory_due END",
            "concluded_at": None,
        },
        {},
        pk="src.id",
    )
    sql(
        "SELECT setval(pg_get_serial_sequence('intake_application', 'id'),"
        " (SELECT max(id) FROM intake_application))"
    )
    return written


def insert_events() -> int:
    """The case record: submit (and receive at a counter), correction and resubmission,
    accept or refuse or withdraw, routing, supplements, conclusion."""
    from bench.feedback_data import insert_select
    from intake.models import CaseEvent

    kinds = [
        # (action, at, from, to, where, actor, role)
        ("submit", "src.submitted_at", "draft", "submitted", "true", "NULL", "applicant"),
        (
            "request_correction",
            "src.submitted_at + interval '3 minutes'",
            "submitted",
            "correction",
            "src.corrected AND src.fate = 'case'",
            "src.clerk_id",
            "clerk",
        ),
        (
            "resubmit",
            "src.accepted_at - interval '2 minutes'",
            "correction",
            "submitted",
            "src.corrected AND src.fate = 'case'",
            "NULL",
            "applicant",
        ),
        (
            "accept",
            "src.accepted_at",
            "submitted",
            "accepted",
            "src.fate = 'case'",
            "src.clerk_id",
            "clerk",
        ),
        (
            "refuse",
            "src.submitted_at + interval '20 minutes'",
            "submitted",
            "refused",
            "src.fate = 'refused'",
            "src.clerk_id",
            "clerk",
        ),
        (
            "withdraw",
            "src.submitted_at + interval '1 day'",
            "submitted",
            "withdrawn",
            "src.fate = 'withdrawn'",
            "NULL",
            "applicant",
        ),
        (
            "start_approval",
            "src.accepted_at + interval '1 minute'",
            "accepted",
            "in_approval",
            "src.fate = 'case' AND NOT src.immediate",
            "NULL",
            "system",
        ),
        (
            "request_supplement",
            "src.accepted_at + interval '1 day'",
            "in_approval",
            "supplement",
            "src.supplemented AND src.fate = 'case'",
            "src.approver_id",
            "approver",
        ),
        (
            "supplement_received",
            "src.accepted_at + interval '2 days'",
            "supplement",
            "in_approval",
            "src.supplemented AND src.fate = 'case'",
            "NULL",
            "applicant",
        ),
        (
            "conclude",
            "src.concluded_at",
            "in_approval",
            "concluded",
            "src.concluded AND NOT src.immediate",
            "src.approver_id",
            "approver",
        ),
        (
            "conclude_immediately",
            "src.concluded_at",
            "accepted",
            "concluded",
            "src.concluded AND src.immediate",
            "src.clerk_id",
            "clerk",
        ),
    ]
    total = 0
    for action, at, from_status, to_status, where, actor, role in kinds:
        total += insert_select(
            CaseEvent,
            f"SELECT * FROM sb_case src WHERE {where}",  # noqa: S608 - constants above
            [],
            {
                "application": "src.id",
                "at": at,
                "actor": actor,
                "channel": "src.channel",
                "hall": "src.hall_id",
                "window": "src.window_id",
                "department": "src.step_dept" if role == "approver" else "NULL::bigint",
            },
            {
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "actor_role": role,
                "message": "",
                "details": {},
            },
        )
    return total


def insert_clocks(today: datetime.date) -> int:
    """The promised, statutory and step clocks of every 承诺件 accepted: stopped at the
    conclusion, or open with the light of today; yellow from the usual threshold."""
    from django.conf import settings

    from approvals.models import Clock
    from bench.feedback_data import insert_select

    ratio, minimum = settings.APPROVALS_YELLOW_RATIO, settings.APPROVALS_YELLOW_MIN_DAYS
    total = 0
    for kind, budget, due in (
        ("promised", "src.promised", "src.promised_due"),
        ("statutory", "src.statutory", "src.statutory_due"),
        ("step", "greatest(src.step_budget, src.promised)", "src.promised_due"),
    ):
        source = (
            f"SELECT src.*, {budget} AS budget, {due} AS due,"  # noqa: S608 - constants
            f" yw.day AS yellow, CASE WHEN src.concluded THEN src.concluded_day END AS stopped"
            f" FROM sb_case src"
            f" JOIN sb_wd yw ON yw.ord = greatest(src.acc_ord,"
            f"  src.acc_ord + {budget} - least({budget},"
            f"  greatest({minimum}, ceil({budget} * {ratio})::int)))"
            f" WHERE src.fate = 'case' AND NOT src.immediate AND src.step_id IS NOT NULL"
        )
        light = (
            "CASE WHEN coalesce(src.stopped, %s::date) > src.due THEN 2"
            " WHEN coalesce(src.stopped, %s::date) >= src.yellow THEN 1 ELSE 0 END"
        )
        total += insert_select(
            Clock,
            source,
            [],
            {
                "application": "src.id",
                "department": "src.step_dept",
                "started_on": "src.acc_day",
                "budget_days": "src.budget",
                "stopped_on": "src.stopped",
                "is_open": "NOT src.concluded",
                "due_date": "src.due",
                "yellow_from": "src.yellow",
                "light": light.replace("%s", f"'{today.isoformat()}'"),
                "warned_level": light.replace("%s", f"'{today.isoformat()}'"),
            },
            {"kind": kind},
        )
    return total


def insert_tasks() -> int:
    from approvals.models import Task
    from bench.feedback_data import insert_select

    return insert_select(
        Task,
        "SELECT src.*, c.id AS clock_id FROM sb_case src"
        " JOIN approvals_clock c ON c.application_id = src.id AND c.kind = 'step'",
        [],
        {
            "application": "src.id",
            "step": "src.step_id",
            "stage": "1",
            "name": "src.step_name",
            "department": "src.step_dept",
            "status": "CASE WHEN src.concluded THEN 'completed' ELSE 'claimed' END",
            "assignee": "src.approver_id",
            "claimed_at": "src.accepted_at + interval '2 hours'",
            "completed_at": "CASE WHEN src.concluded THEN src.concluded_at - interval '30 minutes'"
            " END",
            "decision": "CASE WHEN src.concluded THEN 'approve' ELSE '' END",
            "clock": "src.clock_id",
        },
        {"opinion": "", "lock_version": 0},
    )


def insert_escalations() -> int:
    """督办 of every red case clock and step clock (resolved once the case concluded)."""
    from approvals.models import Escalation
    from bench.feedback_data import insert_select

    source = (
        "SELECT c.*, CASE c.kind WHEN 'step' THEN 'step_overdue'"
        " ELSE 'case_overdue_' || c.kind END AS rule_code,"
        " ((c.due_date + 1 + time '00:01') AT TIME ZONE 'Asia/Shanghai') AS issued"
        " FROM approvals_clock c WHERE c.light = 2 AND c.kind IN ('promised', 'step')"
    )
    return insert_select(
        Escalation,
        source,
        [],
        {
            "application": "src.application_id",
            "clock": "src.id",
            "department": "src.department_id",
            "responsible_department": "src.department_id",
            "rule": "src.rule_code",
            "warning_type": "2",
            "content": "CASE src.kind WHEN 'step' THEN '环节超过时限' ELSE '办件超过承诺时限' END",
            "issued_at": "src.issued",
            "status": "CASE WHEN src.is_open THEN 'open' ELSE 'resolved' END",
            "result": "CASE WHEN src.is_open THEN '' ELSE '已办结' END",
            "resolved_at": "CASE WHEN src.is_open THEN NULL ELSE"
            " ((src.stopped_on + time '17:00') AT TIME ZONE 'Asia/Shanghai') END",
        },
        {},
    )


def _at(moment: datetime.datetime) -> str:
    """A moment as an SQL literal (column expressions of insert_select take no params)."""
    return f"'{moment.isoformat()}'::timestamptz"


def insert_services(now: datetime.datetime) -> int:
    """一次一评: the intake service of every accepted case, the conclusion service of
    every concluded one."""
    from bench.feedback_data import insert_select
    from feedback.models import ServiceInstance

    days = 7
    total = 0
    for stage, served, where, dept, staff, window in (
        (
            "intake",
            "src.accepted_at",
            "src.fate = 'case'",
            "src.unit",
            "src.clerk_id",
            "src.window_id",
        ),
        (
            "conclusion",
            "src.concluded_at",
            "src.concluded",
            "CASE WHEN src.immediate THEN src.unit ELSE src.step_dept END",
            "CASE WHEN src.immediate THEN src.clerk_id ELSE src.approver_id END",
            "NULL::bigint",
        ),
    ):
        total += insert_select(
            ServiceInstance,
            f"SELECT src.*, {served} AS served FROM sb_case src WHERE {where}",  # noqa: S608
            [],
            {
                "application": "src.id",
                "item": "src.item_id",
                "department": dept,
                "hall": "src.hall_id",
                "window": window,
                "staff": staff,
                "served_at": "src.served",
                "rate_until": f"src.served + interval '{days} days'",
                "state": f"CASE WHEN src.served + interval '{days} days' > {_at(now)} THEN"
                " (CASE WHEN random() < 0.3 THEN 'rated' ELSE 'open' END)"
                " WHEN random() < 0.85 THEN 'rated' ELSE 'defaulted' END",
            },
            {"stage": stage},
        )
    return total


def insert_ratings(now: datetime.datetime) -> int:
    from bench.feedback_data import insert_select
    from feedback.models import Rating

    source = (
        "SELECT s.*, random() AS r_level, random() AS r_channel FROM feedback_serviceinstance s"
        " WHERE s.state IN ('rated', 'defaulted')"
    )
    level = (
        "CASE WHEN src.state = 'defaulted' THEN 3 WHEN src.r_level < 0.88 THEN 1"
        " WHEN src.r_level < 0.98 THEN 2 WHEN src.r_level < 0.998 THEN 3"
        " WHEN src.r_level < 0.9995 THEN 4 ELSE 5 END"
    )
    channel = (
        "CASE WHEN src.state = 'defaulted' THEN 'default'"
        " WHEN src.stage = 'intake' AND src.window_id IS NOT NULL AND src.r_channel < 0.6"
        " THEN 'pad' WHEN src.r_channel < 0.8 THEN 'qr' WHEN src.r_channel < 0.9 THEN 'sms'"
        " ELSE 'online' END"
    )
    return insert_select(
        Rating,
        source,
        [],
        {
            "instance": "src.id",
            "level": level,
            "reasons": f"CASE WHEN ({level}) >= 4 THEN '[\"efficiency\"]'::jsonb"
            " ELSE '[]'::jsonb END",
            "channel": channel,
            "is_default": "src.state = 'defaulted'",
            "rated_at": "CASE WHEN src.state = 'defaulted' THEN src.rate_until"
            f" ELSE least(src.served_at + random() * interval '3 days', {_at(now)}) END",
        },
        {"text": "", "sub_scores": {}, "excluded": False, "push_status": "pushed"},
    )


def insert_orders(now: datetime.datetime) -> int:
    """One rectification order per 差评, by the unit that handled the service: closed
    (rectified, visited satisfied) when rated more than 20 days ago, else rectifying."""
    from bench.feedback_data import insert_select
    from feedback.models import RectificationOrder

    source = (
        "SELECT r.id AS rating_id, r.rated_at, s.application_id, s.stage, s.department_id,"
        " CASE WHEN s.stage = 'intake' THEN s.hall_id END AS order_hall,"
        " r.rated_at < %s - interval '20 days' AS done"
        " FROM feedback_rating r JOIN feedback_serviceinstance s ON s.id = r.instance_id"
        " WHERE r.level >= 4 AND s.department_id IS NOT NULL"
    )
    return insert_select(
        RectificationOrder,
        source,
        [now],
        {
            "rating": "src.rating_id",
            "application": "src.application_id",
            "stage": "src.stage",
            "department": "src.department_id",
            "hall": "src.order_hall",
            "status": "CASE WHEN src.done THEN 'closed' ELSE 'rectifying' END",
            "outcome": "CASE WHEN src.done THEN 'satisfied' ELSE '' END",
            "finding": "'true'",
            "callback_note": "'已电话联系群众核实。'",
            "called_back_at": "src.rated_at + interval '1 day'",
            "reply": "CASE WHEN src.done THEN '已整改并答复。' ELSE '' END",
            "replied_at": "CASE WHEN src.done THEN src.rated_at + interval '8 days' END",
            "closed_at": "CASE WHEN src.done THEN src.rated_at + interval '12 days' END",
            # Opened when the 差评 was given (the working days to rectify count from it).
            "created_at": "src.rated_at",
            "updated_at": "COALESCE(src.rated_at + interval '12 days', src.rated_at)",
        },
        {"reopened": False, "ruling": ""},
    )


def refresh_rollups() -> str:
    """The supervision rollups, rebuilt as production does after a bulk load
    (``supervision.refresh.rebuild``: set-based, day by day from the record)."""
    try:
        from supervision.refresh import rebuild
    except ImportError:
        return "no supervision.refresh.rebuild on this checkout"
    result = rebuild()
    return str(result)


def counts() -> dict:
    from django.db import connection

    tables = [
        "intake_application",
        "intake_caseevent",
        "approvals_clock",
        "approvals_task",
        "approvals_escalation",
        "feedback_serviceinstance",
        "feedback_rating",
        "feedback_rectificationorder",
    ]
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
            result[table] = cursor.fetchone()[0]
    return result


def generate(args) -> dict:
    """Build the data in the current database (Django set up on it)."""
    from django.utils import timezone

    rng = random.Random(args.seed)  # noqa: S311 - benchmark data
    today = timezone.localdate()
    now = timezone.now()
    steps = Steps()
    staff = steps.run("organisation, catalog, staff", seed_base)
    steps.run("applicants", seed_citizens)
    steps.run("working-day tables", working_day_tables, today)
    steps.run("item picks", item_picks, rng)
    steps.run("staff tables", staff_tables, staff)
    steps.run("staging the cases", stage_cases, args.cases, today)
    steps.run("conclusions", finish_staging, today)
    steps.run("applications", insert_cases)
    steps.run("case events", insert_events)
    steps.run("clocks", insert_clocks, today)
    steps.run("tasks", insert_tasks)
    steps.run("督办", insert_escalations)
    steps.run("service instances", insert_services, now)
    steps.run("ratings", insert_ratings, now)
    steps.run("rectification orders", insert_orders, now)
    steps.run("drop staging", sql, "DROP TABLE sb_case, sb_pick, sb_clerk, sb_approver, sb_window")
    steps.run("vacuum analyze", vacuum)
    if args.rollups:
        print("  rollups:", steps.run("rollups", refresh_rollups))
    print(f"  total: {steps.total:.1f} s", flush=True)
    return {"times": steps.times, "total": steps.total, "counts": counts()}


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main(argv=None) -> int:
    args = parse_args(argv)
    recreate_database(args, force=True)
    setup_django(args)
    try:
        result = generate(args)
        for table, n in result["counts"].items():
            print(f"  {table}: {n:,}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(args, force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
