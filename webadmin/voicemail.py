"""REST API of voicemail boxes: who receives the messages by e-mail, and the greeting."""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from pbx import directory, models
from pbx.extensions import db
from pbx.tenancy import get_owned, scoped
from schemas.directory import VoicemailBoxInput

from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("voicemail", __name__, url_prefix="/api/voicemail-boxes")


def box_json(box: models.VoicemailBox) -> dict:
    return {
        "id": box.id, "name": box.name, "greeting_id": box.greeting_id, "max_seconds": box.max_seconds,
        "recipient_ids": [u.id for u in box.recipients], "extra_emails": list(box.extra_emails or []),
        "recipient_emails": box.recipient_emails,
    }


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
    box = get_owned(models.VoicemailBox, g.tenant.id, box_id)
    data = body()
    # The "at least one recipient" rule needs both lists, so the missing one comes from the box.
    data.setdefault("recipient_ids", [u.id for u in box.recipients])
    data.setdefault("extra_emails", list(box.extra_emails or []))
    values = VoicemailBoxInput(tenant_id=g.tenant.id, instance_id=box.id, partial=True).load(data)
    recipient_ids = values.pop("recipient_ids")
    box.recipients = [get_owned(models.User, g.tenant.id, uid) for uid in recipient_ids]
    for key, value in values.items():
        setattr(box, key, value)
    db.session.commit()
    return jsonify(box_json(box))


@bp.delete("/<int:box_id>")
@signed_in(2)
def delete_box(box_id):
    directory.delete_voicemail_box(g.tenant, box_id)
    db.session.commit()
    return "", 204
