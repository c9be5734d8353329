"""CSV exports (the panel's "Eksportuj" buttons and the CLI)."""
from __future__ import annotations

import csv
import io

from marshmallow import ValidationError

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.tenancy import scoped

USER_COLUMNS = ["first_name", "last_name", "phone", "email", "role", "extension", "description"]


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection); TAB and CR
# too, as Excel and LibreOffice skip them before looking for '='.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """One CSV cell as a spreadsheet may open it: text that could be a formula gets a leading quote.

    Signed numbers (a phone number "+48221000000", "-5") stay as they are: they cannot be formulas.
    """
    text = "" if value is None else str(getattr(value, "value", value))
    if text.startswith(FORMULA_STARTS) and not (text[0] in "+-" and text[1:].replace(" ", "").isdigit()):
        return "'" + text
    return text


def write_csv(header: list[str], rows) -> str:
    """CSV text with every cell made safe for spreadsheets."""
    out = io.StringIO()
    # RFC 4180 line ends: with both CR and LF as terminators, a cell holding either is quoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def check_export_size(rows: int, limit: int) -> None:
    """Refuse an export past ``limit`` rows before reading them: one file is bounded in time and memory,
    as a finance export in any hosted PBX is, and a shorter period gives the rest."""
    if rows > limit:
        raise ValidationError(Message("export.too_many_calls", calls=rows, rows=limit), "to")


def users_csv(tenant: models.Tenant) -> str:
    users = db.session.scalars(scoped(models.User, tenant.id).order_by(models.User.last_name, models.User.id))
    return write_csv(USER_COLUMNS, ([getattr(user, column) for column in USER_COLUMNS] for user in users))
