"""Application factory: one Flask app serves the web panel, its REST API and the xml_curl endpoint."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from pbx import audit, instance_secrets, switch_sync
from pbx.config import Config
from pbx.extensions import db, migrate
from pbx.tenancy import NotFound
from schemas import messages_pl

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask("centralka", instance_path=Config.INSTANCE_PATH,
                template_folder=str(Path(__file__).resolve().parent.parent / "webadmin" / "templates"),
                static_folder=str(Path(__file__).resolve().parent.parent / "webadmin" / "static"))
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    instance_secrets.settle(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no connection pool to ping; the option only applies to servers.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        audit.install()
        switch_sync.install()
        _sqlite_foreign_keys(db.engine)

    from webadmin import register as register_webadmin
    from pbx.calls.web import bp as calls_bp
    from xml_curl import bp as xml_curl_bp

    register_webadmin(app)
    app.register_blueprint(xml_curl_bp)
    app.register_blueprint(calls_bp)
    _register_errors(app)
    app.after_request(_security_headers)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


def _sqlite_foreign_keys(engine) -> None:
    """SQLite ignores ON DELETE rules unless asked per connection."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


# The panel loads only its own files: no inline script or style, no other origin, never framed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "media-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: that makes browsers send "Origin: null" on the panel's own POSTs.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _security_headers(response):
    """On every response, errors and static files included. Written here rather than with
    flask-talisman, which also redirects to HTTPS and rewrites the session cookie's settings:
    those belong to the reverse proxy and to sign-in."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _register_errors(app: Flask) -> None:
    """Errors become JSON in one place (the xml_curl blueprint answers XML itself)."""

    @app.errorhandler(ValidationError)
    def _invalid(error):
        db.session.rollback()
        return _error_json("invalid input", fields=error.normalized_messages()), 422

    @app.errorhandler(NotFound)
    def _not_found(error):
        return _error_json(str(error)), 404

    @app.errorhandler(HTTPException)
    def _http(error):
        return _error_json(error.description), error.code


def _error_json(text, **extra):
    """English unless the request prefers Polish: the panel sends its language, API clients keep stable texts."""
    body = {"error": text, **extra}
    if messages_pl.prefers_polish():
        body = messages_pl.translate_messages(body)
    return jsonify(body)
