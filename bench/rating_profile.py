"""Where a rating by token's time goes: ``POST /api/v1/feedback/rate/{token}/`` (the
request of bench/rating_load_bench.py) run in-process (Django's test client, no
gunicorn), with the CPU time, wall time and SQL statements of each request, and the
bare JSON view's as the floor.

It makes its own database (default jinpu_bench_rating_profile: the organisation, the
item and --instances open service instances, as rating_load_bench.py seeds) unless
--reuse-db, and keeps it, so later runs (and the same script in another checkout, for
a comparison) rate the instances still open:

    .venv/bin/python bench/rating_profile.py                 # seed, then measure
    .venv/bin/python bench/rating_profile.py --reuse-db      # measure again
    .venv/bin/python bench/rating_profile.py --reuse-db --sql          # ... and the statements
    .venv/bin/python bench/rating_profile.py --reuse-db --profile      # cProfile of the ratings

The rate limits run on every request, as in the load benchmark (Redis, --redis; each
request its own token and its own client address in X-Forwarded-For, one proxy hop
trusted). Each rating uses up one open instance. Only 127.0.0.1 is contacted.
"""

import argparse
import cProfile
import json
import os
import random
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    argument_parser,
    in_process_env,
    print_profile,
    profile_arguments,
    recreate_database,
    run,
)
from bench.rating_load_bench import address, rating_body  # noqa: E402


def parse_args(argv=None):
    parser = argument_parser(__doc__, "jinpu_bench_rating_profile", own=False, reuse=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="the cache")
    parser.add_argument("--instances", type=int, default=20_000, help="open instances to seed")
    parser.add_argument("--ratings", type=int, default=500, help="ratings measured")
    parser.add_argument("--bad", type=float, default=0.02, help="share of 差评")
    parser.add_argument("--sql", action="store_true", help="print one rating's statements")
    parser.add_argument("--profile", action="store_true", help="cProfile the ratings")
    profile_arguments(parser)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def environment(args) -> dict:
    # As rating_load_bench.py: the client address comes in X-Forwarded-For.
    return in_process_env(args, BENCH_NUM_PROXIES="1")


def seed(count: int) -> None:
    """Runs inside Django (``--seed``): the organisation and ``count`` open instances."""
    import datetime

    import django

    django.setup()
    from django.utils import timezone

    from bench.feedback_data import cases_with_instances, seed_base

    now = timezone.now()
    cases_with_instances(
        seed_base(),
        count // 2,
        served_between=(now - datetime.timedelta(days=2), now - datetime.timedelta(minutes=5)),
        period=datetime.timedelta(days=30),
        prefix="BP",
    )


def prepare_database(args) -> None:
    env = {**os.environ, **environment(args), "PYTHONPATH": str(ROOT)}
    recreate_database(args)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seed_args = ["--seed", str(args.instances), "--db-name", args.db_name, "--pg", args.pg]
    run([PYTHON, str(Path(__file__).resolve()), *seed_args], env)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(int(args.seed))
        return 0
    if not args.reuse_db:
        prepare_database(args)
    os.environ.update(environment(args))

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import feedback
    from feedback.constants import InstanceState
    from feedback.models import ServiceInstance
    from feedback.tokens import rating_token

    print(f"code: {Path(feedback.__file__).parent.parent}")
    needed = args.ratings + 30
    instances = list(
        ServiceInstance.objects.filter(state=InstanceState.OPEN).order_by("pk")[:needed]
    )
    if len(instances) < needed:
        print(f"only {len(instances)} open instances left: run without --reuse-db")
        return 2
    tokens = [rating_token(instance) for instance in instances]
    client = Client()
    rng = random.Random(len(instances))
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    totals = {"rate": [0, 0.0, 0.0], "bare": [0, 0.0, 0.0]}
    statements: list[str] = []
    cache.clear()  # the rate limits' counters of earlier runs

    def timed(kind, send, expected, profile=False):
        # The statements of the first measured rating only (capturing costs CPU too).
        capture = None
        if kind == "rate" and profile and not statements:
            capture = CaptureQueriesContext(connection)
        with nullcontext() if capture is None else capture:
            if profile and profiler:
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            response = send()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profile and profiler:
                profiler.disable()
        assert response.status_code == expected, (kind, response.status_code, response.content)
        total = totals[kind]
        total[0] += 1
        total[1] += cpu
        total[2] += wall
        return capture

    def rate(index, measure=True):
        body = json.dumps(rating_body(rng, args.bad))
        capture = timed(
            "rate",
            lambda: client.post(
                f"/api/v1/feedback/rate/{tokens[index]}/",
                body,
                content_type="application/json",
                HTTP_X_FORWARDED_FOR=address(index),
            ),
            201,
            profile=measure,
        )
        if capture is not None:
            statements.extend(q["sql"] for q in capture.captured_queries)

    def bare():
        timed("bare", lambda: client.get("/bench/bare-json/"), 200)

    for index in range(30):  # warm-up: imports, compiled statements, connections
        rate(index, measure=False)
        bare()
    for total in totals.values():
        total[:] = [0, 0.0, 0.0]
    if profiler:
        profiler = cProfile.Profile(time.process_time)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_cpu = process_cpu(backend)
    for index in range(30, needed):
        rate(index)
        bare()
    backend_cpu = process_cpu(backend) - backend_cpu

    print(f"{args.ratings} ratings ({args.bad:.0%} 差评); per request: CPU (process time), wall")
    for kind, (count, cpu, wall) in totals.items():
        print(f"  {kind:5s} CPU {cpu / count * 1000:6.2f} ms   wall {wall / count * 1000:6.2f} ms")
    rate_cpu = totals["rate"][1] / totals["rate"][0]
    bare_cpu = totals["bare"][1] / totals["bare"][0]
    print(f"  a rating costs {rate_cpu / bare_cpu:.1f} bare requests of this process's CPU")
    if backend_cpu is not None:
        print(
            f"  PostgreSQL backend CPU per rating {backend_cpu / args.ratings * 1000:5.2f} ms"
            " (its process's user+system time, 10 ms ticks)"
        )
    print(f"  statements of a (good) rating: {len(statements)}")
    if args.sql:
        for sql in statements:
            print("    ", sql[:300])
    if profiler:
        print_profile(profiler, args, args.ratings, "rating")
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


def process_cpu(pid: int) -> float | None:
    """User+system CPU seconds of process ``pid`` (the database backend, on this host)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
