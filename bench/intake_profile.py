"""Where an intake request's time goes: the four steps of bench/intake_load_bench.py run
in-process (Django's test client, no gunicorn), with the CPU time, wall time and SQL
statements of each, and the same for the minimal views as the floor.

Needs the database a load benchmark run left behind:

    .venv/bin/python bench/intake_load_bench.py --rounds 1 --duration 1 --keep-db
    .venv/bin/python bench/intake_profile.py                 # CPU and statements a step
    .venv/bin/python bench/intake_profile.py --sql           # ... and the statements
    .venv/bin/python bench/intake_profile.py --profile accept  # cProfile of one step

Each cycle adds an accepted application to that database. Only 127.0.0.1 is contacted.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import PDF, ROOT, database_arguments, database_url  # noqa: E402

STEPS = ("create", "upload", "submit", "accept")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_arguments(parser, "jinpu_bench_intake", own=False)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--sql", action="store_true", help="print each step's statements")
    parser.add_argument("--profile", choices=[*STEPS, "all"], help="cProfile this step (or all)")
    parser.add_argument("--sort", default="cumtime", help="pstats sort key for --profile")
    parser.add_argument("--lines", type=int, default=40, help="pstats lines for --profile")
    parser.add_argument(
        "--by-package",
        action="store_true",
        help="with --profile: own CPU time summed by package (django.db, rest_framework, ...)",
    )
    return parser.parse_args()


def setup(args) -> None:
    os.environ.update(
        {
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
        }
    )
    import django

    django.setup()


def main() -> int:
    args = parse_args()
    setup(args)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import Citizen
    from catalog.models import ItemVersion

    version = ItemVersion.objects.get(item__code="11210213BENCH0000001", status="published")
    materials = list(version.materials.order_by("position").values_list("pk", flat=True))
    citizen_token = Token.objects.filter(user__username__startswith="bench-citizen").first()
    clerk_token = Token.objects.filter(user__username__startswith="bench-clerk").first()
    citizen = Citizen.objects.get(user=citizen_token.user)
    step_id = version.steps.get().pk
    client = Client()
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    totals: dict[str, dict[str, float]] = {}
    statements: dict[str, list[str]] = {}

    def step(mode, name, send, expected):
        capture = CaptureQueriesContext(connection)
        with capture:
            if profiler and mode == "portal" and args.profile in (name, "all"):
                profiler.enable()
            wall, cpu = time.perf_counter(), time.process_time()
            response = send()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profiler:
                profiler.disable()
        assert response.status_code == expected, (name, response.status_code, response.content)
        total = totals.setdefault(f"{mode} {name}", {"n": 0, "cpu": 0.0, "wall": 0.0})
        total["n"] += 1
        total["cpu"] += cpu
        total["wall"] += wall
        statements[f"{mode} {name}"] = [q["sql"] for q in capture.captured_queries]
        return response

    def upload_materials(mode, path, auth):
        """The upload step of both cycles: one PDF per material, POSTed to ``path``."""
        for material in materials:
            upload = SimpleUploadedFile("m.pdf", PDF, "application/pdf")
            step(
                mode,
                "upload",
                lambda m=material, u=upload: client.post(
                    path, {"material_id": m, "file": u}, **auth
                ),
                200,
            )

    def portal_cycle():
        citizen_auth = {"HTTP_AUTHORIZATION": f"Token {citizen_token.key}"}
        clerk_auth = {"HTTP_AUTHORIZATION": f"Token {clerk_token.key}"}
        body = json.dumps({"item_code": version.item.code})
        response = step(
            "portal",
            "create",
            lambda: client.post(
                "/api/v1/applications/", body, content_type="application/json", **citizen_auth
            ),
            201,
        )
        base = f"/api/v1/applications/{response.json()['id']}"
        upload_materials("portal", f"{base}/materials/", citizen_auth)
        step("portal", "submit", lambda: client.post(f"{base}/submit/", **citizen_auth), 200)
        verdicts = [{"material": m, "status": "received"} for m in materials]
        accept = base.replace("/applications/", "/clerk/applications/") + "/accept/"
        step(
            "portal",
            "accept",
            lambda: client.post(
                accept,
                json.dumps({"verdicts": verdicts}),
                content_type="application/json",
                **clerk_auth,
            ),
            200,
        )

    def minimal_cycle():
        base = "/bench/minimal/applications/"
        body = {"item_version": version.pk, "applicant": citizen.pk, "materials": materials}
        response = step(
            "minimal",
            "create",
            lambda: client.post(base, json.dumps(body), content_type="application/json"),
            201,
        )
        pk = response.json()["id"]
        upload_materials("minimal", f"{base}{pk}/materials/", {})
        user = citizen.user_id
        step("minimal", "submit", lambda: client.post(f"{base}{pk}/submit/?user={user}"), 200)
        body = {"department": version.department_id, "step": step_id}
        step(
            "minimal",
            "accept",
            lambda: client.post(
                f"{base}{pk}/accept/?user={user}", json.dumps(body), "application/json"
            ),
            200,
        )

    for _ in range(5):  # warm-up: caches, connections
        portal_cycle()
        minimal_cycle()
    totals.clear()
    if profiler:
        profiler = cProfile.Profile(time.process_time)
    for _ in range(args.cycles):
        portal_cycle()
        minimal_cycle()

    print(
        f"{args.cycles} cycles; per request: CPU (process time), wall time, SQL statements"
        " (BEGIN and COMMIT included)"
    )
    for mode in ("portal", "minimal"):
        cycle_cpu = 0.0
        for name in STEPS:
            total = totals[f"{mode} {name}"]
            cycle_cpu += total["cpu"] / args.cycles
            count = len(statements[f"{mode} {name}"])
            print(
                f"  {mode:8s} {name:7s} CPU {total['cpu'] / total['n'] * 1000:5.2f} ms"
                f"   wall {total['wall'] / total['n'] * 1000:5.2f} ms   {count:2d} statements"
            )
        print(f"  {mode:8s} cycle   CPU {cycle_cpu * 1000:5.2f} ms")
    if args.sql:
        for key, queries in statements.items():
            print(f"\n== {key}")
            for sql in queries:
                print("  ", sql[:160])
    if profiler and args.by_package:
        print_by_package(pstats.Stats(profiler), args.cycles, args.lines)
    elif profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())
    return 0


def package_of(filename: str) -> str:
    """``django/db/models/query.py`` -> ``django.db``; the project's own files by app."""
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].split("/")
        depth = 2 if parts[0] in ("django", "rest_framework", "celery", "kombu") else 1
        return ".".join(part.removesuffix(".py") for part in parts[:depth])
    if filename.startswith(str(ROOT)):
        return "project: " + filename[len(str(ROOT)) + 1 :].split("/")[0]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib"


def print_by_package(stats: pstats.Stats, cycles: int, lines: int) -> None:
    """Each function's own time (not its callees'), summed by package, per cycle."""
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        key = package_of(filename)
        by_package[key] = by_package.get(key, 0.0) + own
    total = sum(by_package.values())
    print("own CPU time by package, per cycle (profiled: slower than unprofiled by ~3x)")
    for key, own in sorted(by_package.items(), key=lambda item: -item[1])[:lines]:
        print(f"  {own / cycles * 1000:7.2f} ms  {own / total:6.1%}  {key}")


if __name__ == "__main__":
    sys.exit(main())
