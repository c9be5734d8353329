"""CSV exports (the panel's "Eksportuj" buttons and the CLI)."""
from __future__ import annotations

import csv
import io

from pbx import models
from pbx.extensions import db
from pbx.tenancy import scoped

USER_COLUMNS = ["first_name", "last_name", "phone", "email", "role", "extension", "description"]


def safe_cell(value) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    text = "" if value is None else str(getattr(value, "value", value))
    if text[:1] in ("=", "+", "-", "@") and not text[1:].replace(" ", "").isdigit():
        return "'" + text
    return text


def write_csv(header: list[str], rows) -> str:
    """CSV text with every cell made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def users_csv(tenant: models.Tenant) -> str:
    users = db.session.scalars(scoped(models.User, tenant.id).order_by(models.User.last_name, models.User.id))
    return write_csv(USER_COLUMNS, ([getattr(user, column) for column in USER_COLUMNS] for user in users))
