"""REST API of the test call and the schedule preview; both read only the signed-in company."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, request

from pbx.compiler import ScenarioInvalid
from pbx.messages import Message, in_language, language_of
from pbx.schedule_preview import parse_day, parse_step, preview
from pbx.simulator import SimulationError, UnsupportedApplication, UnsupportedDialplan
from pbx.testcall import (SOUNDS_DIR, SPEECH, TALK, TestCallInputError, check_folder, check_zone, parse_at,
                          parse_busy_until, parse_seconds, parse_transfers, test_call)
from webadmin.auth import signed_in
from webadmin.common import error_json

bp = Blueprint("testcall", __name__, url_prefix="/api")
PEOPLE = ("answer", "no_answer", "busy", "unreachable")


@bp.errorhandler(TestCallInputError)
def _bad_input(error):
    return error_json(error.args[0]), 422


@bp.errorhandler(ScenarioInvalid)
def _draft_invalid(error):
    language = language_of(request.accept_languages)
    return error_json(Message("testcall.draft_invalid"),
                      problems=[f"{p.node_id}: {in_language(p.message, language)}" for p in error.errors]), 422


@bp.errorhandler(UnsupportedDialplan)
@bp.errorhandler(UnsupportedApplication)
@bp.errorhandler(SimulationError)
def _not_simulated(error):
    # The dialplan uses something the simulator does not model: say so rather than guess.
    return error_json(Message("testcall.not_simulated", problem=type(error).__name__, detail=str(error))), 501


def _text(body: dict, name: str, required: bool = False) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise TestCallInputError(Message("input.text_required" if required else "input.not_text"), name)
    return value


def _names(body: dict, name: str) -> list[str]:
    value = body.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TestCallInputError(Message("testcall.not_people"), name)
    return value


def _number(body: dict, name: str, kind=float):
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
        raise TestCallInputError(Message("testcall.not_a_count"), name)
    return kind(value) if value is not None else None


@bp.post("/test-call")
@signed_in()
def play():
    """Play a call through the published (or draft) dialplan; nothing is stored."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(422, Message("request.json_object"))
    call = test_call(
        g.tenant, _text(body, "number", True), _text(body, "from", True),
        parse_at(_text(body, "at", True), g.tenant.timezone), _text(body, "keys"),
        app=current_app._get_current_object(), **{name: _names(body, name) for name in PEOPLE}, busy_until=_busy_until(body),
        waiting=[parse_seconds("waiting", value) for value in _list(body, "waiting")],
        phone_transfers=parse_transfers(_list(body, "transfers")),
        record_presses=[parse_seconds("record", value) for value in _list(body, "record")],
        talk=parse_seconds("talk", body.get("talk", TALK)), speech=parse_seconds("speech", body.get("speech", SPEECH)),
        draft=body.get("draft") is True, hangup_after=_number(body, "hangup_after"),
        fax_pages=_number(body, "fax_pages", int),
        seed=_number(body, "seed", int) or 0, switch_timezone=_text(body, "switch_timezone") or "UTC",
        sounds_dir=check_folder("sounds_dir", _text(body, "sounds_dir") or SOUNDS_DIR),
        recordings_dir=_text(body, "recordings_dir") and check_folder("recordings_dir", body["recordings_dir"]))
    return jsonify(call.to_dict())


def _list(body: dict, name: str) -> list:
    value = body.get(name, [])
    if not isinstance(value, list):
        raise TestCallInputError(Message("testcall.not_durations"), name)
    return value


def _busy_until(body: dict) -> dict[str, float]:
    value = body.get("busy_until", {})
    if not isinstance(value, dict):
        raise TestCallInputError(Message("testcall.not_busy_map"), "busy_until")
    return parse_busy_until(value)


@bp.get("/schedule-preview")
@signed_in()
def schedule_preview():
    """Which branch each schedule node of a main number's scenario takes, over a date range."""
    args, zone = request.args, g.tenant.timezone
    if not args.get("number") or not args.get("from") or not args.get("to"):
        raise TestCallInputError(Message("preview.range_required"))
    found = preview(g.tenant, args["number"], parse_day(args["from"], zone), parse_day(args["to"], zone, end=True),
                    parse_step(args.get("step", "30m")), app=current_app._get_current_object(),
                    draft=args.get("draft") in ("1", "true"),
                    switch_timezone=check_zone("switch_timezone", args.get("switch_timezone") or "UTC"))
    return jsonify(found)
