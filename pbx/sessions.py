"""Panel sessions kept on the server: the cookie carries only a random id, the table its hash.

Signing out, "sign out everywhere", the idle timeout and the absolute timeout end a session at
once in every worker. The cookies and the CSRF token are the panel's (``webadmin.sessions``).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from pbx import models
from pbx.calls.store import aware
from pbx.extensions import db

# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(user: models.User, ip: str, user_agent: str) -> str:
    """A new session for ``user``; returns its id (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    db.session.add(models.PanelSession(id_hash=digest(session_id), user_id=user.id, ip=ip[:45],
                                       user_agent=user_agent[:200]))
    db.session.commit()
    return session_id


def live(session_id: str, idle_minutes: int, max_hours: int) -> models.PanelSession | None:
    """The live session of that id, or None (unknown, ended, idle or too old)."""
    record = db.session.scalars(select(models.PanelSession).where(
        models.PanelSession.id_hash == digest(session_id))).first()
    if record is None or record.revoked_at is not None:
        return None
    now = models.utcnow()
    if (now - aware(record.last_seen_at) > timedelta(minutes=idle_minutes)
            or now - aware(record.created_at) > timedelta(hours=max_hours)):
        record.revoked_at = now
        db.session.commit()
        return None
    if now - aware(record.last_seen_at) > TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
    return record


def end(session_id: str) -> None:
    table = models.PanelSession.__table__
    db.session.execute(update(table).where(table.c.id_hash == digest(session_id), table.c.revoked_at.is_(None))
                       .values(revoked_at=models.utcnow()))
    db.session.commit()


def end_all(user_id: int) -> int:
    """End every session of the user (sign out everywhere); returns how many were live."""
    table = models.PanelSession.__table__
    ended = db.session.execute(update(table).where(table.c.user_id == user_id, table.c.revoked_at.is_(None))
                               .values(revoked_at=models.utcnow()))
    db.session.commit()
    return ended.rowcount


def prune(max_hours: int, keep: timedelta = timedelta(days=30)) -> int:
    """Forget sessions that began longer ago than their longest life plus ``keep``; returns how many."""
    table = models.PanelSession.__table__
    oldest = models.utcnow() - timedelta(hours=max_hours) - keep
    gone = db.session.execute(delete(table).where(table.c.created_at < oldest))
    db.session.commit()
    return gone.rowcount
