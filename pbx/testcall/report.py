"""The played call in product words: one stop per node or internal extension, each worded by its node kind."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pbx import models, prompts
from pbx.extensions import db
from pbx.nodes import kind_of
from pbx.nodes.base import executed, seconds_text, told
from pbx.nodes.walk import nodes_by_id
from pbx.simulator import SimulationResult
from pbx.testcall.endpoint import DraftOverlay
from pbx.testcall.request import People


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
    story: dict[str, dict] = field(default_factory=dict)

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
            "steps": [{"at": s.at, "kind": s.kind, **s.details} for s in r.steps], "story": self.story,
        }


OWNED = {"announcement": models.Announcement, "user": models.User, "group": models.Group,
         "box": models.VoicemailBox, "list": models.NumberList, "survey": models.Survey}


class Book:
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
            self._versions[key] = (meta, nodes_by_id(tree.get("root")))
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

    @staticmethod
    def legs_story(legs: list[dict], language: str) -> list[tuple[float, str]]:
        """Each person rung: when their phones start ringing, and how it ends."""
        lines = []
        for leg in legs:
            outcome = leg["cause"] if leg["cause"] in LEG_STORY["en"] else "unreachable"
            lines += [(leg["at"], told(LEG_STORY, language, "ringing", who=leg["who"])),
                      (leg["at"] + leg["seconds"], told(LEG_STORY, language, outcome, who=leg["who"],
                                                         seconds=seconds_text(leg["seconds"])))]
        return lines


INTERNAL = [("extension", re.compile(r"^ext_(\d+)$")), ("direct dial", re.compile(r"^direct_(\d+)$")),
            ("direct dial", re.compile(r"^direct_(UNKNOWN)$")), ("outbound", re.compile(r"^out_(\d+)_\w+$")),
            ("main number", re.compile(r"^main_(\d+)$")), ("fallback", re.compile(r"^fallback_(\w+)$"))]


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


LEG_STORY = {
    "pl": {"ringing": "Dzwoni telefon: {who}", "answered": "{who} odbiera", "NO_ANSWER": "{who} nie odbiera ({seconds})",
           "USER_BUSY": "{who} ma zajęte", "CALL_REJECTED": "{who} odrzuca połączenie",
           "LOSE_RACE": "{who}: dzwonienie przerwane (odebrano gdzie indziej)",
           "ORIGINATOR_CANCEL": "{who}: dzwonienie przerwane (dzwoniący się rozłączył)",
           "unreachable": "{who}: telefon niedostępny"},
    "en": {"ringing": "Ringing {who}", "answered": "{who} answers", "NO_ANSWER": "{who} does not answer ({seconds})",
           "USER_BUSY": "{who} is busy", "CALL_REJECTED": "{who} rejects the call",
           "LOSE_RACE": "{who}: stopped ringing (answered elsewhere)",
           "ORIGINATOR_CANCEL": "{who}: stopped ringing (the caller hung up)",
           "unreachable": "{who}: phone unreachable"}}
for _words in LEG_STORY.values():
    _words["ALLOTTED_TIMEOUT"] = _words["NO_USER_RESPONSE"] = _words["NO_ANSWER"]


def _legs(events, book: Book) -> list[dict]:
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


def _fallback(label: str, events, legs, book) -> dict:
    """`fallback_group_<id>`, `fallback_main_<id>`, `fallback_company`: whose fallback, and what it did."""
    owner, _, owner_id = label.partition("_")
    group = book.owned("group", int(owner_id)) if owner == "group" else None
    whose = {"group": f"group {group.name if group else owner_id}", "main": "the main number"}.get(owner, "the company")
    recorded = next((s.details for s in events if s.kind == "recorded"), None)
    done = f"voicemail, message {seconds_text(recorded['seconds'])}" if recorded else _legs_text(legs) or "nobody to ring"
    return {"text": f"fallback of {whose}: {done}", "legs": legs}


def _internal(stop, node, events, book) -> dict:
    legs = _legs(events, book)
    kind, label = stop["kind"], stop["label"]
    if kind == "fallback":
        return _fallback(label, events, legs, book)
    if kind == "outbound" and "OUTGOING_CALL_BARRED" in executed(events, "hangup"):
        return {"text": "outbound refused: may not present the main number (*666)", "legs": legs}
    if kind == "outbound":
        presented = next((d.split("=", 1)[1] for d in executed(events, "set")
                          if d.startswith("effective_caller_id_number=")), "?")
        return {"text": f"outbound as +{presented}: {_legs_text(legs)}", "presented": presented, "legs": legs}
    if kind == "main number" and not legs:
        return {"text": None, "legs": legs}
    owner = book.people.user(label) if label.isdigit() else None
    name = f"{kind} {label}" + (f" ({owner.full_name})" if owner else "")
    return {"text": f"{name}: {_legs_text(legs)}" if legs else f"{name}: nobody to ring", "legs": legs}


def _announcements(events, details: dict, label: str) -> None:
    """The listener's queue announcements the caller heard at this stop, and when."""
    heard = [{"at": step.at, "command": step.details["command"],
              **({"told": step.details["told"]} if "told" in step.details else {})}
             for step in events if step.kind == "api"]
    if heard:
        details["announcements"] = heard
        details["text"] = (details["text"] or label) + " · announcements at " + ", ".join(
            seconds_text(item["at"]) for item in heard)


def _stops(result: SimulationResult, book: Book):
    """(stop, node JSON, events, node kind or None for an internal extension) for each stop, in order."""
    meta, nodes = book.version(result.variables.get("centralka_version"))
    book.labels = {node_id: info.get("label") for node_id, info in meta.get("nodes", {}).items()}
    for stop in _segments(result):
        events = stop.pop("events")
        node = nodes.get(stop["node"], {}) if stop["node"] else {}
        info = meta.get("nodes", {}).get(stop["node"], {}) if stop["node"] else {}
        stop["kind"] = stop["kind"] or info.get("kind") or node.get("kind")
        stop["label"] = stop["label"] or info.get("label") or stop["node"]
        kind = kind_of(stop["kind"]) if stop["node"] and isinstance(stop["kind"], str) else None
        yield stop, node, events, kind


def describe(result: SimulationResult, book: Book) -> list[dict]:
    """The call's stops in order, each with its outcome, details and a short text."""
    path = []
    for stop, node, events, kind in _stops(result, book):
        details = kind.wording(stop, node, events, book) if kind else _internal(stop, node, events, book)
        if executed(events, "record_session"):
            details["recorded"] = True
            details["text"] = (details["text"] or stop["label"]) + " · call recorded"
        _announcements(events, details, stop["label"])
        path.append({**stop, **details})
    return path


STORY = {
    "pl": {"extension": "Numer wewnętrzny {label}", "direct dial": "Wybieranie bezpośrednie: {label}",
           "outbound": "Połączenie na zewnątrz", "main number": "Numer główny", "fallback": "Droga zapasowa",
           "recorded": "Rozmowa jest nagrywana", "position": "Komunikat: miejsce w kolejce",
           "hears": "słyszy: {text}", "message": "Nagrano wiadomość ({seconds})",
           "caller": "Dzwoniący się rozłącza", "callee": "Rozmówca kończy rozmowę", "switch": "Centrala kończy połączenie",
           "unused": "Klawisze, o które nikt nie pytał: {keys}",
           "transferred": "{who} przełącza rozmowę na {target}",
           "record_start": "{who} włącza nagrywanie rozmowy; obie strony słyszą oświadczenie o nagrywaniu",
           "record_stop": "{who} wyłącza nagrywanie rozmowy",
           "record_refused": "{who} nie ma uprawnienia do nagrywania i słyszy odmowę"},
    "en": {"extension": "Extension {label}", "direct dial": "Direct dial: {label}", "outbound": "Outbound call",
           "main number": "Main number", "fallback": "Fallback", "recorded": "The call is recorded", "position": "Announcement: place in the queue",
           "hears": "hears: {text}",
           "message": "Message recorded ({seconds})", "caller": "The caller hangs up",
           "callee": "The person called hangs up", "switch": "The switch ends the call",
           "unused": "Keys nobody asked for: {keys}",
           "transferred": "{who} transfers the call to {target}",
           "record_start": "{who} starts recording the call; both sides hear the recording notice",
           "record_stop": "{who} stops recording the call",
           "record_refused": "{who} may not record calls and hears so"}}
DAYS = {"pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
        "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}


def _internal_story(stop, events, book, language) -> list[tuple[float, str]]:
    legs = _legs(events, book)
    if stop["kind"] == "main number" and not legs:
        return []
    lines = [(stop["at"], told(STORY, language, stop["kind"], label=stop["label"]))]
    recorded = next((s for s in events if s.kind == "recorded"), None)
    if recorded is not None:
        lines.append((recorded.at, told(STORY, language, "message", seconds=seconds_text(recorded.details["seconds"]))))
    return lines + book.legs_story(legs, language)


def _heard(step, language: str) -> str:
    """An announcement the caller heard in the queue, in the words of the prompts played."""
    said = step.details.get("told")
    if not said:
        return told(STORY, language, "position")
    parts = ([prompts.place_shown(language, said["place"])] if "place" in said else []) + (
        [prompts.waiting_shown(language, said["ahead"])] if "ahead" in said else [])
    return told(STORY, language, "hears", text=". ".join(parts))


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def tell(call: TestCall, book: Book, language: str) -> dict:
    """The call for people in `language`: its day and time, then what happened when, each line at m:ss."""
    lines = []
    for stop, node, events, kind in _stops(call.result, book):
        told_here = kind.story(stop, node, events, book, language) if kind else \
            _internal_story(stop, events, book, language)
        if executed(events, "record_session"):
            told_here.append((stop["at"], told(STORY, language, "recorded")))
        told_here += [(step.at, _heard(step, language)) for step in events if step.kind == "api"]
        told_here += [(step.at, told(STORY, language, "transferred", target=step.details["target"],
                                     who=book.people.name(step.details["user"], "")))
                      for step in events if step.kind == "phone_transfer"]
        told_here += [(step.at, told(STORY, language, f"record_{step.details['action']}",
                                     who=book.people.name(step.details["user"], "")))
                      for step in events if step.kind == "phone_record"]
        lines += sorted(told_here, key=lambda line: line[0])
    by = call.result.hangup_by if call.result.hangup_by in ("caller", "callee") else "switch"
    lines.append((call.result.duration, told(STORY, language, by)))
    if call.unused_keys:
        lines.append((call.result.duration, told(STORY, language, "unused", keys=", ".join(call.unused_keys))))
    local = call.at.astimezone(ZoneInfo(call.zone))
    return {"title": f"{DAYS.get(language, DAYS['en'])[local.weekday()]} {local:%d.%m.%Y, %H:%M} ({call.zone})",
            "lines": [{"at": at, "time": _clock(at), "text": text} for at, text in lines]}
