"""What the benchmark scripts share: paths, the admin connection that creates and drops
their databases, the environment of the gunicorn they start and waiting for it.

The scripts run as files (``python bench/intake_load_bench.py``) and put the checkout on
``sys.path`` before importing this module as ``bench.common``."""

import os
import socket
import subprocess
import sys
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


def database_url(args) -> str:
    """The benchmark's own database on the server ``args.pg``."""
    return f"{args.pg.rstrip('/')}/{args.db_name}"


def admin_sql(args, sql: str) -> None:
    """Run ``sql`` (CREATE/DROP DATABASE) on the server's ``postgres`` database."""
    import psycopg2

    connection = psycopg2.connect(f"{args.pg.rstrip('/')}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def recreate_database(args, *, force: bool = False) -> None:
    """Drop the benchmark's database if it is there and create it empty; ``force``
    ends the sessions still connected to it first."""
    drop_database(args, force=force)
    admin_sql(args, f'CREATE DATABASE "{args.db_name}"')


def drop_database(args, *, force: bool = False) -> None:
    with_force = " WITH (FORCE)" if force else ""
    admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db_name}"{with_force}')


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a server or worker the benchmark started: SIGTERM, then SIGKILL after
    ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_env(args, var_dir: str, *, allowed_hosts: str, **overrides: str) -> dict:
    """The environment of a benchmark's gunicorn: production settings (DEBUG off, a
    secret key) without TLS, the bench URLconf, the benchmark's database and ``var_dir``.
    ``overrides`` (REDIS_URL, ...) are added last."""
    inherited = {"REDIS_URL", "DATABASE_URL", "DEBUG", "CELERY_TASK_ALWAYS_EAGER"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(
        {
            "DATABASE_URL": database_url(args),
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": allowed_hosts,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": var_dir,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            **overrides,
        }
    )
    return env


def run(cmd: list[str], env: dict) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


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
