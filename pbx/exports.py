"""CSV exports (the panel's "Eksportuj" buttons and the CLI)."""
from __future__ import annotations

import csv
import io

from pbx import models
from pbx.extensions import db
from pbx.tenancy import scoped

USER_COLUMNS = ["first_name", "last_name", "phone", "email", "role", "extension", "description"]


def _safe_cell(value) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    text = "" if value is None else str(getattr(value, "value", value))
    if text[:1] in ("=", "+", "-", "@") and not text[1:].replace(" ", "").isdigit():
        return "'" + text
    return text


def users_csv(tenant: models.Tenant) -> str:
    users = db.session.scalars(scoped(models.User, tenant.id).order_by(models.User.last_name, models.User.id))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(USER_COLUMNS)
    for user in users:
        writer.writerow([_safe_cell(getattr(user, column)) for column in USER_COLUMNS])
    return out.getvalue()
