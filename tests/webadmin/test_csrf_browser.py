"""A real Chromium signed in to the panel visits pages of other sites that try to change
something with the admin's cookie: an auto-submitting text/plain form (set a legal hold) and a
fetch (publish the scenario). Both are refused and nothing changes in the database.

The panel is http://localhost:<port>. The attackers are http://127.0.0.2:<port> (another site:
SameSite=Lax keeps the cookie away) and http://localhost:<other port> (the same site, another
origin: the cookie is sent, so the Origin / Sec-Fetch-Site check and the CSRF token must refuse).
The panel's own changes (sign-out, API tokens) go through with its CSRF header.
"""
from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime, timedelta

from flask import current_app
import pytest

from pbx import models
from pbx.extensions import db
from tests.support.browser import ARGS, CHROMIUM, demo_panel, needs_chromium

pytestmark = needs_chromium

FORM = """<!doctype html><title>Wygraj nagrodę</title>
<form id="f" method="post" enctype="text/plain" action="{panel}/api/recordings/{recording}/legal-hold">
<input name='{{"hold": true, "x": "' value='"}}'></form>
<script>document.getElementById("f").submit();</script>"""
FETCH = """<!doctype html><title>Ciekawostki</title>
<script>
fetch("{panel}/api/main-numbers/{number}/scenario/publish", {{method: "POST", mode: "no-cors",
  credentials: "include", headers: {{"Content-Type": "text/plain"}}, body: '{{"note": "forged"}}'}})
  .finally(() => {{ document.title = "sent"; }});
</script>"""


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """The panel on 127.0.0.1:<port>, browsed as http://localhost:<port>; yields (base URL, app, ids)."""
    folder = tmp_path_factory.mktemp("csrf")

    def a_recording(tenant):
        now = datetime.now(UTC)
        wav = folder / "call.wav"
        wav.write_bytes(b"RIFF....WAVE")
        recording = models.Recording(tenant_id=tenant.id, call_uuid="c1", caller="+48600100200",
                                     local_path=str(wav), created_at=now, expires_at=now + timedelta(days=90))
        db.session.add(recording)
        db.session.commit()
        return {"recording": recording.id, "number": tenant.main_numbers[0].id}

    with demo_panel(folder, a_recording) as (port, app, ids):
        yield f"http://localhost:{port}", app, ids


def _attacker(host: str, pages: dict[str, str]):
    """A plain web server on ``host`` serving the attack pages."""

    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer((host, 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _state(app, ids):
    from pbx import models
    from pbx.extensions import db

    with app.app_context():
        recording = db.session.get(models.Recording, ids["recording"])
        scenario = db.session.get(models.MainNumber, ids["number"]).scenario
        return recording.legal_hold, scenario.published_version_id


def _sign_in(page, panel):
    from pbx import auth
    from pbx.demo import DEMO_ADMIN_EMAIL

    base, app, _ = panel
    page.goto(base)
    page.get_by_label("E-mail administratora").fill(DEMO_ADMIN_EMAIL)
    with page.expect_response("**/api/auth/code"):
        page.get_by_role("button", name="Wyślij kod").click()
    with app.test_request_context():
        code = auth.request_code(DEMO_ADMIN_EMAIL, current_app.config)
    page.get_by_label("Kod jednorazowy").fill(code)
    page.get_by_role("button", name="Zaloguj").click()
    page.get_by_role("heading", name="Pulpit").wait_for()


@pytest.fixture
def browser_page(panel):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=8000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        context.set_default_timeout(8000)
        errors = []
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
        assert not errors, errors


def test_the_sign_out_button_ends_the_session(panel, browser_page):
    from webadmin import sessions

    base, app, _ = panel
    _sign_in(browser_page, panel)
    [cookie] = [c for c in browser_page.context.cookies(base) if c["name"] == sessions.COOKIE]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    copy = app.test_client()
    copy.set_cookie(sessions.COOKIE, cookie["value"])
    assert copy.get("/api/auth/me").status_code == 200
    browser_page.get_by_role("button", name="Wyloguj", exact=True).click()
    browser_page.get_by_label("E-mail administratora").wait_for()
    assert copy.get("/api/auth/me").status_code == 401


def test_owner_creates_and_revokes_an_api_token_in_the_panel(panel, browser_page):
    from playwright.sync_api import expect

    base, app, _ = panel
    _sign_in(browser_page, panel)
    browser_page.get_by_role("link", name="Ustawienia firmy").click()
    browser_page.get_by_label("Nazwa tokenu").fill("Eksport dla księgowości")
    browser_page.get_by_role("button", name="Utwórz token").click()
    token = browser_page.locator("#new-token").inner_text()
    curl = app.test_client()
    assert curl.get("/api/calls.csv", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = browser_page.get_by_role("row", name="Eksport dla księgowości")
    expect(row).to_contain_text("Tylko odczyt")
    row.get_by_role("button", name="Unieważnij").click()
    expect(row).to_have_count(0)
    assert curl.get("/api/calls.csv", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("attacker_host", ["127.0.0.2", "localhost"])
def test_a_page_of_another_site_cannot_change_anything(panel, attacker_host):
    from playwright.sync_api import sync_playwright

    base, app, ids = panel
    pages = {"/form": FORM.format(panel=base, **ids), "/fetch": FETCH.format(panel=base, **ids)}
    server = _attacker("127.0.0.2" if attacker_host == "127.0.0.2" else "127.0.0.1", pages)
    attacker = f"http://{attacker_host}:{server.server_port}"
    legal_hold, published_before = _state(app, ids)
    assert legal_hold is False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        context.set_default_timeout(8000)
        page = context.new_page()
        _sign_in(page, panel)
        assert context.cookies(base)  # the victim is signed in
        forged = []
        evil = context.new_page()
        evil.on("response", lambda r: forged.append(
            (r.status, "centralka_session=" in r.request.all_headers().get("cookie", ""))) if r.request.method == "POST"
            else None)
        with evil.expect_response(f"{base}/api/recordings/{ids['recording']}/legal-hold"):
            evil.goto(f"{attacker}/form")
        with evil.expect_response(f"{base}/api/main-numbers/{ids['number']}/scenario/publish"):
            evil.goto(f"{attacker}/fetch")
        assert _state(app, ids) == (False, published_before)
        # The panel itself, with its token, still may change: the refusals above are not an accident.
        status = page.evaluate("""async (url) => {
            const token = document.cookie.split("; ").find((c) => c.startsWith("centralka_csrf=")).split("=")[1];
            const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                                                                           "X-CSRF-Token": token}, body: "{}"});
            return response.status;
        }""", f"{base}/api/main-numbers/{ids['number']}/scenario/publish")
        browser.close()
    server.shutdown()
    assert [status for status, _ in forged] == [403, 403], forged
    # Another site's form goes without the cookie (SameSite=Lax); the same site's carries it and
    # is refused all the same.
    assert forged[0][1] is (attacker_host == "localhost")
    assert status == 201 and _state(app, ids)[1] != published_before
