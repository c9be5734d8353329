"""The panel session of a request: its cookie, and the CSRF token derived from the session id
(so it ends with the session). The sessions themselves are kept by ``pbx.sessions``."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from pbx import models, sessions

COOKIE = "centralka_session"
CSRF_COOKIE = "centralka_csrf"
CSRF_HEADER = "X-CSRF-Token"


def start(user: models.User) -> str:
    """A new session for ``user``; ends the one the request came with (the id changes at sign-in)."""
    end()
    return sessions.start(user, request.remote_addr or "", request.headers.get("User-Agent", ""))


def current() -> models.PanelSession | None:
    """The live session of this request's cookie, or None (unknown, ended, idle or too old)."""
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        return None
    config = current_app.config
    return sessions.live(session_id, config["SESSION_IDLE_MINUTES"], config["SESSION_MAX_HOURS"])


def end() -> None:
    """End the session this request's cookie names, if any."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        sessions.end(session_id)


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
