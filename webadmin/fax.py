"""REST API of faxes, scoped to the signed-in company: the faxes received and sent, each as PDF, and
sending a PDF to a number (multipart form: file, number). Editors (level 2) send."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from pbx import fax, models
from pbx.extensions import db
from pbx.fax_sender import send_fax
from pbx.messages import Message
from pbx.tenancy import get_owned, scoped

from webadmin.auth import signed_in
from webadmin.common import listed

bp = Blueprint("fax", __name__, url_prefix="/api/faxes")
ENVELOPE_BYTES = 64 * 1024  # the multipart form around the file


@bp.get("")
@signed_in()
def list_faxes():
    """Faxes received and sent, newest first; ?q= finds a number, status or document."""
    rows = scoped(models.Fax, g.tenant.id).order_by(models.Fax.created_at.desc(), models.Fax.id.desc())
    return listed(rows, lambda f: (f.number, f.status, f.document_name, f.reason), fax.describe)


@bp.post("")
@signed_in(2)
def send():
    """Send a PDF by fax (multipart form: file, number): converted at once, then dialled by the task
    worker; the answer is the fax, queued. A file that is no PDF is refused with the reason."""
    request.max_content_length = fax.MAX_PDF_BYTES + ENVELOPE_BYTES
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ValidationError({"file": [Message("fax.too_large", megabytes=fax.MAX_PDF_BYTES // (1024 * 1024))]}) \
            from None
    try:
        sent = fax.queue_fax(g.tenant, request.form.get("number", ""), upload.read() if upload else b"",
                             upload.filename if upload else "", current_app.config)
    except fax.FaxRefused as refused:
        raise ValidationError({"file" if refused.field == "document" else refused.field: [refused.message]}) from None
    db.session.commit()
    send_fax(sent.id)
    db.session.refresh(sent)  # the worker may have dialled already
    return jsonify(fax.describe(sent)), 201


@bp.get("/<int:fax_id>.pdf")
@signed_in()
def document(fax_id):
    """The fax as PDF: the pages received, or the pages as they are sent."""
    row = get_owned(models.Fax, g.tenant.id, fax_id)
    try:
        pdf = fax.document(row)
    except FileNotFoundError:
        abort(404, Message("fax.file_gone"))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="faks-{row.id}.pdf"'})
