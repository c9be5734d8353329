"""The signing key of "Call a server" nodes: made by an owner, shown once, audited without its value."""
from __future__ import annotations

from sqlalchemy import select

from pbx import models
from pbx.extensions import db


def _entries(tenant_id):
    return db.session.scalars(select(models.AuditLogEntry).where(
        models.AuditLogEntry.entity == "Tenant", models.AuditLogEntry.tenant_id == tenant_id,
        models.AuditLogEntry.action == "update")).all()


def test_an_owner_makes_a_key_shown_once_and_a_new_one_replaces_it(as_owner, demo):
    first = as_owner.post("/api/company/server-secret")
    assert first.status_code == 201
    key = first.get_json()["server_secret"]
    assert len(key) == 64 and db.session.get(models.Tenant, demo.id).server_secret == key
    shown = as_owner.get("/api/company").get_json()
    assert shown["server_secret_set"] is True and key not in str(shown)
    second = as_owner.post("/api/company/server-secret").get_json()["server_secret"]
    assert second != key
    db.session.expire_all()
    assert db.session.get(models.Tenant, demo.id).server_secret == second
    changes = [entry.changes for entry in _entries(demo.id)]
    assert {"server_secret": "changed"} in [{k: v for k, v in c.items() if k == "server_secret"} for c in changes]
    assert not any(key in str(c) or second in str(c) for c in changes)


def test_only_an_owner_makes_a_key(as_editor, demo):
    assert as_editor.post("/api/company/server-secret").status_code == 403
    assert db.session.get(models.Tenant, demo.id).server_secret is None


def test_a_key_is_the_signed_in_company_s_own(as_stranger, stranger, demo):
    assert as_stranger.post("/api/company/server-secret").status_code == 201
    assert db.session.get(models.Tenant, demo.id).server_secret is None
