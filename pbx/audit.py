"""Audit log: every change to a tenant's configuration is recorded on flush.

Hooking the session (rather than each service function) means no code path
can change configuration without leaving an entry.
"""
from __future__ import annotations

import contextlib
import contextvars
from datetime import date, datetime
from decimal import Decimal
import enum

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from pbx import models

_actor = contextvars.ContextVar("centralka_actor", default="system")

# Call traffic is not configuration; it has its own records.
AUDITED = (
    models.Tenant, models.MainNumber, models.User, models.Group, models.GroupMember,
    models.NumberList, models.Announcement, models.VoicemailBox, models.Scenario,
    models.ScenarioVersion,
)
SECRET_FIELDS = {"sip_password", "code_hash"}


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


def _tenant_of(obj):
    if isinstance(obj, models.Tenant):
        return obj.id
    if isinstance(obj, models.GroupMember):
        return obj.group.tenant_id if obj.group is not None else None
    return getattr(obj, "tenant_id", None)


def _changes(obj, action):
    state = inspect(obj)
    result = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_FIELDS:
            continue
        history = state.attrs[key].history
        if action == "update":
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                result[key] = [_plain(old), _plain(new)]
        else:
            result[key] = _plain(getattr(obj, key))
    return result


def _entries(session: Session):
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            yield obj, action


def _before_flush(session, flush_context, instances):
    pending = [(obj, action, _changes(obj, action)) for obj, action in _entries(session)]
    if pending:
        session.info.setdefault("audit_pending", []).extend(pending)


def _after_flush(session, flush_context):
    pending = session.info.pop("audit_pending", [])
    actor = current_actor()
    touched = set()
    for obj, action, changes in pending:
        # Ids of new rows exist only after the flush, hence the two-step hook.
        entity_id = str(getattr(obj, "id", "") or "")
        tenant_id = _tenant_of(obj)
        if isinstance(obj, models.Tenant) and action == "delete":
            tenant_id = None
        session.execute(
            models.AuditLogEntry.__table__.insert().values(
                tenant_id=tenant_id, at=models.utcnow(), actor=actor, action=action,
                entity=type(obj).__name__, entity_id=entity_id, changes=changes,
            )
        )
        if tenant_id is not None:
            touched.add(tenant_id)
    for tenant_id in sorted(touched):
        session.execute(
            models.Tenant.__table__.update()
            .where(models.Tenant.id == tenant_id)
            .values(dialplan_revision=models.Tenant.dialplan_revision + 1)
        )


def install() -> None:
    """Hook every ORM session (the panel's, the CLI's, the listener's)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
