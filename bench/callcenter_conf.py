"""Benchmark of callcenter.conf as mod_callcenter fetches it, at 1,000 and 10,000 companies.

Each company has 4 users and a longest-idle group of 3 of them (its own queue), inserted in
bulk into a PostgreSQL database (127.0.0.1:5432, user postgres, trust auth) that is kept
between runs (``centralka_bench_callcenter_<companies>``; ``--drop`` removes it afterwards).
For each size, in one process:

- cold, empty store: the first request of a worker just started, nothing kept on disk;
  then how long until the worker serves the whole document;
- cold, kept store: the first request of another worker just started (the previous one
  left its compiles in the last good store, as after a restart);
- warm: the request after one company changed;
- baseline: the same app answering a constant reply of the same size.

Requests go through the Flask test client (no HTTP server), with the captured request body.

    .venv/bin/python bench/callcenter_conf.py [--companies 1000 10000] [--drop]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
FIXTURE = REPO / "tests" / "fixtures" / "freeswitch" / "xml_curl_configuration_callcenter.txt"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
USERS, MEMBERS, BATCH = 4, 3, 1000
FORM = "application/x-www-form-urlencoded"


def request_body() -> bytes:
    return FIXTURE.read_bytes().split(b"--- RAW BODY", 1)[1].split(b"\n", 2)[1]


def database(companies: int) -> str:
    """The benchmark's database for this many companies, created on first use."""
    from sqlalchemy import create_engine, text

    name = f"centralka_bench_callcenter_{companies}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def drop(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def app_for(url: str, last_good: Path):
    from pbx.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False,
                       "SWITCH_SYNC_ON_COMMIT": False, "XML_CURL_PASSWORD": "",
                       "XML_CURL_LAST_GOOD_PATH": str(last_good)})


def populate(app, companies: int) -> None:
    """Companies in bulk, one commit per batch, with ids chosen here (the database is the bench's own)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from pbx import models
    from pbx.extensions import db

    with app.app_context():
        upgrade()
        have = db.session.scalar(select(func.count()).select_from(models.Tenant))
        for start in range(have, companies, BATCH):
            rows = _company_rows(range(start + 1, min(companies, start + BATCH) + 1))
            for model in (models.Tenant, models.User, models.Group, models.GroupMember, models.MainNumber):
                db.session.execute(insert(model), rows[model.__name__])
            db.session.commit()
        db.engine.dispose()


def _company_rows(ids: range) -> dict[str, list[dict]]:
    from pbx import models

    rows = {name: [] for name in ("Tenant", "User", "Group", "GroupMember", "MainNumber")}
    for tid in ids:
        rows["Tenant"].append({"id": tid, "name": f"Bench {tid:05d}"})
        users = [tid * 10 + k for k in range(1, USERS + 1)]
        rows["User"] += [{"id": uid, "tenant_id": tid, "first_name": "User", "last_name": str(k),
                          "phone": f"+485{tid:05d}{k:03d}", "email": f"u{k}@t{tid}.example",
                          "extension": str(100 + k)} for k, uid in enumerate(users, start=1)]
        rows["Group"].append({"id": tid, "tenant_id": tid, "name": "Sales", "extension": "200",
                              "ring_mode": models.RingMode.LONGEST_IDLE})
        rows["GroupMember"] += [{"id": uid, "group_id": tid, "user_id": uid, "position": k, "ring_seconds": 20}
                                for k, uid in enumerate(users[:MEMBERS])]
        rows["MainNumber"].append({"id": tid, "tenant_id": tid, "number": f"+4823{tid:07d}", "is_primary": True})
    return rows


def serve(client, body: bytes) -> tuple[float, bytes]:
    started = time.perf_counter()
    reply = client.post("/xml_curl", data=body, content_type=FORM).data
    return time.perf_counter() - started, reply


def change_one_company(app) -> None:
    from pbx import directory, models
    from pbx.extensions import db

    with app.app_context():
        tenant = db.session.get(models.Tenant, 1)
        directory.update_tenant(tenant, {"name": f"Bench changed {time.time():.0f}"})
        db.session.commit()


def until_whole(client, body: bytes, queues: int, limit: float) -> float | None:
    """Seconds until the worker serves every company's queue (None: not within ``limit``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if serve(client, body)[1].count(b"<queue ") == queues:
            return time.perf_counter() - started
        time.sleep(2)
    return None


def baseline(app, reply: bytes, body: bytes, repeat: int = 5) -> float:
    """The same app, just started, answering ``reply`` without any work."""
    from flask import Response, request

    @app.post("/constant")
    def constant():
        request.get_data()
        return Response(reply, mimetype="text/xml")

    client, times = app.test_client(), []
    for _ in range(repeat):
        started = time.perf_counter()
        client.post("/constant", data=body, content_type=FORM)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(companies: int, keep: bool, limit: float) -> None:
    body = request_body()
    url = database(companies)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        last_good = Path(folder) / "last-good.sqlite3"
        populate(app_for(url, last_good), companies)
        print(f"\n{companies} companies ready in {time.monotonic() - started:.0f} s")
        first = app_for(url, last_good)
        seconds, reply = serve(first.test_client(), body)
        print(f"cold, empty store:  {seconds * 1000:9.1f} ms  {len(reply):9d} bytes  "
              f"{reply.count(b'<queue '):6d} queues")
        whole = until_whole(first.test_client(), body, companies, limit)
        print(f"  whole document served after {whole:.1f} s" if whole is not None else
              f"  not whole within {limit:.0f} s")
        second = app_for(url, last_good)
        seconds, reply = serve(second.test_client(), body)
        print(f"cold, kept store:   {seconds * 1000:9.1f} ms  {len(reply):9d} bytes  "
              f"{reply.count(b'<queue '):6d} queues")
        change_one_company(second)
        seconds, reply = serve(second.test_client(), body)
        print(f"warm, one changed:  {seconds * 1000:9.1f} ms  {len(reply):9d} bytes  "
              f"{reply.count(b'<queue '):6d} queues")
        constant = baseline(app_for(url, last_good), reply, body)
        print(f"baseline, constant: {constant * 1000:9.1f} ms  {len(reply):9d} bytes")
    if not keep:
        drop(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--drop", action="store_true", help="drop the databases afterwards")
    parser.add_argument("--limit", type=float, default=300, help="longest wait for the whole document, seconds")
    args = parser.parse_args()
    for companies in args.companies:
        run(companies, not args.drop, args.limit)


if __name__ == "__main__":
    main()
