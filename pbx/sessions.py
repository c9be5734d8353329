"""Panel sessions kept on the server: the cookie carries only a random id, the table its hash.

Signing out, "sign out everywhere", the idle timeout and the absolute timeout end a session at
once in every worker. The CSRF token is derived from the session id, so it ends with it.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, select, update

from pbx import models
from pbx.calls.store import aware
from pbx.extensions import db

COOKIE = "centralka_session"
CSRF_COOKIE = "centralka_csrf"
CSRF_HEADER = "X-CSRF-Token"
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(user: models.User) -> str:
    """A new session for ``user``; ends the one the request came with (the id changes at sign-in)."""
    end()
    session_id = secrets.token_urlsafe(32)
    db.session.add(models.PanelSession(
        id_hash=digest(session_id), user_id=user.id, ip=(request.remote_addr or "")[:45],
        user_agent=request.headers.get("User-Agent", "")[:200]))
    db.session.commit()
    return session_id


def current() -> models.PanelSession | None:
    """The live session of this request's cookie, or None (unknown, ended, idle or too old)."""
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        return None
    record = db.session.scalars(select(models.PanelSession).where(
        models.PanelSession.id_hash == digest(session_id))).first()
    if record is None or record.revoked_at is not None:
        return None
    now, config = models.utcnow(), current_app.config
    if (now - aware(record.last_seen_at) > timedelta(minutes=config["SESSION_IDLE_MINUTES"])
            or now - aware(record.created_at) > timedelta(hours=config["SESSION_MAX_HOURS"])):
        record.revoked_at = now
        db.session.commit()
        return None
    if now - aware(record.last_seen_at) > TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
    return record


def end() -> None:
    """End the session this request's cookie names, if any."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
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


def prune(keep: timedelta = timedelta(days=30)) -> int:
    """Forget sessions that began longer ago than their longest life plus ``keep``; returns how many."""
    table = models.PanelSession.__table__
    oldest = models.utcnow() - timedelta(hours=current_app.config["SESSION_MAX_HOURS"]) - keep
    gone = db.session.execute(delete(table).where(table.c.created_at < oldest))
    db.session.commit()
    return gone.rowcount


def csrf_token(session_id: str | None = None) -> str:
    session_id = session_id or request.cookies.get(COOKIE, "")
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"csrf\n{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_ok() -> bool:
    sent = request.headers.get(CSRF_HEADER, "")
    return bool(sent) and hmac.compare_digest(sent, csrf_token())


def set_cookies(response, session_id: str) -> None:
    """The session cookie (HttpOnly) and the CSRF cookie the panel's JavaScript reads."""
    config = current_app.config
    options = {"max_age": config["SESSION_MAX_HOURS"] * 3600, "secure": config["SECURE_COOKIES"],
               "samesite": "Lax", "path": "/"}
    response.set_cookie(COOKIE, session_id, httponly=True, **options)
    response.set_cookie(CSRF_COOKIE, csrf_token(session_id), httponly=False, **options)


def clear_cookies(response) -> None:
    config = current_app.config
    for name in (COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=config["SECURE_COOKIES"], samesite="Lax")
