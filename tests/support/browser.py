"""The panel served to headless Chromium: one set-up for every browser test."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import current_app
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path("/tmp/panel-shots")  # one screenshot per journey, named after it
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}")


@contextmanager
def demo_panel(folder, prepare=lambda tenant: None):
    """A fresh panel with the demo company on 127.0.0.1:<free port>, its database in ``folder``.

    ``prepare(tenant)`` runs in the app context before the server starts; yields
    (port, app, what ``prepare`` returned).
    """
    from flask_migrate import upgrade

    from pbx.app import create_app
    from pbx.demo import load_demo
    from pbx.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'panel.sqlite3'}", "SECRET_KEY": "browser-test",
        "STORAGE_DIR": str(folder / "storage"), "PROMPTS_DIR": str(folder / "prompts"),
        "SHOW_LOGIN_CODES": False, "TASK_QUEUE_URL": "memory",
        "SIGNIN_LIMIT_PER_ADDRESS": 100,  # every journey signs the same admin in
    })
    with app.app_context():
        upgrade()
        prepared = prepare(load_demo())
        db.session.commit()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield http.server_port, app, prepared
    finally:
        http.shutdown()
        thread.join(5)


@contextmanager
def chromium_page(width=1400, height=1000):
    """A fresh Chromium tab; whatever the Content-Security-Policy refuses or the page throws fails the test."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=8000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.set_default_timeout(8000)
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda message: errors.append(message.text)
               if message.type == "error" and "Content Security Policy" in message.text else None)
        tab.errors_seen = errors
        yield tab
        browser.close()
        assert not errors, errors


def sign_in(page, server, email=None, first_page="Pulpit"):
    """The one-time code is read in the test process, as the admin would read it from e-mail;
    ``first_page``: the heading shown after signing in."""
    from pbx import auth
    from pbx.demo import DEMO_ADMIN_EMAIL

    base, app = server
    email = email or DEMO_ADMIN_EMAIL
    page.goto(base)
    page.get_by_label("E-mail administratora").fill(email)
    with page.expect_response("**/api/auth/code"):  # the code read below must be the newest one
        page.get_by_role("button", name="Wyślij kod").click()
    page.get_by_label("Kod jednorazowy").wait_for()
    with app.test_request_context():
        code = auth.request_code(email, current_app.config)
    page.get_by_label("Kod jednorazowy").fill(code)
    page.get_by_role("button", name="Zaloguj").click()
    page.get_by_role("heading", name=first_page, exact=True).wait_for()


def shot(page, journey: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{journey}.png"), full_page=True)


def open_editor(page, number: str = "+48221000000") -> None:
    """From any page of a laptop-wide panel, the scenario editor of ``number``."""
    page.get_by_role("navigation").get_by_role("link", name="Numery główne").click()
    page.get_by_role("row", name=number).get_by_role("link", name="Edytuj scenariusz").click()
    page.get_by_role("heading", name=f"Scenariusz numeru {number}").wait_for()


def node_form(page, node: str):
    """In the open scenario editor, select the node ``node`` (its id) and return its side form."""
    page.locator(f"[data-node={node}]").click()
    form = page.get_by_role("form", name=f"Węzeł {node}")
    form.wait_for()
    return form
