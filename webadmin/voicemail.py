"""REST API of voicemail boxes: who receives the messages by e-mail, and the greeting."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify

from pbx import directory, models, recordings
from pbx.extensions import db
from pbx.messages import Message
from pbx.representations import box_json
from pbx.tenancy import get_owned, scoped
from schemas.directory import VoicemailBoxInput

from webadmin.auth import signed_in
from webadmin.common import body, listed
from webadmin.openapi import accepts, searchable

bp = Blueprint("voicemail", __name__, url_prefix="/api/voicemail-boxes")


@bp.get("")
@signed_in()
@searchable
def list_boxes():
    """The company's voicemail boxes; ?q= finds a name or a recipient's e-mail."""
    boxes = scoped(models.VoicemailBox, g.tenant.id).order_by(models.VoicemailBox.name)
    return listed(boxes, lambda box: (box.name, *box.recipient_emails), box_json)


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


def _message(box_id: int, message_id: int) -> tuple[models.VoicemailBox, models.Recording]:
    box = get_owned(models.VoicemailBox, g.tenant.id, box_id)
    found = recordings.message(box, message_id)
    if found is None:
        abort(404, Message("voicemail.unknown_message"))
    return box, found


@bp.get("/<int:box_id>/messages")
@signed_in()
def inbox(box_id):
    """The box's messages still kept, newest first, and how long messages are kept."""
    box = get_owned(models.VoicemailBox, g.tenant.id, box_id)
    return jsonify(box=box.name, retention_days=g.tenant.retention_days or recordings.DEFAULT_RETENTION_DAYS,
                   messages=[recordings.describe(row) for row in recordings.inbox(box)])


@bp.post("/<int:box_id>/messages/<int:message_id>/heard")
@signed_in()
def mark_heard(box_id, message_id):
    """Mark a message as heard ({"heard": true}) or as new again ({"heard": false})."""
    heard = body().get("heard", True)
    if not isinstance(heard, bool):
        abort(422, Message("voicemail.heard"))
    _, found = _message(box_id, message_id)
    found.heard_at = models.utcnow() if heard else None
    db.session.commit()
    return jsonify(recordings.describe(found))


@bp.delete("/<int:box_id>/messages/<int:message_id>")
@signed_in(2)
def delete_message(box_id, message_id):
    """Delete a message now (audited); one under legal hold stays."""
    box, found = _message(box_id, message_id)
    if found.legal_hold:
        abort(409, Message("voicemail.legal_hold"))
    recordings.delete_message(box, found, current_app.config)
    return "", 204
