"""API tokens for scripts (``Authorization: Bearer <token>``), created by a company's owner.

A token acts as the owner who created it, in that owner's company: it stops working when it is
revoked, when that owner is no longer an owner (level 3) or is deleted. ``read`` tokens may only
read. Only a SHA-256 of the token is stored (tokens are random, 256 bits: no salt needed).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from pbx import models
from pbx.audit import current_actor
from pbx.calls.store import aware
from pbx.extensions import db

SCOPES = ("read", "full")
PREFIX = "ctk_"
OWNER = 3
# last_used_at is written at most this often.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(owner: models.User, name: str, scope: str) -> tuple[models.ApiToken, str]:
    """A new token and its only readable copy (shown once)."""
    token = PREFIX + secrets.token_urlsafe(32)
    record = models.ApiToken(tenant_id=owner.tenant_id, name=name, scope=scope, token_hash=_digest(token),
                             created_by_id=owner.id)
    db.session.add(record)
    db.session.flush()
    _audit(record, "create", {"name": name, "scope": scope, "created_by": owner.email})
    db.session.commit()
    return record, token


def revoke(record: models.ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = models.utcnow()
        _audit(record, "revoke", {"name": record.name, "scope": record.scope})
    db.session.commit()


def listed(tenant_id: int) -> list[models.ApiToken]:
    return list(db.session.scalars(select(models.ApiToken).where(models.ApiToken.tenant_id == tenant_id)
                                   .order_by(models.ApiToken.id)))


def authenticate(token: str) -> models.ApiToken | None:
    """The live token (its owner still an owner of its company), or None."""
    record = db.session.scalars(select(models.ApiToken).where(models.ApiToken.token_hash == _digest(token))).first()
    if record is None or record.revoked_at is not None:
        return None
    owner = db.session.get(models.User, record.created_by_id)
    if owner is None or owner.admin_level < OWNER or owner.tenant_id != record.tenant_id:
        return None
    now = models.utcnow()
    if record.last_used_at is None or now - aware(record.last_used_at) > TOUCH_EVERY:
        record.last_used_at = now
        db.session.commit()
    return record


def _audit(record: models.ApiToken, action: str, changes: dict) -> None:
    # Tokens are not dialplan configuration, so they are written here rather than by the mapper hooks.
    db.session.add(models.AuditLogEntry(tenant_id=record.tenant_id, actor=current_actor(), action=action,
                                        entity="ApiToken", entity_id=str(record.id), changes=changes))
