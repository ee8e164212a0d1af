"""Production configuration: `check --deploy` is clean with .env.example, every variable
settings.py reads is documented there and in the README, and the compose file validates."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def settings_variables() -> set[str]:
    source = (ROOT / "jinpu_portal" / "settings.py").read_text(encoding="utf-8")
    # django-environ's readers: env("X"), env.bool("X", ...), env.db_url("X", ...), ...
    pattern = r'\benv(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"'
    return set(re.findall(pattern, source))


def readme_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", readme, flags=re.MULTILINE))


def test_settings_reads_the_variables_we_expect():
    """Guards the regex below against silently matching nothing."""
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= (
        settings_variables()
    )


def test_env_example_documents_exactly_what_settings_reads():
    assert set(env_example()) - COMPOSE_ONLY == settings_variables()


def test_readme_table_lists_exactly_what_settings_reads():
    assert readme_variables() == settings_variables()


def test_the_web_servers_variables_are_documented_too():
    """gunicorn.conf.py reads its own variables (not settings.py's): .env.example names
    each (commented out: the defaults serve) and the README says what it sets."""
    source = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    read = set(re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', source))
    assert {"WEB_CONCURRENCY", "GUNICORN_THREADS"} <= read
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    commented = set(re.findall(r"^# ([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert read <= commented
    assert {name for name in read if f"`{name}`" not in readme} == set()


def test_check_deploy_is_clean_with_the_production_variables(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        **env_example(),
    }
    # What .env.example leaves for the operator to fill in, and what points at the
    # compose network or the image's folders, is filled in for this machine.
    if not env["SECRET_KEY"]:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env["VAR_DIR"] = str(tmp_path / "var")
    env["MEDIA_ROOT"] = str(tmp_path / "var" / "media")
    env["STATIC_ROOT"] = str(tmp_path / "static")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output


def test_settings_refuse_to_start_without_secret_key_in_production(tmp_path):
    env = {"PATH": os.environ.get("PATH", ""), "DEBUG": "0", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.skipif(
    not (shutil.which("docker-compose") or shutil.which("docker")),
    reason="neither docker-compose nor docker is installed",
)
def test_docker_compose_file_validates(tmp_path):
    for name in ["docker-compose.yml", "Dockerfile"]:
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")  # as the README says
    if shutil.which("docker-compose"):
        command = ["docker-compose", "config", "-q"]
    else:
        command = ["docker", "compose", "config", "-q"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    rendered = subprocess.run(
        [*command[:-1]], cwd=tmp_path, capture_output=True, text=True, timeout=60
    ).stdout
    for service in ["postgres:", "redis:", "web:", "worker:", "beat:"]:
        assert f"  {service}" in rendered
    assert rendered.count("healthcheck:") == 5
    for volume in ["pgdata:", "media:"]:
        assert volume in rendered


def test_dockerfile_builds_what_the_compose_file_runs():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#")
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    for needed in ["fonts-noto-cjk", "libpango-1.0-0", "pip install -r requirements.txt"]:
        assert needed in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "gunicorn" in dockerfile
    assert (ROOT / "scripts" / "healthcheck.py").exists()


def test_collectstatic_with_hashed_names(settings, tmp_path):
    """The image runs collectstatic with the manifest storage, which fails on a CSS or JS
    file referring to a missing file (a vendored library's source map, say)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        # Manifest hashing without whitenoise's compression: the same reference checks,
        # a fraction of the time.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    assert "vendor/bootstrap/css/bootstrap.min.css" in manifest
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in manifest


def test_gunicorn_workers_freeze_the_loaded_portal_and_collect_less_often():
    """gunicorn.conf.py's post_worker_init, run as a worker runs it (in a child process:
    it changes the interpreter's collector)."""
    script = (
        "import gc, runpy\n"
        "config = runpy.run_path('gunicorn.conf.py')\n"
        "assert gc.get_freeze_count() == 0\n"
        "config['post_worker_init'](None)\n"
        "print(gc.get_freeze_count(), *gc.get_threshold())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    frozen, *thresholds = map(int, result.stdout.split())
    assert frozen > 1000  # the modules loaded so far, out of the collector's sight
    assert thresholds == [50_000, 20, 100]


def test_the_embedded_default_database_migrates(tmp_path):
    """`make demo` runs on SQLite: every migration applies there too (a PostgreSQL-only
    operation, such as a concurrent index, broke it once)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "Applying intake.0010_application_submitted_index... OK" in result.stdout
