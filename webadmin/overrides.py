"""REST API of main numbers' temporary overrides ("closed until …", "to Anna until …")."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import models, overrides
from pbx.extensions import db
from pbx.tenancy import get_owned
from schemas.override import OverrideInput

from webadmin.auth import signed_in
from webadmin.common import body
from webadmin.openapi import accepts

bp = Blueprint("overrides", __name__, url_prefix="/api")


@bp.get("/overrides")
@signed_in()
def list_overrides():
    """The company's overrides that have not ended yet."""
    return jsonify([overrides.override_json(o, g.tenant) for o in overrides.active(g.tenant)])


@bp.get("/main-numbers/<int:number_id>/override")
@signed_in()
def get_override(number_id):
    """A main number's override while it lasts (null when none)."""
    number = get_owned(models.MainNumber, g.tenant.id, number_id)
    found = next((o for o in overrides.active(g.tenant) if o.main_number_id == number.id), None)
    return jsonify(overrides.override_json(found, g.tenant) if found else None)


@bp.put("/main-numbers/<int:number_id>/override")
@signed_in(2)
@accepts(OverrideInput)
def put_override(number_id):
    """Send the number's calls elsewhere until a time typed in the company's zone (replaces its override)."""
    found = overrides.set_override(g.tenant, number_id, body())
    db.session.commit()
    return jsonify(overrides.override_json(found, g.tenant))


@bp.delete("/main-numbers/<int:number_id>/override")
@signed_in(2)
def delete_override(number_id):
    """End the number's override now."""
    overrides.end_override(g.tenant, number_id)
    db.session.commit()
    return "", 204
