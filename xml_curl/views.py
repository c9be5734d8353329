"""POST /xml_curl: one URL for every section FreeSWITCH binds to us.

FreeSWITCH treats anything but a 200 with parseable XML as a failure and routes the
call through its static XML instead, so every error becomes a safe 200 reply here.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from pbx import logs, metrics
from pbx.config import allowed_networks
from xml_curl.configuration import Configuration
from xml_curl.dialplan import Dialplans
from xml_curl.directory import Directory
from xml_curl.documents import NOT_FOUND
from xml_curl.revisions import Revisions
from xml_curl.request import CurlRequest, parse_form
from xml_curl.store import DatabaseDown, Store, connect_timeout, lookup_engine

bp = Blueprint("xml_curl", __name__)


@dataclass(frozen=True)
class Endpoint:
    """The endpoint of one app: its section handlers (with their caches) and settings."""

    sections: dict
    user: str
    password: str  # empty: no auth (loopback only, see pbx.startup_checks), and no directory served
    allowed: tuple  # networks switches ask from; empty: any address
    budget_seconds: float


@bp.record_once
def _setup(state) -> None:
    """One endpoint per app, i.e. per worker process; read once, not per request."""
    app = state.app
    url, budget_ms = app.config["SQLALCHEMY_DATABASE_URI"], app.config["XML_CURL_BUDGET_MS"]
    revisions = None if url.startswith("sqlite") else Revisions(url, connect_timeout(budget_ms))
    store = Store(lookup_engine(url, budget_ms, app.config["SWITCH_ENDPOINT_THREADS"]), revisions)
    dialplans = Dialplans(app, store)
    app.extensions["xml_curl"] = Endpoint(
        sections={"dialplan": dialplans, "directory": Directory(app, store),
                  "configuration": Configuration(dialplans, first_extra_seconds=max(
                      0, app.config["XML_CURL_FIRST_CALLCENTER_MS"] - budget_ms) / 1000)},
        user=app.config["XML_CURL_USER"], password=app.config["XML_CURL_PASSWORD"] or "",
        allowed=allowed_networks(app.config["XML_CURL_ALLOWED"]),
        budget_seconds=app.config["XML_CURL_BUDGET_MS"] / 1000,
    )


log = logging.getLogger("centralka.xml_curl")
# Failures that explain themselves; anything else is logged with its traceback.
EXPECTED = (TimeoutError, DatabaseDown)
FORM = "application/x-www-form-urlencoded"
# Sections whose documents carry secrets (SIP passwords): served only to a switch that signed in.
SECRET_SECTIONS = {"directory"}


def _reply(body: bytes) -> Response:
    return Response(body, mimetype="text/xml")


def _from_allowed_address(endpoint: Endpoint) -> bool:
    # remote_addr, as a ProxyFix in front of the app (if one is configured) leaves it.
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.5 on a dual-stack socket
    return any(address in network for network in endpoint.allowed)


def _refusal(endpoint: Endpoint) -> Response | None:
    """403 for an address not allowed, 401 without the right credentials: FreeSWITCH then uses its static XML."""
    if endpoint.allowed and not _from_allowed_address(endpoint):
        log.warning("xml_curl: refused %s (not in CENTRALKA_XML_CURL_ALLOWED)", request.remote_addr)
        return Response("address not allowed", 403)
    if endpoint.password and not _authorized(endpoint):
        log.warning("xml_curl: rejected credentials from %s", request.remote_addr)
        return Response("credentials required", 401, {"WWW-Authenticate": 'Basic realm="xml_curl"'})
    return None


def _authorized(endpoint: Endpoint) -> bool:
    given = request.authorization
    return (given is not None and given.type == "basic"
            and hmac.compare_digest((given.username or "").encode(), endpoint.user.encode())
            and hmac.compare_digest((given.password or "").encode(), endpoint.password.encode()))


@bp.post("/xml_curl")
def xml_curl():
    # Every hunt of every call comes here: settings are read once per worker, not per request.
    started = time.monotonic()
    endpoint: Endpoint = current_app.extensions["xml_curl"]
    refusal = _refusal(endpoint)
    if refusal is not None:
        return refusal
    if request.mimetype != FORM:
        return _reply(NOT_FOUND)
    g.curl_request = asked = parse_form(request.get_data(cache=False))
    handler = endpoint.sections.get(asked.section)
    if handler is None:
        return _reply(NOT_FOUND)
    g.curl_started = started
    if asked.section in SECRET_SECTIONS and not endpoint.password:
        log.warning("xml_curl: %s not served: the endpoint has no credentials (CENTRALKA_XML_CURL_PASSWORD)",
                    asked.section)
        return _reply(NOT_FOUND)
    with logs.for_call(asked.call_uuid):
        return _reply(handler.serve(asked, started + endpoint.budget_seconds))


@bp.after_request
def timed(response):
    """The latency of each request of a section we serve, failed ones (their safe reply) included."""
    started = g.get("curl_started")
    if started is not None:
        metrics.XML_CURL_SECONDS.labels(g.curl_request.section).observe(time.monotonic() - started)
    return response


@bp.errorhandler(Exception)
def failed(error):
    """Database outage, budget overrun or a bug: the last good reply, else a safe one."""
    if isinstance(error, HTTPException):
        return error
    asked: CurlRequest = g.get("curl_request") or CurlRequest()
    log.error("xml_curl: %s %s %s failed (%s: %s), serving the safe reply; call %s from %s",
              asked.section, asked.context, asked.destination or asked.user or asked.key_value,
              type(error).__name__, error, asked.call_uuid or "-", asked.caller or "-",
              exc_info=not isinstance(error, EXPECTED), extra={"call_uuid": asked.call_uuid or None})
    handler = current_app.extensions["xml_curl"].sections.get(asked.section)
    if handler is not None:
        metrics.XML_CURL_FALLBACKS.labels(asked.section).inc()
    try:
        return _reply(handler.safe_reply(asked) if handler else NOT_FOUND)
    except Exception:
        log.exception("xml_curl: the safe reply failed too")
        return _reply(NOT_FOUND)
