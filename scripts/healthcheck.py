#!/usr/bin/env python3
"""Container healthchecks (docker-compose.yml). Usage: healthcheck.py web|beat

web:  GET /healthz on the local gunicorn, as the reverse proxy would send it (a host
      from ALLOWED_HOSTS, X-Forwarded-Proto: https, so SECURE_SSL_REDIRECT does not
      answer with a redirect). /healthz runs a database query.
beat: the beat scheduler touched its heartbeat file within the last three minutes
      (it ticks at least once a minute: CELERY_BEAT_MAX_LOOP_INTERVAL).
"""

import os
import sys
import time
import urllib.request
from pathlib import Path


def web() -> bool:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed URL
        return response.status == 200


def beat() -> bool:
    var_dir = Path(os.environ.get("VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    heartbeat = var_dir / "celerybeat-heartbeat"
    return heartbeat.exists() and time.time() - heartbeat.stat().st_mtime < 180


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(checks)}")
    try:
        ok = checks[sys.argv[1]]()
    except Exception as error:  # any failure is "unhealthy", said once on stderr
        print(f"unhealthy: {error}", file=sys.stderr)
        ok = False
    sys.exit(0 if ok else 1)
