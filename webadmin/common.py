"""Helpers every API blueprint shares: request bodies, rights."""
from __future__ import annotations

from flask import abort, g, request


def body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def require_level(level: int, why: str) -> None:
    if g.user.admin_level < level:
        abort(403, why)
