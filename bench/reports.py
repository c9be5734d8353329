"""Reports over millions of call records on PostgreSQL, and the finance export's speed and memory.

A throw-away database (127.0.0.1:5432, user postgres, trust auth) gets N call records (1,000,000 by
default) COPied in: five companies of different sizes over a year, incoming calls peaking in office
hours on workdays, outgoing and internal calls, answered / missed / abandoned / voicemail in a
realistic mix, queue events for the queued calls, voicemail recordings. Then, for the largest company:

* each report over one month and over a whole year: its time (the best of three runs), against a bare
  ``count(*)`` of the same company's calls in the same period measured in the same run (the ratio);
* the plan of every statement a report runs (EXPLAIN): which indexes it uses, and whether it reads
  the call records by a sequential scan (it must not);
* the export (``centralka calls export --format csv|csv-excel|xlsx``) as a subprocess: rows/s and peak
  RSS per format, or a line saying the command is not there.

Targets: every report at most 0.3 s over 1M records and 2 s over 10M.
Run: ``.venv/bin/python bench/reports.py [records]``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select  # noqa: E402

from bench.listener import database  # noqa: E402  (a throw-away PostgreSQL database)

ROOT = Path(__file__).resolve().parents[1]
SHARES = [0.40, 0.25, 0.15, 0.12, 0.08]  # of the calls, per company
LAST_DAY = date(2026, 11, 30)
DAYS = 365
# Incoming calls per hour of a workday (relative): office hours, a dip at lunch; weekends a tenth.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 15, 60, 100, 95, 85, 60, 75, 85, 70, 45, 20, 10, 6, 4, 3, 2, 1]
TARGETS = {1_000_000: 0.3, 10_000_000: 2.0}
BIG_TABLES = r"Scan.* on (call_record|call_hour|call_day|caller_day|caller_month|queue_event|recording)\b"
PATHS = {  # the demo scenario's ways through, and the outcome they lead to
    "answered": [["hours:open", "welcome", "main_menu:1", "sales"], ["hours:open", "welcome", "main_menu:2", "accounting"],
                 ["hours:open", "welcome", "main_menu:no_input", "reception"]],
    "missed": [["hours:open", "welcome", "main_menu:1", "sales:no_answer"]],
    "abandoned": [["hours:open", "welcome"], ["hours:open", "welcome", "main_menu:1", "sales"]],
    "voicemail": [["hours:closed", "closed", "vm_closed"], ["hours:open", "welcome", "main_menu:2", "accounting:no_answer",
                                                             "vm_accounting"]],
}


def companies(app) -> list[dict]:
    """Five companies, each the demo's users, groups and scenario under its own name and number."""
    from pbx import directory, models
    from pbx.demo import load_demo
    from pbx.extensions import db

    found = []
    with app.app_context():
        for n in range(len(SHARES)):
            tenant = load_demo()
            db.session.flush()
            db.session.expire(tenant)  # its numbers and users, read back
            tenant.name = f"Firma {n + 1}"
            tenant.main_numbers[0].number = f"+48223{n:06d}"
            if n:
                directory.add_main_number(tenant, {"number": f"+48224{n:06d}", "label": "Serwis"})
            db.session.flush()
            scenario = db.session.scalar(select(models.Scenario.id).where(models.Scenario.tenant_id == tenant.id))
            found.append({"n": n, "id": tenant.id, "numbers": [m.number for m in tenant.main_numbers],
                          "users": [u.id for u in tenant.users], "queue": f"t{tenant.id}_s{scenario}_sales"})
        db.session.commit()
    return found


def _thresholds(weights: list[float]) -> list[float]:
    """Cumulative shares without the last: ``width_bucket(random(), these)`` picks an index by weight."""
    total, seen, found = sum(weights), 0.0, []
    for weight in weights[:-1]:
        seen += weight
        found.append(seen / total)
    return found


# One company's calls of one day made by the database itself (a COPY of Python-made lines took 6-12 min for
# 1M), stored in the order they started, as calls arrive. The inner query draws each call's random figures
# once (a subquery with random() is not flattened).
CALLS_SQL = """
INSERT INTO call_record (tenant_id, call_uuid, direction, main_number, caller, destination, answered_by_user_id,
    started_at, answered_at, ended_at, wait_seconds, talk_seconds, hangup_cause, hangup_side, path, source)
SELECT %(tenant)s, md5(%(tenant)s || '-' || %(day)s::text || '-' || g), direction, number,
       CASE WHEN direction = 'in' THEN party ELSE number END, CASE WHEN direction = 'in' THEN number ELSE party END,
       CASE WHEN answered AND direction = 'in' THEN user_id END,
       started, CASE WHEN answered THEN started + wait * interval '1 second' END,
       started + (wait + talk) * interval '1 second', wait, talk, 'NORMAL_CLEARING',
       CASE WHEN ended = 'abandoned' THEN 'caller' ELSE 'system' END, path::json, 'esl'
FROM (
    SELECT g, direction, ended, ended = 'answered' AS answered, number, party, user_id, started,
           CASE WHEN ended = 'abandoned' THEN 3 + floor(random() * 87)::int
                ELSE least(floor(-14 * ln(1 - random()))::int, 600) END AS wait,
           CASE WHEN ended = 'answered' THEN floor(-180 * ln(1 - random()))::int ELSE 0 END AS talk,
           CASE WHEN direction = 'in' THEN (%(paths)s::json -> ended) ->> floor(random() * json_array_length(
               %(paths)s::json -> ended))::int ELSE '[]' END AS path
    FROM (
        SELECT g, direction,
               CASE WHEN direction = 'in' THEN (ARRAY['answered', 'missed', 'abandoned', 'voicemail'])[
                        width_bucket(random(), %(outcomes)s::float8[]) + 1]
                    WHEN random() < 2 / 3.0 THEN 'answered' ELSE 'missed' END AS ended,
               (%(numbers)s::text[])[1 + floor(random() * cardinality(%(numbers)s::text[]))::int] AS number,
               (%(users)s::int[])[1 + floor(random() * cardinality(%(users)s::int[]))::int] AS user_id,
               -- callers ranked with weight 1 / (rank + 10): a few call often, most once or twice
               '+486' || (10000000 + floor(10 * exp(random() * ln((%(callers)s + 10) / 10.0)) - 10)::int) AS party,
               %(day)s::timestamptz + (width_bucket(random(), %(hours)s::float8[]) - 1) * interval '1 hour'
                   + floor(random() * 3600) * interval '1 second' AS started
        FROM (SELECT g, (ARRAY['in', 'out', 'internal'])[width_bucket(random(), ARRAY[0.70, 0.95]) + 1] AS direction
              FROM generate_series(1, %(count)s) AS g) AS drawn
    ) AS call
) AS figures
ORDER BY started
"""
# The queued calls (their path went through the sales queue): entered, then answered, abandoned or timed out.
QUEUE_SQL = """
INSERT INTO queue_event (tenant_id, queue, call_uuid, kind, at, wait_seconds)
SELECT tenant_id, %(queue)s, call_uuid, kind, at, waited FROM call_record,
       LATERAL (VALUES ('entered', started_at, 0),
                       (CASE WHEN answered_at IS NOT NULL THEN 'answered' WHEN hangup_side = 'caller' THEN 'abandoned'
                             ELSE 'timeout' END, started_at + wait_seconds * interval '1 second', wait_seconds))
               AS event (kind, at, waited)
WHERE tenant_id = %(tenant)s AND direction = 'in' AND path::text LIKE '%%"sales%%'
"""
VOICEMAIL_SQL = """
INSERT INTO recording (tenant_id, call_uuid, kind, caller, local_path, created_at, expires_at, legal_hold)
SELECT tenant_id, call_uuid, 'voicemail', caller, '/recordings/' || call_uuid || '.wav', started_at,
       started_at + interval '90 days', false
FROM call_record WHERE tenant_id = %(tenant)s AND direction = 'in' AND path::text LIKE '%%"vm_%%'
"""


def load(url: str, total: int, tenants: list[dict]) -> float:
    """Make ``total`` call records in the database, day by day; returns the seconds it took (indexes and
    VACUUM included).

    The call records' indexes and unique constraints are dropped first and built again at the end (one sort
    per index instead of ten million scattered inserts), and foreign keys are not checked while loading
    (the rows are made valid)."""
    import psycopg

    began = time.perf_counter()
    days = [LAST_DAY - timedelta(days=n) for n in range(DAYS)]
    shared = {"paths": json.dumps({ended: [json.dumps(path) for path in paths] for ended, paths in PATHS.items()}),
              "outcomes": _thresholds([75, 9, 10, 6]), "hours": _thresholds(HOUR_WEIGHTS)}
    weights = [1.0 if day.weekday() < 5 else 0.1 for day in days]
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("SELECT setseed(0.13)")
        rebuilt = _drop_indexes(conn, "call_record")
        for day, count in zip(reversed(days), _per_day(total, list(reversed(weights)))):
            midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            for company, calls in zip(tenants, _per_day(count, SHARES)):
                conn.execute(CALLS_SQL, {**shared, "tenant": company["id"], "count": calls, "day": midnight,
                                         "callers": max(100, int(total * SHARES[company["n"]]) // 20),
                                         "numbers": company["numbers"], "users": company["users"]})
        made = time.perf_counter()
        for definition in rebuilt:
            conn.execute(definition)
        indexed = time.perf_counter()
        for company in tenants:
            conn.execute(QUEUE_SQL, {"tenant": company["id"], "queue": company["queue"]})
            conn.execute(VOICEMAIL_SQL, {"tenant": company["id"]})
        conn.commit()
    _vacuum(url)
    print(f"made: calls {made - began:.0f} s, their indexes {indexed - made:.0f} s, queue events and voicemail "
          f"and VACUUM ANALYZE {time.perf_counter() - indexed:.0f} s")
    return time.perf_counter() - began


def _per_day(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` into whole numbers adding up to it."""
    shares, seen, found = sum(weights), 0.0, []
    for weight in weights:
        before = round(seen)
        seen += total * weight / shares
        found.append(round(seen) - before)
    return found


def _drop_indexes(conn, table: str) -> list[str]:
    """Drop a table's indexes and unique constraints but its primary key; returns the statements making them."""
    rows = conn.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                        "WHERE indrelid = %s::regclass AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)", (table,)).fetchall()
    unique = conn.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                          "WHERE conrelid = %s::regclass AND contype = 'u'", (table,)).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    for name, _ in unique:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return ([definition for _, definition in rows]
            + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in unique])


def _vacuum(url: str) -> None:
    """Statistics and the visibility map, as autovacuum would leave them: plans as in production."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


class Statements:
    """The SQL statements (with their parameters) a report sends, for EXPLAIN."""

    def __init__(self, engine):
        self.seen: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))


def plans(session, statements) -> tuple[list[str], bool]:
    """Each statement's plan: its top node and the scans of the big tables; and whether any reads the call
    records by a sequential scan (a company's report must not)."""
    shown, sequential = [], False
    raw = session.connection().connection.driver_connection
    for statement, parameters in statements:
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        scans = sorted({line.split("->")[-1].split("  (")[0].strip() for line in lines if re.search(BIG_TABLES, line)})
        shown.append(f"{lines[0].split('  (')[0].strip()}  <-  {'; '.join(scans) or 'no big table'}")
        sequential |= any(re.search(r"Seq Scan on call_record\b", line) for line in lines)
    return shown, sequential


def timed(run, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


def measure_reports(app, tenant: dict, total: int) -> bool:
    from pbx import models
    from pbx.extensions import db
    from pbx.reports import Period
    from pbx.reports.tables import BUILDERS, table

    target, met = TARGETS.get(total, 0.3 if total <= 1_000_000 else 2.0), True
    options = {"queues": {"within": 20}}
    with app.app_context():
        recorder = Statements(db.engine)
        for label, first in (("a month", LAST_DAY - timedelta(days=29)), ("a year", LAST_DAY - timedelta(days=365))):
            period = Period(first, LAST_DAY, "Europe/Warsaw")
            call = models.CallRecord
            bare = timed(lambda: db.session.scalar(select(func.count()).select_from(call).where(
                call.tenant_id == tenant["id"], call.started_at >= period.start, call.started_at < period.end)))
            in_period = db.session.scalar(select(func.count()).select_from(call).where(
                call.tenant_id == tenant["id"], call.started_at >= period.start, call.started_at < period.end))
            print(f"\n{label} ({first} .. {LAST_DAY}) of the largest company: {in_period:,} calls; "
                  f"baseline count(*) {bare * 1000:.1f} ms")
            for name in BUILDERS:
                seconds = timed(lambda: table(db.session, tenant["id"], period, name, **options.get(name, {})))
                recorder.seen.clear()
                table(db.session, tenant["id"], period, name, **options.get(name, {}))
                shown, sequential = plans(db.session, list(recorder.seen))
                ok = seconds <= target and not sequential
                met &= ok
                print(f"  {name:14} {seconds * 1000:8.1f} ms  {seconds / bare:6.2f}x count(*)  "
                      f"{'ok ' if ok else 'OVER'}{'  SEQUENTIAL SCAN OF call_record' if sequential else ''}")
                for line in shown:
                    print(f"      plan: {line}")
            db.session.rollback()
    return met


def count_hours(app, url: str) -> None:
    """The hourly counts of the loaded calls, as ``centralka reports backfill`` makes them."""
    from pbx import models
    from pbx.extensions import db
    from pbx.reports import hourly

    with app.app_context():
        began = time.perf_counter()
        written = hourly.backfill(db.session)
        seconds = time.perf_counter() - began
        calls = db.session.scalar(select(func.count()).select_from(models.CallRecord))
        db.session.rollback()
    _vacuum(url)
    print(f"hourly counts: {written:,} rows for {calls:,} calls, counted in {seconds:.0f} s "
          f"({calls / seconds:,.0f} calls/s)")


def measure_exports(url: str, tenant: dict) -> None:
    probe = subprocess.run([str(ROOT / ".venv/bin/centralka"), "calls", "export", "--help"], capture_output=True,
                           text=True, env={**os.environ, "CENTRALKA_DATABASE_URL": url})
    if probe.returncode != 0:
        print("\nexport: `centralka calls export` is not in this build; export rows/s and peak RSS not measured")
        return
    first = LAST_DAY - timedelta(days=29)
    for kind in ("csv", "csv-excel", "xlsx"):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / f"calls.{'xlsx' if kind == 'xlsx' else 'csv'}"
            began = time.perf_counter()
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", str(ROOT / ".venv/bin/centralka"), "calls", "export", "--tenant",
                 str(tenant["id"]), "--from", first.isoformat(), "--to", LAST_DAY.isoformat(), "--format", kind,
                 "--output", str(output)], capture_output=True, text=True,
                env={**os.environ, "CENTRALKA_DATABASE_URL": url})
            seconds = time.perf_counter() - began
            if done.returncode != 0:
                print(f"export {kind}: failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            peak_kb = int(done.stderr.strip().splitlines()[-1])
            rows = _rows_of(output, kind)
            print(f"export {kind:9}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, "
                  f"peak RSS {peak_kb / 1024:.0f} MB")


def _rows_of(output: Path, kind: str) -> int:
    if kind == "xlsx":
        from openpyxl import load_workbook
        return load_workbook(output, read_only=True).active.max_row - 1
    with output.open(encoding="utf-8-sig") as lines:
        return sum(1 for _ in lines) - 1


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("records", type=int, nargs="?", default=1_000_000)
    options.add_argument("--database", help="measure an existing bench database (URL) instead of making one")
    options.add_argument("--keep", action="store_true", help="keep the database made (prints its URL)")
    options.add_argument("--backfill", action="store_true", help="with --database: count its calls again first")
    options.add_argument("--no-exports", action="store_true", help="measure the reports only")
    args = options.parse_args()
    url, drop = (args.database, lambda: None) if args.database else database()
    from flask_migrate import upgrade

    from pbx.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False})
    try:
        with app.app_context():
            upgrade()
        if args.database:
            tenant = largest(app)
            if args.backfill:
                count_hours(app, url)
        else:
            tenants = companies(app)
            seconds = load(url, args.records, tenants)
            print(f"{args.records:,} call records of {len(tenants)} companies made in {seconds:.0f} s")
            count_hours(app, url)
            tenant = tenants[0]
        met = measure_reports(app, tenant, args.records)
        if not args.no_exports:
            measure_exports(url, tenant)
    finally:
        with app.app_context():
            from pbx.extensions import db
            db.engine.dispose()
        if args.keep:
            print(f"kept: {url}")
        else:
            drop()
    target = TARGETS.get(args.records, 2.0)
    print(f"\nevery report within {target} s over {args.records:,} records with no sequential scan of the call "
          f"records: {'yes' if met else 'NO'}")
    if not met:
        sys.exit(1)


def largest(app) -> dict:
    """The company with the most calls of a database made before."""
    from pbx import models
    from pbx.extensions import db

    with app.app_context():
        tenant_id = db.session.scalar(select(models.CallRecord.tenant_id).group_by(models.CallRecord.tenant_id)
                                      .order_by(func.count().desc()).limit(1))
    return {"id": tenant_id}


if __name__ == "__main__":
    main()
