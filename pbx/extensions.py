"""Flask extensions, created unbound and attached in ``create_app`` with ``init_app``."""
from __future__ import annotations

import contextlib
from typing import Iterator

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.orm import Session

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()

# The engine of REPORTS_DATABASE_URL (a PostgreSQL replica) among Flask-SQLAlchemy's binds. No model
# names it: every table stays the primary's, and only ``report_reads`` reads from this engine.
REPORTS_BIND = "reports"


def reports_binds(url: str | None) -> dict:
    """SQLALCHEMY_BINDS for the reports database, when one is set."""
    return {REPORTS_BIND: url} if url else {}


def make_read_only(engine) -> None:
    """Every connection of ``engine`` refuses writes, whatever the server is (a hot standby refuses
    them anyway; a copy or a misconfigured address must not take a report's stray write either)."""
    statement = ("PRAGMA query_only = ON" if engine.dialect.name == "sqlite"
                 else "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()  # a SET inside a transaction rolled back later would be undone


@contextlib.contextmanager
def report_reads() -> Iterator[Session]:
    """The session reports and exports read with: a read-only one of the reports database when
    REPORTS_DATABASE_URL is set, else the app's own ``db.session`` (the primary).

    Only reads go through it: whatever a report or an export writes (a job's progress, the audit)
    is written with ``db.session``, to the primary.
    """
    engine = db.engines.get(REPORTS_BIND)
    if engine is None:
        yield db.session
        return
    with Session(engine, autoflush=False) as session:
        yield session
