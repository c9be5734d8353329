"""REST API of the company directory; every query is scoped to the signed-in tenant."""
from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request

from pbx import directory, models
from pbx.exports import users_csv
from pbx.extensions import db
from pbx.tenancy import scoped

from webadmin.auth import signed_in

bp = Blueprint("directory", __name__, url_prefix="/api")


def _user(u: models.User) -> dict:
    return {
        "id": u.id, "first_name": u.first_name, "last_name": u.last_name, "phone": u.phone,
        "email": u.email, "role": u.role.value, "description": u.description, "extension": u.extension,
        "may_present_main_number": u.may_present_main_number, "record_calls": u.record_calls,
        "admin_level": u.admin_level,
    }


def _group(gr: models.Group) -> dict:
    return {
        "id": gr.id, "name": gr.name, "ring_mode": gr.ring_mode.value, "extension": gr.extension,
        "record_calls": gr.record_calls,
        "members": [{"user_id": m.user_id, "ring_seconds": m.ring_seconds} for m in gr.members],
    }


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.get("/users")
@signed_in()
def list_users():
    users = db.session.scalars(scoped(models.User, g.tenant.id).order_by(models.User.id))
    return jsonify([_user(u) for u in users])


@bp.post("/users")
@signed_in(2)
def create_user():
    user = directory.add_user(g.tenant, _body())
    db.session.commit()
    return jsonify(_user(user)), 201


@bp.patch("/users/<int:user_id>")
@signed_in(2)
def update_user(user_id):
    user = directory.update_user(g.tenant, user_id, _body())
    db.session.commit()
    return jsonify(_user(user))


@bp.get("/users.csv")
@signed_in()
def export_users():
    return Response(users_csv(g.tenant), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=users.csv"})


@bp.get("/groups")
@signed_in()
def list_groups():
    groups = db.session.scalars(scoped(models.Group, g.tenant.id).order_by(models.Group.id))
    return jsonify([_group(gr) for gr in groups])


@bp.post("/groups")
@signed_in(2)
def create_group():
    group = directory.add_group(g.tenant, _body())
    db.session.commit()
    return jsonify(_group(group)), 201


@bp.get("/audit")
@signed_in()
def audit_log():
    entries = db.session.scalars(
        scoped(models.AuditLogEntry, g.tenant.id).order_by(models.AuditLogEntry.id.desc()).limit(200)
    )
    return jsonify([
        {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "entity": e.entity,
         "entity_id": e.entity_id, "changes": e.changes}
        for e in entries
    ])
