"""Migration 0003 on a database already in use (at 0002, with a company, an admin and a code)."""
from __future__ import annotations

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect, text

from tests.conftest import BACKENDS, _postgres_database


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'existing.sqlite3'}"
        return
    url, cleanup = _postgres_database()
    yield url
    cleanup()


def test_upgrade_an_existing_database_and_back(database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    from pbx import models
    from pbx.app import create_app
    from pbx.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TASK_QUEUE_URL": "memory", "SECRET_KEY": "test",
                      "SWITCH_SYNC_ON_COMMIT": False, "STORAGE_DIR": str(tmp_path / "storage")})
    with app.app_context():
        upgrade(revision="0002")
        # Inserts into the tables as they were then (reflected): today's models have columns and
        # defaults that later migrations add.
        tables = MetaData()
        tables.reflect(db.engine, only=["tenant", "user"])
        tenant_id = db.session.execute(insert(tables.tables["tenant"]).values(
            name="Firma", timezone="Europe/Warsaw", language="pl", retention_days=90,
            created_at=models.utcnow())).inserted_primary_key[0]
        db.session.execute(insert(tables.tables["user"]).values(
            tenant_id=tenant_id, first_name="Anna", last_name="K", email="anna@firma.example", admin_level=3,
            role="admin", extension="101", description="", may_present_main_number=False,
            always_present_main_number=False, record_calls=False))
        db.session.commit()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO login_code (user_id, code_hash, expires_at, attempts)"
                              " SELECT id, 'x', CURRENT_TIMESTAMP, 0 FROM \"user\""))
        db.session.remove()
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"panel_session", "api_token", "rate_limit_hit"} <= tables
        columns = {c["name"] for c in inspect(db.engine).get_columns("login_code")}
        assert {"address", "created_at"} <= columns and "user_id" not in columns
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM login_code")).scalar() == 0
            assert conn.execute(text("SELECT email FROM \"user\"")).scalar() == "anna@firma.example"
        downgrade(revision="0002")
        assert "panel_session" not in set(inspect(db.engine).get_table_names())
        upgrade()
        db.engine.dispose()
