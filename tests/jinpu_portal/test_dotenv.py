"""Settings read the environment through django-environ: a local ``.env`` fills in only
what the environment leaves unset, and the values are cast as .env.example says."""

import json
import os
import subprocess
import sys

from jinpu_portal.settings import env


def test_dotenv_fills_in_only_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text(
        "# a comment\nJINPU_TEST_A=from-file\nJINPU_TEST_B='quoted'\nnot a setting\n"
        "JINPU_TEST_C=from-file\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("JINPU_TEST_A", raising=False)
    monkeypatch.delenv("JINPU_TEST_B", raising=False)
    monkeypatch.setenv("JINPU_TEST_C", "from-environment")

    env.read_env(path)

    assert os.environ["JINPU_TEST_A"] == "from-file"
    assert os.environ["JINPU_TEST_B"] == "quoted"
    assert os.environ["JINPU_TEST_C"] == "from-environment"
    for key in ("JINPU_TEST_A", "JINPU_TEST_B"):
        monkeypatch.delenv(key)


def test_values_are_cast_as_env_example_says(tmp_path):
    script = """
import json
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "AXES_FAILURE_LIMIT": s.AXES_FAILURE_LIMIT,
    "APPROVALS_YELLOW_RATIO": s.APPROVALS_YELLOW_RATIO,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "NAME": s.DATABASES["default"]["NAME"],
    "HOST": s.DATABASES["default"]["HOST"],
    "CONN_MAX_AGE": s.DATABASES["default"]["CONN_MAX_AGE"],
    "SITE_URL": s.SITE_URL,
}))
"""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "jinpu_portal.settings",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "yes",
        "ALLOWED_HOSTS": "a.example, b.example",
        "SESSION_COOKIE_SECURE": "off",
        "SECURE_SSL_REDIRECT": "1",
        "AXES_FAILURE_LIMIT": "7",
        "APPROVALS_YELLOW_RATIO": "0.25",
        "DATABASE_URL": "postgres://jinpu:secret@db.example:5432/jinpu",
        "SITE_URL": "https://zwfw.example/",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "DEBUG": True,
        "ALLOWED_HOSTS": ["a.example", "b.example"],
        "SESSION_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": True,
        "AXES_FAILURE_LIMIT": 7,
        "APPROVALS_YELLOW_RATIO": 0.25,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "jinpu",
        "HOST": "db.example",
        "CONN_MAX_AGE": 60,
        "SITE_URL": "https://zwfw.example",
    }
