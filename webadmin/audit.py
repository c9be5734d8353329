"""The audit log: every configuration change of the tenant, newest first, in words."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, g, jsonify, request
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from pbx import models
from pbx.audit_words import KIND_NAMES, Namer
from pbx.extensions import db
from pbx.messages import language_of
from pbx.representations import stamp
from pbx.tenancy import MAX_ID, scoped
from schemas.fields import Day

from webadmin.auth import signed_in

bp = Blueprint("audit", __name__, url_prefix="/api")
PAGE = 200


class AuditFilter(Schema):
    """?actor= one person, ?entity= one kind of object, ?from= ?to= days (inclusive), ?before=<id> pages back."""

    actor = fields.String(validate=validate.Length(max=254))
    entity = fields.String(validate=validate.Length(max=40))
    from_ = Day(data_key="from")
    to = Day()
    before = fields.Integer()


@bp.get("/audit")
@signed_in()
def audit_log():
    """The audit log, newest first, 200 entries a page, each with who, what and the changed fields in words."""
    wanted = AuditFilter().load(request.args)
    # a version is immutable: its one update is the publish filling in the compiled dialplan
    query = scoped(models.AuditLogEntry, g.tenant.id).where(
        ~((models.AuditLogEntry.entity == "ScenarioVersion") & (models.AuditLogEntry.action == "update")))
    for key in ("actor", "entity"):
        if wanted.get(key):
            query = query.where(getattr(models.AuditLogEntry, key) == wanted[key])
    zone = ZoneInfo(g.tenant.timezone)
    if wanted.get("from_"):
        query = query.where(models.AuditLogEntry.at >= _midnight(wanted["from_"], zone))
    if wanted.get("to"):
        query = query.where(models.AuditLogEntry.at < _midnight(wanted["to"] + timedelta(days=1), zone))
    if wanted.get("before"):
        # an id past the database's range pages from the newest entry, as no id reaches it
        query = query.where(models.AuditLogEntry.id < max(-1, min(wanted["before"], MAX_ID)))
    entries = db.session.scalars(query.order_by(models.AuditLogEntry.id.desc()).limit(PAGE))
    namer = Namer(g.tenant.id, language_of(request.accept_languages) == "pl")
    return jsonify([
        {"id": e.id, "at": stamp(e.at), "actor": e.actor, "action": e.action, "entity": e.entity,
         "entity_id": e.entity_id, "changes": e.changes, **namer.entry(e)}
        for e in entries
    ])


@bp.get("/audit/filters")
@signed_in()
def audit_filters():
    """What the log can be narrowed to: the people who made changes, and the kinds of object."""
    polish = language_of(request.accept_languages) == "pl"
    namer = Namer(g.tenant.id, polish)
    actors = db.session.scalars(select(models.AuditLogEntry.actor).distinct()
                                .where(models.AuditLogEntry.tenant_id == g.tenant.id))
    people = sorted(({"actor": actor, "name": namer.person(actor)} for actor in actors), key=lambda p: p["name"])
    return jsonify(people=people, kinds=[{"entity": key, "name": names[polish]} for key, names in KIND_NAMES.items()])


def _midnight(day, zone) -> datetime:
    # stored times are UTC, and SQLite compares them as text
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)
