#!/usr/bin/env bash
# Start the portal (Django's server) and one Celery worker with embedded beat.
# Without REDIS_URL the worker uses kombu's filesystem transport under var/celery.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var/log

.venv/bin/celery -A jinpu_portal worker --beat --loglevel=INFO --concurrency=1 \
  --schedule=var/celerybeat-schedule >var/log/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true; wait $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "================================================================"
echo " 金普新区政务服务一窗受理平台 is starting"
echo " Portal:   http://$HOST:$PORT/"
echo " Admin:    http://$HOST:$PORT/admin/"
echo " API docs: http://$HOST:$PORT/api/docs/"
echo " Worker log: var/log/worker.log (Celery worker + beat, pid $WORKER)"
echo "----------------------------------------------------------------"
$PY manage.py demo_accounts
echo "================================================================"
echo
$PY manage.py runserver "$HOST:$PORT" --noreload
