"""Audit log: every change to a tenant's configuration is recorded as it is flushed.

Hooking the mapper (rather than each service function) means no code path can change
configuration without leaving an entry, cascaded and orphan deletes included.
"""
from __future__ import annotations

import contextlib
import contextvars
from datetime import date, datetime
from decimal import Decimal
import enum

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, object_session

from pbx import models

_actor = contextvars.ContextVar("centralka_actor", default="system")

# Call traffic is not configuration; it has its own records.
AUDITED = (
    models.Tenant, models.MainNumber, models.User, models.Group, models.GroupMember,
    models.NumberList, models.Announcement, models.VoicemailBox, models.Scenario,
    models.ScenarioVersion, models.RoutingOverride, models.Contact, models.Survey,
)
# Recorded too, but nothing the switch reads: no dialplan revision for them.
AUDITED_ONLY = (models.ExportSchedule,)
SECRET_FIELDS = {"sip_password", "code_hash", "server_secret"}


@contextlib.contextmanager
def acting_as(actor: str):
    """Attribute the changes made inside the block to ``actor``."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    return _actor.get()


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _tenant_of(connection, obj):
    if isinstance(obj, models.Tenant):
        return obj.id
    if isinstance(obj, models.GroupMember):
        # An orphaned member has lost its group object, but not its key.
        return connection.scalar(select(models.Group.tenant_id).where(models.Group.id == obj.group_id))
    return getattr(obj, "tenant_id", None)


def _changes(obj, action):
    state = inspect(obj)
    result = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if action == "update":
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                # A secret's change is recorded (it must reach the switch), never its value.
                result[key] = "changed" if key in SECRET_FIELDS else [_plain(old), _plain(new)]
        elif key not in SECRET_FIELDS:
            result[key] = _plain(getattr(obj, key))
    return result


def _entry(tenant_id, action: str, entity: str, entity_id, changes: dict):
    return models.AuditLogEntry.__table__.insert().values(
        tenant_id=tenant_id, at=models.utcnow(), actor=current_actor(), action=action,
        entity=entity, entity_id=str(entity_id or ""), changes=changes)


def note(session: Session, obj, action: str, summary: str, **facts) -> None:
    """An entry for what the mapper does not see: a secret viewed, a voicemail deleted.

    ``summary`` says it in one English sentence; ``facts`` (plain values) are what the audit log
    shows it with in the panel's language (pbx.audit_words)."""
    record_action(session, obj.tenant_id, action, type(obj).__name__, obj.id, {"summary": summary, **facts})


def record_action(session: Session, tenant_id: int, action: str, entity: str, entity_id, changes: dict) -> None:
    """An entry for something done that is no row of ours: a call transferred, a queue member logged out."""
    session.execute(_entry(tenant_id, action, entity, entity_id, changes))


def record(session: Session, obj, action: str, changes: dict) -> None:
    """An entry with fields of its own, for what the mapper does not see: an export started."""
    session.execute(_entry(obj.tenant_id, action, type(obj).__name__, obj.id, changes))


def _record(action, routing: bool = True):
    def listener(mapper, connection, obj):
        changes = _changes(obj, action)
        if action == "update" and not changes:
            return  # only relationships changed; their own rows are audited
        tenant_id = None if isinstance(obj, models.Tenant) and action == "delete" else _tenant_of(connection, obj)
        connection.execute(_entry(tenant_id, action, type(obj).__name__, getattr(obj, "id", ""), changes))
        session = object_session(obj)
        if routing and tenant_id is not None and session is not None:
            session.info.setdefault("audit_tenants", set()).add(tenant_id)

    return listener


def _bump_revisions(session, flush_context):
    """One revision bump per tenant per flush, however many rows changed.

    On PostgreSQL each bump is also announced on the channel ``centralka_dialplan`` as
    ``<tenant id>:<revision>`` (``<tenant id>:deleted`` for a deleted company), so the xml_curl
    workers learn it without asking per hunt. NOTIFY inside a transaction is delivered only when
    that transaction commits, and not at all if it rolls back
    (https://www.postgresql.org/docs/current/sql-notify.html), so no worker hears of a revision
    it cannot read yet.
    """
    announce = session.get_bind().dialect.name == "postgresql"
    payloads = []
    for tenant_id in sorted(session.info.pop("audit_tenants", ())):
        session.info.setdefault("dialplan_changed", set()).add(tenant_id)  # read after commit by pbx.switch_sync
        bump = (models.Tenant.__table__.update()
                .where(models.Tenant.id == tenant_id)
                .values(dialplan_revision=models.Tenant.dialplan_revision + 1))
        if not announce:
            session.execute(bump)
            continue
        bumped = session.execute(bump.returning(models.Tenant.id, models.Tenant.dialplan_revision)).first()
        if bumped is not None:
            payloads.append(f"{bumped.id}:{bumped.dialplan_revision}")
    if announce:
        payloads += [f"{gone.id}:deleted" for gone in session.deleted if isinstance(gone, models.Tenant)]
    for payload in payloads:
        session.execute(select(func.pg_notify("centralka_dialplan", payload)))


def install() -> None:
    """Hook every audited model, in every ORM session (the panel's, the CLI's, the listener's)."""
    if event.contains(Session, "after_flush", _bump_revisions):
        return
    for model in AUDITED + AUDITED_ONLY:
        for action, name in (("create", "after_insert"), ("update", "after_update"), ("delete", "after_delete")):
            event.listen(model, name, _record(action, routing=model in AUDITED))
    event.listen(Session, "after_flush", _bump_revisions)
