"""The call export on PostgreSQL: the database server writes the cells.

The Python path (``pbx.call_export`` rows → ``pbx.exports`` cells) costs some 40 µs a row. Here one
statement does the same on the server: names joined, times in the company's zone, words, Polish
formats and the CSV-injection quote. For CSV, ``COPY … TO STDOUT (FORMAT csv)`` writes the lines,
passed on unparsed; for XLSX a server-side cursor hands over ready cells. The export reads on a
connection of its own, so a background job commits its progress on the session meanwhile.

Every cell is the one the Python path writes (tests/exports/test_fast_path.py compares both on
tricky data); SQLite keeps the Python path. Known differences, none reachable from our own data: a
path that is not a list of texts (JSON numbers, booleans, a bare string) and digits other than 0-9
after a leading + or - (Python's isdigit takes them, so it leaves such text unquoted).
"""
from __future__ import annotations

from contextlib import contextmanager
from itertools import islice
from typing import Iterator

from sqlalchemy import Float, Numeric, Text, and_, case, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from pbx import models
from pbx.call_export import CALL_COLUMNS, filtered
from pbx.exports import FORMULA_STARTS, WORDS, Dialect, csv_chunks
from pbx.extensions import REPORTS_BIND, db

CR = models.CallRecord
# safe_cell leaves a signed number ("+48 22 100 00 00", "-5") as it is: a sign, then digits and spaces.
SIGNED_NUMBER = "^[+-] *[0-9][0-9 ]*$"
FORMULA_CODES = sorted(map(ord, FORMULA_STARTS))
TIME_TEXT = {"csv": "YYYY-MM-DD HH24:MI:SSTZH:TZM", "csv-excel": "DD.MM.YYYY HH24:MI:SS"}
# " > ".join(path) of the Python path; a path that is not a list (JSON null) is empty there too.
PATH = literal_column("CASE WHEN json_typeof(call_record.path::json) = 'array' THEN array_to_string("
                      "ARRAY(SELECT json_array_elements_text(call_record.path::json)), ' > ') END")
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
                   CR.wait_seconds, CR.talk_seconds, CR.hangup_cause, PATH.label("path"))
            .outerjoin(numbers, numbers.c.number == CR.main_number)
            .outerjoin(users, users.c.id == CR.answered_by_user_id)
            .outerjoin(groups, groups.c.user_id == CR.answered_by_user_id)
            .where(filtered(tenant, filters)).order_by(CR.started_at, CR.id)
            # OFFSET 0 keeps the planner from merging this into the outer SELECT, which would
            # compute the path once for every reference to it (each cell reads its text up to four times).
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
                   _minutes(row.talk_seconds, chosen), _safe(row.hangup_cause), _safe(row.path))
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
    RFC 4180 line end of csv.writer: COPY ends lines with LF and quotes fields as csv.writer does."""
    statement, params = _compiled(cells(tenant, filters, chosen))
    delimiter = ";" if chosen.name == "csv-excel" else ","
    with _reading(tenant) as raw, raw.cursor().copy(
            f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}', ENCODING 'UTF8')", params) as copy:
        for line in copy:
            yield bytes(line[:-1]) + b"\r\n"


def csv_chunks_of(lines: Iterator[bytes], chosen: Dialect) -> Iterator[bytes]:
    """The CSV file in pieces of some thousand lines, the header (after a BOM for Excel) first."""
    yield "".join(csv_chunks(CALL_COLUMNS, (), chosen)).encode("utf-8")
    while chunk := b"".join(islice(lines, LINES_PER_CHUNK)):
        yield chunk


def xlsx_values(tenant: models.Tenant, filters: dict, chosen: Dialect, page: int = 5000) -> Iterator[tuple]:
    """The cells of the matching calls for a workbook, read by a server-side cursor a page at a time."""
    statement, params = _compiled(cells(tenant, filters, chosen))
    with _reading(tenant) as raw, raw.cursor(name="call_export") as cursor:
        cursor.itersize = page
        cursor.execute(statement, params)
        yield from cursor
