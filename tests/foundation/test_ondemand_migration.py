"""Migration 0016 on companies already in use: the record code only where *3 fits beside their transfer codes."""
from __future__ import annotations

import pytest
from sqlalchemy import MetaData, insert, text

from tests.conftest import BACKENDS, _postgres_database


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'existing.sqlite3'}"
        return
    url, cleanup = _postgres_database()
    yield url
    cleanup()


def test_existing_companies_get_the_record_code_where_it_fits(database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from pbx import models
    from pbx.app import create_app
    from pbx.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TASK_QUEUE_URL": "memory", "SECRET_KEY": "test",
                      "SWITCH_SYNC_ON_COMMIT": False, "STORAGE_DIR": str(tmp_path / "storage")})
    codes = {"Star": ("*1", None), "Hash": ("#1", "#2"), "Taken": ("*1", "*3"), "Off": (None, None)}
    with app.app_context():
        upgrade(revision="0015")
        tables = MetaData()
        tables.reflect(db.engine, only=["tenant"])
        for name, (blind, attended) in codes.items():
            db.session.execute(insert(tables.tables["tenant"]).values(
                name=name, timezone="Europe/Warsaw", language="pl", retention_days=90, created_at=models.utcnow(),
                transfer_blind_code=blind, transfer_attended_code=attended))
        db.session.commit()
        db.session.remove()
        upgrade()
        with db.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT name, record_code FROM tenant")).all())
            rights = conn.execute(text('SELECT count(*) FROM "user" WHERE may_record_on_demand')).scalar()
        assert found == {"Star": "*3", "Hash": None, "Taken": None, "Off": "*3"} and rights == 0
        downgrade(revision="0015")
        upgrade()
        db.engine.dispose()
