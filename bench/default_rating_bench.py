"""The default-rating job of 好差评 on PostgreSQL: 100,000 due service instances.

Target (issue 14, item 12): the job that records the default rating (基本满意, is_default)
of every instance whose rating period ended unrated records 100,000 due instances in
under 30 s on PostgreSQL. Item 5: it is idempotent (run twice, one default each; runs
at the same time, too).

What it does, start to finish:
  1. creates its own PostgreSQL database (default jinpu_bench_defaults; dropped at the
     end unless --keep-db), migrates it, seeds the organisation, the item, 8 clerks
     and 500 walk-in applicants through the services;
  2. bulk-inserts concluded counter cases with their two instances each (intake and
     conclusion): --due instances whose period ended in the last 30 days, --not-due
     instances still open (served in the last 6 days), --rated instances rated by
     citizens (INSERT ... SELECT over generate_series); then VACUUM ANALYZE;
  3. runs feedback.services.jobs.ratings_default_record (as the beat task does) --runs
     times, the default ratings deleted and the instances reopened in between (and
     vacuumed), timing each run (wall, and CPU of this process plus its PostgreSQL
     backend, with --sessions 1) and a second run right after it (which must record
     nothing); then once more in one session, for its CPU time;
  4. runs the job --concurrent times at once (threads, each its own connections) on the
     reopened instances: together they must record each due instance exactly once;
  5. after every run checks the database: one default rating per due instance, every
     due instance DEFAULTED, the not-due ones OPEN and unrated, the rated ones RATED
     with their citizen's rating untouched; prints the load average and PASS/FAIL.

Usage: .venv/bin/python bench/default_rating_bench.py [--due 100000] [--keep-db]
Only 127.0.0.1 is contacted.
"""

import datetime
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    argument_parser,
    drop_unless_kept,
    recreate_database,
    setup_django,
    start_and_join,
)

TARGET_S = 30.0
UTC = datetime.UTC


def parse_args(argv=None):
    parser = argument_parser(__doc__, "jinpu_bench_defaults")
    parser.add_argument("--due", type=int, default=100_000, help="instances past their period")
    parser.add_argument("--not-due", type=int, default=20_000, help="open, period running")
    parser.add_argument("--rated", type=int, default=10_000, help="rated by citizens")
    parser.add_argument("--batch", type=int, help="instances per transaction (job's default)")
    parser.add_argument("--sessions", type=int, help="database sessions (job's default)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=3, help="threads at once (0: skip)")
    parser.add_argument("--seed", type=int, default=20261204)
    return parser.parse_args(argv)


def load(args, now: datetime.datetime) -> dict:
    """The data (see the module's docstring); returns the instance ids of each kind."""
    from django.core.management import call_command
    from django.db import connection

    from bench.feedback_data import cases_with_instances, rate_some, seed_base

    recreate_database(args, force=True)
    call_command("migrate", verbosity=0)
    base = seed_base()
    rng = random.Random(args.seed)
    week = datetime.timedelta(days=7)
    day = datetime.timedelta(days=1)
    kinds = {
        # Periods ended between 30 days and a minute ago.
        "due": ((now - week - 30 * day, now - week - datetime.timedelta(minutes=1)), args.due),
        "not_due": ((now - 6 * day, now - datetime.timedelta(minutes=1)), args.not_due),
        "rated": ((now - week - 30 * day, now - 2 * day), args.rated),
    }
    ids = {}
    for kind, (between, count) in kinds.items():
        instances = cases_with_instances(
            base, count // 2, served_between=between, period=week, prefix=f"B{kind[0]}"
        )
        ids[kind] = [pk for pk, _ in instances]
    rate_some(ids["rated"], rng)
    with connection.cursor() as cursor:
        for table in ("feedback_serviceinstance", "feedback_rating", "intake_application"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return ids


def reopen() -> None:
    """Undo the job: its ratings deleted, its instances open again, the tables vacuumed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_rating WHERE is_default")
        cursor.execute(
            "UPDATE feedback_serviceinstance SET state = 'open' WHERE state = 'defaulted'"
        )
        for table in ("feedback_serviceinstance", "feedback_rating"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def timed_run(now, args, sessions: int | None = None):
    """(wall s, CPU s of this process and its PostgreSQL backend or None, the job's
    result). The CPU is measured with one session only: the backends of the job's
    other sessions end with them."""
    from bench.clock_bench import backend_cpu_seconds
    from feedback.services.jobs import ratings_default_record

    kwargs = {"now": now, "batch": args.batch, "sessions": sessions or args.sessions}
    backend = backend_cpu_seconds() if kwargs["sessions"] == 1 else None
    cpu = time.process_time()
    began = time.perf_counter()
    result = ratings_default_record(**{k: v for k, v in kwargs.items() if v})
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu
    if backend is None:
        return elapsed, None, result
    return elapsed, cpu + backend_cpu_seconds() - backend, result


def concurrent_run(now, args, threads: int):
    """``threads`` runs of the job released together; (wall s, each run's count)."""
    from django.db import connection

    from feedback.services.jobs import ratings_default_record

    kwargs = {"now": now, "batch": args.batch, "sessions": args.sessions}
    kwargs = {key: value for key, value in kwargs.items() if value}
    barrier = threading.Barrier(threads)
    counts, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            counts.append(ratings_default_record(**kwargs).recorded)
        except Exception as error:  # reported below
            errors.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    began = time.perf_counter()
    start_and_join(workers)
    if errors:
        raise RuntimeError(errors)
    return time.perf_counter() - began, counts


def check(ids: dict) -> list[str]:
    """What is wrong in the database after a run ([] when nothing)."""
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.state, r.is_default, count(*), count(r.id), count(DISTINCT r.instance_id)"
            " FROM feedback_serviceinstance s LEFT JOIN feedback_rating r ON r.instance_id = s.id"
            " GROUP BY s.state, r.is_default"
        )
        rows = {
            (state, is_default): (n, rated, distinct)
            for state, is_default, n, rated, distinct in cursor.fetchall()
        }
        cursor.execute(
            "SELECT count(*) FROM feedback_rating WHERE is_default AND (level <> 3"
            " OR channel <> 'default' OR rater_id IS NOT NULL)"
        )
        (malformed,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM feedback_rating r JOIN feedback_serviceinstance s"
            " ON s.id = r.instance_id WHERE r.is_default AND r.rated_at <> s.rate_until"
        )
        (wrong_time,) = cursor.fetchone()
    due, not_due, rated = len(ids["due"]), len(ids["not_due"]), len(ids["rated"])
    expected = {
        ("defaulted", True): (due, due, due),
        ("open", None): (not_due, 0, 0),
        ("rated", False): (rated, rated, rated),
    }
    if rows != expected:
        problems.append(f"instances by state and rating: {rows}, expected {expected}")
    if malformed or wrong_time:
        problems.append(f"{malformed} malformed default ratings, {wrong_time} not at rate_until")
    return problems


def main(argv=None) -> int:
    args = parse_args(argv)
    setup_django(args, "default-rating-bench")
    from django.db import connections

    from bench.clock_bench import conditions

    now = datetime.datetime.now(UTC).replace(microsecond=0)
    failures = []
    try:
        began = time.perf_counter()
        ids = load(args, now)
        print(
            f"database {args.db_name}: {len(ids['due']):,} due, {len(ids['not_due']):,} open"
            f" and {len(ids['rated']):,} rated instances loaded in"
            f" {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        print(f"machine: {conditions()}", flush=True)
        walls = []
        for number in range(1, args.runs + 2):
            if number > 1:
                reopen()
            # The last run in one session, for its CPU time (the work itself).
            last = number == args.runs + 1
            elapsed, cpu, result = timed_run(now, args, 1 if last else None)
            if not last:
                walls.append(elapsed)
            again, _, second = timed_run(now, args)
            problems = check(ids)
            failures += problems
            if second.recorded:
                failures.append(f"the second run recorded {second.recorded}")
            print(
                f"{'one session' if last else f'run {number}'}: {result.recorded:,} default"
                f" ratings in {elapsed:.2f} s ({result.batches} batches,"
                f" {result.recorded / elapsed:,.0f}/s"
                + (f", CPU {cpu:.2f} s" if cpu is not None else "")
                + f"); run again: {second.recorded} in {again * 1000:.0f} ms;"
                f" load {os.getloadavg()[0]:.1f}; {problems if problems else 'ok'}",
                flush=True,
            )
        if args.concurrent:
            reopen()
            elapsed, counts = concurrent_run(now, args, args.concurrent)
            problems = check(ids)
            failures += problems
            if sum(counts) != len(ids["due"]):
                failures.append(f"concurrent runs recorded {counts}, sum {sum(counts)}")
            print(
                f"{args.concurrent} runs at once: {sum(counts):,} default ratings ({counts})"
                f" in {elapsed:.2f} s; {problems if problems else 'ok'}",
                flush=True,
            )
        print(f"machine: {conditions()}")
        worst = max(walls)
        print(
            f"{len(ids['due']):,} due instances: median {statistics.median(walls):.2f} s,"
            f" worst {worst:.2f} s (target < {TARGET_S:.0f} s)"
        )
        if worst >= TARGET_S:
            failures.append(f"worst run {worst:.2f} s")
        for failure in failures:
            print(f"  problem: {failure}")
        print("PASS" if not failures else "FAIL")
    finally:
        connections.close_all()
        drop_unless_kept(args, force=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
