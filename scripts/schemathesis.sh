#!/usr/bin/env bash
# `make schemathesis`: schemathesis (--checks all) against the demo's /api/schema/ on a
# local gunicorn with the demo settings and data, once as the citizen and once as the
# clerk (token auth). Bounded: ST_MAX_EXAMPLES examples per operation (default 15),
# a fixed seed (ST_SEED). Fails on any server error, schema violation or undocumented
# status/content type (schemathesis' ST1xx response checks); the data-acceptance checks
# (ST2xx) are reported. Outputs: var/schemathesis/<role>.txt. See docs/architecture.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${ST_PORT:-8765}
MAX_EXAMPLES=${ST_MAX_EXAMPLES:-15}
SEED=${ST_SEED:-1}
OUT=var/schemathesis
mkdir -p "$OUT"

token() {
  $PY manage.py shell -v0 -c "from rest_framework.authtoken.models import Token
from accounts.models import User
print(Token.objects.get_or_create(user=User.objects.get(username='$1'))[0].key)" 2>/dev/null
}

.venv/bin/gunicorn jinpu_portal.wsgi -b "127.0.0.1:$PORT" -w 2 --threads 2 >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done

status=0
for role in citizen clerk; do
  echo "== schemathesis as $role (max examples $MAX_EXAMPLES, seed $SEED)"
  .venv/bin/st run "http://127.0.0.1:$PORT/api/schema/" --checks all \
    -H "Authorization: Token $(token "$role")" -n "$MAX_EXAMPLES" --seed "$SEED" \
    --phases examples,coverage,fuzzing -w 2 --no-shrink >"$OUT/$role.txt" 2>&1 || true
  sed -n '/^Failures:/,/^Test cases:/p;/generated,/p' "$OUT/$role.txt"
  if grep -Eq "ST1[0-9][0-9] |Server error" "$OUT/$role.txt"; then
    echo "!! $role: server errors, schema violations or undocumented answers (see $OUT/$role.txt)"
    status=1
  fi
done
exit $status
