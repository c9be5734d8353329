"""Migration 0015 on a database already in use: the calls stored at 0014 are counted per caller, as the
backfill counts them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import MetaData, insert, select

from tests.conftest import BACKENDS, _postgres_database


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'existing.sqlite3'}"
        return
    url, cleanup = _postgres_database()
    yield url
    cleanup()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _utc(moment: datetime) -> datetime:
    """A time read back, as naive UTC (SQLite hands back naive UTC already)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _caller_rows(db, models):
    days = sorted((_utc(row.day), row.main_number, row.caller, row.calls, row.answered, _utc(row.last_call))
                  for row in db.session.scalars(select(models.CallerDay)))
    months = sorted((_utc(row.month), row.caller, row.calls, row.answered, _utc(row.last_call))
                    for row in db.session.scalars(select(models.CallerMonth)))
    return days, months


def test_the_upgrade_counts_the_stored_calls_per_caller(database_url, tmp_path):
    from flask_migrate import upgrade

    from pbx import models
    from pbx.app import create_app
    from pbx.extensions import db
    from pbx.reports import hourly

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TASK_QUEUE_URL": "memory", "SECRET_KEY": "test",
                      "SWITCH_SYNC_ON_COMMIT": False, "STORAGE_DIR": str(tmp_path / "storage")})
    with app.app_context():
        upgrade(revision="0017")
        tables = MetaData()
        tables.reflect(db.engine, only=["tenant", "call_record"])
        tenant_id = db.session.execute(insert(tables.tables["tenant"]).values(
            name="Firma", timezone="Europe/Warsaw", language="pl", retention_days=90,
            created_at=models.utcnow())).inserted_primary_key[0]
        calls = [("a1", "in", "+48600000001", "+48221000000", "2026-10-24T22:30:00", True),
                 ("a2", "in", "+48600000001", "+48221000000", "2026-10-25T10:00:00", False),
                 ("a3", "in", "+48600000001", None, "2026-11-02T10:00:00", True),
                 ("b1", "in", "+48600000002", "+48221000000", "2026-10-31T23:30:00", False),
                 ("out", "out", "+48221000000", "+48221000000", "2026-10-25T11:00:00", True),
                 ("hidden", "in", "", "+48221000000", "2026-10-25T12:00:00", False)]
        db.session.execute(insert(tables.tables["call_record"]), [
            {"tenant_id": tenant_id, "call_uuid": uuid, "direction": direction, "caller": caller,
             "destination": "+48600000009", "main_number": number, "started_at": _at(started),
             "answered_at": _at(started) if answered else None, "wait_seconds": 0, "talk_seconds": 0,
             "hangup_cause": "", "hangup_side": "", "path": "[]", "transfers": "[]", "source": "esl"}
            for uuid, direction, caller, number, started, answered in calls])
        db.session.commit()
        db.session.remove()
        upgrade()
        migrated = _caller_rows(db, models)
        day = datetime.fromisoformat
        assert migrated == (
            [(day("2026-10-24"), "+48221000000", "+48600000001", 1, 1, day("2026-10-24T22:30:00")),
             (day("2026-10-25"), "+48221000000", "+48600000001", 1, 0, day("2026-10-25T10:00:00")),
             (day("2026-10-31"), "+48221000000", "+48600000002", 1, 0, day("2026-10-31T23:30:00")),
             (day("2026-11-02"), "", "+48600000001", 1, 1, day("2026-11-02T10:00:00"))],
            [(day("2026-10-01"), "+48600000001", 2, 1, day("2026-10-25T10:00:00")),
             (day("2026-10-01"), "+48600000002", 1, 0, day("2026-10-31T23:30:00")),
             (day("2026-11-01"), "+48600000001", 1, 1, day("2026-11-02T10:00:00"))])
        hourly.backfill(db.session)
        assert _caller_rows(db, models) == migrated
        db.session.remove()
        db.engine.dispose()
