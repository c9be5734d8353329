"""Test call: play a call through the dialplan the endpoint serves, exactly as FreeSWITCH would.

Every dialplan hunt of the simulated call (the carrier's first hunt in `public`, each
`transfer` re-hunt in the tenant's context), callcenter.conf and the caller's SIP directory
entry are POSTed to `/xml_curl` of the running app, as mod_xml_curl would post them. A draft
is compiled in memory and laid over the endpoint's document in place of the published version.

    test_call(tenant, number, caller, at, keys, no_answer=[...], busy=[...], unreachable=[...],
              answer=[...], draft=False, hangup_after=None, seed=0) -> TestCall

People are named by full name, first or last name (when unique), extension or phone number;
a group name stands for all its members. Nobody answers unless named in `answer`: whoever
answers picks up after ANSWER_AFTER seconds and talks for `talk` seconds (TALK by default).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from lxml import etree
from marshmallow import ValidationError
from sqlalchemy import select

from pbx import models
from pbx.compiler import callcenter_queues, compile_tree, dialing
from pbx.compiler.snapshot import snapshot_of
from pbx.extensions import db
from pbx.nodes import kind_of
from pbx.nodes.base import executed, seconds_text
from pbx.simulator import Leg, SimulationError, SimulationResult, World, simulate
from schemas.fields import FIRST_YEAR, LAST_YEAR, normalise_phone

FORM = "application/x-www-form-urlencoded"
# FreeSWITCH's packaged defaults of $${sounds_dir}; recordings_dir comes from our config.
SOUNDS_DIR = "/usr/share/freeswitch/sounds"
PROMPT_SECONDS = 3.0      # a prompt never rendered (no duration known)
ANSWER_AFTER = 5.0        # seconds of ringing before someone named in `answer` picks up
TALK = 60.0               # seconds an answered call lasts before the callee hangs up
SPEECH = 10.0             # seconds a caller speaks into voicemail (then silence ends the message)
KEY_DELAY = 1.0           # an untimed key is pressed this long after its menu starts
FALLBACK_WAIT = 10.0      # how long to wait for the endpoint to finish compiling a new revision
KEY_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)s:)?([0-9*#]+)$")


class TestCallInputError(ValueError):
    """Bad input from the person asking for a test call; the message says what to fix."""


@dataclass
class TestCall:
    """A played call: the simulator's result and the call's path in product words."""

    __test__ = False

    at: datetime
    zone: str
    caller: str
    number: str
    draft: bool
    keys: list[tuple[float, str]]
    unused_keys: list[str]
    result: SimulationResult
    path: list[dict] = field(default_factory=list)

    @property
    def centralka_path(self) -> str:
        return self.result.variables.get("centralka_path", "")

    def header(self) -> str:
        local = self.at.astimezone(ZoneInfo(self.zone))
        return f"{local:%a %Y-%m-%d %H:%M} {self.zone}"

    def trace(self) -> str:
        parts = [self.header()] + [p["text"] for p in self.path if p.get("text")]
        hangup = self.result
        ending = f"hang-up {hangup.hangup_cause} by {hangup.hangup_by} after {hangup.duration:g} s"
        line = parts[0] + " · " + " → ".join(parts[1:] + [ending])
        if self.unused_keys:
            line += f"\n(keys never asked for: {', '.join(self.unused_keys)})"
        return line

    def to_dict(self) -> dict:
        r = self.result
        return {
            "at": self.at.isoformat(), "zone": self.zone, "caller": self.caller, "number": self.number,
            "draft": self.draft, "keys": [{"at": t, "digits": d} for t, d in self.keys],
            "unused_keys": self.unused_keys, "path": self.path, "centralka_path": self.centralka_path,
            "hangup": {"cause": r.hangup_cause, "by": r.hangup_by, "after": r.duration, "answered": r.answered},
            "trace": self.trace(), "applications": r.applications,
            "steps": [{"at": s.at, "kind": s.kind, **s.details} for s in r.steps],
        }


# ---------------------------------------------------------------- input in product words

def parse_keys(text: str | None) -> tuple[list[tuple[float, str]], list[str]]:
    """"1,101" (each pressed at the next menu) or "2s:1" (2 s after the call starts), mixed."""
    timed, untimed = [], []
    for token in filter(None, (t.strip() for t in (text or "").split(","))):
        match = KEY_RE.fullmatch(token)
        if not match:
            raise TestCallInputError(f"keys: {token!r} is not digits 0-9 * # or <seconds>s:<digits> (e.g. 2s:1)")
        if match.group(1) is None:
            untimed.append(match.group(2))
        else:
            timed.append((float(match.group(1)), match.group(2)))
    return timed, untimed


def check_zone(field_name: str, name: str) -> str:
    """An IANA time zone name, or a clear error naming the field."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TestCallInputError(f"{field_name}: {name!r} is not an IANA time zone (e.g. Europe/Warsaw)") from None
    return name


def parse_at(text: str, zone: str) -> datetime:
    """An ISO date-time, read in `zone` unless it carries an offset; local times that do not exist fail."""
    try:
        at = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise TestCallInputError(f"at: {text!r} is not a date-time like 2026-12-24T14:00") from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise TestCallInputError(f"at: the year must be between {FIRST_YEAR} and {LAST_YEAR}, not {at.year}")
    if at.tzinfo is not None:
        return at
    local = at.replace(tzinfo=ZoneInfo(zone))
    if local.astimezone(timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != at:
        raise TestCallInputError(f"at: {text} does not exist in {zone} (the clocks jump forward then)")
    return local


class People:
    """Users, groups and outside numbers of a tenant, and the dial targets the compiler rings them on."""

    def __init__(self, tenant: models.Tenant):
        self.snapshot = snapshot_of(tenant)
        self.users = db.session.scalars(select(models.User).where(models.User.tenant_id == tenant.id)
                                        .order_by(models.User.id)).all()
        self.groups = db.session.scalars(select(models.Group).where(models.Group.tenant_id == tenant.id)).all()
        self.by_target = {t: u for u in self.users for t in self.phones(u)}

    def phones(self, user: models.User) -> list[str]:
        """Every phone of a user the compiler rings at once: the mobile first, then the desk phone."""
        return dialing.user_targets(self.snapshot.users[user.id], self.snapshot)

    def user(self, text: str) -> models.User | None:
        """A user by extension, phone, full name, or first / last name when only one has it."""
        key = _fold(text)
        for matches in (lambda u: u.extension == text.strip(), lambda u: _fold(u.full_name) == key,
                        lambda u: _fold(u.first_name) == key, lambda u: _fold(u.last_name) == key,
                        lambda u: u.phone and u.phone == _phone_or_none(text)):
            found = [u for u in self.users if matches(u)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise TestCallInputError(f"{text!r} names {len(found)} people: use the full name or extension")
        return None

    def targets(self, text: str, *, answering: bool = False) -> list[str]:
        """Dial targets of a person, of every member of a group, or of an outside number.

        Someone who answers picks up on one phone (the first); busy, unreachable or not
        answering holds for all of a person's phones.
        """
        user = self.user(text)
        if user is not None:
            return self.phones(user)[:1] if answering else self.phones(user)
        group = next((g for g in self.groups if _fold(g.name) == _fold(text)), None)
        if group is not None:
            return [t for m in group.members for t in self.targets(m.user.full_name, answering=answering)]
        phone = _phone_or_none(text)
        if phone is None:
            raise TestCallInputError(f"{text!r} is no user, group or phone number of this company")
        return [f"sofia/gateway/{self.snapshot.carrier_gateway}/{dialing.digits(phone)}"]

    def name(self, user_id: str | None, target: str) -> str:
        user = next((u for u in self.users if str(u.id) == str(user_id)), None) or self.by_target.get(target)
        if user is not None:
            return user.full_name
        return "+" + target.rsplit("/", 1)[-1] if target.startswith("sofia/gateway/") else target


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _phone_or_none(text: str) -> str | None:
    try:
        return normalise_phone(text)
    except ValidationError:
        return None


# ---------------------------------------------------------------- the endpoint, as FreeSWITCH asks it

class Endpoint:
    """POSTs to `/xml_curl` of the running app, each request in its own app context (like a worker)."""

    def __init__(self, app, overlay: "DraftOverlay | None" = None):
        self.app, self.overlay = app, overlay
        self.client = app.test_client()
        user, password = app.config.get("XML_CURL_USER"), app.config.get("XML_CURL_PASSWORD", "")
        self.auth = (user, password) if user else None

    def post(self, form: dict) -> bytes:
        deadline = time.monotonic() + FALLBACK_WAIT
        while True:
            with self.app.app_context():
                response = self.client.post("/xml_curl", data=urlencode(form), content_type=FORM, auth=self.auth)
            if response.status_code != 200:
                raise RuntimeError(f"/xml_curl answered {response.status_code}")
            # The safe reply while a new revision compiles: the real switch would get it too, but a
            # test call is about the scenario, so wait for the compile to land in the cache.
            if b'name="centralka_fallback"' not in response.data:
                return response.data
            if time.monotonic() > deadline:
                raise RuntimeError("the endpoint serves its fallback dialplan: is the database reachable?")
            time.sleep(0.1)

    def dialplan(self, form: dict) -> bytes:
        body = self.post(form)
        if self.overlay is not None:
            return self.overlay.apply(body, form.get("Hunt-Context", ""))
        return body

    def callcenter_conf(self) -> bytes:
        if self.overlay is not None:
            return self.overlay.callcenter_conf()
        return self.post({"section": "configuration", "tag_name": "configuration", "key_name": "name",
                          "key_value": "callcenter.conf"})

    def directory_variables(self, extension: str, domain: str) -> dict[str, str]:
        """The variables FreeSWITCH copies onto a call from the SIP user's directory entry."""
        body = self.post({"section": "directory", "tag_name": "domain", "key_name": "name", "key_value": domain,
                          "action": "sip_auth", "user": extension, "domain": domain})
        root = etree.fromstring(body)
        return {v.get("name"): v.get("value") for v in root.iterfind(".//user/variables/variable")}


class DraftOverlay:
    """The scenario's draft compiled in memory, served in place of its published extensions and queues."""

    def __init__(self, tenant: models.Tenant, scenario: models.Scenario):
        if scenario.draft is None:
            raise TestCallInputError("the scenario has no draft")
        self.tenant_id, self.scenario_id, self.main_number_id = tenant.id, scenario.id, scenario.main_number_id
        self.compiled = compile_tree(scenario.draft, snapshot_of(tenant), scenario_id=scenario.id, version_id=0,
                                     main_number_id=scenario.main_number_id)
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        self.extensions = etree.fromstring(self.compiled.xml, parser).findall("section/context/extension")

    def owns(self, name: str) -> bool:
        return name == f"main_{self.main_number_id}" or name.startswith(f"s{self.scenario_id}_")

    def apply(self, body: bytes, context: str) -> bytes:
        if context != f"tenant_{self.tenant_id}":
            return body
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        xcontext = root.find(f"section/context[@name='{context}']")
        if xcontext is None:
            return body
        for extension in xcontext.findall("extension"):
            if self.owns(extension.get("name", "")):
                xcontext.remove(extension)
        for index, extension in enumerate(self.extensions):
            xcontext.insert(index, etree.fromstring(etree.tostring(extension)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def callcenter_conf(self) -> bytes:
        from xml_curl.configuration import callcenter_document

        prefix = f"t{self.tenant_id}_s{self.scenario_id}_"
        queues = [q for q in callcenter_queues() if not q["name"].startswith(prefix)] + self.compiled.meta["queues"]
        return callcenter_document(sorted(queues, key=lambda q: q["name"]))


# ---------------------------------------------------------------- the call

@dataclass
class Origin:
    """Where the call starts: from the carrier to a main number, or from a user's SIP phone."""

    context: str
    destination: str
    caller: str
    variables: dict[str, str]


def _origin(tenant: models.Tenant, people: People, endpoint: Endpoint, number: str, caller: str) -> Origin:
    user = people.user(caller) if caller and not _phone_or_none(caller) else None
    if user is not None:
        return _from_desk_phone(tenant, user, endpoint, number)
    phone = _phone_or_none(caller or "")
    if phone is None:
        raise TestCallInputError(f"from: {caller!r} is no phone number and no user of {tenant.name}")
    main = _phone_or_none(number or "")
    if main is None or main not in {m.number for m in tenant.main_numbers}:
        known = ", ".join(m.number for m in tenant.main_numbers) or "none"
        raise TestCallInputError(f"number: {number!r} is not a main number of {tenant.name} (main numbers: {known})")
    # The carrier delivers both numbers as digits without '+' (captured requests).
    return Origin(current_app.config.get("PUBLIC_CONTEXT", "public"), dialing.digits(main), dialing.digits(phone), {})


def _from_desk_phone(tenant: models.Tenant, user: models.User, endpoint: Endpoint, number: str) -> Origin:
    from pbx.tenancy import sip_domain

    if not user.extension:
        raise TestCallInputError(f"from: {user.full_name} has no extension, so no desk phone to call from")
    dialled = re.sub(r"[\s\-()]", "", number or "")
    if not re.fullmatch(r"[0-9*#+]{2,20}", dialled):
        raise TestCallInputError(f"number: {number!r} is not something a phone can dial")
    domain = sip_domain(tenant.id, current_app.config.get("SIP_DOMAIN_SUFFIX", ""))
    variables = endpoint.directory_variables(user.extension, domain)
    if "user_context" not in variables:
        raise TestCallInputError(f"from: {user.full_name}'s phone is not in the SIP directory")
    # What mod_sofia sets on a call it authenticated against the directory.
    variables.update({"user_name": user.extension, "domain_name": domain, "sip_auth_username": user.extension})
    return Origin(variables["user_context"], dialled, user.extension, variables)


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


def _collections(steps, after: float) -> list[float]:
    """When each digit collection (a menu's prompt) started, after `after`."""
    return [s.at for s in steps if s.kind == "execute" and s.details["application"]
            in ("play_and_get_digits", "read") and s.at > after]


def _play(endpoint: Endpoint, tenant: models.Tenant, origin: Origin, world: World,
          switch_zone: str) -> SimulationResult:
    variables = {"sounds_dir": SOUNDS_DIR, "recordings_dir": current_app.config["RECORDINGS_DIR"],
                 **origin.variables}
    return simulate(endpoint.dialplan, world, context=origin.context, destination=origin.destination,
                    caller=origin.caller, variables=variables, switch_timezone=switch_zone,
                    callcenter_conf=endpoint.callcenter_conf(), durations=_durations(tenant))


def _place_keys(play, world: World, untimed: list[str]) -> tuple[SimulationResult, list[str]]:
    """Press each untimed key at the next menu: play, find that menu's start, press, play again.

    A play without the keys yet may never end (a menu whose no-input branch leads back to it):
    the steps it made before giving up still show where the next menu starts.
    """
    result, steps, error = _attempt(play, world)
    last = -1.0
    for index, digits in enumerate(untimed):
        starts = _collections(steps, last)
        if not starts:
            if error is not None:
                raise error
            return result, untimed[index:]
        last = starts[0]
        world.keypresses = sorted(world.keypresses + [(last + KEY_DELAY, digits)], key=lambda k: k[0])
        result, steps, error = _attempt(play, world)
    if error is not None:
        raise error
    return result, []


def _attempt(play, world: World) -> tuple[SimulationResult | None, list, SimulationError | None]:
    try:
        result = play(world)
    except SimulationError as error:
        return None, getattr(error, "steps", []), error
    return result, result.steps, None


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
    overlay = DraftOverlay(tenant, _scenario_of(tenant, number)) if draft else None
    endpoint, people = Endpoint(current_app._get_current_object(), overlay), People(tenant)
    origin = _origin(tenant, people, endpoint, number, caller)
    timed, untimed = parse_keys(keys)
    world = _world(at, origin, people, seed, hangup_after, timed,
                   {"no_answer": list(no_answer), "busy": list(busy), "unreachable": list(unreachable),
                    "answer": list(answer)}, talk)
    result, unused = _place_keys(lambda w: _play(endpoint, tenant, origin, w, switch_timezone), world, untimed)
    call = TestCall(at, tenant.timezone, origin.caller, origin.destination, draft, list(world.keypresses),
                    unused, result)
    call.path = describe(result, _Book(tenant, people, overlay))
    return call


test_call.__test__ = False  # a product function, not a pytest test


def _scenario_of(tenant: models.Tenant, number: str) -> models.Scenario:
    main = _phone_or_none(number or "")
    found = next((m for m in tenant.main_numbers if m.number == main), None)
    if found is None or found.scenario is None:
        raise TestCallInputError(f"number: {number!r} is not a main number of {tenant.name} with a scenario")
    return found.scenario


# ---------------------------------------------------------------- the path in product words

OWNED = {"announcement": models.Announcement, "user": models.User, "group": models.Group,
         "box": models.VoicemailBox, "list": models.NumberList}


class _Book:
    """What the description needs to name things: node labels and fields of the version played."""

    def __init__(self, tenant: models.Tenant, people: People, overlay: DraftOverlay | None):
        self.tenant, self.people, self.overlay = tenant, people, overlay
        self._versions: dict[str, tuple[dict, dict]] = {}
        self.labels: dict[str, str] = {}

    def version(self, version_id: str | None) -> tuple[dict, dict]:
        """(compiled meta, {node id: node JSON}) of a version id as exported on the call ("0": the draft)."""
        key = str(version_id or "")
        if key not in self._versions:
            meta, tree = {}, {}
            if key == "0" and self.overlay is not None:
                meta, tree = self.overlay.compiled.meta, self.overlay_tree()
            elif key.isdigit():
                row = db.session.get(models.ScenarioVersion, int(key))
                if row is not None and row.tenant_id == self.tenant.id:
                    meta, tree = row.compiled_meta or {}, row.tree or {}
            self._versions[key] = (meta, _nodes_by_id(tree.get("root")))
        return self._versions[key]

    def overlay_tree(self) -> dict:
        scenario = db.session.get(models.Scenario, self.overlay.scenario_id)
        return scenario.draft or {}

    def owned(self, ref: str, object_id):
        """A directory object of this company by the kind a node field names (RefId.ref), or None."""
        model = OWNED[ref]
        row = db.session.get(model, object_id) if isinstance(object_id, int) else None
        return row if row is not None and row.tenant_id == self.tenant.id else None

    def legs(self, events) -> list[dict]:
        return _legs(events, self)

    @staticmethod
    def legs_text(legs: list[dict]) -> str:
        return _legs_text(legs)


def _nodes_by_id(node) -> dict[str, dict]:
    found = {}

    def visit(data):
        if not isinstance(data, dict):
            return
        found[str(data.get("id"))] = data
        kind = kind_of(data.get("kind")) if isinstance(data.get("kind"), str) else None
        for _, child in (kind.branch_items(data) if kind else []):
            visit(child)

    visit(node)
    return found


INTERNAL = [("extension", re.compile(r"^ext_(\d+)$")), ("direct dial", re.compile(r"^direct_(\d+)$")),
            ("direct dial", re.compile(r"^direct_(UNKNOWN)$")), ("outbound", re.compile(r"^out_(\d+)_\w+$")),
            ("main number", re.compile(r"^main_(\d+)$"))]


def _stop_of_hunt(step) -> dict | None:
    """A hunt of an extension that is no scenario node (extension dialling, outbound, entry)."""
    for name in step.details.get("extensions", []):
        for kind, pattern in INTERNAL:
            match = pattern.match(name)
            if match:
                return {"node": None, "kind": kind, "label": match.group(1), "at": step.at, "outcome": None,
                        "events": []}
    return None


def _segments(result: SimulationResult) -> list[dict]:
    """Cut the call into stops: one per scenario node entered (centralka_node) or internal extension."""
    stops: list[dict] = []
    for step in result.steps:
        data = step.details.get("data", "") if step.kind == "execute" else ""
        application = step.details.get("application") if step.kind == "execute" else None
        if application == "set" and data.startswith("centralka_node="):
            stops.append({"node": data.split("=", 1)[1], "kind": None, "label": None, "at": step.at,
                          "outcome": None, "events": []})
        elif application == "set" and data.startswith("centralka_path="):
            node, _, outcome = data.rsplit(";", 1)[-1].partition(":")
            owner = next((s for s in reversed(stops) if s["node"] == node), None)
            if owner is not None and outcome:
                owner["outcome"] = outcome
        elif step.kind == "hunt" and step.details["context"].startswith("tenant_"):
            stop = _stop_of_hunt(step)
            if stop is not None:
                stops.append(stop)
        elif stops:
            stops[-1]["events"].append(step)
    return stops


LEG_WORDS = {"answered": "answered", "NO_ANSWER": "no answer", "ALLOTTED_TIMEOUT": "no answer",
             "NO_USER_RESPONSE": "no answer", "USER_BUSY": "busy", "CALL_REJECTED": "rejected",
             "LOSE_RACE": "stopped (answered elsewhere)", "ORIGINATOR_CANCEL": "stopped (caller hung up)"}


def _legs(events, book: _Book) -> list[dict]:
    """One entry per person rung (all their phones ring at once), in ringing order."""
    legs: dict[tuple, dict] = {}
    for step in events:
        if step.kind not in ("leg", "agent_leg"):
            continue
        d = step.details
        user_id = d.get("variables", {}).get("centralka_user")
        leg = legs.setdefault((d.get("agent") or user_id or d["target"], d["start"]), {
            "who": book.people.name(user_id, d["target"]), "user_id": user_id, "targets": [], "at": d["start"],
            "seconds": 0.0, "cause": d["outcome"]})
        leg["targets"].append(d["target"])
        leg["seconds"] = max(leg["seconds"], round(d["end"] - d["start"], 3))
        if d["outcome"] == "answered" or leg["cause"] == "LOSE_RACE":
            leg["cause"] = d["outcome"]
    for leg in legs.values():
        leg["result"] = LEG_WORDS.get(leg["cause"], f"unreachable ({leg['cause']})")
    return sorted(legs.values(), key=lambda leg: leg["at"])


def _legs_text(legs: list[dict]) -> str:
    return ", ".join(f"{leg['who']} answered after {seconds_text(leg['seconds'])}" if leg["cause"] == "answered"
                     else f"{leg['who']} {seconds_text(leg['seconds'])} {leg['result']}" for leg in legs)


def _internal(stop, node, events, book) -> dict:
    legs = _legs(events, book)
    kind, label = stop["kind"], stop["label"]
    if kind == "outbound":
        presented = next((d.split("=", 1)[1] for d in executed(events, "set")
                          if d.startswith("effective_caller_id_number=")), "?")
        return {"text": f"outbound as +{presented}: {_legs_text(legs)}", "presented": presented, "legs": legs}
    if kind == "main number" and not legs:
        return {"text": None, "legs": legs}
    owner = book.people.user(label) if label.isdigit() else None
    name = f"{kind} {label}" + (f" ({owner.full_name})" if owner else "")
    return {"text": f"{name}: {_legs_text(legs)}" if legs else f"{name}: nobody to ring", "legs": legs}


def describe(result: SimulationResult, book: _Book) -> list[dict]:
    """The call's stops in order, each with its outcome, details and a short text."""
    meta, nodes = book.version(result.variables.get("centralka_version"))
    book.labels = {node_id: info.get("label") for node_id, info in meta.get("nodes", {}).items()}
    path = []
    for stop in _segments(result):
        events = stop.pop("events")
        node = nodes.get(stop["node"], {}) if stop["node"] else {}
        info = meta.get("nodes", {}).get(stop["node"], {}) if stop["node"] else {}
        stop["kind"] = stop["kind"] or info.get("kind") or node.get("kind")
        stop["label"] = stop["label"] or info.get("label") or stop["node"]
        kind = kind_of(stop["kind"]) if stop["node"] and isinstance(stop["kind"], str) else None
        details = kind.wording(stop, node, events, book) if kind else _internal(stop, node, events, book)
        if executed(events, "record_session"):
            details["recorded"] = True
            details["text"] = (details["text"] or stop["label"]) + " · call recorded"
        path.append({**stop, **details})
    return path
