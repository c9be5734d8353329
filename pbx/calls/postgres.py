"""The record writer on PostgreSQL: each batch as a few fixed statements, handed to psycopg as written.

The generic statements (``pbx.calls.store``, SQLAlchemy) grow with the batch, so every batch
was compiled anew and its text parsed again by psycopg: that, not PostgreSQL, was most of the
writer's time. Here the text of each statement never changes (psycopg prepares it once per
connection) and a batch travels as one JSON parameter per table, unpacked by
``json_to_recordset``. The rows are the same as the generic path's: the same upserts on the same
keys, calls locked in ``call_uuid`` order, and ``derive`` computing a call's fields from its legs.
"""
from __future__ import annotations

import logging

import msgspec

from pbx.calls.legs import CALLER
from pbx.calls.store import derive, with_a_time

log = logging.getLogger(__name__)
_encode = msgspec.json.Encoder().encode


def usable(session) -> bool:
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _run(session, statement: str, *params):
    """The statement as it is, in the session's transaction; errors come out as SQLAlchemy's
    (the writer tells a database that is away from a row it refuses by them)."""
    return session.connection().exec_driver_sql(statement, params)


def _json(rows) -> str:
    # msgspec, not json: encoding the batch was a tenth of the writer's time (times as ISO 8601).
    return _encode(rows).decode()


CREATE_CALLS = """
INSERT INTO call_record (call_uuid, tenant_id, caller, started_at, source, direction, destination,
                         wait_seconds, talk_seconds, hangup_cause, hangup_side, path)
SELECT b.call_uuid, t.id, b.caller, to_timestamp(b.started), %s, b.direction, '', 0, 0, '', '', '[]'
FROM json_to_recordset(%s::json) AS b(call_uuid text, tenant_id int, main_number text, caller text, started float8,
                                      direction text)
LEFT JOIN main_number m ON b.tenant_id IS NULL AND m.number = b.main_number
LEFT JOIN tenant t ON t.id = coalesce(b.tenant_id, m.tenant_id)
ORDER BY b.call_uuid
ON CONFLICT (call_uuid) DO NOTHING"""

LOCK_CALLS = "SELECT id FROM call_record WHERE call_uuid = ANY(%s) ORDER BY call_uuid FOR UPDATE"

UPSERT_LEGS = """
INSERT INTO call_leg (call_id, leg_uuid, role, destination, user_id, started_at, answered_at, ended_at,
                      hangup_cause, disposition)
SELECT r.id, b.leg_uuid, b.role, left(coalesce(b.destination, ''), 128), u.id, to_timestamp(b.started),
       -- For the caller's leg "answered" means connected to a person, not the IVR's answer.
       to_timestamp(CASE WHEN b.role = 'caller' THEN b.bridged ELSE b.answered END),
       to_timestamp(b.ended), b.hangup_cause, b.disposition
FROM json_to_recordset(%s::json) AS b(leg_uuid text, call_uuid text, role text, destination text, user_id int,
                                      started float8, answered float8, bridged float8, ended float8,
                                      hangup_cause text, disposition text)
JOIN call_record r ON r.call_uuid = b.call_uuid
LEFT JOIN "user" u ON u.id = b.user_id
ORDER BY b.leg_uuid
ON CONFLICT (leg_uuid) DO UPDATE SET call_id = excluded.call_id, role = excluded.role,
    destination = excluded.destination, user_id = excluded.user_id, started_at = excluded.started_at,
    answered_at = excluded.answered_at, ended_at = excluded.ended_at, hangup_cause = excluded.hangup_cause,
    disposition = excluded.disposition"""

LEGS_OF_CALLS = """
SELECT r.call_uuid, l.role, l.destination, l.user_id, l.started_at, l.answered_at, l.ended_at, l.disposition,
       r.answered_number AS stored_number
FROM call_leg l JOIN call_record r ON r.id = l.call_id
WHERE l.call_id = ANY(%s) ORDER BY l.id"""

# One write per call: the fields only the caller's leg knows (when it is in the batch: its values
# replace whatever a B-leg guessed) and the fields derived from all its legs.
UPDATE_CALLS = """
UPDATE call_record r SET
    tenant_id = CASE WHEN b.from_caller THEN t.id ELSE r.tenant_id END,
    caller = CASE WHEN b.from_caller THEN b.caller ELSE r.caller END,
    destination = CASE WHEN b.from_caller THEN b.destination ELSE r.destination END,
    main_number = CASE WHEN b.from_caller THEN b.main_number ELSE r.main_number END,
    direction = CASE WHEN b.from_caller THEN b.direction ELSE r.direction END,
    path = CASE WHEN b.from_caller THEN b.path ELSE r.path END,
    scenario_version_id = CASE WHEN b.from_caller THEN v.id ELSE r.scenario_version_id END,
    hangup_cause = CASE WHEN b.from_caller THEN b.hangup_cause ELSE r.hangup_cause END,
    started_at = b.started_at, ended_at = b.ended_at, answered_at = b.answered_at,
    wait_seconds = b.wait_seconds, talk_seconds = b.talk_seconds, hangup_side = b.hangup_side,
    answered_by_user_id = b.answered_by_user_id, answered_number = b.answered_number
FROM json_to_recordset(%s::json) AS b(call_uuid text, from_caller bool, tenant_id int, caller text,
                                      destination text, main_number text, direction text, path json,
                                      version_id int, hangup_cause text, started_at timestamptz,
                                      ended_at timestamptz, answered_at timestamptz, wait_seconds int,
                                      talk_seconds int, hangup_side text, answered_by_user_id int,
                                      answered_number text)
-- A call refused before the dialplan ran names no company: the number dialled does.
LEFT JOIN main_number m ON b.tenant_id IS NULL AND m.number = b.main_number
LEFT JOIN tenant t ON t.id = coalesce(b.tenant_id, m.tenant_id)
LEFT JOIN scenario_version v ON v.id = b.version_id
WHERE r.call_uuid = b.call_uuid"""


def save_legs(session, legs: list[dict], source: str = "esl") -> int:
    """Upsert legs and their calls (as ``store.save_legs``); returns how many calls were touched."""
    legs = with_a_time(legs)
    if not legs:
        return 0
    _run(session, CREATE_CALLS, source, _json(_first_legs(legs)))
    # Lock the calls in one order first: the CDR post and the writer may touch the same call.
    call_ids = _run(session, LOCK_CALLS, sorted({leg["call_uuid"] for leg in legs})).scalars().all()
    _run(session, UPSERT_LEGS, _json(legs))
    callers = {leg["call_uuid"]: _caller_fields(leg) for leg in legs if leg["role"] == CALLER}
    _run(session, UPDATE_CALLS, _json(_call_fields(session, call_ids, callers)))
    return len(call_ids)


def _first_legs(legs):
    """Per call, the leg that creates its record: the caller's if present, else the first."""
    first = {}
    for leg in sorted(legs, key=lambda leg: leg["role"] != CALLER):
        first.setdefault(leg["call_uuid"], leg)
    return [{"call_uuid": call_uuid, "tenant_id": leg["tenant_id"], "main_number": leg["main_number"],
             "caller": leg["caller"] or "",
             "started": leg["started"], "direction": leg["direction"]} for call_uuid, leg in first.items()]


def _caller_fields(leg):
    return {"from_caller": True, "tenant_id": leg["tenant_id"], "caller": leg["caller"] or "",
            "destination": leg["destination"] or "", "main_number": leg["main_number"],
            "direction": leg["direction"], "path": leg["path"], "version_id": leg["version_id"],
            "hangup_cause": leg["hangup_cause"],
            "answered_number": leg["callee_number"] if leg["bridged"] else None}


def _call_fields(session, call_ids, callers):
    """Per call: its caller leg's fields (if in the batch), then what ``derive`` makes of all its legs."""
    legs_by_call, stored_numbers = {}, {}
    for leg in _run(session, LEGS_OF_CALLS, call_ids).mappings():
        legs_by_call.setdefault(leg["call_uuid"], []).append(leg)
        stored_numbers[leg["call_uuid"]] = leg["stored_number"]
    rows = []
    for call_uuid, legs in legs_by_call.items():
        fields = callers.get(call_uuid, {"from_caller": False})
        # The caller leg's idea of who answered, kept while the answering leg is unknown.
        hint = fields["answered_number"] if fields["from_caller"] else stored_numbers[call_uuid]
        rows.append({**fields, "call_uuid": call_uuid, **derive(legs, hint)})
    return rows


SAVE_QUEUE_EVENTS = """
INSERT INTO queue_event (tenant_id, queue, call_uuid, kind, at, wait_seconds, agent, caller)
SELECT t.id, left(b.queue, 120), b.call_uuid, b.kind, to_timestamp(b.at), b.wait_seconds, nullif(b.agent, ''),
       b.caller
FROM json_to_recordset(%s::json) AS b(tenant_id int, queue text, call_uuid text, kind text, at float8,
                                      wait_seconds int, agent text, caller text)
JOIN tenant t ON t.id = b.tenant_id
ON CONFLICT (call_uuid, queue, kind) DO NOTHING"""


def save_queue_events(session, facts: list[dict]) -> None:
    """As ``queues.save_queue_events``: one row per (call, queue, kind) of a known tenant."""
    # The first of the same row wins, as with ON CONFLICT DO NOTHING; repeats cost PostgreSQL a conflict.
    once = {}
    for fact in facts:
        once.setdefault((fact["call_uuid"], fact["queue"][:120], fact["kind"]), fact)
    if once:
        _run(session, SAVE_QUEUE_EVENTS, _json(list(once.values())))


# The ids to upload: the new rows, and rows of earlier attempts not uploaded yet (a replay).
SAVE_RECORDINGS = """
WITH b AS (
    SELECT * FROM json_to_recordset(%s::json) AS b(tenant_id int, call_uuid text, kind text, caller text,
                                                   local_path text, duration float8, voicemail_box_id int,
                                                   at float8, started_by_user_id int)
), created AS (
    INSERT INTO recording (tenant_id, call_uuid, kind, caller, local_path, duration_seconds, voicemail_box_id,
                           created_at, legal_hold, expires_at, started_by_user_id)
    SELECT t.id, b.call_uuid, b.kind, b.caller, b.local_path, b.duration, v.id,
           coalesce(to_timestamp(b.at), now()), false,
           coalesce(to_timestamp(b.at), now()) + make_interval(days => coalesce(t.retention_days, %s)), u.id
    FROM b JOIN tenant t ON t.id = b.tenant_id
    LEFT JOIN voicemail_box v ON v.id = b.voicemail_box_id
    LEFT JOIN "user" u ON u.id = b.started_by_user_id AND u.tenant_id = t.id
    ON CONFLICT (local_path) DO NOTHING
    RETURNING id
)
SELECT id FROM created
UNION SELECT r.id FROM recording r JOIN b ON r.local_path = b.local_path WHERE r.uploaded_at IS NULL"""

UNKNOWN_TENANTS = "SELECT t FROM unnest(%s::int[]) AS t WHERE t NOT IN (SELECT id FROM tenant)"

VOICEMAILS = "SELECT id FROM recording WHERE call_uuid = ANY(%s) AND voicemail_box_id IS NOT NULL"


def save_recordings(session, facts: list[dict], retention_days: int) -> list[int]:
    """As ``recordings.save_recordings``: insert new recordings; the ids still waiting for upload."""
    tenants = sorted({fact["tenant_id"] for fact in facts if fact["tenant_id"] is not None})
    unknown = set(_run(session, UNKNOWN_TENANTS, tenants).scalars())
    for fact in facts:
        if fact["tenant_id"] is None or fact["tenant_id"] in unknown:
            log.warning("recording %s has no known tenant; left on disk", fact["local_path"])
    return sorted(_run(session, SAVE_RECORDINGS, _json(facts), retention_days).scalars())


def voicemail_ids(session, call_uuids: list[str]) -> list[int]:
    return _run(session, VOICEMAILS, call_uuids).scalars().all()
