"""The audit log: every configuration change of the tenant, newest first."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from pbx import models
from pbx.extensions import db
from pbx.representations import stamp
from pbx.tenancy import MAX_ID, scoped

from webadmin.auth import signed_in

bp = Blueprint("audit", __name__, url_prefix="/api")
PAGE = 200


@bp.get("/audit")
@signed_in()
def audit_log():
    """The audit log, newest first, 200 entries a page.

    ?entity= narrows to one kind of object; ?before=<id> pages back.
    """
    query = scoped(models.AuditLogEntry, g.tenant.id)
    if request.args.get("entity"):
        query = query.where(models.AuditLogEntry.entity == request.args["entity"])
    before = request.args.get("before", type=int)
    if before:
        # an id past the database's range pages from the newest entry, as no id reaches it
        query = query.where(models.AuditLogEntry.id < max(-1, min(before, MAX_ID)))
    entries = db.session.scalars(query.order_by(models.AuditLogEntry.id.desc()).limit(PAGE))
    return jsonify([
        {"id": e.id, "at": stamp(e.at), "actor": e.actor, "action": e.action, "entity": e.entity,
         "entity_id": e.entity_id, "changes": e.changes}
        for e in entries
    ])
