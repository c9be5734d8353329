"""What one channel (leg) of a call tells us, read from a CHANNEL_HANGUP_COMPLETE event.

The input is anything with ``get(header)`` giving one event's headers, URL-decoded, first value
of a duplicated header kept: a ``dict[str, str]`` or the ``pbx.esl.Event`` itself. A mod_json_cdr post is turned into the same shape (``pbx.cdr_post``) so
both sources go through the same code and land on the same rows.
"""
from __future__ import annotations

import functools

from marshmallow import ValidationError

from schemas.fields import normalise_phone

CALLER, CALLEE, AGENT = "caller", "callee", "agent"
SURVEY_QUESTIONS = 5  # at most (schemas.survey)
# The channel variables ``leg_facts`` reads, for ``Event.prefetch``.
VARIABLES = tuple(f"variable_{name}" for name in (
    "uuid", "originator", "call_uuid", "cc_side", "cc_member_session_uuid", "centralka_tenant", "centralka_user",
    "caller_id_number", "destination_number", "sip_req_user", "centralka_main_number", "centralka_direction",
    "start_uepoch", "answer_uepoch", "bridge_uepoch", "end_uepoch", "hangup_cause", "sip_hangup_disposition",
    "centralka_path", "centralka_version", "last_sent_callee_id_number", "centralka_dialled", "centralka_call",
    "centralka_transfer", "transfer_destination", "refer_uuid", "att_xfer_destination_number",
    "centralka_survey", "centralka_group", *(f"centralka_survey_q{n}" for n in range(1, SURVEY_QUESTIONS + 1))))
KINDS = ("blind", "attended")


def var(headers: dict, name: str) -> str:
    return headers.get(f"variable_{name}") or ""


def epoch(value: str | None) -> float | None:
    """FreeSWITCH times are microseconds since the epoch; ``0`` means "never"."""
    try:
        micros = int(value or 0)
    except ValueError:
        return None
    return micros / 1_000_000 if micros > 0 else None


def as_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)  # the dialled main numbers are few; parsing one is costly
def e164(number: str) -> str | None:
    try:
        return normalise_phone(number) if number else None
    except ValidationError:
        return None


def parse_path(value: str) -> list[str]:
    """``centralka_path`` is node ids joined by ``;`` (a leading ``;`` is ignored)."""
    return [step for step in value.split(";") if step]


def call_of(headers: dict, leg_uuid: str) -> str:
    """The call a leg belongs to (its caller's leg), from any event of that leg carrying its variables."""
    # A bridged B-leg names its caller in `originator`; its own call_uuid may be itself
    # (seen on a live switch for an answered leg of a transferred call). A leg rung for an announced
    # transfer was originated by the user's leg, so it names the caller's call itself (`centralka_call`).
    call_uuid = (var(headers, "centralka_call") or var(headers, "originator") or var(headers, "call_uuid")
                 or headers.get("Channel-Call-UUID") or leg_uuid)
    if var(headers, "cc_side") == "agent":
        # An agent leg that was never bridged is a call of its own to FreeSWITCH.
        call_uuid = var(headers, "cc_member_session_uuid") or call_uuid
    return call_uuid


def leg_facts(headers: dict) -> dict | None:
    """The facts of one finished leg, or None when the event has no channel."""
    leg_uuid = headers.get("Unique-ID") or var(headers, "uuid")
    if not leg_uuid:
        return None
    call_uuid = call_of(headers, leg_uuid)
    role = CALLER if call_uuid == leg_uuid else (AGENT if var(headers, "cc_side") == "agent" else CALLEE)
    ended = _time(headers, "Hangup", "end_uepoch")
    # A call the switch refused before it started (503 under overload) has no start time: it
    # happened when it ended, or at least when the switch reported it.
    started = _time(headers, "Created", "start_uepoch") or ended or epoch(headers.get("Event-Date-Timestamp"))
    return {
        "leg_uuid": leg_uuid,
        "call_uuid": call_uuid,
        "role": role,
        "tenant_id": as_int(var(headers, "centralka_tenant")),
        "user_id": as_int(var(headers, "centralka_user")),
        "caller": headers.get("Caller-Caller-ID-Number") or var(headers, "caller_id_number"),
        "destination": _dialled(headers, role),
        "main_number": _main_number(headers, role),
        "direction": var(headers, "centralka_direction") or "in",
        "started": started,
        "answered": _time(headers, "Answered", "answer_uepoch"),
        "bridged": _time(headers, "Bridged", "bridge_uepoch"),
        "ended": ended or started,
        "hangup_cause": headers.get("Hangup-Cause") or var(headers, "hangup_cause"),
        "disposition": var(headers, "sip_hangup_disposition"),
        "path": parse_path(var(headers, "centralka_path")),
        "version_id": as_int(var(headers, "centralka_version")),
        "callee_number": headers.get("Caller-Callee-ID-Number") or var(headers, "last_sent_callee_id_number"),
        "transfer": transfer_told(headers),
        "survey": survey_told(headers) if role == CALLER else None,
    }


def survey_told(headers: dict) -> dict | None:
    """The caller's survey answers (pbx.dialplan.surveying): {"survey", "group", "answers"}, or None.

    An answer is the key pressed, None where the caller pressed no valid key or had hung up.
    """
    survey = as_int(var(headers, "centralka_survey"))
    if survey is None:
        return None
    answers = [as_int(var(headers, f"centralka_survey_q{n}")) for n in range(1, SURVEY_QUESTIONS + 1)]
    return {"survey": survey, "group": as_int(var(headers, "centralka_group")), "answers": answers}


def transfer_told(headers: dict) -> dict | None:
    """A transfer this leg tells of: {"kind": blind / attended, "target": digits or None}.

    - `centralka_transfer` (`blind:105`, `attended:105`): our feature codes, on the user's leg
      (pbx.compiler.transfers);
    - `transfer_destination` (`blind:105`): the leg that received a phone's REFER (sofia.c
      `sofia_handle_sip_i_refer`, with `transfer_to=blind:<the caller>`);
    - `refer_uuid` on a leg we rang for a user: it received a REFER with Replaces, an announced
      transfer; where to is told by the transferred caller's leg: `att_xfer_destination_number`,
      what the phone dialled for the consultation (same function; set on the caller before it is
      bridged on).
    """
    told = var(headers, "centralka_transfer") or var(headers, "transfer_destination")
    kind, _, target = told.partition(":")
    if kind not in KINDS:
        if var(headers, "refer_uuid") and var(headers, "centralka_user"):  # a leg we rang for a user
            kind, target = "attended", ""
        elif var(headers, "att_xfer_destination_number"):
            kind, target = "attended", var(headers, "att_xfer_destination_number")
        else:
            return None
    # mod_sofia's full-id setting sends `105@host`: the number is what the user dialled.
    return {"kind": kind, "target": target.partition("@")[0][:32] or None}


def _time(headers: dict, moment: str, variable: str) -> float | None:
    """A time of the channel: its ``Caller-Channel-*-Time`` header comes early in the event, the
    variable with the same value (``*_uepoch``) among the last, so the header is read when there."""
    value = headers.get(f"Caller-Channel-{moment}-Time")
    return epoch(value if value is not None else var(headers, variable))


def _dialled(headers: dict, role: str) -> str:
    """The number the leg was placed to; for the caller, before any ``transfer`` renamed it.

    ``centralka_dialled`` is what the public entry saw; ``sip_req_user`` is missing on loopback and
    is the account on a registered trunk, and ``Caller-RDNIS`` is renamed by every transfer."""
    if role != CALLER:
        return headers.get("Caller-Destination-Number") or var(headers, "destination_number")
    return (var(headers, "centralka_dialled") or var(headers, "sip_req_user") or headers.get("Caller-RDNIS")
            or headers.get("Caller-Destination-Number") or var(headers, "destination_number"))


def _main_number(headers: dict, role: str) -> str | None:
    explicit = var(headers, "centralka_main_number")
    if explicit or role != CALLER:
        return explicit or None
    if (var(headers, "centralka_direction") or "in") != "in":
        return None
    return e164(_dialled(headers, role))
