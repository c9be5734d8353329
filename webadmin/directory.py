"""REST API of the company directory: users and groups, scoped to the signed-in tenant.

Editors (level 2) manage people and groups; only owners (level 3) grant or change admin rights.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, jsonify

from pbx import directory, models, sip_account
from pbx.exports import MEDIA_TYPES, users_csv
from pbx.messages import Message
from pbx.representations import group_json, user_json
from pbx.extensions import db
from pbx.tenancy import get_owned, scoped
from schemas.directory import GroupInput, UserInput
from schemas.exports import UserExportQuery

from webadmin.auth import signed_in
from webadmin.common import body, listed, loaded_query, require_level
from webadmin.openapi import accepts, queries, searchable

bp = Blueprint("directory", __name__, url_prefix="/api")


def _guard_admin_rights(data: dict, user: models.User | None = None) -> None:
    """Admin rights, and the address an admin's sign-in codes go to, are the owner's to change."""
    level = user.admin_level if user else 0
    email = data.get("email", user.email if user else "")
    moves_codes = level > 0 and isinstance(email, str) and email.strip().lower() != user.email
    if data.get("admin_level", level) != level or moves_codes:
        require_level(3, Message("rights.owner_grants"))


@bp.get("/users")
@signed_in()
@searchable
def list_users():
    """The company's users; ?q= finds a name, e-mail, phone or extension."""
    users = scoped(models.User, g.tenant.id).order_by(models.User.last_name, models.User.id)
    return listed(users, lambda u: (u.full_name, u.email, u.phone, u.extension), user_json)


@bp.post("/users")
@signed_in(2)
@accepts(UserInput)
def create_user():
    """Add a user."""
    data = body()
    _guard_admin_rights(data)
    user = directory.add_user(g.tenant, data)
    db.session.commit()
    return jsonify(user_json(user)), 201


@bp.patch("/users/<int:user_id>")
@signed_in(2)
@accepts(UserInput, partial=True)
def update_user(user_id):
    """Change a user; only the fields sent."""
    data = body()
    _guard_admin_rights(data, get_owned(models.User, g.tenant.id, user_id))
    user = directory.update_user(g.tenant, user_id, data)
    db.session.commit()
    return jsonify(user_json(user))


@bp.delete("/users/<int:user_id>")
@signed_in(2)
def delete_user(user_id):
    """Delete a user; refused, naming the places, while a scenario, number, group or box relies on them."""
    user = get_owned(models.User, g.tenant.id, user_id)
    if user.id == g.user.id:
        abort(409, Message("user.delete_self"))
    if user.admin_level > 0:
        require_level(3, Message("rights.owner_deletes_admins"))
    directory.delete_user(g.tenant, user.id)
    db.session.commit()
    return "", 204


def _sip_user(user_id: int) -> models.User:
    """A user whose SIP password the signed-in admin may see: an admin's is the owner's to see."""
    user = get_owned(models.User, g.tenant.id, user_id)
    if user.admin_level > 0:
        require_level(3, Message("rights.owner_sip_password"))
    return user


def _account(action, user: models.User):
    try:
        return action(user, current_app.config)
    except sip_account.NoSipAccount as error:
        abort(409, error.args[0])


@bp.get("/users/<int:user_id>/sip-account")
@signed_in()
def user_sip_account(user_id):
    """Where and as whom the user's phone signs in; the password only through reveal."""
    return jsonify(_account(sip_account.account, get_owned(models.User, g.tenant.id, user_id)))


@bp.post("/users/<int:user_id>/sip-account/reveal")
@signed_in(2)
def reveal_sip_password(user_id):
    """The account with its password, a softphone snippet and a QR code; audited."""
    facts = _account(sip_account.reveal, _sip_user(user_id))
    db.session.commit()
    return jsonify(facts)


@bp.post("/users/<int:user_id>/sip-account/reset")
@signed_in(2)
def reset_sip_password(user_id):
    """A new strong password (the phone must be set up again); audited."""
    facts = _account(sip_account.reset, _sip_user(user_id))
    db.session.commit()
    return jsonify(facts)


@bp.get("/users.csv")
@signed_in()
@queries(UserExportQuery)
def export_users():
    """The users as CSV: plain (?format=csv) or for Polish Excel (?format=csv-excel)."""
    format_name = loaded_query(UserExportQuery())["format"]
    return Response(users_csv(g.tenant, format_name), mimetype=MEDIA_TYPES[format_name],
                    headers={"Content-Disposition": "attachment; filename=users.csv"})


@bp.get("/groups")
@signed_in()
@searchable
def list_groups():
    """The company's ring groups with their members; ?q= finds a name, extension or member."""
    groups = scoped(models.Group, g.tenant.id).order_by(models.Group.name, models.Group.id)
    return listed(groups, lambda gr: (gr.name, gr.extension, *(m.user.full_name for m in gr.members)), group_json)


@bp.post("/groups")
@signed_in(2)
@accepts(GroupInput)
def create_group():
    """Add a ring group."""
    group = directory.add_group(g.tenant, body())
    db.session.commit()
    return jsonify(group_json(group)), 201


@bp.patch("/groups/<int:group_id>")
@signed_in(2)
@accepts(GroupInput, partial=True)
def update_group(group_id):
    """Change a ring group; only the fields sent."""
    group = directory.update_group(g.tenant, group_id, body())
    db.session.commit()
    return jsonify(group_json(group))


@bp.delete("/groups/<int:group_id>")
@signed_in(2)
def delete_group(group_id):
    """Delete a ring group; refused, naming the places, while anything uses it."""
    directory.delete_group(g.tenant, group_id)
    db.session.commit()
    return "", 204

