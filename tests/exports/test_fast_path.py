"""On PostgreSQL the server writes the export (pbx/call_export_sql.py); here both paths export the
same tricky records and must agree byte for byte (CSV) and cell for cell (XLSX): Polish letters,
formula-like text, both DST changes, NULLs, decimal commas, text with quotes, separators and line
breaks, a user in several groups, a path that is not a list, transfers after the path."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import openpyxl
import pytest

from pbx import call_export, call_export_sql, models
from pbx.exports import csv_chunks, dialect, row_function, write_xlsx, write_xlsx_cells
from pbx.extensions import db
from tests.exports.conftest import _call, _user

UTC = timezone.utc
FILTERS = {"from": datetime(2026, 3, 1).date(), "to": datetime(2026, 10, 31).date()}


@pytest.fixture
def tricky_calls(ctx, demo, finance_calls):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("the server-side export is PostgreSQL's")
    kaminska = _user(demo, "Kamińska")
    extra = models.Group(tenant_id=demo.id, name="Administracja \"A\"; biuro")
    db.session.add(extra)
    db.session.flush()
    db.session.add(models.GroupMember(group_id=extra.id, user_id=kaminska.id))
    at = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    texts = ["=cmd|' /C calc'!A0", "+48 22 100 00 00", "-5", "+", "-", "@SUM(A1)", "\tx", "\rx", "+48x", "",
             "a,b;c", 'rzekł "tak"', "dwie\nlinie", "cr\r\nlf", "ąęłńóśźż ĄĘŁŃÓŚŹŻ", " spacja", "\\. ", "'"]
    calls = []
    for n, value in enumerate(texts):
        calls.append(_call(
            demo.id, f"tricky-{n}", at.replace(minute=n, microsecond=n * 1000), wait=n, talk=n * 7 + 1,
            answered_by=kaminska if n % 2 else None, main_number=value[:16] if n % 3 == 0 else "+48221000000",
            caller=value, destination=value, answered_number=value or None, hangup_cause=value,
            direction=["in", "out", "internal", value[:10]][n % 4],
            path=[value, f"krok {n}", "\"cytat\"\n"] if n % 5 else None,
            transfers=[f"transfer:102 by {value}"] if n % 3 == 1 else []))
    # NULLs wherever a record may have them
    calls.append(models.CallRecord(tenant_id=demo.id, call_uuid="nulls", started_at=at.replace(hour=9),
                                   caller="", destination="", hangup_cause="", path=[], wait_seconds=None,
                                   talk_seconds=None))
    db.session.add_all(calls)
    db.session.commit()
    return calls


def _python_csv(tenant, chosen) -> bytes:
    values = call_export.call_values(tenant, FILTERS)
    return "".join(csv_chunks(call_export.CALL_COLUMNS, values, chosen)).encode("utf-8")


def _server_csv(tenant, chosen) -> bytes:
    return b"".join(call_export_sql.csv_chunks_of(call_export_sql.csv_lines(tenant, FILTERS, chosen), chosen))


@pytest.mark.parametrize("format_name", ["csv", "csv-excel"])
def test_the_server_writes_the_same_csv_bytes_as_python(demo, tricky_calls, format_name):
    chosen = dialect(format_name)
    python, server = _python_csv(demo, chosen), _server_csv(demo, chosen)
    assert python.count(b"\r\n") > len(tricky_calls) + 4  # the header, every call, and line ends inside cells
    assert b"Kami\xc5\x84ska" in server and b"'=cmd" in server and b"\"dwie\nlinie\"" in server
    assert server.splitlines() == python.splitlines()  # a readable difference first
    assert server == python


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_server_gives_the_same_workbook_cells_as_python(demo, tricky_calls, language):
    chosen = dialect("xlsx", language)
    row = row_function(call_export.CALL_COLUMNS, chosen)
    python = [tuple(None if cell == "" else cell for cell in row(values))
              for values in call_export.call_values(demo, FILTERS)]
    server = list(call_export_sql.xlsx_values(demo, FILTERS, chosen))
    assert len(server) == len(tricky_calls) + 4
    assert server == python
    from_python, from_server = io.BytesIO(), io.BytesIO()
    write_xlsx(from_python, call_export.CALL_COLUMNS, call_export.call_values(demo, FILTERS), chosen)
    write_xlsx_cells(from_server, call_export.CALL_COLUMNS, iter(server), chosen)
    books = [list(openpyxl.load_workbook(io.BytesIO(handle.getvalue())).active.iter_rows(values_only=True))
             for handle in (from_python, from_server)]
    assert books[0] == books[1] and len(books[0]) == len(server) + 1
    assert books[0][3][5] == "'=cmd|' /C calc'!A0"  # text, never a formula


def test_the_session_keeps_its_time_zone_after_a_server_export(demo, tricky_calls):
    before = db.session.execute(db.text("SHOW TimeZone")).scalar()
    _server_csv(demo, dialect("csv"))
    with db.engine.connect() as other:
        assert other.execute(db.text("SHOW TimeZone")).scalar() == before

