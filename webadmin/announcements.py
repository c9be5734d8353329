"""REST API of announcements: text to speech, mp3 upload (at most 2 MB), and listening."""
from __future__ import annotations

import subprocess

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from pbx import directory, models, prompts
from pbx.extensions import db
from pbx.messages import Message
from pbx.representations import announcement_json
from pbx.tenancy import get_owned, scoped
from schemas.directory import AnnouncementInput

from webadmin.auth import signed_in
from webadmin.common import body, listed
from webadmin.openapi import accepts, searchable

bp = Blueprint("announcements", __name__, url_prefix="/api/announcements")

# Room for the multipart envelope around a 2 MB file; the mp3 check reports the exact limit.
ENVELOPE_BYTES = 64 * 1024


def _render(announcement: models.Announcement) -> None:
    try:
        prompts.render_tts(announcement, current_app.config)
    except (OSError, subprocess.SubprocessError) as error:
        db.session.rollback()
        current_app.logger.error("text to speech failed: %s", error)
        abort(503, Message("announcement.tts_away"))


@bp.get("")
@signed_in()
@searchable
def list_announcements():
    """The company's announcements, by name; ?q= finds a name or words of the text."""
    rows = scoped(models.Announcement, g.tenant.id).order_by(models.Announcement.name)
    return listed(rows, lambda a: (a.name, a.text), announcement_json)


@bp.post("")
@signed_in(2)
@accepts(AnnouncementInput)
def create_tts():
    """Add an announcement read by the speech synthesiser from its text."""
    announcement = directory.add_announcement(g.tenant, {**body(), "source": "tts"})
    _render(announcement)
    db.session.commit()
    return jsonify(announcement_json(announcement)), 201


@bp.post("/upload")
@signed_in(2)
def create_upload():
    """Add an announcement from an uploaded mp3 (multipart form: file, name, language)."""
    limit = current_app.config["MAX_PROMPT_UPLOAD_BYTES"]
    request.max_content_length = limit + ENVELOPE_BYTES
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ValidationError({"file": [Message("mp3.upload_too_big", limit=limit)]}) from None
    announcement = directory.add_uploaded_announcement(
        g.tenant, {"name": request.form.get("name", ""), "language": request.form.get("language", "pl")},
        upload.read() if upload else b"", current_app.config)
    db.session.commit()
    return jsonify(announcement_json(announcement)), 201


@bp.patch("/<int:announcement_id>")
@signed_in(2)
@accepts(AnnouncementInput, partial=True)
def update_announcement(announcement_id):
    """Change an announcement; a changed text is read again."""
    announcement = directory.update_announcement(g.tenant, announcement_id, body(), current_app.config)
    db.session.commit()
    return jsonify(announcement_json(announcement))


@bp.delete("/<int:announcement_id>")
@signed_in(2)
def delete_announcement(announcement_id):
    """Delete an announcement nothing uses any more."""
    path = directory.delete_announcement(g.tenant, announcement_id, current_app.config)
    db.session.commit()
    path.unlink(missing_ok=True)
    return "", 204


@bp.get("/<int:announcement_id>.wav")
@signed_in()
def listen(announcement_id):
    """The announcement's sound as WAV."""
    announcement = get_owned(models.Announcement, g.tenant.id, announcement_id)
    path = prompts.prompt_path(announcement, current_app.config)
    if not path.exists():
        abort(404, Message("announcement.no_sound"))
    return send_file(path, mimetype="audio/wav", download_name=f"{announcement.name}.wav")
