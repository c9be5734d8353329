"""REST API of voicemail boxes: who receives the messages by e-mail, and the greeting."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory, models
from pbx.extensions import db
from pbx.representations import box_json
from pbx.tenancy import scoped
from schemas.directory import VoicemailBoxInput

from webadmin.auth import signed_in
from webadmin.common import body
from webadmin.openapi import accepts

bp = Blueprint("voicemail", __name__, url_prefix="/api/voicemail-boxes")



@bp.get("")
@signed_in()
def list_boxes():
    """The company's voicemail boxes."""
    boxes = db.session.scalars(scoped(models.VoicemailBox, g.tenant.id).order_by(models.VoicemailBox.name))
    return jsonify([box_json(box) for box in boxes])


@bp.post("")
@signed_in(2)
@accepts(VoicemailBoxInput)
def create_box():
    """Add a voicemail box."""
    box = directory.add_voicemail_box(g.tenant, body())
    db.session.commit()
    return jsonify(box_json(box)), 201


@bp.patch("/<int:box_id>")
@signed_in(2)
@accepts(VoicemailBoxInput, partial=True)
def update_box(box_id):
    """Change a voicemail box; only the fields sent."""
    box = directory.update_voicemail_box(g.tenant, box_id, body())
    db.session.commit()
    return jsonify(box_json(box))


@bp.delete("/<int:box_id>")
@signed_in(2)
def delete_box(box_id):
    """Delete a voicemail box nothing uses any more."""
    directory.delete_voicemail_box(g.tenant, box_id)
    db.session.commit()
    return "", 204
