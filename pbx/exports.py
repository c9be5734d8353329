"""Exports for finance: call records and users as CSV, plain or for Polish Excel, and as XLSX.

- ``csv``: for programs. UTF-8, ``,``, the stable column keys as headers, times as ISO 8601 with
  their UTC offset (unambiguous in the repeated hour of October), ``.`` decimals, codes (in/out).
- ``csv-excel``: for Excel set to Polish. UTF-8 with a BOM (without it Excel reads the file as
  Windows-1250), ``;`` (Polish Excel's list separator), Polish headers and words, times as
  ``31.12.2026 14:05:09`` and decimal commas.
- ``xlsx``: real time and number cells, headers and words in Polish or English.

Rows stream in batches (keyset pages, see ``pbx.call_export``): memory stays the same for any
number of rows. Every text cell goes through ``safe_cell`` in every format.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from typing import Callable, Iterable, Iterator

import rustpy_xlsxwriter
from marshmallow import ValidationError

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import scoped

FORMATS = ("csv", "csv-excel", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "csv-excel": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SUFFIXES = {"csv": ".csv", "csv-excel": ".csv", "xlsx": ".xlsx"}
BOM = "\ufeff"

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection); TAB and CR
# too, as Excel and LibreOffice skip them before looking for '='.
FORMULA_STARTS = frozenset("=+-@\t\r")


def safe_cell(value) -> str:
    """One CSV cell as a spreadsheet may open it: text that could be a formula gets a leading quote.

    Signed numbers (a phone number "+48221000000", "-5") stay as they are: they cannot be formulas.
    Called for every text cell of every row: the common case (plain text) returns at the first test.
    """
    if value.__class__ is not str:
        value = "" if value is None else str(getattr(value, "value", value))
    if not value or value[0] not in FORMULA_STARTS:
        return value
    if value[0] in "+-" and value[1:].replace(" ", "").isdigit():
        return value
    return "'" + value


@dataclass(frozen=True)
class Column:
    """One column of an export: its stable key (the plain CSV's header), its headers for people, its kind."""

    key: str
    english: str
    polish: str
    kind: str = "text"  # text / time / count / minutes / word


# code → (English, Polish), for the columns of kind "word"
WORDS = {
    "in": ("incoming", "przychodzące"), "out": ("outgoing", "wychodzące"), "internal": ("internal", "wewnętrzne"),
    True: ("yes", "tak"), False: ("no", "nie"), "user": ("user", "użytkownik"), "admin": ("admin", "administrator"),
}


@dataclass(frozen=True)
class Dialect:
    """How one format writes headers, words, times and decimals."""

    name: str
    polish: bool

    def header(self, column: Column) -> str:
        if self.name == "csv":
            return column.key
        return column.polish if self.polish else column.english

    def word(self, value) -> str:
        value = getattr(value, "value", value)  # a stored enum by its code
        if self.name == "csv":
            return ("yes" if value else "no") if isinstance(value, bool) else safe_cell(value)
        words = WORDS.get(value)
        return words[self.polish] if words else safe_cell(value)

    def cell(self, kind: str) -> Callable:
        """The function that turns a value of ``kind`` into this format's cell."""
        if kind == "word":
            return self.word
        if kind == "text":
            return safe_cell
        if self.name == "xlsx":  # real cells: the workbook's formats show them (see write_xlsx)
            return XLSX_CELLS[kind]
        return CSV_CELLS[self.name == "csv-excel"][kind]


def _plain_time(value: datetime | None) -> str:
    return value.isoformat(" ", "seconds") if value else ""


def _polish_time(value: datetime | None) -> str:
    """"31.12.2026 14:05:09", cut from the ISO text (several times faster than strftime)."""
    if not value:
        return ""
    iso = value.isoformat(" ", "seconds")
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}{iso[10:19]}"


def _count(value) -> str:
    return "" if value is None else str(value)


CSV_CELLS = {
    False: {"time": _plain_time, "count": _count, "minutes": lambda seconds: f"{seconds / 60:.2f}"},
    True: {"time": _polish_time, "count": _count, "minutes": lambda seconds: f"{seconds / 60:.2f}".replace(".", ",")},
}
XLSX_CELLS = {"time": lambda value: value.replace(tzinfo=None) if value else None, "count": lambda value: value,
              "minutes": lambda seconds: round(seconds / 60, 2)}


def dialect(format_name: str, language: str = "pl") -> Dialect:
    return Dialect(format_name, polish=format_name == "csv-excel" or (format_name == "xlsx" and language == "pl"))


def write_csv(header: list[str], rows) -> str:
    """A small table (a report's) as plain CSV text, every cell made safe for spreadsheets."""
    out = io.StringIO()
    # RFC 4180 line ends: with both CR and LF as terminators, a cell holding either is quoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def row_function(columns: tuple[Column, ...], chosen: Dialect) -> Callable[[tuple], list]:
    cells = [chosen.cell(column.kind) for column in columns]
    return lambda values: [cell(value) for cell, value in zip(cells, values)]


def batches(rows: Iterable, size: int = 2000) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def csv_chunks(columns: tuple[Column, ...], values: Iterable[tuple], chosen: Dialect) -> Iterator[str]:
    """The CSV text in pieces of some thousand rows, the header first (after a BOM for Excel)."""
    out = io.StringIO()
    # RFC 4180 line ends: with both CR and LF as terminators, a cell holding either is quoted.
    writer = csv.writer(out, delimiter=";" if chosen.name == "csv-excel" else ",", lineterminator="\r\n")
    out.write(BOM if chosen.name == "csv-excel" else "")
    writer.writerow([chosen.header(column) for column in columns])
    row = row_function(columns, chosen)
    for batch in batches(values):
        writer.writerows(map(row, batch))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


TIME_FORMATS = {True: "dd.mm.yyyy hh:mm:ss", False: "yyyy-mm-dd hh:mm:ss"}


def write_xlsx(target, columns: tuple[Column, ...], values: Iterable[tuple], chosen: Dialect) -> None:
    """An XLSX workbook of ``values`` (rows as stored) into ``target`` (a path or a binary file)."""
    row = row_function(columns, chosen)
    write_xlsx_cells(target, columns, (tuple(None if cell == "" else cell for cell in row(values_of_row))
                                       for values_of_row in values), chosen)


def write_xlsx_cells(target, columns: tuple[Column, ...], cells: Iterable[tuple], chosen: Dialect) -> None:
    """An XLSX workbook of ready cells (None: no cell) into the binary file ``target``, a row at a time.

    rust_xlsxwriter (through rustpy-xlsxwriter) in its constant-memory mode: rows go to a temporary
    file as they come, at some 20 µs a row where XlsxWriter took some 300. Text stays text: it
    writes a formula only when asked to. Times carry whole seconds, as the CSV shows them.
    """
    headers = [chosen.header(column) for column in columns]
    rows = (dict(zip(headers, cells_of_row)) for cells_of_row in cells)
    first = next(rows, None)
    with tempfile.TemporaryDirectory() as folder:
        # Given a file object it builds the whole workbook in memory; given a path, it streams.
        path = os.path.join(folder, "calls-export.xlsx")
        # The header comes from the first row's keys: an export of no calls still gets its header.
        rustpy_xlsxwriter.write_worksheet(
            chain([first or dict.fromkeys(headers)], rows), path,
            sheet_name="Połączenia" if chosen.polish else "Calls", freeze_row=1, bold_headers=True,
            datetime_format=TIME_FORMATS[chosen.polish], float_format="0.00",
            column_widths=[20 if column.kind == "time" else 14 for column in columns])
        with open(path, "rb") as workbook:
            shutil.copyfileobj(workbook, target)


def check_export_size(rows: int, limit: int) -> None:
    """Refuse a download past ``limit`` rows before reading them: one response is bounded in time;
    a background export (POST /api/exports) takes any number."""
    if rows > limit:
        raise ValidationError(Message("export.too_many_calls", calls=rows, rows=limit), "to")


USER_COLUMNS = (
    Column("first_name", "First name", "Imię"), Column("last_name", "Last name", "Nazwisko"),
    Column("phone", "Phone", "Telefon"), Column("email", "E-mail", "E-mail"), Column("role", "Role", "Rola", "word"),
    Column("extension", "Extension", "Numer wewnętrzny"), Column("description", "Description", "Opis"),
)


def user_values(tenant: models.Tenant) -> Iterator[tuple]:
    users = db.session.scalars(scoped(models.User, tenant.id).order_by(models.User.last_name, models.User.id))
    return (tuple(getattr(user, column.key) for column in USER_COLUMNS) for user in users)


def users_csv(tenant: models.Tenant, format_name: str = "csv") -> str:
    """The company's users and admins as ``csv`` or ``csv-excel`` text."""
    return "".join(csv_chunks(USER_COLUMNS, user_values(tenant), dialect(format_name)))
