"""docs/backup.md's PostgreSQL backup, done as written: pg_dump of a company's database,
pg_restore into an empty one, and every row is back and the product reads it."""
from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, text

from tests.conftest import POSTGRES_ADMIN_URL
from tests.xml_curl.conftest import dispose, standalone_app
from tests.xml_curl.test_outage import load_company

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                                reason="pg_dump / pg_restore not installed (Debian package postgresql-client)")


@pytest.fixture
def scratch_databases():
    """Makes empty PostgreSQL databases; drops them all afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    made = []

    def make() -> str:
        name = f"centralka_backup_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def every_row(url: str) -> dict[str, list]:
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        found = {table: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all())) for table in tables}
    engine.dispose()
    return found


def test_pg_dump_and_pg_restore_bring_back_every_row(scratch_databases, tmp_path):
    source, restored = scratch_databases(), scratch_databases()
    application = standalone_app(source.replace("postgresql://", "postgresql+psycopg://"), tmp_path / "last-good")
    tenant_id, _ = load_company(application)
    dispose(application)
    dump = tmp_path / "centralka.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source], check=True)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)], check=True)

    before, after = every_row(source), every_row(restored)
    assert before == after
    assert len(before["tenant"]) == 1 and before["alembic_version"]
    back = standalone_app(restored.replace("postgresql://", "postgresql+psycopg://"), tmp_path / "last-good-2")
    with back.app_context():
        from pbx import models
        from pbx.extensions import db

        assert db.session.scalars(select(models.Tenant.id)).all() == [tenant_id]
    dispose(back)
