"""Application factory: one Flask app serves the web panel, its REST API and the xml_curl endpoint."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask, request
from marshmallow import ValidationError
from sqlalchemy import event
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as NoSuchUrl
from werkzeug.routing import IntegerConverter

import webadmin
from webadmin import probes
from xml_curl import cdr, views
from pbx import audit, instance_secrets, logs, switch_sync
from pbx.config import Config
from pbx.extensions import REPORTS_BIND, db, make_read_only, migrate, reports_binds
from pbx.messages import Message
from pbx.tenancy import NotFound, storable_id
from schemas.fields import ParametersInvalid
from webadmin.common import error_json

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


ROLES = ("panel", "switch")


def create_app(config: type | dict | None = None, role: str = "panel") -> Flask:
    """``role``: "panel" (web panel and API, with the xml_curl endpoint that test calls and
    schedule previews ask in-process; pbx.wsgi keeps the panel server from serving it) or
    "switch" (only what FreeSWITCH calls: xml_curl and CDR posts; a server of its own)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    app = Flask("centralka", instance_path=Config.INSTANCE_PATH,
                template_folder=str(Path(__file__).resolve().parent.parent / "webadmin" / "templates"),
                static_folder=str(Path(__file__).resolve().parent.parent / "webadmin" / "static"))
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config["ROLE"] = role  # what /readyz checks (webadmin.probes)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    instance_secrets.settle(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no connection pool to ping; the option only applies to servers.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}

    app.config["SQLALCHEMY_BINDS"] = reports_binds(app.config.get("REPORTS_DATABASE_URL"))
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    with app.app_context():
        if REPORTS_BIND in db.engines:
            make_read_only(db.engines[REPORTS_BIND])
        audit.install()
        switch_sync.install(db.engine, app.config)
        _sqlite_foreign_keys(db.engine)

    app.url_map.converters["int"] = RowId
    _register_blueprints(app, role)
    _register_errors(app)
    app.after_request(_security_headers)
    logs.configure(app.config["LOG_FORMAT"])
    return app


class RowId(IntegerConverter):
    """Ids in paths stop at the database's integer range: a larger one is not found, not an overflow."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not storable_id(number):
            # Not werkzeug's ValidationError: that would try the rule's other methods and answer 405.
            raise NoSuchUrl()
        return number


def _register_blueprints(app: Flask, role: str) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(cdr.bp)  # the panel still takes CDR posts of older configurations
    app.register_blueprint(probes.bp)
    if role == "panel":
        webadmin.register(app)


def _sqlite_foreign_keys(engine) -> None:
    """SQLite ignores ON DELETE rules unless asked per connection."""
    if engine.dialect.name != "sqlite":
        return

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
        return error_json(Message("input.invalid_body"), fields=error.normalized_messages()), 422

    @app.errorhandler(ParametersInvalid)
    def _bad_parameters(error):
        return error_json(Message("input.invalid_parameters"), fields=error.normalized_messages()), 400

    @app.errorhandler(NotFound)
    def _not_found(error):
        return error_json(error.args[0]), 404

    @app.errorhandler(HTTPException)
    def _http(error):
        return error_json(_http_message(error)), error.code

    _register_database_errors(app)
    app.before_request(_no_nul_characters)


def _register_database_errors(app: Flask) -> None:
    """The database away is a 503 logged once per outage; a value it cannot hold is a 422."""

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    def _database_away(error):
        _rollback_quietly()
        outage.began(error)
        response = error_json(Message("database.away"))
        response.headers["Retry-After"] = "5"
        return response, 503

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _value_refused(error):
        # The last line of defence for a value no check caught: a number past the database's or
        # datetime's range, a NUL character PostgreSQL cannot store. Each is a bug to fix at its input.
        _rollback_quietly()
        app.logger.warning("a value of %s %s was refused: %s", request.method, request.path,
                           str(getattr(error, "orig", None) or error).strip())
        return error_json(Message("database.value_refused")), 422

    outage = app.extensions["database_outage"] = DatabaseOutage()
    with app.app_context():
        outage.watch(db.engine)


class DatabaseOutage:
    """Logs an outage once when it begins and once when it ends, not a traceback per request."""

    def __init__(self):
        self.since: float | None = None
        self._lock = threading.Lock()
        self._log = logging.getLogger("centralka.database")

    def began(self, error) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        self._log.error("database unavailable; requests get 503 until it is back: %s",
                        str(getattr(error, "orig", None) or error).strip().splitlines()[0])

    def ended(self) -> None:
        with self._lock:
            if self.since is None:
                return
            seconds, self.since = time.monotonic() - self.since, None
        self._log.warning("database available again after %.1f s", seconds)

    def watch(self, engine) -> None:
        # Any statement that completes ends the outage; the check is one attribute read.
        event.listen(engine, "after_cursor_execute", lambda *_: self.since is not None and self.ended())


def _no_nul_characters() -> None:
    """PostgreSQL can neither store nor compare a text holding NUL: refuse it before any query."""
    if not request.path.startswith("/api/"):
        return
    place = next((name for name, value in request.args.items(multi=True) if "\x00" in name + value), None)
    if place is None and request.is_json:
        place = _nul_in(request.get_json(silent=True))
    if place is not None:
        # Nested as marshmallow nests its errors: {"patterns": {"0": [...]}} for "patterns.0".
        errors: dict | list = [Message("text.control_character", character="0000")]
        for key in reversed((place or "body").split(".")):
            errors = {key: errors}
        raise ValidationError(errors)


def _nul_in(value, place: str = "") -> str | None:
    """Where in a JSON document a text holds NUL ("members.0.name"), or None."""
    if isinstance(value, str):
        return place if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if "\x00" in str(key):
            return place or str(key)
        found = _nul_in(item, f"{place}.{key}" if place else str(key))
        if found is not None:
            return found
    return None


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the session is discarded at teardown anyway
        pass


# werkzeug's own refusals, by status
_HTTP_CODES = {400: "http.400", 404: "http.404", 405: "http.405", 413: "http.413", 500: "http.500"}


def _http_message(error: HTTPException) -> Message:
    """Our own refusals carry a message; werkzeug's by status have codes of their own (``http.404``)."""
    if isinstance(error.description, Message):
        return error.description
    if error.description == type(error).description and error.code in _HTTP_CODES:
        return Message(_HTTP_CODES[error.code])
    return Message("text.as_given", text=error.description)
