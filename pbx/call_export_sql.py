"""The call export on PostgreSQL: the database server writes the cells.

The Python path (``pbx.call_export`` rows → ``pbx.exports`` cells) costs some 40 µs a row. Here one
statement does the same on the server: names joined, times in the company's zone, words, Polish
formats and the CSV-injection quote. For CSV, ``COPY … TO STDOUT (FORMAT csv)`` writes the lines,
passed on unparsed but for their last cell; for XLSX a server-side cursor hands over ready cells. The
export reads on a connection of its own, so a background job commits its progress on the session
meanwhile.

The path's cell is made here, once per distinct path: the server sends the path and the transfers as
stored (their JSON texts between two ``\x01`` bytes, which JSON text never holds: it escapes control
characters) and each new one is turned into its cell by the Python path's own functions. Unpacking the
JSON for every call took a quarter of the server's time.

Every cell is the one the Python path writes (tests/exports/test_fast_path.py compares both on
tricky data); SQLite keeps the Python path. A known difference, not reachable from our own data:
digits other than 0-9 after a leading + or - (Python's isdigit takes them, so it leaves such text
unquoted).
"""
from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from itertools import islice
from typing import Iterator

from sqlalchemy import Float, Numeric, Text, and_, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from pbx import models
from pbx.call_export import CALL_COLUMNS, filtered, path_text
from pbx.exports import FORMULA_STARTS, WORDS, Dialect, csv_chunks, safe_cell
from pbx.extensions import REPORTS_BIND, db

CR = models.CallRecord
# safe_cell leaves a signed number ("+48 22 100 00 00", "-5") as it is: a sign, then digits and spaces.
SIGNED_NUMBER = "^[+-] *[0-9][0-9 ]*$"
FORMULA_CODES = sorted(map(ord, FORMULA_STARTS))
TIME_TEXT = {"csv": "YYYY-MM-DD HH24:MI:SSTZH:TZM", "csv-excel": "DD.MM.YYYY HH24:MI:SS"}
MARK = "\x01"  # around the stored path's JSON text, then the transfers'
LINES_PER_CHUNK = 2000


def applies() -> bool:
    return db.engine.dialect.name == "postgresql"


def _safe(value):
    """``safe_cell`` in SQL. An empty text becomes NULL: COPY writes NULL as an empty field, as
    csv.writer writes "", while it would quote an empty string; XLSX leaves NULL cells out."""
    # ascii() of the first character and one regular expression: the cheapest test measured (the
    # common cell, a phone number, starts with "+").
    starts_formula = and_(func.ascii(value).in_(FORMULA_CODES), ~value.regexp_match(SIGNED_NUMBER))
    return case((starts_formula, literal("'") + value), else_=func.nullif(value, ""))


def _word(value, chosen: Dialect):
    """``Dialect.word`` in SQL: the codes it knows by their words, anything else as text."""
    codes = [code for code in WORDS if isinstance(code, str)]
    return case(*((value == code, chosen.word(code)) for code in codes), else_=_safe(value))


def _minutes(seconds, chosen: Dialect):
    exact = func.round(cast(func.coalesce(seconds, 0), Numeric) / 60, 2)
    if chosen.name == "xlsx":
        return cast(exact, Float)
    text = cast(exact, Text)
    return func.replace(text, ".", ",") if chosen.name == "csv-excel" else text


def _names(tenant: models.Tenant):
    """The company's main numbers, users and their groups as cells: each made safe once, not once a call."""
    number, user, member, group = models.MainNumber, models.User, models.GroupMember, models.Group
    numbers = (select(number.number, _safe(number.number).label("cell"), _safe(number.label).label("label"))
               .where(number.tenant_id == tenant.id).subquery())
    users = (select(user.id, _safe(user.first_name + " " + user.last_name).label("name"))
             .where(user.tenant_id == tenant.id).subquery())
    groups = (select(member.user_id, _safe(func.string_agg(group.name, aggregate_order_by(literal(", "), group.name)))
                     .label("names")).join(group).where(group.tenant_id == tenant.id).group_by(member.user_id).subquery())
    return numbers, users, groups


def _stored(tenant: models.Tenant, filters: dict):
    """The matching calls, oldest first, with the cells of the names they show."""
    numbers, users, groups = _names(tenant)
    return (select(CR.id, CR.started_at, CR.ended_at, CR.direction,
                   func.coalesce(numbers.c.cell, _safe(CR.main_number)).label("main_number"), numbers.c.label,
                   CR.caller, CR.destination, CR.answered_at, users.c.name, groups.c.names, CR.answered_number,
                   CR.wait_seconds, CR.talk_seconds, CR.hangup_cause,
                   func.concat(MARK, cast(CR.path, Text), MARK, cast(CR.transfers, Text)).label("path"))
            .outerjoin(numbers, numbers.c.number == CR.main_number)
            .outerjoin(users, users.c.id == CR.answered_by_user_id)
            .outerjoin(groups, groups.c.user_id == CR.answered_by_user_id)
            .where(filtered(tenant, filters)).order_by(CR.started_at, CR.id)
            # OFFSET 0 keeps the planner from merging this into the outer SELECT, which reads some of
            # these columns up to four times (each computed once here).
            .offset(0).subquery())


def cells(tenant: models.Tenant, filters: dict, chosen: Dialect):
    """The SELECT of ``CALL_COLUMNS`` as ``chosen`` writes them, oldest call first."""
    typed, row = chosen.name == "xlsx", _stored(tenant, filters).c

    def time(column):
        # XLSX: the local wall time; CSV: text in the session's zone (set to the company's by ``_reading``).
        return func.timezone(tenant.timezone, column) if typed else func.to_char(column, TIME_TEXT[chosen.name])

    def count(column):
        return column if typed else cast(column, Text)

    answered = case((row.answered_at.isnot(None), chosen.word(True)), else_=chosen.word(False))
    return (select(time(row.started_at), time(row.ended_at), _word(row.direction, chosen), row.main_number,
                   row.label, _safe(row.caller), _safe(row.destination), answered, row.name, row.names,
                   _safe(row.answered_number), count(row.wait_seconds), count(row.talk_seconds),
                   _minutes(row.talk_seconds, chosen), _safe(row.hangup_cause), row.path)
            .order_by(row.started_at, row.id))


def _compiled(query) -> tuple[str, dict]:
    compiled = query.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    return str(compiled), compiled.params


@contextmanager
def _reading(tenant: models.Tenant):
    """A psycopg connection of its own (to the reports database when one is set), its transaction in
    the company's time zone (undone at its end)."""
    with db.engines.get(REPORTS_BIND, db.engine).connect() as connection:
        raw = connection.connection.driver_connection
        # JIT compiling this statement costs seconds and saves none; parallel workers would take
        # the server's other cores from the calls being recorded meanwhile.
        raw.execute("SELECT set_config('TimeZone', %s, true), set_config('jit', 'off', true), "
                    "set_config('max_parallel_workers_per_gather', '0', true)", [tenant.timezone])
        yield raw


def csv_lines(tenant: models.Tenant, filters: dict, chosen: Dialect) -> Iterator[bytes]:
    """The CSV lines of the matching calls, each as COPY sends it (one message a row) with the
    RFC 4180 line end of csv.writer: COPY ends lines with LF and quotes fields as csv.writer does.
    The last field, the stored path, becomes its cell (``_path_cells``)."""
    statement, params = _compiled(cells(tenant, filters, chosen))
    delimiter = ";" if chosen.name == "csv-excel" else ","
    paths = _path_cells(delimiter)
    with _reading(tenant) as raw, raw.cursor().copy(
            f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}', ENCODING 'UTF8')", params) as copy:
        for line in copy:
            data = bytes(line)
            # the last field holds exactly two marks (JSON text has none); COPY quoted it if it opens with '"'
            first = data.rfind(b"\x01", 0, data.rfind(b"\x01"))
            start = first - 1 if data[first - 1] == 34 else first
            yield data[:start] + paths[data[start:-1]]


class _path_cells(dict):
    """The stored path's field as COPY wrote it → its cell and the line end, made by the Python path's
    functions the first time a path comes (a company's calls take few ways through its scenarios)."""

    def __init__(self, delimiter: str):
        super().__init__()
        self.delimiter = delimiter

    def __missing__(self, field: bytes) -> bytes:
        text = field.decode("utf-8")
        if text.startswith('"'):
            text = text[1:-1].replace('""', '"')
        _, path, transfers = text.split(MARK)
        cell = safe_cell(_path_text(path, transfers))
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n").writerow([cell])
        self[field] = out.getvalue().encode("utf-8") if cell else b"\r\n"
        return self[field]


def _path_text(path: str, transfers: str) -> str:
    return path_text(json.loads(path) if path else None, json.loads(transfers) if transfers else None)


def csv_chunks_of(lines: Iterator[bytes], chosen: Dialect) -> Iterator[bytes]:
    """The CSV file in pieces of some thousand lines, the header (after a BOM for Excel) first."""
    yield "".join(csv_chunks(CALL_COLUMNS, (), chosen)).encode("utf-8")
    while chunk := b"".join(islice(lines, LINES_PER_CHUNK)):
        yield chunk


def xlsx_values(tenant: models.Tenant, filters: dict, chosen: Dialect, page: int = 5000) -> Iterator[tuple]:
    """The cells of the matching calls for a workbook, read by a server-side cursor a page at a time;
    the path's cell made once per distinct path."""
    statement, params = _compiled(cells(tenant, filters, chosen))
    paths = _workbook_paths()
    with _reading(tenant) as raw, raw.cursor(name="call_export") as cursor:
        cursor.execute(statement, params)
        while rows := cursor.fetchmany(page):
            yield from [row[:-1] + (paths[row[-1]],) for row in rows]


class _workbook_paths(dict):
    """The stored path (as the server sends it) → its workbook cell (None: no cell)."""

    def __missing__(self, stored: str) -> str | None:
        self[stored] = safe_cell(_path_text(*stored.split(MARK)[1:])) or None
        return self[stored]
