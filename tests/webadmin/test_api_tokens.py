"""API tokens for scripts: created by an owner, shown once, stored hashed, listed without the
token, read-only or full, revocable, audited, and dead once their owner is no longer an owner."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from pbx import models
from pbx.extensions import db


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _create(client, name="Księgowość CSV", scope="read"):
    response = client.post("/api/tokens", json={"name": name, "scope": scope})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_finance_pulls_the_csv_export_with_a_read_only_token(as_owner, app, demo):
    created = _create(as_owner)
    token = created["token"]
    assert token.startswith("ctk_") and created["scope"] == "read"
    curl = app.test_client()  # no cookie: as curl would
    export = curl.get("/api/calls.csv", headers=_bearer(token))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    refused = curl.post("/api/number-lists", json={"name": "X", "kind": "vip"}, headers=_bearer(token))
    assert (refused.status_code, refused.get_json()) == (403, {"error": "this API token is read-only",
                                                                      "code": "token.read_only", "params": {}})
    assert db.session.scalars(select(models.NumberList).where(models.NumberList.name == "X")).first() is None
    listed = as_owner.get("/api/tokens").get_json()["tokens"]
    assert [(t["name"], t["scope"]) for t in listed] == [("Księgowość CSV", "read")]
    assert listed[0]["last_used_at"] is not None and listed[0]["created_at"] is not None
    assert "token" not in listed[0] and token not in str(listed)


def test_the_token_is_stored_only_as_a_hash(as_owner):
    token = _create(as_owner)["token"]
    row = db.session.scalars(select(models.ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str([getattr(row, c.key) for c in models.ApiToken.__table__.columns])


def test_a_full_token_changes_as_its_owner_and_is_audited_as_the_token(as_owner, app, owner):
    token = _create(as_owner, "Import", "full")["token"]
    response = app.test_client().post("/api/number-lists", json={"name": "VIP", "kind": "vip"},
                                      headers=_bearer(token))
    assert response.status_code == 201
    entry = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "NumberList")).one()
    assert entry.actor == f"{owner.email} (API token Import)"


def test_create_and_revoke_are_audited_and_a_revoked_token_stops(as_owner, app, owner):
    created = _create(as_owner, "Stary skrypt", "full")
    curl = app.test_client()
    assert curl.get("/api/users", headers=_bearer(created["token"])).status_code == 200
    revoked = as_owner.delete(f"/api/tokens/{created['id']}")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"] is not None
    answer = curl.get("/api/users", headers=_bearer(created["token"]))
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "this API token is not valid (revoked, or its owner lost the rights)"
    entries = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "ApiToken")
                                 .order_by(models.AuditLogEntry.id)).all()
    assert [(e.action, e.actor, e.entity_id) for e in entries] == [
        ("create", owner.email, str(created["id"])), ("revoke", owner.email, str(created["id"]))]
    assert created["token"] not in str([e.changes for e in entries])
    assert "ApiToken" in str(as_owner.get("/api/audit").get_json())


def test_the_token_dies_when_its_owner_loses_the_rights_or_is_deleted(as_owner, app, owner):
    token = _create(as_owner, "Raporty")["token"]
    curl = app.test_client()
    owner.admin_level = 2
    db.session.commit()
    assert curl.get("/api/calls.csv", headers=_bearer(token)).status_code == 401
    owner.admin_level = 3
    db.session.commit()
    assert curl.get("/api/calls.csv", headers=_bearer(token)).status_code == 200
    db.session.delete(owner)
    db.session.commit()
    assert curl.get("/api/calls.csv", headers=_bearer(token)).status_code == 401
    assert db.session.scalars(select(models.ApiToken)).first() is None


def test_only_owners_manage_tokens(as_editor):
    assert as_editor.get("/api/tokens").status_code == 403
    assert as_editor.post("/api/tokens", json={"name": "x", "scope": "full"}).status_code == 403


def test_tokens_of_another_company_are_invisible(app, owner, stranger):
    from tests.conftest import sign_in

    ours, theirs = app.test_client(), app.test_client()
    sign_in(ours, owner)
    sign_in(theirs, stranger)
    created = _create(ours)
    assert theirs.get("/api/tokens").get_json() == {"tokens": []}
    assert theirs.delete(f"/api/tokens/{created['id']}").status_code == 404
    users = app.test_client().get("/api/users", headers=_bearer(created["token"])).get_json()
    assert stranger.email not in str(users) and owner.email in str(users)


def test_bad_token_requests_are_named(as_owner, app):
    assert as_owner.post("/api/tokens", json={"name": "", "scope": "read"}).get_json() == {
        "error": "give the token a name (1-80 characters)", "code": "token.name_required", "params": {}}
    assert as_owner.post("/api/tokens", json={"name": "x", "scope": "admin"}).get_json()["code"] == "token.scope"
    assert as_owner.delete("/api/tokens/999").status_code == 404
    assert app.test_client().get("/api/users", headers=_bearer("ctk_guessed")).status_code == 401


def test_a_token_cannot_mint_or_revoke_tokens(as_owner, app):
    created = _create(as_owner, "Pełny", "full")
    curl = app.test_client()
    for method, url in (("GET", "/api/tokens"), ("POST", "/api/tokens"), ("DELETE", f"/api/tokens/{created['id']}")):
        response = curl.open(url, method=method, json={"name": "nowy", "scope": "full"},
                             headers=_bearer(created["token"]))
        assert response.status_code == 403, (method, url)
        assert response.get_json()["code"] == "token.panel_only"
    assert len(db.session.scalars(select(models.ApiToken)).all()) == 1
