#!/usr/bin/env bash
# Set up and run the whole test suite, on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test

# The suite needs the local PostgreSQL (127.0.0.1:5432, trust auth, database "test").
if ! .venv/bin/python - <<'PY' 2>/dev/null
import os, psycopg
psycopg.connect(os.environ.get("CENTRALKA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"), connect_timeout=3).close()
PY
then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

# Two test processes share the machine (pytest-xdist, a file each at a time); the tests that time
# whole processes' stops and restarts then run with nothing beside them. Exit code 5 is "no test
# selected", as when the arguments name only tests of one kind.
status=0
.venv/bin/python -m pytest -n "${CENTRALKA_TEST_WORKERS:-2}" --dist loadfile -m "not alone" "$@" || status=$?
[ "$status" -eq 5 ] && status=0
alone=0
.venv/bin/python -m pytest -m alone "$@" || alone=$?
[ "$alone" -eq 5 ] && alone=0
[ "$status" -ne 0 ] && exit "$status"
exit "$alone"
