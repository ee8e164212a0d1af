"""Online submissions and clerks' acceptances vs a bare Django JSON view, under gunicorn
against PostgreSQL, 32 concurrent clients.

Target (issue 4): the intake requests sustain at least 12% of the requests per second of
a bare Django JSON view on the same server, measured in the same run, with no errors;
PDF rendering stays off the request path (the notices are queued on a real Redis broker
and no Celery worker runs during the measurement).

What it does, start to finish:
  1. creates its own PostgreSQL database (default jinpu_bench_intake; dropped at the end
     unless --keep-db) and migrates it;
  2. seeds, through the services: the organisation (seed_demo's organisation seeder), a
     published 承诺件 with two required materials and a workflow step, --clients citizens
     and 8 clerks at windows of both halls, each with a DRF token;
  3. starts gunicorn with the portal's gunicorn.conf.py (gthread; 2 x cores + 1 workers
     of 2 threads unless --workers/--threads say otherwise) on 127.0.0.1:--port, with
     DEBUG off, SECRET_KEY set, SECURE_SSL_REDIRECT=0, ALLOWED_HOSTS=127.0.0.1,
     bench.settings for the baseline views, REDIS_URL = the broker;
  4. for --rounds rounds, in turn for --duration seconds each:
     - bare: --clients clients GET /bench/bare-json/;
     - intake: each of --clients clients loops: POST /api/v1/applications/ (create, as
       its citizen), two POST .../materials/ (multipart PDF), POST .../submit/, then
       POST /api/v1/clerk/applications/{id}/accept/ (as a clerk);
     - minimal: the same four steps against bench/views.py' minimal views,
       which write the same rows and do nothing else (the yardstick the issue quotes
       at about 20 %; printed, not part of PASS);
     the clients are --processes processes of threads, each with its own keep-alive
     connection; the same client code drives both, so the ratio compares like with
     like (wrk's figure for the bare view is printed as well, for reference);
  5. checks the database afterwards (every submitted application accepted once, case
     numbers unique, the acceptance notices pending in the queue, none rendered), prints
     both req/s, the ratio, the error count and PASS/FAIL, and stops gunicorn.

Usage: .venv/bin/python bench/intake_load_bench.py [--clients 32] [--duration 15] ...
Only 127.0.0.1 is ever contacted.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

TARGET_RATIO = 0.12


def parse_args(argv=None):
    parser = common.argument_parser(__doc__, "jinpu_bench_intake")
    common.load_arguments(
        parser, port=18766, redis="redis://127.0.0.1:6379/7", redis_help="broker and cache"
    )
    parser.add_argument(
        "--off",
        action="append",
        default=[],
        metavar="PIECE[,PIECE]",
        help="A/B: also measure a server with these fast-path pieces off (FASTPATH_OFF, "
        "bench/settings.py); repeatable; each arm runs in every round",
    )
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Database and data -------------------------------------------------------------------


def server_env(args, var_dir: str, off: str = "") -> dict:
    # The demo's SMS/email back ends only log; keep the in-portal message (a row in the
    # request's transaction) and the after-commit dispatch task.
    return common.server_env(
        args, var_dir, allowed_hosts="127.0.0.1", REDIS_URL=args.redis, FASTPATH_OFF=off
    )


def seed(clients: int, out_file: str) -> None:
    """Runs inside Django (``--seed``): organisation, one item, citizens, clerks, tokens."""
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from accounts.demo import make_resident_id, seed_organisation
    from accounts.models import Department
    from accounts.services import citizen_register, user_create

    started = time.monotonic()
    seed_organisation()
    department = Department.objects.get(code="SCJ")
    version = common.publish_bench_item(department)
    citizens, applicants = [], []
    for index in range(clients):
        user = user_create(
            username=f"bench-citizen-{index}", password=None, full_name=f"压测居民{index}"
        )
        citizen = citizen_register(
            name=f"压测居民{index}",
            id_number=make_resident_id(f"21021319900101{index:03d}"),
            user=user,
            verified=True,
        )
        citizens.append(Token.objects.create(user=user).key)
        applicants.append({"citizen": citizen.pk, "user": user.pk})
    clerks = [Token.objects.create(user=user).key for user, _ in common.bench_clerks(8)]
    Path(out_file).write_text(
        json.dumps(
            {
                "item_code": version.item.code,
                "materials": list(
                    version.materials.order_by("position").values_list("pk", flat=True)
                ),
                "citizens": citizens,
                "clerks": clerks,
                # For the minimal views (bench/views.py), which read nothing.
                "version": version.pk,
                "department": department.pk,
                "step": version.steps.get().pk,
                "applicants": applicants,
            }
        )
    )
    print(f"seeded in {time.monotonic() - started:.1f}s", flush=True)


def check_database(args) -> dict:
    """What the run left behind, read straight from PostgreSQL."""
    with common.database_cursor(args) as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM intake_application"
            " WHERE channel = 'online' GROUP BY status"
        )
        statuses = dict(cursor.fetchall())
        # The minimal views' applications are channel 'kiosk': left out.
        cursor.execute(
            "SELECT count(*), count(DISTINCT case_number) FROM intake_application"
            " WHERE case_number IS NOT NULL AND channel = 'online'"
        )
        numbered, distinct = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM intake_caseevent e JOIN intake_application a"
            " ON a.id = e.application_id WHERE e.action = 'accept' AND a.channel = 'online'"
        )
        (accept_events,) = cursor.fetchone()
        cursor.execute(
            "SELECT n.status, count(*) FROM intake_notice n JOIN intake_application a"
            " ON a.id = n.application_id WHERE n.kind = 'acceptance' AND a.channel = 'online'"
            " GROUP BY n.status"
        )
        notices = dict(cursor.fetchall())
    return {
        "statuses": statuses,
        "numbered": numbered,
        "distinct_numbers": distinct,
        "accept_events": accept_events,
        "acceptance_notices": notices,
    }


def queued_tasks(args) -> int:
    import redis

    return redis.Redis.from_url(args.redis).llen("celery")


def clear_queue(args) -> None:
    """The notice tasks this run queued (no worker ran): drop them, nothing else."""
    import redis

    redis.Redis.from_url(args.redis).delete("celery")


# --- Server ----------------------------------------------------------------------------------


# --- Clients -------------------------------------------------------------------------------


class Client(common.Client):
    """A client of the portal's API: a DRF token and a content type per call."""

    def call(self, method: str, path: str, token: str | None, body=None, content_type=None):
        headers = {}
        if token:
            headers["Authorization"] = f"Token {token}"
        if content_type:
            headers["Content-Type"] = content_type
        return super().call(method, path, body, headers)

    def post_json(self, path: str, token: str | None, payload):
        return self.call("POST", path, token, json.dumps(payload).encode(), "application/json")


def multipart(fields: dict, file_field: str, filename: str, content: bytes):
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode(),
        ]
    lines += [
        f"--{boundary}".encode(),
        f'Content-Disposition: form-data; name="{file_field}"; filename="{filename}"'.encode(),
        b"Content-Type: application/pdf",
        b"",
        content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def upload_materials(client: Client, record, path: str, token: str | None, materials) -> None:
    """The upload step of both cycles: one multipart PDF per material, POSTed to ``path``."""
    for material_id in materials:
        payload, content_type = multipart({"material_id": material_id}, "file", "m.pdf", common.PDF)
        record.step = "upload"
        status, content = client.call("POST", path, token, payload, content_type)
        record(status, 200, content)


def intake_cycle(client: Client, data: dict, citizen: str, clerk: str, record) -> None:
    """One application: create, upload both materials, submit; a clerk accepts it."""
    record.step = "create"
    status, body = client.post_json(
        "/api/v1/applications/", citizen, {"item_code": data["item_code"]}
    )
    record(status, 201, body)
    if status != 201:
        return
    pk = json.loads(body)["id"]
    upload_materials(
        client, record, f"/api/v1/applications/{pk}/materials/", citizen, data["materials"]
    )
    record.step = "submit"
    status, body = client.call("POST", f"/api/v1/applications/{pk}/submit/", citizen)
    record(status, 200, body)
    verdicts = [{"material": m, "status": "received"} for m in data["materials"]]
    record.step = "accept"
    status, body = client.post_json(
        f"/api/v1/clerk/applications/{pk}/accept/", clerk, {"verdicts": verdicts}
    )
    record(status, 200, body)
    if status == 200:
        record.cycles += 1


def minimal_cycle(client: Client, data: dict, applicant: dict, record) -> None:
    """The same four steps against the minimal views (bench/views.py)."""
    base = "/bench/minimal/applications/"
    record.step = "create"
    body = {
        "item_version": data["version"],
        "applicant": applicant["citizen"],
        "materials": data["materials"],
    }
    status, content = client.post_json(base, None, body)
    record(status, 201, content)
    if status != 201:
        return
    pk = json.loads(content)["id"]
    upload_materials(client, record, f"{base}{pk}/materials/", None, data["materials"])
    user = applicant["user"]
    record.step = "submit"
    status, content = client.call("POST", f"{base}{pk}/submit/?user={user}", None)
    record(status, 200, content)
    record.step = "accept"
    body = {"department": data["department"], "step": data["step"]}
    status, content = client.post_json(f"{base}{pk}/accept/?user={user}", None, body)
    record(status, 200, content)
    if status == 200:
        record.cycles += 1


def client_process(mode, port, data, slots, start_at, stop_at, results):
    """One client process: a thread per client slot, each its own connection."""
    counts = {"requests": 0, "errors": 0, "cycles": 0, "samples": [], "latency": {}}
    lock = threading.Lock()

    def worker(slot: int) -> None:
        client = Client(port)
        citizen = data["citizens"][slot % len(data["citizens"])]
        clerk = data["clerks"][slot % len(data["clerks"])]

        def record(status, expected, body):
            with lock:
                common.tally(counts, status, expected, body)
                counts["latency"].setdefault(record.step, []).append(client.elapsed)

        record.cycles = 0
        record.step = "bare"
        common.wait_for(start_at)
        while time.time() < stop_at:
            if mode == "bare":
                status, body = client.call("GET", common.BARE_PATH, None)
                record(status, 200, body)
            elif mode == "minimal":
                applicant = data["applicants"][slot % len(data["applicants"])]
                minimal_cycle(client, data, applicant, record)
            else:
                intake_cycle(client, data, citizen, clerk, record)
        with lock:
            counts["cycles"] += record.cycles
        client.connection.close()

    common.run_threads(worker, slots, results, counts)


def drive(args, mode: str, data: dict) -> dict:
    """``--clients`` clients in ``--processes`` processes for ``--duration`` seconds."""
    totals = common.drive_clients(args, client_process, mode, args.port, data)
    totals["cycles_per_s"] = totals["cycles"] / args.duration
    return totals


def wrk_bare(args) -> float | None:
    if not shutil.which("wrk"):
        return None
    output = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(args.clients),
            "-d",
            f"{min(args.duration, 10)}s",
            f"http://127.0.0.1:{args.port}{common.BARE_PATH}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(match.group(1)) if match else None


# --- Main ----------------------------------------------------------------------------------


def arm_name(off: str) -> str:
    return f"{off} off" if off else "all on"


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed:
        seed(args.clients, args.seed)
        return 0
    if common.refuse_busy_port(args.port):
        return 2
    work_dir = common.fresh_run_dir(args, "intake", "broker")
    env = server_env(args, str(work_dir / "var"))
    common.recreate_database(args)
    servers = []
    try:
        data = common.migrate_and_seed(__file__, work_dir, env)
        clear_queue(args)
        # The portal's own server settings (gunicorn.conf.py), on a local port; one
        # server per arm of an A/B (--off), on the ports after it.
        common.gunicorn_defaults(args)
        arms = ["", *args.off]
        base_port = args.port
        for number, off in enumerate(arms):
            port = base_port + number
            if number and not common.port_is_free(port):
                raise SystemExit(f"port {port} is in use")
            servers.append(
                common.start_server(args, port, server_env(args, str(work_dir / "var"), off))
            )
        for number, server in enumerate(servers):
            common.wait_until_up(server, base_port + number)
        print(
            f"{common.server_line(args)}; arms: {', '.join(arm_name(off) for off in arms)}",
            flush=True,
        )
        for number in range(len(arms)):
            # Warm-up: every worker loads its code paths and connections.
            args.port = base_port + number
            drive(argparse.Namespace(**{**vars(args), "duration": 3}), "intake", data)
            drive(argparse.Namespace(**{**vars(args), "duration": 2}), "bare", data)
            if number == 0:
                drive(argparse.Namespace(**{**vars(args), "duration": 2}), "minimal", data)
        results = {off: {"bare": [], "intake": []} for off in arms}
        minimal_runs = []
        for round_number in range(1, args.rounds + 1):
            for number, off in enumerate(arms):
                args.port = base_port + number
                bare = drive(args, "bare", data)
                intake = drive(args, "intake", data)
                results[off]["bare"].append(bare)
                results[off]["intake"].append(intake)
                minimal = drive(args, "minimal", data) if number == 0 else None
                if minimal:
                    minimal_runs.append(minimal)
                minimal_errors = minimal["errors"] if minimal else 0
                print(
                    f"  round {round_number} [{arm_name(off)}]: bare {bare['rps']:8.1f} req/s   "
                    f"intake {intake['rps']:7.1f} req/s ({intake['cycles_per_s']:.1f} "
                    f"applications submitted and accepted /s)   "
                    f"ratio {intake['rps'] / bare['rps']:.1%}"
                    + (
                        f"   minimal views {minimal['rps']:7.1f} req/s "
                        f"({minimal['rps'] / bare['rps']:.1%})"
                        if minimal
                        else ""
                    )
                    + f"   errors {bare['errors'] + intake['errors'] + minimal_errors}",
                    flush=True,
                )
                print(
                    "    median latency: "
                    + ", ".join(
                        f"{step} {statistics.median(values) * 1000:.0f} ms"
                        for step, values in {**bare["latency"], **intake["latency"]}.items()
                    ),
                    flush=True,
                )
                samples = bare["samples"] + intake["samples"] + (minimal or {}).get("samples", [])
                for sample in samples[:5]:
                    print(f"    error: {sample}", flush=True)
        args.port = base_port
        bare_runs, intake_runs = results[""]["bare"], results[""]["intake"]
        wrk_rps = wrk_bare(args)
        queued = queued_tasks(args)
        state = check_database(args)
    finally:
        for server in servers:
            common.stop(server)
        clear_queue(args)
        common.drop_unless_kept(args)
        shutil.rmtree(work_dir, ignore_errors=True)

    bare_rps = statistics.median(r["rps"] for r in bare_runs)
    intake_rps = statistics.median(r["rps"] for r in intake_runs)
    minimal_rps = statistics.median(r["rps"] for r in minimal_runs)
    errors = sum(r["errors"] for arm in results.values() for r in arm["bare"] + arm["intake"])
    minimal_errors = sum(r["errors"] for r in minimal_runs)
    ratio = intake_rps / bare_rps
    accepted = state["statuses"].get("in_approval", 0) + state["statuses"].get("accepted", 0)
    consistent = (
        state["numbered"] == state["distinct_numbers"] == accepted == state["accept_events"]
        and state["acceptance_notices"].get("ready", 0) == 0
        and state["acceptance_notices"].get("pending", 0) == accepted
    )
    print()
    print(f"bare JSON view (same client):  {bare_rps:8.1f} req/s (median of {args.rounds})")
    if wrk_rps:
        print(f"bare JSON view (wrk, reference): {wrk_rps:6.1f} req/s")
    print(f"intake requests:               {intake_rps:8.1f} req/s (median of {args.rounds})")
    print(f"ratio:                         {ratio:8.1%}  (target {TARGET_RATIO:.0%})")
    print(
        f"minimal views (same rows):     {minimal_rps:8.1f} req/s = {minimal_rps / bare_rps:.1%}"
        f" of bare; the intake reaches {intake_rps / minimal_rps:.0%} of them"
        f" ({minimal_errors} errors)"
    )
    if wrk_rps:
        print(f"ratio against wrk's bare:      {intake_rps / wrk_rps:8.1%}")
    print(f"errors:                        {errors}")
    print(
        f"database: {accepted} online applications accepted, {state['numbered']} case numbers"
        f" ({state['distinct_numbers']} distinct), {state['accept_events']} accept events;"
        f" acceptance notices {state['acceptance_notices']} (no worker ran);"
        f" {queued} tasks waiting in the broker; other statuses: "
        f"{ {k: v for k, v in state['statuses'].items() if k not in ('in_approval', 'accepted')} }"
    )
    if len(arms) > 1:
        print()
        print("| arm | bare req/s | intake req/s | ratio (median of rounds) | vs all on |")
        print("|---|---:|---:|---:|---:|")
        for off in arms:
            ratios = [
                i["rps"] / b["rps"]
                for b, i in zip(results[off]["bare"], results[off]["intake"], strict=True)
            ]
            arm_ratio = statistics.median(ratios)
            if not off:
                base_ratio = arm_ratio
            bare_median = statistics.median(r["rps"] for r in results[off]["bare"])
            intake_median = statistics.median(r["rps"] for r in results[off]["intake"])
            print(
                f"| {arm_name(off)} | {bare_median:.0f} | {intake_median:.1f}"
                f" | {arm_ratio:.1%} | {(arm_ratio - base_ratio) * 100:+.1f} points |"
            )
    passed = ratio >= TARGET_RATIO and errors == 0 and consistent
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
