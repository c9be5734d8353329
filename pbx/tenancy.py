"""Tenant scoping: every read of tenant-owned data goes through here."""
from __future__ import annotations

from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.messages import Message


# Ids are PostgreSQL integers: a larger one names no row, and would overflow the query.
MAX_ID = 2**31 - 1


def storable_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID - 1 <= value <= MAX_ID


class NotFound(LookupError):
    """The object does not exist in this tenant (it may exist in another one)."""


# What an object is called when it is missing, one and many, by its model's name.
_NOUNS = {"User": ("noun.user", "noun.users"), "Group": ("noun.group", "noun.groups"),
          "MainNumber": ("noun.main_number", "noun.main_numbers"),
          "NumberList": ("noun.number_list", "noun.number_lists"),
          "Announcement": ("noun.announcement", "noun.announcements"),
          "VoicemailBox": ("noun.voicemail_box", "noun.voicemail_boxes"),
          "Recording": ("noun.recording", "noun.recordings"),
          "ExportJob": ("noun.export", "noun.exports"),
          "ExportSchedule": ("noun.export_schedule", "noun.export_schedules"),
          "Contact": ("noun.contact", "noun.contacts"), "Survey": ("noun.survey", "noun.surveys"),
          "Fax": ("noun.fax", "noun.faxes")}


def missing(model_name: str, ids: list) -> Message:
    """"User 7 does not exist in this company", "users 7, 8 ...": the ids a request named that this company lacks."""
    one, many = _NOUNS[model_name]
    if len(ids) == 1:
        return Message("object.missing", kind=Message(one), id=ids[0])
    return Message("object.missing_many", kinds=Message(many), ids=", ".join(map(str, ids)))


def scoped(model, tenant_id: int):
    """A SELECT of ``model`` limited to one tenant."""
    return select(model).where(model.tenant_id == tenant_id)


def get_owned(model, tenant_id: int, obj_id: int):
    obj = db.session.scalar(scoped(model, tenant_id).where(model.id == obj_id)) if storable_id(obj_id) else None
    if obj is None:
        raise NotFound(missing(model.__name__, [obj_id]))
    return obj


def sip_domain(tenant_id: int, suffix: str) -> str:
    """The SIP domain a tenant's phones register to: ``t<id>.<suffix>``."""
    return f"t{tenant_id}.{suffix}" if suffix else f"t{tenant_id}"


def find_tenant(ref: str | int) -> models.Tenant:
    """A tenant by id or by exact name, as CLI users type it."""
    text = str(ref).strip()
    tenant = None
    if text.isdigit():
        tenant = db.session.get(models.Tenant, int(text))
    if tenant is None:
        tenant = db.session.scalar(select(models.Tenant).where(models.Tenant.name == text))
    if tenant is None:
        raise NotFound(Message("company.unknown", value=text))
    return tenant
