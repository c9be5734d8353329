"""Helpers every API blueprint shares: request bodies, rights, CSV."""
from __future__ import annotations

from flask import Response, abort, g, request

from pbx.exports import write_csv


def body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def require_level(level: int, why: str) -> None:
    if g.user.admin_level < level:
        abort(403, why)


def csv_response(header: list[str], rows, filename: str) -> Response:
    return Response(write_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
