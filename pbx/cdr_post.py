"""FreeSWITCH's own CDRs (mod_json_cdr), posted at the end of every leg.

They fill what the event socket missed (listener down, killed, cut off) and merge with what it
did see: each CDR is turned into the header shape of a CHANNEL_HANGUP_COMPLETE and written
with the same idempotent upserts, keyed on the leg's and the call's UUID.

mod_json_cdr POSTs to ``<url>?uuid=<leg uuid>`` with HTTP basic auth, the JSON as the body
(``encode=false``, Content-Type application/json), URL-encoded as ``cdr=...`` (``encode=true``)
or base64 (``encode=base64``). A non-2xx answer makes it retry and finally keep the CDR on
disk (``err-log-dir``), so we answer 500 when the database cannot take it.
"""
from __future__ import annotations

import base64
import hmac
import json
import logging
import os
from urllib.parse import parse_qs, unquote

from flask import Blueprint, abort, current_app, jsonify, request

from pbx import queues, recordings
from pbx.calls.legs import leg_facts
from pbx.calls.store import save_legs
from pbx.calls.writer import UNAVAILABLE
from pbx.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("cdr_post", __name__)


def cdr_headers(cdr: dict) -> dict:
    """A JSON CDR as the headers a CHANNEL_HANGUP_COMPLETE of the same leg carries."""
    variables = cdr.get("variables") or {}
    headers = {f"variable_{name}": unquote(str(value)) for name, value in variables.items()}
    flow = cdr.get("callflow") or []
    flow = flow[0] if isinstance(flow, list) and flow else flow if isinstance(flow, dict) else {}
    profile, times = flow.get("caller_profile") or {}, flow.get("times") or {}
    headers.update({
        "Unique-ID": variables.get("uuid") or profile.get("uuid", ""),
        "Call-Direction": (cdr.get("channel_data") or {}).get("direction", ""),
        "Caller-Caller-ID-Number": profile.get("caller_id_number", ""),
        "Caller-Destination-Number": profile.get("destination_number", ""),
        "Caller-RDNIS": profile.get("rdnis", ""),
        "Caller-Callee-ID-Number": profile.get("callee_id_number", ""),
        "Caller-Channel-Created-Time": str(times.get("created_time", "")),
        "Caller-Channel-Answered-Time": str(times.get("answered_time", "")),
        "Caller-Channel-Bridged-Time": str(times.get("bridged_time", "")),
        "Caller-Channel-Hangup-Time": str(times.get("hangup_time", "")),
        "Hangup-Cause": variables.get("hangup_cause", ""),
    })
    return {name: value for name, value in headers.items() if value != ""}


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


def _recording_of(headers: dict) -> dict | None:
    """A call recorded per the dialplan contract, in case its RECORD_STOP was missed."""
    if not headers.get("variable_record_seconds") or "variable_centralka_tenant" not in headers:
        return None
    tenant, uuid = headers["variable_centralka_tenant"], headers["Unique-ID"]
    box = headers.get("variable_centralka_voicemail_box")
    name = f"vm_{box}_{uuid}.wav" if box else f"{uuid}.wav"
    path = os.path.join(current_app.config["RECORDINGS_DIR"], tenant, name)
    if not os.path.exists(recordings.local_path(path, current_app.config)):
        return None
    return recordings.recording_facts({**headers, "Record-File-Path": path,
                                       "Event-Date-Timestamp": headers.get("variable_end_uepoch", "")},
                                      current_app.config)


@bp.post("/cdr")
def receive_cdr():
    if not _authorised():
        return "", 401, {"WWW-Authenticate": 'Basic realm="centralka-cdr"'}
    headers = cdr_headers(_body())
    leg = leg_facts(headers)
    if leg is None:
        abort(400, "the CDR has no channel UUID")
    from pbx import tasks

    try:
        save_legs(db.session, [leg], source="cdr")
        queues.save_queue_events(db.session, queues.facts_from_member_leg(headers))
        found = _recording_of(headers)
        uploads = recordings.save_recordings(db.session, [found]) if found else []
        db.session.commit()
    except UNAVAILABLE as error:
        db.session.rollback()
        log.warning("CDR %s not stored, FreeSWITCH will retry: %s", leg["leg_uuid"], error)
        return jsonify(error="database unavailable"), 500
    tasks.after_saved(uploads, uploads if found and found["voicemail_box_id"] else [])
    return jsonify(leg=leg["leg_uuid"], call=leg["call_uuid"])
