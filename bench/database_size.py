"""PostgreSQL bytes per call: the captured calls written by the real record writer, then each table
measured with its indexes (for sizing the database, docs/architecture.md).

The five captured call shapes (fresh UUIDs per copy) are journaled through the listener's handlers and
drained by the record writer into a throw-away database (``bench/listener.py``'s writer drain), which is
then vacuumed and measured with ``pg_total_relation_size``.

    .venv/bin/python bench/database_size.py [copies]      # default 400 copies: 2,000 calls
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

import listener as listener_bench  # noqa: E402

SIZES = text("select c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) from pg_class c "
             "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' "
             "and c.reltuples > 0 order by 3 desc")
# Rows of a few per installation, not per call.
FIXED = {"tenant", "audit_log_entry", "call_hour", "alembic_version"}


def main(copies: int = 400) -> None:
    from flask_migrate import upgrade

    from pbx.app import create_app

    url, drop = listener_bench.database()
    try:
        with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
            upgrade()
        with tempfile.TemporaryDirectory() as workdir:
            calls = listener_bench.writer_drain(copies, url, workdir)["calls"]
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
            rows = conn.execute(SIZES).all()
        engine.dispose()
    finally:
        drop()
    per_call = 0
    for name, tuples, size in rows:
        print(f"{name:20} {tuples:7} rows {size / 1024:8.0f} KiB  {size / calls:6.0f} B per call"
              + ("  (not per call)" if name in FIXED else ""))
        per_call += 0 if name in FIXED else size
    print(f"{calls} calls: {per_call / calls:,.0f} bytes per call (tables and indexes)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
