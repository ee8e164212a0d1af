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
import io
import json
import os
import pstats
import random
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    PYTHON,
    ROOT,
    database_arguments,
    database_url,
    recreate_database,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser, "jinpu_bench_rating_profile", own=False, reuse=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="the cache")
    parser.add_argument("--instances", type=int, default=20_000, help="open instances to seed")
    parser.add_argument("--ratings", type=int, default=500, help="ratings measured")
    parser.add_argument("--bad", type=float, default=0.02, help="share of 差评")
    parser.add_argument("--sql", action="store_true", help="print one rating's statements")
    parser.add_argument("--profile", action="store_true", help="cProfile the ratings")
    parser.add_argument("--sort", default="cumtime", help="pstats sort key for --profile")
    parser.add_argument("--lines", type=int, default=40, help="pstats lines for --profile")
    parser.add_argument(
        "--by-package",
        action="store_true",
        help="with --profile: own CPU time summed by package (django.db, rest_framework, ...)",
    )
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def environment(args) -> dict:
    return {
        "DATABASE_URL": database_url(args),
        "REDIS_URL": args.redis,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "CRITICAL",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # As rating_load_bench.py: the client address comes in X-Forwarded-For.
        "BENCH_NUM_PROXIES": "1",
    }


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
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [
            PYTHON,
            str(Path(__file__).resolve()),
            "--seed",
            str(args.instances),
            "--db-name",
            args.db_name,
            "--pg",
            args.pg,
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def address(index: int) -> str:
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


def rating_body(rng: random.Random, bad_share: float) -> dict:
    """As rating_load_bench.py's clients rate."""
    if rng.random() < bad_share:
        return {"level": rng.choice([4, 5]), "reasons": ["efficiency"], "text": "等候时间较长。"}
    level = rng.choices([1, 2, 3], weights=[80, 16, 4])[0]
    return {"level": level, "text": "" if rng.random() < 0.8 else "服务很好。"}


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
    if profiler and args.by_package:
        print_by_package(pstats.Stats(profiler), args.ratings, args.lines)
    elif profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())
    print(f"load average: {Path('/proc/loadavg').read_text().strip()}")
    return 0


def process_cpu(pid: int) -> float | None:
    """User+system CPU seconds of process ``pid`` (the database backend, on this host)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def package_of(filename: str) -> str:
    """``django/db/models/query.py`` -> ``django.db``; the project's own files by app."""
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].split("/")
        depth = 2 if parts[0] in ("django", "rest_framework") else 1
        return ".".join(part.removesuffix(".py") for part in parts[:depth])
    if filename.startswith("/") and "/wt/" in filename or filename.startswith(str(ROOT)):
        return "project: " + filename.rsplit("/", 2)[-2]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib"


def print_by_package(stats: pstats.Stats, count: int, lines: int) -> None:
    """Each function's own time (not its callees'), summed by package, per rating."""
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        key = package_of(filename)
        by_package[key] = by_package.get(key, 0.0) + own
    total = sum(by_package.values())
    print("own CPU time by package, per rating (profiled: slower than unprofiled)")
    for key, own in sorted(by_package.items(), key=lambda item: -item[1])[:lines]:
        print(f"  {own / count * 1000:7.2f} ms  {own / total:6.1%}  {key}")


if __name__ == "__main__":
    sys.exit(main())
