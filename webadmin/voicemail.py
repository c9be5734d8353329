"""REST API of voicemail boxes: who receives the messages by e-mail, and the greeting."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory, models
from pbx.extensions import db
from pbx.representations import box_json
from pbx.tenancy import scoped

from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("voicemail", __name__, url_prefix="/api/voicemail-boxes")



@bp.get("")
@signed_in()
def list_boxes():
    boxes = db.session.scalars(scoped(models.VoicemailBox, g.tenant.id).order_by(models.VoicemailBox.name))
    return jsonify([box_json(box) for box in boxes])


@bp.post("")
@signed_in(2)
def create_box():
    box = directory.add_voicemail_box(g.tenant, body())
    db.session.commit()
    return jsonify(box_json(box)), 201


@bp.patch("/<int:box_id>")
@signed_in(2)
def update_box(box_id):
    box = directory.update_voicemail_box(g.tenant, box_id, body())
    db.session.commit()
    return jsonify(box_json(box))


@bp.delete("/<int:box_id>")
@signed_in(2)
def delete_box(box_id):
    directory.delete_voicemail_box(g.tenant, box_id)
    db.session.commit()
    return "", 204
