"""The call itself: the simulated world from the request, played through the endpoint, then worded."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from pbx import models, queues
from pbx.extensions import db
from pbx.messages import Message
from pbx.prompts import wav_seconds
from pbx.simulator import Leg, SimulationResult, World, simulate
from pbx.simulator.listener import QueueListener
from pbx.testcall.endpoint import DraftOverlay, Endpoint
from pbx.testcall.keys import place_keys
from pbx.testcall.report import Book, TestCall, describe, tell
from pbx.testcall.errors import TestCallInputError
from pbx.testcall.request import Origin, People, check_zone, origin_of, parse_keys, scenario_of

# FreeSWITCH's packaged default of $${sounds_dir}; recordings_dir defaults to our config's.
SOUNDS_DIR = "/usr/share/freeswitch/sounds"
PROMPT_SECONDS = 3.0      # a prompt never rendered (no file, no duration known)
ANSWER_AFTER = 5.0        # seconds of ringing before someone named in `answer` picks up
STORY_LANGUAGES = ("pl", "en")
TALK = 60.0               # seconds an answered call lasts before the callee hangs up
SPEECH = 10.0             # seconds a caller speaks into voicemail (then silence ends the message)


@dataclass
class Outcomes:
    """Who does what when rung: lists of names per outcome; `busy_until`: name -> seconds after the
    call start until which that person is busy, answering when rung after it."""

    answer: list[str] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    busy_until: dict[str, float] = field(default_factory=dict)

    def legs(self, people: People, talk: float) -> tuple[dict[str, Leg], dict[str, list[tuple[float, Leg]]]]:
        """The world's `legs` and `changes` for these people."""
        answering = Leg("answer", ANSWER_AFTER, talk=talk)
        legs, changes = {}, {}
        for outcome in ("no_answer", "busy", "unreachable", "answer"):
            for name in getattr(self, outcome):
                for target in people.targets(name, answering=outcome == "answer"):
                    legs[target] = answering if outcome == "answer" else Leg(outcome)
        for name, until in self.busy_until.items():
            first = people.targets(name, answering=True)
            for target in people.targets(name):
                legs[target] = Leg("busy")
                changes[target] = [(until, answering if target in first else Leg("no_answer"))]
        return legs, changes


def _world(at: datetime, origin: Origin, people: People, outcomes: Outcomes, talk: float, language: str,
           config, **script) -> World:
    """The world of the call; the event listener announces in the company's language."""
    legs, changes = outcomes.legs(people, talk)
    prompt, place = queues.default_prompt(config), queues.place_prompt(config)
    return World(start=at, caller=origin.caller, destination=origin.destination, legs=legs, changes=changes,
                 listener=lambda: QueueListener(prompt, language, place_prompt=place), **script)


def prompt_lengths(tenant: models.Tenant, sounds_dir: str, config) -> dict[str, float]:
    """Seconds of every prompt the switch plays as `<sounds_dir>/centralka/…`: the rendered files'
    own lengths (the company's and the shared ones), else the length stored with an announcement."""
    rows = db.session.scalars(select(models.Announcement).where(models.Announcement.tenant_id == tenant.id))
    lengths = {"*": PROMPT_SECONDS, **{f"{sounds_dir}/centralka/{tenant.id}/{a.id}.wav": a.duration_seconds
                                       for a in rows if a.duration_seconds}}
    prompts = Path(config["PROMPTS_DIR"])
    for folder in (prompts / str(tenant.id), prompts / "common"):
        for path in folder.rglob("*.wav") if folder.is_dir() else ():
            lengths[f"{sounds_dir}/centralka/{path.relative_to(prompts).as_posix()}"] = wav_seconds(path)
    return lengths


def _play(endpoint: Endpoint, origin: Origin, world: World, switch: dict, lengths: dict[str, float]) -> SimulationResult:
    return simulate(endpoint.dialplan, world, context=origin.context, destination=origin.destination,
                    caller=origin.caller, variables={**switch["folders"], **origin.variables},
                    switch_timezone=switch["timezone"], callcenter_conf=endpoint.callcenter_conf(), durations=lengths)


def test_call(tenant: models.Tenant, number: str, caller: str, at: datetime, keys: str | None = None, *, app,
              no_answer=(), busy=(), unreachable=(), answer=(), busy_until: dict[str, float] | None = None,
              waiting=(), phone_transfers=(), record_presses=(), draft: bool = False, hangup_after: float | None = None, talk: float = TALK,
              speech: float = SPEECH, seed: int = 0, switch_timezone: str = "UTC", sounds_dir: str = SOUNDS_DIR,
              recordings_dir: str | None = None, fax_pages: int | None = None) -> TestCall:
    """Play one call to `number` from `caller` at `at` through `app`'s xml_curl endpoint and describe its path.

    `waiting`: callers already in the queue when this call joins it, by the seconds each has
    waited; `phone_transfers`: (seconds after the start, `*1103` keys or `refer:103`) of whoever
    answered (pbx.simulator.World); `record_presses`: seconds after the start at which whoever answered
    presses the company's record code (on demand: start, stop, start...); `fax_pages`: the caller is a fax
    machine sending that many pages. `switch_timezone` is the FreeSWITCH server's own zone (schedules must not depend on
    it); `sounds_dir` and `recordings_dir` its folders (`$${sounds_dir}`, `$${recordings_dir}`).
    """
    if at.tzinfo is None:
        raise TestCallInputError(Message("testcall.time_without_zone"), "at")
    check_zone("switch_timezone", switch_timezone)
    switch = {"timezone": switch_timezone, "folders": {
        "sounds_dir": sounds_dir, "recordings_dir": recordings_dir or app.config["RECORDINGS_DIR"]}}
    overlay = DraftOverlay(tenant, scenario_of(tenant, number), app.config) if draft else None
    endpoint, people = Endpoint(app, overlay), People(tenant, app.config)
    origin = origin_of(tenant, people, endpoint, number, caller)
    timed, untimed = parse_keys(keys)
    if record_presses and not tenant.record_code:
        raise TestCallInputError(Message("testcall.no_record_code"), "record")
    phone_transfers = sorted([*phone_transfers, *((at_s, tenant.record_code) for at_s in record_presses)])
    outcomes = Outcomes(list(answer), list(no_answer), list(busy), list(unreachable), dict(busy_until or {}))
    world = _world(at, origin, people, outcomes, keypresses=timed, caller_hangup=hangup_after, speech=speech,
                   fax_pages=fax_pages,
                   seed=seed, talk=talk, waiting=list(waiting), phone_transfers=list(phone_transfers), language=models.Language(tenant.language).value,
                   config=app.config)
    lengths = prompt_lengths(tenant, sounds_dir, app.config)
    result, unused = place_keys(lambda w: _play(endpoint, origin, w, switch, lengths), world, untimed)
    call = TestCall(at, tenant.timezone, origin.caller, origin.destination, draft, list(world.keypresses),
                    unused, result)
    book = Book(tenant, people, overlay)
    call.path = describe(result, book)
    call.story = {language: tell(call, book, language) for language in STORY_LANGUAGES}
    return call


test_call.__test__ = False  # a product function, not a pytest test
