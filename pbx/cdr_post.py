"""FreeSWITCH's own CDRs (mod_json_cdr), posted at the end of every leg.

They fill what the event socket missed (listener down, killed, cut off) and merge with what it
did see: each CDR is turned into the header shape of a CHANNEL_HANGUP_COMPLETE and written
with the same idempotent upserts, keyed on the leg's and the call's UUID.

mod_json_cdr POSTs to ``<url>?uuid=<leg uuid>`` with HTTP basic auth, the JSON as the body
(``encode=false``, Content-Type application/json), URL-encoded as ``cdr=...`` (``encode=true``)
or base64 (``encode=base64``). A non-2xx answer makes it retry and finally keep the CDR on
disk (``err-log-dir``), so its view (``xml_curl.cdr``) answers 500 when the database cannot take it.
"""
from __future__ import annotations

import os
from urllib.parse import unquote

from pbx import queues, recordings, tasks
from pbx.calls.store import save_legs
from pbx.calls.surveys import save_answers
from pbx.calls.transfers import save_transfers
from pbx.dialplan import surveying
from pbx.reports import hourly


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


def _recordings_of(headers: dict, config) -> list[dict]:
    """The files a call recorded per the dialplan contract, in case their RECORD_STOP was missed:
    the whole call (``<uuid>.wav``), a voicemail left in a box (``vm_<box>_<uuid>.wav``), what a
    user's leg recorded on demand (``od_<user>_<uuid>_<n>.wav``, one per start) and a survey's spoken
    comment (``survey_<uuid>.wav``)."""
    if not headers.get("variable_record_seconds") or "variable_centralka_tenant" not in headers:
        return []
    tenant, uuid = headers["variable_centralka_tenant"], headers["Unique-ID"]
    box = headers.get("variable_centralka_voicemail_box")
    names = [f"{uuid}.wav"] + ([f"vm_{box}_{uuid}.wav"] if box else []) + (
        [f"{surveying.COMMENT_FILE}{uuid}.wav"] if headers.get("variable_centralka_survey") else [])
    user, starts = headers.get("variable_centralka_user", ""), headers.get("variable_centralka_recordings", "")
    if user.isdigit() and set(starts) == {"1"}:
        names += [f"od_{user}_{uuid}_{'1' * n}.wav" for n in range(1, len(starts) + 1)]
    found = []
    for name in names:
        path = os.path.join(config["RECORDINGS_DIR"], tenant, name)
        if os.path.exists(recordings.local_path(path, config)):
            found.append(recordings.recording_facts(
                {**headers, "Record-File-Path": path, "Event-Date-Timestamp": headers.get("variable_end_uepoch", "")},
                config))
    return found


def store_cdr(session, leg: dict, headers: dict, config) -> None:
    """Write one leg's CDR with its queue facts and a recording its RECORD_STOP may have missed,
    then queue the recording's upload (and e-mail); the database errors reach the caller."""
    found = _recordings_of(headers, config)
    with hourly.touching(session, [leg["call_uuid"]]):  # the reports' hourly counts of the call
        save_legs(session, [leg], source="cdr")
        save_transfers(session, [leg])
        save_answers(session, [leg])
        queues.save_queue_events(session, queues.facts_from_member_leg(headers))
        uploads = recordings.save_recordings(session, found) if found else []
    session.commit()
    tasks.after_saved(uploads, recordings.voicemail_ids(session, found))
