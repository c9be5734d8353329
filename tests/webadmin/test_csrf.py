"""Cross-site request forgery: every state-changing request of a session needs the session's
token in X-CSRF-Token, and none may come from another site (Origin, Sec-Fetch-Site). The
switches' endpoints and API tokens are exempt."""
from __future__ import annotations

from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from webadmin import sessions
from webadmin.auth import SWITCH_BLUEPRINTS

CSRF = "missing or wrong CSRF token: send the X-CSRF-Token header"
CROSS_SITE = "cross-site request refused: changes are accepted only from the panel's own pages"
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
# Sign-in itself has no session yet: only the Origin check and JSON apply (tests/webadmin/test_signin.py).
NO_SESSION_YET = {"/api/auth/code", "/api/auth/verify"}


def _changing_routes(app):
    """Every state-changing route of the panel and API, with 1 for each id."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.rsplit(".", 1)[0] in SWITCH_BLUEPRINTS:
            continue
        for method in sorted((rule.methods or set()) & CHANGES):
            url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
            if url not in NO_SESSION_YET:
                yield method, url


def test_every_change_without_the_token_is_refused(as_owner):
    del as_owner.environ_base["HTTP_X_CSRF_TOKEN"]
    routes = list(_changing_routes(as_owner.application))
    assert len(routes) > 25 and ("DELETE", "/api/tokens/1") in routes
    for method, url in routes:
        response = as_owner.open(url, method=method, json={})
        assert (response.status_code, response.get_json()) == (403, {"error": CSRF, "code": "auth.csrf", "params": {}}), \
            (method, url)


def test_every_change_from_another_site_is_refused_even_with_the_token(as_owner):
    for method, url in _changing_routes(as_owner.application):
        for headers in ({"Origin": "https://attacker.example"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}):
            response = as_owner.open(url, method=method, json={}, headers=headers)
            assert (response.status_code, response.get_json()) == (403, {"error": CROSS_SITE, "code": "auth.cross_site", "params": {}}), (method, url)


def test_a_wrong_or_stale_token_is_refused(as_owner, app, owner, call_recording):
    from tests.conftest import sign_in

    url = f"/api/recordings/{call_recording.id}/legal-hold"
    assert as_owner.post(url, json={"hold": True}, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    other = app.test_client()
    sign_in(other, owner)  # another session of the same admin: its token is not this one's
    stale = other.environ_base["HTTP_X_CSRF_TOKEN"]
    assert as_owner.post(url, json={"hold": True}, headers={"X-CSRF-Token": stale}).status_code == 403
    db.session.refresh(call_recording)
    assert call_recording.legal_hold is False


def test_the_panel_with_its_token_from_its_own_origin_may_change(as_owner, call_recording):
    response = as_owner.post(f"/api/recordings/{call_recording.id}/legal-hold", json={"hold": True},
                             headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    db.session.refresh(call_recording)
    assert call_recording.legal_hold is True


def test_a_text_plain_post_cannot_set_a_legal_hold(as_owner, call_recording):
    """What the review did: a cross-origin text/plain form carries the cookie but no header."""
    del as_owner.environ_base["HTTP_X_CSRF_TOKEN"]
    url = f"/api/recordings/{call_recording.id}/legal-hold"
    for headers in ({}, {"Origin": "http://attacker.example"}):
        response = as_owner.post(url, data='{"hold": true}', content_type="text/plain", headers=headers)
        assert response.status_code == 403
    db.session.refresh(call_recording)
    assert call_recording.legal_hold is False


def test_token_comes_with_sign_in_me_and_a_cookie(as_owner):
    me = as_owner.get("/api/auth/me").get_json()
    assert me["csrf_token"] == as_owner.get_cookie(sessions.CSRF_COOKIE).value
    assert me["csrf_token"] == as_owner.environ_base["HTTP_X_CSRF_TOKEN"]


def test_trusted_origins_may_be_configured(as_owner, ctx, call_recording):
    url = f"/api/recordings/{call_recording.id}/legal-hold"
    headers = {"Origin": "https://panel.firma.example"}
    assert as_owner.post(url, json={"hold": True}, headers=headers).status_code == 403
    ctx.config["TRUSTED_ORIGINS"] = ["https://panel.firma.example"]
    try:
        assert as_owner.post(url, json={"hold": True}, headers=headers).status_code == 200
    finally:
        ctx.config["TRUSTED_ORIGINS"] = []


def test_the_switch_endpoints_are_not_subject_to_the_origin_check(client, demo):
    for url in ("/xml_curl", "/cdr"):
        response = client.post(url, data={"section": "dialplan"}, headers={"Origin": "https://attacker.example"})
        assert (response.get_json(silent=True) or {}).get("code") != "auth.cross_site", url


def test_api_tokens_need_no_csrf_token(client, owner):
    from pbx import api_tokens

    _, token = api_tokens.create(owner, "skrypt", "full")
    response = client.post("/api/number-lists", json={"name": "VIP", "kind": "vip", "patterns": ["+48600100200"]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    assert db.session.scalars(select(models.NumberList).where(models.NumberList.name == "VIP")).one()
