"""Rows per second and peak memory of each call export format on PostgreSQL.

Usage: .venv/bin/python bench/exports.py [rows]   (default 1,000,000)

A throw-away database (127.0.0.1:5432, as bench/reports.py) gets the demo company and N call
records made by the server itself (INSERT … SELECT over generate_series, a few seconds for a
million): a year of calls across both DST changes, 60 % answered by the demo's users (Kamińska
among them), 30 % missed, 10 % outgoing, paths through the demo scenario, and one caller in a
thousand writing a formula (CSV-injection quoting at work). Then, each in a process of its own:

* baseline: a bare ``COPY (SELECT * FROM call_record …) TO STDOUT (FORMAT csv)`` of the same rows;
* each format through ``export_jobs.write_file``, the code the CLI, background jobs, schedules and
  the panel run, into a file;
* ``csv (python)``: the Python path (as on SQLite) over one month only, for comparison.

Each prints rows/s of the clock, the CPU seconds of its own process and of the PostgreSQL
backends that served it (read from /proc: the server is local), rows per CPU second of both
together, the ratio to the baseline's rows/s, and the process's peak RSS. The machine may be
shared with other work: rows per CPU second still tell what the export costs.
Targets: CSV ≥ 150,000 rows/s, XLSX ≥ 40,000 rows/s, peak RSS ≤ 150 MB.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.listener import database  # noqa: E402  (a throw-away PostgreSQL database)

FORMATS = ("baseline", "csv", "csv-excel", "xlsx", "csv (python)")
TARGETS = {"csv": 150_000, "csv-excel": 150_000, "xlsx": 40_000}
MAX_RSS_MB = 150
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
MONTH = {"from": "2026-10-01", "to": "2026-10-31"}
PATHS = ['["hours:open", "main_menu:1", "sales"]', '["hours:open", "main_menu:2", "accounting"]', '["hours:closed"]']
GENERATE = """
INSERT INTO call_record (tenant_id, call_uuid, direction, main_number, caller, destination, answered_by_user_id,
                         answered_number, started_at, answered_at, ended_at, wait_seconds, talk_seconds,
                         hangup_cause, hangup_side, path, source)
SELECT %(tenant)s::int, 'bench-' || n, CASE WHEN kind = 9 THEN 'out' ELSE 'in' END, %(number)s::text,
       CASE WHEN n %% 1000 = 0 THEN '=HYPERLINK("http://x")' WHEN kind = 9 THEN %(number)s::text
            ELSE '+48600' || lpad((n * 7919 %% 1000000)::text, 6, '0') END,
       CASE WHEN kind = 9 THEN '+48500' || lpad((n %% 1000000)::text, 6, '0') ELSE %(number)s::text END,
       CASE WHEN kind < 6 THEN (%(users)s::int[])[(1 + n %% cardinality(%(users)s::int[]))::int] END,
       CASE WHEN kind < 6 THEN '1' || lpad((n %% 20)::text, 2, '0') END,
       started, CASE WHEN kind < 6 OR kind = 9 THEN started + wait * interval '1 second' END,
       started + (wait + talk) * interval '1 second', wait, talk,
       CASE WHEN kind < 6 OR kind = 9 THEN 'NORMAL_CLEARING' ELSE 'NO_ANSWER' END, 'caller',
       CASE WHEN kind = 9 THEN '[]' ELSE (%(paths)s::text[])[(1 + n %% 3)::int] END::json, 'esl'
FROM (SELECT n, n %% 10 AS kind, (n * 13) %% 40 AS wait,
             CASE WHEN n %% 10 < 6 OR n %% 10 = 9 THEN (n * 37) %% 900 ELSE 0 END AS talk,
             timestamptz '2026-01-01 00:00+00' + n * (31536000.0 / %(rows)s::int) * interval '1 second' AS started
      FROM generate_series(1, %(rows)s::bigint) AS n) AS calls
"""


def cpu_of(pid: int) -> float:
    """User and system CPU seconds of a local process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(url: str, rows: int) -> int:
    """The demo company and ``rows`` generated calls; returns the company's id."""
    import psycopg

    from pbx import models
    from pbx.demo import load_demo
    from pbx.extensions import db

    app = _app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        tenant = load_demo()
        db.session.commit()
        tenant_id, number = tenant.id, tenant.main_numbers[0].number
        users = list(db.session.scalars(db.select(models.User.id).where(models.User.tenant_id == tenant_id)))
        db.engine.dispose()
    with psycopg.connect(_driver_url(url), autocommit=True) as conn:
        conn.execute(GENERATE, {"tenant": tenant_id, "number": number, "users": users, "paths": PATHS, "rows": rows})
        conn.execute("VACUUM ANALYZE")  # statistics as autovacuum keeps them
    return tenant_id


def _app(url: str):
    from pbx.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False})


def _driver_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def one(url: str, tenant_id: int, kind: str) -> dict:
    """In a process of its own: one export into a file, its rows, times and memory."""
    from sqlalchemy import event

    from pbx import call_export, call_export_sql, export_jobs, models
    from pbx.extensions import db
    from schemas.exports import ExportQuery

    app, backends = _app(url), []
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        event.listen(db.engine, "connect", lambda connection, _: backends.append(connection.info.backend_pid))
        tenant = db.session.get(models.Tenant, tenant_id)
        period = MONTH if kind == "csv (python)" else YEAR
        filters = ExportQuery(tenant_id=tenant_id).load({**period, "format": "csv" if kind == "baseline" else kind.split()[0]})
        rows = call_export.count(tenant, filters)
        if kind == "csv (python)":
            call_export_sql.applies = lambda: False
        output = Path(folder) / "export"
        clock, cpu = time.perf_counter(), time.process_time()
        with output.open("wb") as handle:
            if kind == "baseline":
                _bare_copy(handle, tenant_id)
            else:
                export_jobs.write_file(tenant, filters, filters["format"], handle)
        clock, cpu = time.perf_counter() - clock, time.process_time() - cpu
        server = sum(cpu_of(pid) for pid in set(backends))
        size = output.stat().st_size
        db.session.rollback()
    return {"rows": rows, "clock": clock, "cpu": cpu, "server": server, "size": size,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _bare_copy(handle, tenant_id: int) -> None:
    from pbx.extensions import db

    with db.engine.connect() as connection, connection.connection.driver_connection.cursor().copy(
            "COPY (SELECT * FROM call_record WHERE tenant_id = %s ORDER BY started_at, id) TO STDOUT (FORMAT csv)",
            [tenant_id]) as copy:
        for data in copy:
            handle.write(data)


def report(kind: str, figures: dict, baseline: float | None) -> bool:
    rate = figures["rows"] / figures["clock"]
    cpu = figures["cpu"] + figures["server"]
    target = TARGETS.get(kind)
    ok = target is None or (rate >= target and figures["peak_mb"] <= MAX_RSS_MB)
    ratio = f"{rate / baseline:.2f}× baseline" if baseline else "the baseline"
    print(f"{kind:13} {figures['rows']:>9,} rows {rate:>9,.0f} rows/s  {ratio:16} "
          f"CPU {figures['cpu']:5.1f} s ours + {figures['server']:5.1f} s server = {figures['rows'] / cpu:>9,.0f} rows "
          f"per CPU s  peak RSS {figures['peak_mb']:3.0f} MB  file {figures['size'] / 1e6:5.0f} MB"
          f"{f'  target {target:,} rows/s, ≤ {MAX_RSS_MB} MB: ' + ('met' if ok else 'NOT met') if target else ''}")
    return ok


def main(rows: int) -> int:
    url, drop = database()
    try:
        began = time.perf_counter()
        tenant_id = prepare(url, rows)
        print(f"{rows:,} call records generated in {time.perf_counter() - began:.0f} s; "
              f"load average {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
        met, baseline = True, None
        for kind in FORMATS:
            done = subprocess.run([sys.executable, __file__, "--one", url, str(tenant_id), kind],
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{kind}: {done.stderr}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            met &= report(kind, figures, baseline)
            baseline = baseline or figures["rows"] / figures["clock"]
        print(f"load average {', '.join(f'{load:.1f}' for load in os.getloadavg())}; targets "
              f"{'met' if met else 'NOT met'}")
        return 0 if met else 1
    finally:
        drop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
    else:
        sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
