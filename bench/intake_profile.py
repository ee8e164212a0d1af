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

import cProfile
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    PDF,
    argument_parser,
    in_process_env,
    print_profile,
    profile_arguments,
)

STEPS = ("create", "upload", "submit", "accept")


def parse_args():
    parser = argument_parser(__doc__, "jinpu_bench_intake", own=False)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--sql", action="store_true", help="print each step's statements")
    parser.add_argument("--profile", choices=[*STEPS, "all"], help="cProfile this step (or all)")
    profile_arguments(parser)
    return parser.parse_args()


def setup(args) -> None:
    os.environ.update(in_process_env(args))
    import django

    django.setup()


def main() -> int:
    args = parse_args()
    setup(args)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, reset_queries
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
        # The connection keeps its last 9,000 statements: past them, a capture would
        # count none.
        reset_queries()
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
    if profiler:
        print_profile(profiler, args, args.cycles, "cycle", slowdown=" by ~3x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
