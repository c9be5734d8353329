"""Reports and call exports read from the reports database (REPORTS_DATABASE_URL, a replica in
production) when one is set, and never write there; unset, they read the primary as before.

The replica here is a copy of the primary made on the test server once Firma ABC's calls were
stored (PostgreSQL: CREATE DATABASE ... TEMPLATE; SQLite: the file copied). A call stored on the
primary afterwards is what a lagging replica has not seen yet: the data differ, so every figure
shows which database it was read from.
"""
from __future__ import annotations

import csv
import io
import shutil
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import DBAPIError

from pbx import models, tasks
from pbx.extensions import db, report_reads
from pbx.reports import hourly
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL, SWITCH_AUTH, sign_in

DAY = "from=2026-10-25&to=2026-10-25"
AROUND = "from=2026-10-24&to=2026-10-26"
OWNER = "anna.kowalska@firma-abc.example"
LATE_CALLER = "+48600000077"


def _app(tmp_path, url: str, reports_url: str | None = None):
    from pbx.app import create_app

    instance = tmp_path / f"instance-{uuid.uuid4().hex[:6]}"
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REPORTS_DATABASE_URL": reports_url, "SECRET_KEY": "test",
        "STORAGE_DIR": str(instance / "storage"), "SHOW_LOGIN_CODES": False, "TASK_QUEUE_URL": "memory",
        "SWITCH_SYNC_ON_COMMIT": False, "XML_CURL_LAST_GOOD_PATH": str(instance / "last-good.sqlite3"), **SWITCH_AUTH,
    })


def _company_with_calls(application) -> None:
    from flask_migrate import upgrade

    from pbx.demo import load_demo
    from tests.support.reports import add_reported_calls

    with application.app_context():
        upgrade()
        add_reported_calls(load_demo())
        db.session.commit()
        db.engine.dispose()  # a template database must have no connections


@pytest.fixture(params=BACKENDS)
def databases(request, tmp_path):
    """(the primary's URL, the replica's URL): the replica a copy of the primary with Firma ABC's calls."""
    if request.param == "sqlite":
        primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
        _company_with_calls(_app(tmp_path, f"sqlite:///{primary}"))
        shutil.copyfile(primary, replica)
        yield f"sqlite:///{primary}", f"sqlite:///{replica}"
        return
    names = [f"centralka_{role}_{uuid.uuid4().hex[:8]}" for role in ("primary", "replica")]
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[0]}"'))
    _company_with_calls(_app(tmp_path, f"{base}/{names[0]}"))
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"'))
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _store_a_late_call(application) -> None:
    """An answered call on the 25th, written to the primary (and counted per hour, as the writer does)."""
    with application.app_context():
        tenant = db.session.scalar(select(models.Tenant))
        started = datetime(2026, 10, 25, 12, 0, tzinfo=timezone.utc)
        with hourly.touching(db.session, ["late"]):
            db.session.add(models.CallRecord(
                tenant_id=tenant.id, call_uuid="late", direction="in", main_number=tenant.main_numbers[0].number,
                caller=LATE_CALLER, started_at=started, answered_at=started, wait_seconds=0, talk_seconds=30))
            db.session.flush()
        db.session.commit()


def _contents(url: str) -> dict:
    """Every row of every table, to tell whether anything was written."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {table.name: sorted(map(repr, conn.execute(select(table)).all())) for table in db.metadata.sorted_tables}
    engine.dispose()
    return found


def _signed_in(application):
    client = application.test_client()
    with application.app_context():
        owner = db.session.scalar(select(models.User).where(models.User.email == OWNER))
        sign_in(client, owner)
    return client


def _figures(client) -> tuple[int, int, list[str]]:
    """Incoming calls of the 25th (outcomes report), calls of that day (days report), callers exported."""
    outcomes = client.get(f"/api/reports/outcomes?{DAY}")
    days = client.get(f"/api/reports/days?{DAY}")
    export = client.get(f"/api/calls/export?format=csv&{AROUND}")
    assert outcomes.status_code == days.status_code == export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    return outcomes.get_json()["rows"][0]["calls"], days.get_json()["rows"][0]["calls"], [r["caller"] for r in rows]


def test_reports_and_exports_read_the_replica_and_write_nothing_there(databases, tmp_path, monkeypatch):
    primary_url, replica_url = databases
    primary_only, with_replica = _app(tmp_path, primary_url), _app(tmp_path, primary_url, replica_url)
    _store_a_late_call(primary_only)
    replica_before = _contents(replica_url)

    # Without the setting: the primary, the late call included.
    calls, day_calls, callers = _figures(_signed_in(primary_only))
    assert (calls, day_calls, len(callers)) == (6, 6, 9) and LATE_CALLER in callers

    # With it: the replica, which has not seen the late call.
    client = _signed_in(with_replica)
    calls, day_calls, callers = _figures(client)
    assert (calls, day_calls, len(callers)) == (5, 5, 8) and LATE_CALLER not in callers

    # A background export counts and writes the replica's rows; its job (and audit) go to the primary.
    monkeypatch.setattr(tasks, "_app", with_replica)
    tasks.configure("memory", str(tmp_path))
    started = client.post(f"/api/exports?format=csv&{AROUND}")
    assert started.status_code == 202
    job = client.get(f"/api/exports/{started.get_json()['id']}").get_json()
    assert (job["status"], job["rows_total"], job["rows_done"]) == ("done", 8, 8)
    exported = client.get(job["download"]).get_data(as_text=True)
    assert LATE_CALLER not in exported and len(list(csv.DictReader(io.StringIO(exported)))) == 8

    assert _contents(replica_url) == replica_before
    primary_now = _contents(primary_url)
    assert len(primary_now["export_job"]) == 1 and len(primary_now["panel_session"]) == 2
    assert any("ExportJob" in row for row in primary_now["audit_log_entry"])


def test_the_reports_database_refuses_writes(databases, tmp_path):
    primary_url, replica_url = databases
    application = _app(tmp_path, primary_url, replica_url)
    with application.app_context():
        with report_reads() as session, pytest.raises(DBAPIError):
            session.execute(update(models.Tenant).values(name="Zmieniona"))
        with report_reads() as session:
            assert session.scalar(select(models.Tenant.name)) == "Firma ABC"
        with report_reads() as session:
            assert session is not db.session and str(session.get_bind().url) == replica_url


def test_without_the_setting_reports_read_the_apps_own_session(databases, tmp_path):
    application = _app(tmp_path, databases[0])
    with application.app_context(), report_reads() as session:
        assert session is db.session
