"""Recordings in the panel: the list, legal hold and erasure by caller."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy import select

from pbx import models, recordings
from pbx.extensions import db
from pbx.messages import Message
from webadmin.auth import signed_in
from webadmin.common import body

bp = Blueprint("recordings", __name__)


@bp.get("/api/recordings")
@signed_in()
def recording_list():
    """Call recordings still kept, newest first; ?caller= narrows to one caller."""
    query = select(models.Recording).where(models.Recording.tenant_id == g.tenant.id, recordings.offered())
    if request.args.get("caller"):
        query = query.where(models.Recording.caller == request.args["caller"])
    rows = db.session.scalars(query.order_by(models.Recording.created_at.desc()).limit(500))
    return jsonify(recordings=[recordings.describe(row) for row in rows])


@bp.post("/api/recordings/<int:recording_id>/legal-hold")
@signed_in(min_level=2)
def recording_hold(recording_id):
    """Keep a recording past its retention ({"hold": true}) or let it expire ({"hold": false})."""
    hold = body().get("hold", True)
    if not isinstance(hold, bool):
        abort(422, Message("recording.hold"))
    try:
        recording = recordings.set_legal_hold(g.tenant.id, recording_id, hold, current_app.config)
    except Exception:  # noqa: BLE001 - NoResultFound: not this tenant's recording
        db.session.rollback()
        abort(404, Message("recording.unknown"))
    return jsonify(recordings.describe(recording))


@bp.delete("/api/recordings")
@signed_in(min_level=2)
def recordings_forget_caller():
    """Delete every recording of one caller (?caller=), as the GDPR asks."""
    number = request.args.get("caller", "")
    if not number:
        abort(422, Message("recording.caller_required"))
    return jsonify(recordings.forget_caller(g.tenant.id, number, current_app.config))
