"""Sign-in with a one-time code, and the guards every other view uses."""
from __future__ import annotations

import functools

from flask import Blueprint, abort, g, jsonify, request, session

from pbx import auth, models
from pbx.audit import acting_as
from pbx.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


def signed_in(min_level: int = 1):
    """Require a signed-in admin of at least ``min_level`` (1 view, 2 edit, 3 owner).

    Sets ``g.user`` and ``g.tenant``; changes made in the view are audited under the admin's e-mail.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = db.session.get(models.User, session.get("user_id") or 0)
            if user is None:
                abort(401, "sign in first")
            if user.admin_level < min_level:
                abort(403, "your admin rights do not allow this")
            g.user, g.tenant = user, user.tenant
            with acting_as(user.email):
                return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.post("/code")
def request_code():
    email = (request.get_json(silent=True) or {}).get("email", "")
    if not isinstance(email, str) or "@" not in email:
        abort(422, "give the e-mail address you sign in with")
    auth.request_code(email)
    # Same answer whether or not the address exists, so addresses cannot be probed.
    return jsonify(sent=True)


@bp.post("/verify")
def verify():
    body = request.get_json(silent=True) or {}
    email, code = body.get("email", ""), body.get("code", "")
    if not isinstance(email, str) or not isinstance(code, str):
        abort(422, "e-mail and code are required")
    user = auth.verify_code(email, code)
    if user is None:
        abort(401, "wrong or expired code")
    session.clear()
    session["user_id"] = user.id
    return jsonify(user_id=user.id, tenant=user.tenant.name)


@bp.post("/logout")
def logout():
    session.clear()
    return jsonify(signed_out=True)


@bp.get("/me")
@signed_in()
def me():
    """Who is signed in, with which rights, in which company: the panel adapts to it."""
    return jsonify(user_id=g.user.id, name=g.user.full_name, email=g.user.email, admin_level=g.user.admin_level,
                   tenant={"name": g.tenant.name, "language": g.tenant.language.value,
                           "timezone": g.tenant.timezone})
