"""The panel served to headless Chromium: one set-up for every browser test."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
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
