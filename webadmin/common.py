"""Helpers every API blueprint shares: request bodies, JSON shapes, deletion guards, CSV."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from flask import Response, abort, g, jsonify, request
from sqlalchemy import select

from pbx import models
from pbx.exports import _safe_cell as safe_cell
from pbx.extensions import db
from pbx.nodes import kind_of


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


# ------------------------------------------------------------ scenario references

def _references(node: dict):
    """(what, id) pairs a node's JSON points at in the directory."""
    target = node.get("target") if isinstance(node.get("target"), dict) else {}
    yield "user", target.get("user")
    yield "group", target.get("group")
    yield "announcement", node.get("prompt")
    yield "announcement", node.get("invalid_prompt")
    if node.get("kind") == "voicemail":
        yield "voicemail_box", node.get("box")
    if node.get("kind") == "caller_condition":
        yield "number_list", node.get("list")


def _walk(node):
    if not isinstance(node, dict):
        return
    yield node
    kind = kind_of(node.get("kind")) if isinstance(node.get("kind"), str) else None
    for _label, child in (kind.branch_items(node) if kind else []):
        yield from _walk(child)


def scenarios_using(tenant_id: int, what: str, obj_id: int) -> list[str]:
    """Where the drafts and live versions of a tenant's scenarios use a directory object."""
    found = []
    scenarios = db.session.scalars(select(models.Scenario).where(models.Scenario.tenant_id == tenant_id))
    for scenario in scenarios:
        trees = [("draft", scenario.draft)]
        if scenario.published_version is not None:
            trees.append(("published", scenario.published_version.tree))
        for state, tree in trees:
            for node in _walk((tree or {}).get("root")):
                if (what, obj_id) in _references(node):
                    found.append(f"{scenario.main_number.number} {state}: {node.get('id')}")
    return sorted(set(found))


def delete_unused(obj, what: str):
    """Delete a directory object unless a scenario still routes calls to it (409 then)."""
    used = scenarios_using(obj.tenant_id, what, obj.id)
    if used:
        return jsonify(error="still used in scenarios; change them first", used_by=used), 409
    db.session.delete(obj)
    db.session.commit()
    return "", 204
