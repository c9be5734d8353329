"""The call itself: the simulated world from the request, played through the endpoint, then worded."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.simulator import Leg, SimulationResult, World, simulate
from pbx.testcall.endpoint import DraftOverlay, Endpoint
from pbx.testcall.keys import place_keys
from pbx.testcall.report import Book, TestCall, describe
from pbx.testcall.errors import TestCallInputError
from pbx.testcall.request import Origin, People, check_zone, origin_of, parse_keys, scenario_of

# FreeSWITCH's packaged defaults of $${sounds_dir}; recordings_dir comes from our config.
SOUNDS_DIR = "/usr/share/freeswitch/sounds"
PROMPT_SECONDS = 3.0      # a prompt never rendered (no duration known)
ANSWER_AFTER = 5.0        # seconds of ringing before someone named in `answer` picks up
TALK = 60.0               # seconds an answered call lasts before the callee hangs up
SPEECH = 10.0             # seconds a caller speaks into voicemail (then silence ends the message)


def _world(at: datetime, origin: Origin, people: People, seed: int, hangup_after: float | None,
           keys: list[tuple[float, str]], outcomes: dict[str, list[str]], talk: float) -> World:
    legs = {}
    for outcome, names in outcomes.items():
        behaviour = Leg("answer", ANSWER_AFTER, talk=talk) if outcome == "answer" else Leg(outcome)
        for name in names:
            for target in people.targets(name, answering=outcome == "answer"):
                legs[target] = behaviour
    return World(start=at, caller=origin.caller, destination=origin.destination, keypresses=keys, legs=legs,
                 caller_hangup=hangup_after, speech=SPEECH, seed=seed)


def _durations(tenant: models.Tenant) -> dict[str, float]:
    rows = db.session.scalars(select(models.Announcement).where(models.Announcement.tenant_id == tenant.id))
    return {"*": PROMPT_SECONDS, **{f"{SOUNDS_DIR}/centralka/{tenant.id}/{a.id}.wav": a.duration_seconds
                                    for a in rows if a.duration_seconds}}


def _play(endpoint: Endpoint, tenant: models.Tenant, origin: Origin, world: World,
          switch_zone: str) -> SimulationResult:
    variables = {"sounds_dir": SOUNDS_DIR, "recordings_dir": current_app.config["RECORDINGS_DIR"],
                 **origin.variables}
    return simulate(endpoint.dialplan, world, context=origin.context, destination=origin.destination,
                    caller=origin.caller, variables=variables, switch_timezone=switch_zone,
                    callcenter_conf=endpoint.callcenter_conf(), durations=_durations(tenant))


def test_call(tenant: models.Tenant, number: str, caller: str, at: datetime, keys: str | None = None, *,
              no_answer=(), busy=(), unreachable=(), answer=(), draft: bool = False,
              hangup_after: float | None = None, talk: float = TALK, seed: int = 0,
              switch_timezone: str = "UTC") -> TestCall:
    """Play one call to `number` from `caller` at `at` and describe its path.

    `switch_timezone` is the FreeSWITCH server's own zone; schedules must not depend on it.
    """
    if at.tzinfo is None:
        raise TestCallInputError("at: give a time zone or use parse_at()")
    check_zone("switch_timezone", switch_timezone)
    overlay = DraftOverlay(tenant, scenario_of(tenant, number)) if draft else None
    endpoint, people = Endpoint(current_app._get_current_object(), overlay), People(tenant)
    origin = origin_of(tenant, people, endpoint, number, caller)
    timed, untimed = parse_keys(keys)
    world = _world(at, origin, people, seed, hangup_after, timed,
                   {"no_answer": list(no_answer), "busy": list(busy), "unreachable": list(unreachable),
                    "answer": list(answer)}, talk)
    result, unused = place_keys(lambda w: _play(endpoint, tenant, origin, w, switch_timezone), world, untimed)
    call = TestCall(at, tenant.timezone, origin.caller, origin.destination, draft, list(world.keypresses),
                    unused, result)
    call.path = describe(result, Book(tenant, people, overlay))
    return call


test_call.__test__ = False  # a product function, not a pytest test
