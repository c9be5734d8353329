"""A user's SIP account: server and user for everyone signed in; the password revealed or renewed, audited."""
from __future__ import annotations

import segno

from pbx import models
from pbx.extensions import db


def _audit(demo, action: str) -> list[dict]:
    return [e.changes for e in db.session.scalars(db.select(models.AuditLogEntry).where(
        models.AuditLogEntry.tenant_id == demo.id, models.AuditLogEntry.action == action,
        models.AuditLogEntry.entity == "User").order_by(models.AuditLogEntry.id))]


def _worker(demo) -> models.User:
    return next(u for u in demo.users if u.admin_level == 0 and u.extension)


def test_the_account_names_the_directory_domain_without_the_password(as_viewer, demo, app):
    user = _worker(demo)
    body = as_viewer.get(f"/api/users/{user.id}/sip-account").get_json()
    assert body == {"domain": f"t{demo.id}.{app.config['SIP_DOMAIN_SUFFIX']}", "host": f"t{demo.id}.pbx.local",
                    "port": 5060, "transport": "udp", "user": user.extension, "display_name": user.full_name}
    assert as_viewer.post(f"/api/users/{user.id}/sip-account/reveal").status_code == 403


def test_reveal_gives_the_password_the_directory_serves_a_snippet_and_a_qr_code(as_editor, demo):
    user = _worker(demo)
    body = as_editor.post(f"/api/users/{user.id}/sip-account/reveal").get_json()
    assert body["password"] == user.sip_password and len(user.sip_password) >= 16
    assert f"username={user.extension}\n" in body["snippet"] and f"password={user.sip_password}\n" in body["snippet"]
    assert body["qr_svg"].startswith("<svg")
    assert _audit(demo, "view")[-1] == {"summary": f"viewed the SIP password of {user.full_name}"}


def test_reset_gives_a_new_strong_password_audited_without_its_value(as_editor, demo):
    user = _worker(demo)
    old = user.sip_password
    body = as_editor.post(f"/api/users/{user.id}/sip-account/reset").get_json()
    db.session.refresh(user)
    assert body["password"] == user.sip_password != old and len(user.sip_password) >= 24
    assert {"sip_password": "changed"} in _audit(demo, "update")
    assert old not in str(_audit(demo, "update"))


def test_an_admins_password_is_the_owners_to_see(as_editor, owner, demo):
    response = as_editor.post(f"/api/users/{owner.id}/sip-account/reveal")
    assert response.status_code == 403
    assert _audit(demo, "view") == []


def test_a_user_without_an_extension_has_no_account(as_owner, demo):
    user = _worker(demo)
    user.extension = None
    db.session.commit()
    response = as_owner.post(f"/api/users/{user.id}/sip-account/reveal")
    assert response.status_code == 409
    assert response.get_json()["error"] == (f"user {user.full_name} has no extension, so no phone can sign in "
                                            "as them: give them one first")


def test_another_companys_user_is_not_found(as_stranger, stranger, demo):
    assert as_stranger.post(f"/api/users/{stranger.id}/sip-account/reveal").get_json()["user"] == "101"
    user = _worker(demo)
    for method, suffix in (("get", ""), ("post", "/reveal"), ("post", "/reset")):
        assert getattr(as_stranger, method)(f"/api/users/{user.id}/sip-account{suffix}").status_code == 404


def test_the_qr_code_holds_the_snippet(as_owner, demo):
    body = as_owner.post(f"/api/users/{_worker(demo).id}/sip-account/reveal").get_json()
    assert body["qr_svg"] == segno.make(body["snippet"], error="m").svg_inline(scale=4)


def test_refusals_in_polish(as_editor, owner):
    response = as_editor.post(f"/api/users/{owner.id}/sip-account/reveal", headers={"Accept-Language": "pl"})
    assert response.get_json()["error"] == "Hasło SIP administratora widzi i zmienia tylko właściciel (poziom 3)."
