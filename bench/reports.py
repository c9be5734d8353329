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

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
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
            found.append({"id": tenant.id, "numbers": [m.number for m in tenant.main_numbers],
                          "users": [u.id for u in tenant.users], "queue": f"t{tenant.id}_s{scenario}_sales"})
        db.session.commit()
    return found


def moments(rng: random.Random, count: int):
    """``count`` call start times over the year, in office-hour and workday proportions (Warsaw ≈ UTC+1)."""
    days = [LAST_DAY - timedelta(days=n) for n in range(DAYS)]
    day_weights = [1.0 if day.weekday() < 5 else 0.1 for day in days]
    for day, hour in zip(rng.choices(days, day_weights, k=count), rng.choices(range(24), HOUR_WEIGHTS, k=count)):
        yield datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(
            hours=hour - 1, seconds=rng.randrange(3600))


def generate(rng: random.Random, company: dict, count: int, calls, queue_events, recordings) -> None:
    """COPY lines of one company's calls, its queue events and voicemail recordings."""
    callers = [f"+486{rng.randrange(10**7, 10**8)}" for _ in range(max(100, count // 20))]
    caller_weights = [1 / (rank + 10) for rank in range(len(callers))]  # a few call often, most once
    picked = iter(rng.choices(callers, caller_weights, k=count))
    outcomes = iter(rng.choices(["answered", "missed", "abandoned", "voicemail"], [75, 9, 10, 6], k=count))
    directions = iter(rng.choices(["in", "out", "internal"], [70, 25, 5], k=count))
    for started in moments(rng, count):
        call_uuid, direction, caller = uuid.UUID(int=rng.getrandbits(128)).hex, next(directions), next(picked)
        ended = next(outcomes) if direction == "in" else rng.choice(["answered", "answered", "missed"])
        wait = min(int(rng.expovariate(1 / 14)), 600) if ended != "abandoned" else rng.randrange(3, 90)
        answered = started + timedelta(seconds=wait) if ended == "answered" else None
        talk = int(rng.expovariate(1 / 180)) if answered else 0
        path = rng.choice(PATHS[ended]) if direction == "in" else []
        number = rng.choice(company["numbers"])
        source, destination = (caller, number) if direction == "in" else (number, caller)
        calls.append("\t".join(map(_copy, [
            company["id"], call_uuid, direction, number, source, destination,
            rng.choice(company["users"]) if answered and direction == "in" else None, started, answered,
            (answered or started) + timedelta(seconds=talk or wait), wait, talk,
            "NORMAL_CLEARING", "caller" if ended == "abandoned" else "system", json.dumps(path), "esl"])))
        if direction == "in" and "sales" in " ".join(path):
            kind = {"answered": "answered", "abandoned": "abandoned"}.get(ended, "timeout")
            for at, what, waited in ((started, "entered", 0), (started + timedelta(seconds=wait), kind, wait)):
                queue_events.append("\t".join(map(_copy, [company["id"], company["queue"], call_uuid, what, at, waited])))
        if ended == "voicemail" and direction == "in":
            recordings.append("\t".join(map(_copy, [company["id"], call_uuid, "voicemail", caller,
                                                     f"/recordings/{call_uuid}.wav", started,
                                                     started + timedelta(days=90), "false"])))


def _copy(value) -> str:
    return "\\N" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)


def load(url: str, total: int, tenants: list[dict]) -> float:
    """COPY ``total`` call records in; returns the seconds it took (generation included)."""
    import psycopg

    rng, began = random.Random(13), time.perf_counter()
    with psycopg.connect(url) as conn:
        for company, share in zip(tenants, SHARES):
            calls, queue_events, recordings = [], [], []
            generate(rng, company, int(total * share), calls, queue_events, recordings)
            _copy_in(conn, "call_record (tenant_id, call_uuid, direction, main_number, caller, destination, "
                     "answered_by_user_id, started_at, answered_at, ended_at, wait_seconds, talk_seconds, "
                     "hangup_cause, hangup_side, path, source)", calls)
            _copy_in(conn, "queue_event (tenant_id, queue, call_uuid, kind, at, wait_seconds)", queue_events)
            _copy_in(conn, "recording (tenant_id, call_uuid, kind, caller, local_path, created_at, expires_at, legal_hold)", recordings)
            conn.commit()
    _vacuum(url)
    return time.perf_counter() - began


def _vacuum(url: str) -> None:
    """Statistics and the visibility map, as autovacuum would leave them: plans as in production."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _copy_in(conn, target: str, lines: list[str]) -> None:
    with conn.cursor().copy(f"COPY {target} FROM STDIN") as copy:
        for start in range(0, len(lines), 50_000):
            copy.write("\n".join(lines[start:start + 50_000]) + "\n")


class Statements:
    """The SQL statements (with their parameters) a report sends, for EXPLAIN."""

    def __init__(self, engine):
        self.seen: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))


def plans(session, statements) -> tuple[set[str], bool]:
    """Indexes the statements' plans use, and whether any reads call_record by a sequential scan."""
    used, sequential = set(), False
    raw = session.connection().connection.driver_connection
    for statement, parameters in statements:
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        used |= set(re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", plan))
        used |= set(re.findall(r"Bitmap Index Scan on (\w+)", plan))
        sequential |= bool(re.search(r"Seq Scan on call_record\b", plan))
    return used, sequential


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
                used, sequential = plans(db.session, list(recorder.seen))
                ok = seconds <= target and not sequential
                met &= ok
                print(f"  {name:14} {seconds * 1000:8.1f} ms  {seconds / bare:6.1f}x count(*)  "
                      f"{'ok ' if ok else 'OVER'}  indexes: {', '.join(sorted(used)) or 'none'}"
                      f"{'  SEQUENTIAL SCAN of call_record' if sequential else ''}")
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
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url, drop = database()
    from flask_migrate import upgrade

    from pbx.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False})
    try:
        with app.app_context():
            upgrade()
        tenants = companies(app)
        seconds = load(url, total, tenants)
        print(f"{total:,} call records of {len(tenants)} companies generated and COPied in {seconds:.0f} s")
        count_hours(app, url)
        met = measure_reports(app, tenants[0], total)
        measure_exports(url, tenants[0])
        print(f"\nevery report within {TARGETS.get(total, 2.0)} s over {total:,} records with no sequential scan: "
              f"{'yes' if met else 'NO'}")
    finally:
        with app.app_context():
            from pbx.extensions import db
            db.engine.dispose()
        drop()


if __name__ == "__main__":
    main()
