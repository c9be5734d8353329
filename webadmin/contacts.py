"""REST API of the company's contacts (address book), scoped to the signed-in company: list, change,
import from CSV or vCard, export as CSV or vCard. Editors (level 2) change them."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from pbx import contacts, models
from pbx.exports import MEDIA_TYPES
from pbx.extensions import db
from pbx.messages import Message, in_language, language_of
from pbx.reception import actions
from pbx.reception.switches import for_app
from pbx.representations import contact_json
from pbx.tenancy import get_owned, scoped
from schemas.contacts import ContactExportQuery, ContactInput

from webadmin.auth import signed_in
from webadmin.common import body, listed, loaded_query
from webadmin.openapi import accepts, queries, searchable

bp = Blueprint("contacts", __name__, url_prefix="/api")
ENVELOPE_BYTES = 64 * 1024  # the multipart form around the file


@bp.get("/contacts")
@signed_in()
@searchable
def list_contacts():
    """The company's contacts; ?q= finds a name, company, number, group or note."""
    rows = scoped(models.Contact, g.tenant.id).order_by(models.Contact.name, models.Contact.id)
    return listed(rows, lambda c: (c.name, c.company, c.note, *c.groups, *(n["number"] for n in c.numbers)),
                  contact_json)


@bp.post("/contacts")
@signed_in(2)
@accepts(ContactInput)
def create_contact():
    """Add a contact."""
    contact = contacts.add_contact(g.tenant, body())
    db.session.commit()
    return jsonify(contact_json(contact)), 201


@bp.patch("/contacts/<int:contact_id>")
@signed_in(2)
@accepts(ContactInput, partial=True)
def update_contact(contact_id):
    """Change a contact; only the fields sent."""
    contact = contacts.update_contact(g.tenant, contact_id, body())
    db.session.commit()
    return jsonify(contact_json(contact))


@bp.delete("/contacts/<int:contact_id>")
@signed_in(2)
def delete_contact(contact_id):
    """Delete a contact."""
    contacts.delete_contact(g.tenant, contact_id)
    db.session.commit()
    return "", 204


@bp.post("/contacts/import")
@signed_in(2)
def import_contacts():
    """Add the contacts of a CSV (either dialect of the export) or vCard file (multipart form: file);
    nothing is stored when any record is wrong, and the error names each one."""
    request.max_content_length = contacts.MAX_IMPORT_BYTES + ENVELOPE_BYTES
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ValidationError({"file": [Message("contact.import_too_big",
                                                megabytes=contacts.MAX_IMPORT_BYTES // 2**20)]}) from None
    added = contacts.import_contacts(g.tenant, contacts.file_records(upload.read() if upload else b""))
    db.session.commit()
    return jsonify(added=len(added)), 201


@bp.get("/contacts/export")
@signed_in()
@queries(ContactExportQuery)
def export_contacts():
    """The contacts as CSV (?format=csv, or csv-excel for Polish Excel) or vCard (?format=vcard)."""
    format_name = loaded_query(ContactExportQuery())["format"]
    if format_name == "vcard":
        return Response(contacts.contacts_vcard(g.tenant.id), mimetype="text/vcard; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=contacts.vcf"})
    return Response(contacts.contacts_csv(g.tenant.id, format_name), mimetype=MEDIA_TYPES[format_name],
                    headers={"Content-Disposition": "attachment; filename=contacts.csv"})


@bp.post("/contacts/<int:contact_id>/call")
@signed_in()
def call_contact(contact_id):
    """Click to call: your own SIP phone rings, and once you answer the contact's number (``number``, one of
    theirs; the first when not given) is dialled from it; audited."""
    contact = get_owned(models.Contact, g.tenant.id, contact_id)
    number = body().get("number") or next((n["number"] for n in contact.numbers or []), "")
    app = current_app._get_current_object()
    try:
        actions.call_contact(for_app(app).switches, g.user, contact, number, app.config["SIP_DOMAIN_SUFFIX"])
    except actions.Refused as refused:
        abort(refused.status, refused.message)
    done = Message("contact.calling")
    return jsonify(done=True, message=in_language(done, language_of(request.accept_languages)), **done.as_json())
