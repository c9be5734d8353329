"""FreeSWITCH's CDR post (mod_json_cdr) on the switch endpoint; what a CDR means is in ``pbx.cdr_post``."""
from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
from urllib.parse import parse_qs

from flask import Blueprint, abort, current_app, jsonify, request

from pbx.calls.legs import leg_facts
from pbx.cdr_post import cdr_headers, store_cdr
from pbx.extensions import db
from pbx.record_writer import UNAVAILABLE

log = logging.getLogger(__name__)
bp = Blueprint("cdr_post", __name__)


def _body() -> dict:
    kind = request.mimetype
    raw = request.get_data(as_text=True)
    # mod_json_cdr's disable-100-continue replaces its header list, Content-Type included, so
    # curl labels the raw JSON as a form: a body that is JSON is read as JSON whatever its label.
    if raw.lstrip().startswith("{"):
        text = raw
    elif kind == "application/x-www-form-urlencoded":
        text = parse_qs(raw).get("cdr", [""])[0]
    elif kind == "application/x-www-form-base64-encoded":
        text = base64.b64decode(raw[4:] if raw.startswith("cdr=") else raw).decode()
    else:
        text = raw
    try:
        cdr = json.loads(text)
    except ValueError:
        abort(400, "not a JSON CDR")
    if not isinstance(cdr, dict):
        abort(400, "not a JSON CDR")
    return cdr


def _authorised() -> bool:
    config = current_app.config
    auth = request.authorization
    if not config.get("CDR_PASSWORD") or auth is None or auth.type != "basic":
        return False
    return (hmac.compare_digest(auth.username or "", config.get("CDR_USER", ""))
            & hmac.compare_digest(auth.password or "", config["CDR_PASSWORD"]))


@bp.post("/cdr")
def receive_cdr():
    if not _authorised():
        return "", 401, {"WWW-Authenticate": 'Basic realm="centralka-cdr"'}
    posts = _posts()
    if not posts.acquire(blocking=False):
        # json_cdr.conf.xml's retries and delay post it again; the listener has the call meanwhile.
        return jsonify(error="busy"), 503, {"Retry-After": "5"}
    try:
        return _store()
    finally:
        posts.release()


def _posts() -> threading.BoundedSemaphore:
    """The CDR posts this worker stores at once (CDR_CONCURRENT_POSTS): ending calls come in bursts,
    and threads held by them would leave the switch's hunts without one."""
    return current_app.extensions.setdefault(
        "cdr_posts", threading.BoundedSemaphore(current_app.config["CDR_CONCURRENT_POSTS"]))


def _store():
    headers = cdr_headers(_body())
    leg = leg_facts(headers)
    if leg is None:
        abort(400, "the CDR has no channel UUID")
    try:
        store_cdr(db.session, leg, headers, current_app.config)
    except UNAVAILABLE as error:
        db.session.rollback()
        log.warning("CDR %s not stored, FreeSWITCH will retry: %s", leg["leg_uuid"], error)
        return jsonify(error="database unavailable"), 500
    return jsonify(leg=leg["leg_uuid"], call=leg["call_uuid"])
