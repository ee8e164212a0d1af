"""What the benchmark scripts share: paths, their options, the admin connection that
creates and drops their databases, the gunicorn they start (its environment, starting it,
waiting for it), migrating and seeding, the clients and driving them, the load
benchmarks' rounds and the figures of their verdict.

The scripts run as files (``python bench/intake_load_bench.py``) and put the checkout on
``sys.path`` before importing this module as ``bench.common``."""

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import runpy
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
BARE_PATH = "/bench/bare-json/"  # bench/views.py, routed by bench/urls.py
# The material the intake benchmarks upload: a PDF by its content, about 2 kB.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 2000 + b"\n"


def argument_parser(doc: str, db_name: str, **database: bool) -> argparse.ArgumentParser:
    """A benchmark's command line: described by the first line of its docstring ``doc``,
    with the options that name its database (``database_arguments``; ``database``: its
    ``own`` and ``reuse``)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    database_arguments(parser, db_name, **database)
    return parser


def database_arguments(parser, db_name: str, *, own: bool = True, reuse: bool = False) -> None:
    """The options that name the benchmark's database: ``--pg`` (the server) and
    ``--db-name``; for a benchmark that creates its ``own`` database ``--keep-db``, and
    with ``reuse`` ``--reuse-db``."""
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--db-name", default=db_name)
    if own:
        parser.add_argument("--keep-db", action="store_true", help="leave the database behind")
    if reuse:
        parser.add_argument(
            "--reuse-db", action="store_true", help="use the existing database as it is (kept)"
        )


def load_arguments(parser, *, port: int, redis: str, redis_help: str) -> None:
    """The options of a load benchmark against gunicorn: ``--redis`` and ``--port``, the
    server's ``--workers`` and ``--threads`` (default: gunicorn.conf.py's) and the
    clients' ``--clients``, ``--processes``, ``--duration`` and ``--rounds``."""
    parser.add_argument("--redis", default=redis, help=redis_help)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument(
        "--workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--threads", type=int, help="gthread threads per worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=5)


def database_url(args) -> str:
    """The benchmark's own database on the server ``args.pg``."""
    return f"{args.pg.rstrip('/')}/{args.db_name}"


@contextlib.contextmanager
def database_cursor(args, *, admin: bool = False):
    """A cursor on the benchmark's own database (to read what a run left behind), or
    with ``admin`` on the server's ``postgres`` database in autocommit (CREATE/DROP
    DATABASE); the connection is closed after."""
    import psycopg2

    connection = psycopg2.connect(
        f"{args.pg.rstrip('/')}/postgres" if admin else database_url(args)
    )
    connection.autocommit = admin
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def admin_sql(args, sql: str) -> None:
    """Run ``sql`` (CREATE/DROP DATABASE) on the server's ``postgres`` database."""
    with database_cursor(args, admin=True) as cursor:
        cursor.execute(sql)


def recreate_database(args, *, force: bool = False) -> None:
    """Drop the benchmark's database if it is there and create it empty; ``force``
    ends the sessions still connected to it first."""
    drop_database(args, force=force)
    admin_sql(args, f'CREATE DATABASE "{args.db_name}"')


def drop_database(args, *, force: bool = False) -> None:
    with_force = " WITH (FORCE)" if force else ""
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db_name}"{with_force}')


def drop_unless_kept(args, *, force: bool = False) -> None:
    """At a run's end: drop the benchmark's database unless ``--keep-db`` was given."""
    if not args.keep_db:
        drop_database(args, force=force)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server or worker the benchmark started: SIGTERM, then SIGKILL after
    ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def bench_settings(args, *, allowed_hosts: str, log_level: str) -> dict:
    """The settings' environment of a benchmark's Django: production settings (DEBUG
    off, a secret key) without TLS, the bench URLconf and the benchmark's database."""
    return {
        "DATABASE_URL": database_url(args),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": allowed_hosts,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": log_level,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def server_env(args, var_dir: str, *, allowed_hosts: str, **overrides: str) -> dict:
    """The environment of a benchmark's gunicorn: ``bench_settings`` (warnings logged),
    ``var_dir`` and the checkout on PYTHONPATH. ``overrides`` (REDIS_URL, ...) are added
    last."""
    inherited = {"REDIS_URL", "DATABASE_URL", "DEBUG", "CELERY_TASK_ALWAYS_EAGER"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(bench_settings(args, allowed_hosts=allowed_hosts, log_level="WARNING"))
    env.update({"VAR_DIR": var_dir, "PYTHONPATH": str(ROOT), **overrides})
    return env


def in_process_env(args, **overrides: str) -> dict:
    """The environment of a profile that runs the portal in-process under Django's test
    client: ``bench_settings`` for host ``testserver`` (nothing logged below CRITICAL)
    and the cache ``args.redis``; ``overrides`` are added last."""
    return {
        **bench_settings(args, allowed_hosts="testserver", log_level="CRITICAL"),
        "REDIS_URL": args.redis,
        **overrides,
    }


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def refuse_busy_port(port: int) -> bool:
    """Whether something listens on ``port`` already (said on stderr): a load benchmark
    then exits with 2 before it creates anything."""
    if port_is_free(port):
        return False
    print(f"port {port} is in use", file=sys.stderr)
    return True


def fresh_run_dir(args, name: str, redis_role: str) -> Path:
    """A load benchmark's fresh work directory (``jinpu-bench-<name>-...``), announced
    with the run's database and its Redis (the portal's ``redis_role``: cache or broker)."""
    work_dir = Path(tempfile.mkdtemp(prefix=f"jinpu-bench-{name}-"))
    print(
        f"database {database_url(args)}; {redis_role} {args.redis}; work dir {work_dir}",
        flush=True,
    )
    return work_dir


def wait_until_up(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    """Wait for ``/healthz`` to answer 200; fail at once if gunicorn exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in time; see the log above")


def migrate_and_seed(script: str, work_dir: Path, env: dict, seed_args=()) -> dict:
    """Migrate the benchmark's database, run ``script --seed`` (inside Django, in ``env``;
    ``seed_args`` are the script's own options the seed needs, e.g. its size) and return
    the data it wrote (``work_dir/data.json``)."""
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    data_file = work_dir / "data.json"
    run([PYTHON, str(Path(script).resolve()), "--seed", str(data_file), *seed_args], env)
    return json.loads(data_file.read_text())


def gunicorn_defaults(args) -> None:
    """``args.workers`` and ``args.threads`` not given: the portal's own server settings
    (gunicorn.conf.py)."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    args.workers = args.workers or conf["workers"]
    args.threads = args.threads or conf["threads"]


def start_server(args, port: int, env: dict) -> subprocess.Popen:
    """gunicorn with the portal's gunicorn.conf.py on 127.0.0.1:``port``, ``args.workers``
    workers of ``args.threads`` threads."""
    return subprocess.Popen(
        [
            GUNICORN,
            "jinpu_portal.wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


@contextlib.contextmanager
def seeded_server(
    args, script: str, work_dir: Path, env: dict, *, broker: bool = False, seed_args=()
):
    """A load benchmark's life around its measurements: its database made afresh,
    migrated and seeded by ``script`` (the data it wrote is yielded), the cache keys
    cleared and gunicorn up on ``args.port``. On the way out, however the measurements
    ended: gunicorn stopped, the cache keys (with ``broker`` the broker's queue) deleted,
    the database dropped unless ``--keep-db``, ``work_dir`` removed."""
    recreate_database(args)
    server = None
    try:
        data = migrate_and_seed(script, work_dir, env, seed_args)
        delete_cache_keys(args, broker=broker)
        gunicorn_defaults(args)
        server = start_server(args, args.port, env)
        wait_until_up(server, args.port)
        print(server_line(args), flush=True)
        yield data
    finally:
        if server is not None:
            stop(server)
        delete_cache_keys(args, broker=broker)
        drop_unless_kept(args)
        shutil.rmtree(work_dir, ignore_errors=True)


def server_line(args) -> str:
    """The run's server and clients, as printed before the measurements."""
    return (
        f"gunicorn: {args.workers} workers x {args.threads} threads (gthread), DEBUG off; "
        f"clients: {args.clients} in {args.processes} processes, {args.duration}s per run"
    )


def load_average() -> str:
    return Path("/proc/loadavg").read_text().strip()


def print_round(number: int, bare: dict, measured: dict, label: str, short: str) -> None:
    """One round of a load benchmark against the bare view: both req/s (the measured
    request's as ``label``), the ratio, the median latencies (``short``), the errors and
    the load; then the first five errors' samples."""
    print(
        f"  round {number}: bare {bare['rps']:8.1f} req/s   "
        f"{label} {measured['rps']:7.1f} req/s   "
        f"ratio {measured['rps'] / bare['rps']:.1%}   "
        f"median latency bare {statistics.median(bare['latency']) * 1000:.0f} ms, "
        f"{short} {statistics.median(measured['latency']) * 1000:.0f} ms   "
        f"errors {bare['errors'] + measured['errors']}   "
        f"load {load_average().split()[0]}",
        flush=True,
    )
    for sample in (bare["samples"] + measured["samples"])[:5]:
        print(f"    error: {sample}", flush=True)


def measure_rounds(args, bare, measured, label: str, short: str) -> tuple[list, list]:
    """``args.rounds`` rounds of a load benchmark: ``bare()`` then ``measured()`` (each
    drives the clients once), every round printed (``print_round``). Returns the bare
    and the measured runs; alternating them in each round keeps a host whose speed
    drifts from favouring either."""
    bare_runs, measured_runs = [], []
    for number in range(1, args.rounds + 1):
        bare_runs.append(bare())
        measured_runs.append(measured())
        print_round(number, bare_runs[-1], measured_runs[-1], label, short)
    return bare_runs, measured_runs


def print_ratio(
    args, bare_runs: list, measured_runs: list, label: str, target: float
) -> tuple[float, int]:
    """The verdict's figures of a load benchmark: both medians of req/s (the measured
    request's as ``label``), their ratio against ``target`` and the errors of every run.
    Returns the ratio and the errors."""
    bare_rps = statistics.median(r["rps"] for r in bare_runs)
    measured_rps = statistics.median(r["rps"] for r in measured_runs)
    ratio = measured_rps / bare_rps
    errors = sum(r["errors"] for r in bare_runs + measured_runs)
    print()
    print(f"bare JSON view:  {bare_rps:8.1f} req/s (median of {args.rounds})")
    print(f"{label + ':':<17}{measured_rps:8.1f} req/s (median of {args.rounds})")
    print(f"ratio:           {ratio:8.1%}  (target {target:.0%})")
    print(f"errors:          {errors}")
    return ratio, errors


def delete_cache_keys(args, *, broker: bool = False) -> None:
    """The counters this run made in ``args.redis`` (the portal's key prefix), nothing
    else; with ``broker`` also the broker's queue (no worker runs)."""
    import redis

    client = redis.Redis.from_url(args.redis)
    for key in client.scan_iter(match="jinpu:*", count=1000):
        client.delete(key)
    if broker:
        client.delete("celery")


def setup_django(args, name: str, *, redis: bool = False, **env: str) -> None:
    """Django set up in this process on the script's database (``args``), for a script
    that runs the portal's code without serving requests: DEBUG off (no query log), a
    throwaway SECRET_KEY named after the script, REDIS_URL dropped unless ``redis`` (the
    cache in local memory); ``env`` (NOTIFICATION_BACKENDS, ...) is set last."""
    os.environ["DATABASE_URL"] = database_url(args)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", f"{name}-{os.urandom(8).hex()}")
    if not redis:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinpu_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_clerks(count: int) -> list:
    """``count`` clerks (inside Django), bench-clerk-0 … each at a window of the halls in
    turn, through accounts' services: [(user, window), ...]."""
    from accounts.models import Hall, Window
    from accounts.services import staff_assign_window, user_create

    windows = list(Window.objects.filter(hall__in=Hall.objects.all()).order_by("hall", "number"))
    clerks = []
    for index in range(count):
        user = user_create(
            username=f"bench-clerk-{index}",
            password=None,
            full_name=f"压测窗口{index}",
            roles=["clerk"],
        )
        window = windows[index % len(windows)]
        staff_assign_window(user=user, window=window)
        clerks.append((user, window))
    return clerks


def publish_bench_item(department):
    """The benchmarks' item (inside Django): a published 承诺件 of ``department`` with two
    required materials and one workflow step, through catalog's services."""
    from catalog.constants import CaseType, Channel, ItemType, Theme
    from catalog.models import ServiceObjectType
    from catalog.services import item_create, version_publish

    version = item_create(
        code="11210213BENCH0000001",
        actor=None,
        name="食品经营许可（压测）",
        basic_code="000123456000",
        item_type=ItemType.LICENSING,
        department=department,
        legal_basis="《中华人民共和国食品安全法》",
        theme=Theme.BUSINESS_START,
        case_type=CaseType.PROMISED,
        statutory_limit_days=20,
        promised_limit_days=10,
        acceptance_conditions="申请人符合法定条件。",
        channels=[Channel.WINDOW, Channel.PC],
        visits_required=1,
        visits_reason="需现场核验。",
        materials=[
            {"name": "申请书", "issuing_body": "申请人", "originals": 1, "copies": 0},
            {"name": "营业执照", "issuing_body": "市场监督管理部门", "originals": 0, "copies": 1},
        ],
        steps=[{"stage": 1, "name": "审查", "department": department, "budget_days": 8}],
        relations={"service_objects": [ServiceObjectType.objects.get(code="1")]},
    )
    return version_publish(version=version, actor=None)


class Client:
    """One benchmark client: a keep-alive connection, reopened when the server closes it.
    ``elapsed`` is the last call's time."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body=None, headers=None):
        headers = {"Accept": "application/json", **(headers or {})}
        for attempt in range(2):
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                self.elapsed = time.perf_counter() - started
                return response.status, content
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def wait_for(start_at: float) -> None:
    """Hold a client until the measurement starts (``start_at``, time.time())."""
    while time.time() < start_at:
        time.sleep(0.005)


def tally(counts: dict, status: int, expected: int, body: bytes) -> None:
    """Count one answer in a client process's ``counts`` (under its lock): a request,
    and an error (the first five kept as samples) unless ``status`` is ``expected``."""
    counts["requests"] += 1
    if status != expected:
        counts["errors"] += 1
        if len(counts["samples"]) < 5:
            counts["samples"].append(f"{status}: {body[:300]!r}")


def run_threads(worker, slots, results, counts: dict) -> None:
    """One client process's end: ``worker(slot)`` in a thread per client slot; when all
    are done, put ``counts`` on ``results``."""
    start_and_join([threading.Thread(target=worker, args=(slot,)) for slot in slots])
    results.put(counts)


def start_and_join(threads) -> None:
    """Start every thread of ``threads``, then wait for them all."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def merge_counts(totals: dict, counts: dict) -> None:
    """Add one client process's counts to ``totals``: numbers add up, lists extend,
    dicts merge (their lists extend)."""
    for key, value in counts.items():
        if isinstance(value, list):
            totals.setdefault(key, []).extend(value)
        elif isinstance(value, dict):
            into = totals.setdefault(key, {})
            for name, item in value.items():
                if isinstance(item, list):
                    into.setdefault(name, []).extend(item)
                else:
                    into[name] = item
        else:
            totals[key] = totals.get(key, 0) + value


def drive_clients(args, target, *target_args) -> dict:
    """``args.clients`` clients in ``args.processes`` forked processes for
    ``args.duration`` seconds: each process runs ``target(*target_args, slots, start_at,
    stop_at, results)`` for its client slots and puts its counts (a dict with at least
    ``requests``) on ``results``. Returns the merged counts with ``rps``."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 1.0
    stop_at = start_at + args.duration
    slots = [list(range(p, args.clients, args.processes)) for p in range(args.processes)]
    processes = [
        context.Process(target=target, args=(*target_args, group, start_at, stop_at, results))
        for group in slots
        if group
    ]
    for process in processes:
        process.start()
    totals: dict = {}
    for _ in processes:
        merge_counts(totals, results.get(timeout=args.duration + 120))
    for process in processes:
        process.join()
    # Requests still in flight at stop_at finish after it; counting them over the
    # nominal duration overstates by at most one request per client.
    totals["rps"] = totals["requests"] / args.duration
    return totals


# --- In-process profiles (bench/*_profile.py) ------------------------------------------


def profile_arguments(parser) -> None:
    """The options of a profile's cProfile output (with its own ``--profile``):
    ``--sort``, ``--lines`` and ``--by-package``."""
    parser.add_argument("--sort", default="cumtime", help="pstats sort key for --profile")
    parser.add_argument("--lines", type=int, default=40, help="pstats lines for --profile")
    parser.add_argument(
        "--by-package",
        action="store_true",
        help="with --profile: own CPU time summed by package (django.db, rest_framework, ...)",
    )


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


def print_profile(profiler, args, count: int, per: str, slowdown: str = "") -> None:
    """A profile's cProfile output: with ``--by-package`` each function's own time (not
    its callees'), summed by package, per ``per`` (``count`` of them were profiled);
    else pstats' ``--lines`` top lines by ``--sort``. ``slowdown``: how much slower the
    profiled run is, as measured."""
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    if not args.by_package:
        stats.sort_stats(args.sort).print_stats(args.lines)
        print(out.getvalue())
        return
    by_package: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
        key = package_of(filename)
        by_package[key] = by_package.get(key, 0.0) + own
    total = sum(by_package.values())
    print(f"own CPU time by package, per {per} (profiled: slower than unprofiled{slowdown})")
    for key, own in sorted(by_package.items(), key=lambda item: -item[1])[: args.lines]:
        print(f"  {own / count * 1000:7.2f} ms  {own / total:6.1%}  {key}")
