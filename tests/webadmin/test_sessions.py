"""Server-side sessions: the cookie is a random id, logout and "sign out everywhere" end it at
once (a copied cookie stops working, audio downloads included), idle and absolute timeouts,
a new id at every sign-in, and cookie flags."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
import pytest
from sqlalchemy import select

from pbx import models
from pbx.calls.store import aware
from pbx.extensions import db
from tests.conftest import sign_in
from webadmin import sessions


def _cookie(client, name=sessions.COOKIE):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _copy(app, session_id, csrf=None):
    """Another browser holding a copy of the cookie (as an attacker who stole it would)."""
    thief = app.test_client()
    thief.set_cookie(sessions.COOKIE, session_id)
    if csrf:
        thief.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    return thief


def test_cookie_carries_only_a_random_id_stored_hashed(as_owner, owner):
    session_id = _cookie(as_owner)
    assert len(session_id) >= 40
    record = db.session.scalars(select(models.PanelSession)).one()
    assert record.id_hash == hashlib.sha256(session_id.encode()).hexdigest() != session_id
    assert record.user_id == owner.id and record.ip == "127.0.0.1"


def test_logout_ends_the_session_for_every_copy_of_the_cookie(as_owner, call_recording):
    session_id = _cookie(as_owner)
    thief = _copy(as_owner.application, session_id)
    audio = f"/api/recordings/{call_recording.id}/audio?download=1"
    assert thief.get(audio).data == b"RIFF....WAVEfmt recorded call"
    assert as_owner.post("/api/auth/logout").get_json() == {"signed_out": True}
    assert _cookie(as_owner) is None
    assert thief.get("/api/auth/me").status_code == 401
    assert thief.get(audio).status_code == 401
    assert thief.get("/api/calls.csv").status_code == 401


def test_logout_needs_the_csrf_token(as_owner):
    del as_owner.environ_base["HTTP_X_CSRF_TOKEN"]
    assert as_owner.post("/api/auth/logout").status_code == 403
    assert as_owner.get("/api/auth/me").status_code == 200


def test_sign_out_everywhere_ends_all_sessions_of_the_user(app, ctx, owner, editor):
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, owner)
    sign_in(phone, owner)
    sign_in(colleague, editor)
    answer = phone.post("/api/auth/logout-everywhere")
    assert answer.status_code == 200 and answer.get_json() == {"signed_out": True, "sessions_ended": 2}
    assert laptop.get("/api/auth/me").status_code == 401
    assert phone.get("/api/auth/me").status_code == 401
    assert colleague.get("/api/auth/me").status_code == 200


def test_idle_session_ends(as_owner, ctx):
    record = db.session.scalars(select(models.PanelSession)).one()
    record.last_seen_at = models.utcnow() - timedelta(minutes=ctx.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert as_owner.get("/api/auth/me").status_code == 401
    db.session.refresh(record)
    assert record.revoked_at is not None


def test_activity_keeps_the_session_alive(as_owner, ctx):
    record = db.session.scalars(select(models.PanelSession)).one()
    record.last_seen_at = models.utcnow() - timedelta(minutes=ctx.config["SESSION_IDLE_MINUTES"] - 1)
    db.session.commit()
    assert as_owner.get("/api/auth/me").status_code == 200
    db.session.refresh(record)
    assert models.utcnow() - aware(record.last_seen_at) < timedelta(minutes=1)


def test_session_ends_after_its_absolute_lifetime_however_active(as_owner, ctx):
    record = db.session.scalars(select(models.PanelSession)).one()
    record.created_at = models.utcnow() - timedelta(hours=ctx.config["SESSION_MAX_HOURS"], minutes=1)
    record.last_seen_at = models.utcnow()
    db.session.commit()
    assert as_owner.get("/api/auth/me").status_code == 401


def test_a_session_id_fixed_before_sign_in_is_not_the_one_after(client, owner, editor):
    client.set_cookie(sessions.COOKIE, "chosen-by-the-attacker")
    sign_in(client, owner)
    assert _cookie(client) != "chosen-by-the-attacker"
    assert _copy(client.application, "chosen-by-the-attacker").get("/api/auth/me").status_code == 401
    # Signing in again (as someone else) ends the session the browser had.
    before = _cookie(client)
    sign_in(client, editor)
    assert _cookie(client) != before
    assert _copy(client.application, before).get("/api/auth/me").status_code == 401


def test_a_cookie_signed_with_the_secret_key_grants_nothing(client, owner):
    """The old forgery: Flask's own session cookie saying {"user_id": owner}."""
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    client.set_cookie("session", serializer.dumps({"user_id": owner.id}))
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("secure", [False, True])
def test_cookie_flags(client, owner, ctx, secure):
    from pbx import auth

    ctx.config["SECURE_COOKIES"] = secure
    try:
        with ctx.test_request_context():
            code = auth.request_code(owner.email, current_app.config)
        response = client.post("/api/auth/verify", json={"email": owner.email, "code": code})
    finally:
        ctx.config["SECURE_COOKIES"] = False
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    session_cookie, csrf_cookie = cookies[sessions.COOKIE], cookies[sessions.CSRF_COOKIE]
    assert "HttpOnly" in session_cookie and "HttpOnly" not in csrf_cookie
    for cookie in (session_cookie, csrf_cookie):
        assert "SameSite=Lax" in cookie and "Path=/" in cookie
        assert ("Secure" in cookie) is secure
    assert response.get_json()["csrf_token"] == csrf_cookie.split("=", 1)[1].split(";")[0]


def test_old_sign_in_records_are_pruned(as_owner, ctx, owner, monkeypatch):
    from pbx import auth, ratelimit, tasks

    monkeypatch.setattr(tasks, "_app", ctx)  # the task runs in this application

    with ctx.test_request_context():
        auth.request_code("nikt@nieznana.example", current_app.config)
        ratelimit.hit("code:client:192.0.2.1", 5, 900)
    old = db.session.scalars(select(models.PanelSession)).one()
    old.created_at = models.utcnow() - timedelta(days=31, hours=ctx.config["SESSION_MAX_HOURS"])
    code = db.session.scalars(select(models.LoginCode).where(models.LoginCode.address == "nikt@nieznana.example")).one()
    code.expires_at = models.utcnow() - timedelta(days=2)
    db.session.add(models.RateLimitHit(key="code:client:192.0.2.1", window=1, count=3))
    db.session.commit()
    assert tasks.prune_sign_in_records.call_local() == 3
    assert 1 not in [hit.window for hit in db.session.scalars(select(models.RateLimitHit))]
    assert db.session.scalars(select(models.PanelSession)).first() is None
    assert [c.address for c in db.session.scalars(select(models.LoginCode))] == [owner.email]
