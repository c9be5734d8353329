"""Helpers every API blueprint shares: request bodies, times, rights, CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from flask import Response, abort, g, request

from pbx.exports import _safe_cell as safe_cell


def body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def stamp(value: datetime | None) -> str | None:
    """ISO time in UTC; SQLite hands back naive datetimes, all of which are UTC."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def require_level(level: int, why: str) -> None:
    if g.user.admin_level < level:
        abort(403, why)


def csv_response(header: list[str], rows, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})

