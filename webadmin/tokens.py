"""API tokens of the company: owners create (shown once), list and revoke them."""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request

from pbx import api_tokens, models
from pbx.extensions import db
from pbx.messages import Message
from pbx.representations import stamp
from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("tokens", __name__, url_prefix="/api/tokens")
OWNER = api_tokens.OWNER


def describe(record: models.ApiToken) -> dict:
    """Everything about a token except the token."""
    return {"id": record.id, "name": record.name, "scope": record.scope, "created_at": stamp(record.created_at),
            "created_by": record.created_by_id, "last_used_at": stamp(record.last_used_at),
            "revoked_at": stamp(record.revoked_at)}


@bp.before_request
def refuse_tokens():
    """Tokens are managed by a signed-in owner: a token must not mint or revoke tokens."""
    if request.headers.get("Authorization"):
        abort(403, Message("token.panel_only"))


@bp.get("")
@signed_in(OWNER)
def list_tokens():
    """The company's API tokens (never their secrets)."""
    return jsonify(tokens=[describe(record) for record in api_tokens.listed(g.tenant.id)])


@bp.post("")
@signed_in(OWNER)
def create_token():
    """Create an API token ({"name", "scope": "full" or "read"}); its secret is shown once."""
    data = body()
    name, scope = data.get("name"), data.get("scope", "read")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 80:
        abort(422, Message("token.name_required"))
    if scope not in api_tokens.SCOPES:
        abort(422, Message("token.scope"))
    record, token = api_tokens.create(g.user, name.strip(), scope)
    return jsonify({**describe(record), "token": token}), 201


@bp.delete("/<int:token_id>")
@signed_in(OWNER)
def revoke_token(token_id):
    """Revoke an API token."""
    record = db.session.get(models.ApiToken, token_id)
    if record is None or record.tenant_id != g.tenant.id:
        abort(404, Message("token.unknown"))
    api_tokens.revoke(record)
    return jsonify(describe(record))
