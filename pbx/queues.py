"""Queues (mod_callcenter): statistics, who waits where, and "people waiting: X" announcements.

Queue facts come from ``callcenter::info`` events (member-queue-start / bridge-agent-start /
member-queue-end) and, as a second source for the same rows, from the member channel's own
variables in its CHANNEL_HANGUP_COMPLETE or CDR (``cc_cause``, ``cc_queue_*_epoch``). A row is
unique per (call, queue, kind), so the two sources and any repeats collapse into one.
"""
from __future__ import annotations

import collections
import logging
import math
import re
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, select

from pbx import models, prompts
from pbx.calls.legs import as_int, var
from pbx.calls.store import aware, insert_rows, moment, upsert
from pbx.dialplan.announcing import ANNOUNCE_EVERY, Announcing
from pbx.extensions import db

log = logging.getLogger(__name__)

ENTERED, ANSWERED, ABANDONED, TIMEOUT = "entered", "answered", "abandoned", "timeout"
LEFT = (ANSWERED, ABANDONED, TIMEOUT)
TIMEOUT_REASONS = {"TIMEOUT", "NO_AGENT_TIMEOUT"}
QUEUE_STEPS = {"member-queue-start", "bridge-agent-start", "member-queue-end"}
# Nobody waits longer than the 60-minute call limit: older "entered" rows are stale.
LONGEST_WAIT = timedelta(minutes=60)
_TENANT_IN_QUEUE = re.compile(r"^t(\d+)_")
# The channel variables ``facts_from_member_leg`` reads, for ``Event.prefetch``.
MEMBER_VARIABLES = tuple(f"variable_{name}" for name in (
    "cc_side", "cc_queue", "uuid", "cc_queue_joined_epoch", "cc_cause", "cc_queue_answered_epoch", "cc_agent",
    "cc_queue_canceled_epoch", "end_epoch", "cc_cancel_reason", "centralka_tenant"))


def _fact(headers, queue, call_uuid, kind, at, joined=None, agent=None) -> dict:
    tenant = as_int(var(headers, "centralka_tenant"))
    if tenant is None and (match := _TENANT_IN_QUEUE.match(queue)):
        tenant = int(match.group(1))
    return {
        "tenant_id": tenant, "queue": queue, "call_uuid": call_uuid, "kind": kind, "at": at,
        "wait_seconds": int(max(0, at - joined)) if joined and at else 0, "agent": agent,
        "caller": headers.get("CC-Member-CID-Number") or headers.get("Caller-Caller-ID-Number") or "",
    }


def _float(value) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def facts_from_callcenter(headers: dict) -> list[dict]:
    """Queue rows from one ``callcenter::info`` event (most actions carry none)."""
    action = headers.get("CC-Action")
    if action not in QUEUE_STEPS:  # most actions (members-count, agent-state-change, ...) carry none
        return []
    queue = headers.get("CC-Queue", "")
    member = headers.get("CC-Member-Session-UUID") or headers.get("Unique-ID")
    joined = _float(headers.get("CC-Member-Joined-Time") or var(headers, "cc_queue_joined_epoch"))
    stamp = _float(headers.get("Event-Date-Timestamp"))
    now = stamp / 1e6 if stamp else time.time()
    if not queue or not member:
        return []
    answered = _float(headers.get("CC-Agent-Answered-Time"))
    if action == "member-queue-start":
        return [_fact(headers, queue, member, ENTERED, joined or now)]
    if action == "bridge-agent-start" or (action == "member-queue-end" and answered):
        return [_fact(headers, queue, member, ANSWERED, answered or now, joined, headers.get("CC-Agent"))]
    if action == "member-queue-end" and headers.get("CC-Cause") == "Cancel":
        kind = TIMEOUT if headers.get("CC-Cancel-Reason") in TIMEOUT_REASONS else ABANDONED
        return [_fact(headers, queue, member, kind, _float(headers.get("CC-Member-Leaving-Time")) or now, joined)]
    return []


def facts_from_member_leg(headers: dict) -> list[dict]:
    """Queue rows from a finished member channel's variables (event or CDR)."""
    if var(headers, "cc_side") != "member":
        return []
    queue = var(headers, "cc_queue")
    member = headers.get("Unique-ID") or var(headers, "uuid")
    if not queue or not member:
        return []
    joined = _float(var(headers, "cc_queue_joined_epoch"))
    facts = [_fact(headers, queue, member, ENTERED, joined)] if joined else []
    cause = var(headers, "cc_cause")
    if cause == "answered":
        at = _float(var(headers, "cc_queue_answered_epoch"))
        facts.append(_fact(headers, queue, member, ANSWERED, at, joined, var(headers, "cc_agent") or None))
    elif cause in {"cancel", "timeout"}:
        at = _float(var(headers, "cc_queue_canceled_epoch")) or _float(var(headers, "end_epoch"))
        timed_out = cause == "timeout" or var(headers, "cc_cancel_reason") in TIMEOUT_REASONS
        facts.append(_fact(headers, queue, member, TIMEOUT if timed_out else ABANDONED, at, joined))
    return [fact for fact in facts if fact["at"]]


def announcing_of(headers: dict, every: float) -> Announcing:
    """What a caller entering a queue is to hear: their queue's settings, which mod_callcenter's events
    carry among the member channel's variables (``every``: the default interval)."""
    return Announcing.of_channel(lambda name: var(headers, name), every)


def save_queue_events(session, facts: list[dict]) -> None:
    known = set()
    tenants = {fact["tenant_id"] for fact in facts if fact["tenant_id"] is not None}
    if tenants:
        known = set(session.scalars(select(models.Tenant.id).where(models.Tenant.id.in_(tenants))))
    rows = [{**{k: v for k, v in fact.items() if k != "at"}, "at": moment(fact["at"]),
             "queue": fact["queue"][:120], "agent": (fact["agent"] or None)}
            for fact in facts if fact["tenant_id"] in known]
    statement = upsert(session, models.QueueEvent.__table__).on_conflict_do_nothing(
        index_elements=["call_uuid", "queue", "kind"])
    insert_rows(session, statement, rows)


# -- reports and the reception page (database) ------------------------------------------
def waiting_now(tenant_id: int, now: datetime | None = None) -> list[dict]:
    """Callers waiting in the tenant's queues now, longest waiting first."""
    now = now or datetime.now(timezone.utc)
    event, left, call = models.QueueEvent, db.aliased(models.QueueEvent), models.CallRecord
    rows = db.session.execute(
        select(event.queue, event.call_uuid, event.caller, event.at)
        .where(event.tenant_id == tenant_id, event.kind == ENTERED, event.at >= now - LONGEST_WAIT)
        .where(~select(left.id).where(and_(left.call_uuid == event.call_uuid, left.queue == event.queue,
                                           left.kind.in_(LEFT))).exists())
        .where(~select(call.id).where(call.call_uuid == event.call_uuid, call.ended_at.is_not(None)).exists())
        .order_by(event.at)
    ).all()
    positions: dict[str, int] = {}
    waiting = []
    for queue, call_uuid, caller, at in rows:
        positions[queue] = positions.get(queue, 0) + 1
        waiting.append({"queue": queue, "call_uuid": call_uuid, "caller": caller, "position": positions[queue],
                        "since": aware(at).isoformat(), "waiting_seconds": int((now - aware(at)).total_seconds())})
    return waiting


def queue_stats(tenant_id: int, since: datetime, until: datetime) -> list[dict]:
    """Per queue: calls entered, answered, abandoned, timed out; average and longest wait."""
    event = models.QueueEvent
    rows = db.session.execute(
        select(event.queue, event.kind, func.count(), func.avg(event.wait_seconds), func.max(event.wait_seconds))
        .where(event.tenant_id == tenant_id, event.at >= since, event.at < until)
        .group_by(event.queue, event.kind)
    ).all()
    stats: dict[str, dict] = {}
    for queue, kind, count, average, longest in rows:
        entry = stats.setdefault(queue, {"queue": queue, ENTERED: 0, ANSWERED: 0, ABANDONED: 0, TIMEOUT: 0,
                                         "average_wait_answered": 0, "longest_wait": 0})
        entry[kind] = count
        if kind == ANSWERED:
            entry["average_wait_answered"] = round(float(average or 0), 1)
        if kind in LEFT:
            entry["longest_wait"] = max(entry["longest_wait"], int(longest or 0))
    return sorted(stats.values(), key=lambda entry: entry["queue"])


# -- the listener's own view and the announcements -------------------------------------
class WaitingBoard:
    """Who waits in which queue, in join order, kept by the listener from the events it dispatches.

    Times are read on ``clock`` (the listener's own): a caller's first announcement comes one
    interval after the listener saw them enter, whatever the switch's clock says, then one
    every interval. Join order is the order the listener saw them enter (one switch sends a
    queue's events in order). Each caller's interval and what they hear come with them
    (``Announcing``, from their queue's settings); ``interval`` is the default.
    """

    def __init__(self, interval: float = ANNOUNCE_EVERY, clock=time.monotonic):
        self.interval, self.clock = interval, clock
        self._lock = threading.Lock()
        self._members: dict[str, dict] = {}  # in join order

    def apply(self, facts: list[dict], announcing: Announcing | None = None) -> None:
        with self._lock:
            for fact in facts:
                if fact["kind"] == ENTERED:
                    heard = announcing or Announcing(every=self.interval)
                    self._add(fact, heard, self.clock() + heard.every)
                else:
                    self._members.pop(fact["call_uuid"], None)

    def restore(self, facts: list[dict]) -> None:
        """Callers who entered before the listener started (``at``: epoch seconds), in join order:
        nobody saw them enter, so their rhythm is kept from the wall clock at the default interval.
        Their queue's settings are not in the database: ``announcing`` stays None until the
        announcer has asked their channel (``learn``)."""
        with self._lock:
            for fact in facts:
                waited = max(0.0, time.time() - fact["at"])
                self._add(fact, None, self.clock() + self.interval - waited % self.interval)

    def _add(self, fact: dict, announcing: Announcing | None, due: float) -> None:
        silent = announcing is not None and announcing.silent
        self._members.setdefault(fact["call_uuid"], {"queue": fact["queue"], "tenant_id": fact["tenant_id"],
                                                     "announcing": announcing, "due": math.inf if silent else due})

    def learn(self, call_uuid: str, announcing: Announcing) -> None:
        """A restored caller's queue settings, as their channel holds them."""
        with self._lock:
            member = self._members.get(call_uuid)
            if member is not None:
                member["announcing"] = announcing
                # Learnt at its first announcement, which moved it one default interval on.
                member["due"] = math.inf if announcing.silent else member["due"] + announcing.every - self.interval

    def leave(self, call_uuid: str) -> None:
        with self._lock:
            self._members.pop(call_uuid, None)

    def waiting(self, queue: str) -> int:
        with self._lock:
            return sum(1 for member in self._members.values() if member["queue"] == queue)

    def next_due(self) -> float | None:
        """When the next announcement is due (on ``clock``), None with nobody to announce to."""
        with self._lock:
            due = min((member["due"] for member in self._members.values()), default=math.inf)
            return None if due == math.inf else due

    def due(self) -> list[tuple[str, dict, int, int]]:
        """Members whose announcement is due: (uuid, member, people ahead of them in join order,
        people waiting in their queue). Callers who hear nothing still count for the others."""
        now = self.clock()
        with self._lock:
            counts: collections.Counter = collections.Counter()
            due = []
            for call_uuid, member in self._members.items():
                ahead = counts[member["queue"]]
                counts[member["queue"]] += 1
                if member["due"] <= now:
                    every = (member["announcing"] or Announcing(every=self.interval)).every
                    member["due"] += every * (1 + (now - member["due"]) // every)
                    due.append((call_uuid, dict(member), ahead))
            return [(call_uuid, member, ahead, counts[member["queue"]]) for call_uuid, member, ahead in due]


class PositionAnnouncer(threading.Thread):
    """Every interval each waiting caller hears their place in the queue and how many people wait
    ahead of them (either, both, per their queue's settings).

    mod_callcenter has no such announcement, so it is played over the event socket with
    ``uuid_broadcast <uuid> <path> aleg`` (mod_commands.c uuid_broadcast_function, syntax
    ``<uuid> <path> [aleg|bleg|holdb|both]``: the arguments are split on spaces, so no path holds
    one; switch_ivr_broadcast() queues ``playback <path>`` on the channel). Both parts go in one
    ``file_string://a.wav!b.wav`` (mod_dptools.c file_string_file_open splits on ``!``), so they
    play back to back; the queue's music resumes by itself afterwards.
    ``language_of(tenant_id)`` picks the tenant's language for the shared prompts. The thread
    sleeps until the next announcement is due (at most ``tick``), so each is sent on time.
    """

    def __init__(self, board: WaitingBoard, api, prompt: str, tick: float = 1.0, language_of=lambda tenant: "pl",
                 place_prompt: str | None = None):
        super().__init__(name="queue-announcer", daemon=True)
        self.board, self.api, self.prompt, self.tick = board, api, prompt, tick
        self.place_prompt = place_prompt or DEFAULT_PLACE_PROMPT
        self.language_of = language_of
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self._pause()):
            self.announce_due()

    def _pause(self) -> float:
        due = self.board.next_due()
        return self.tick if due is None else min(self.tick, max(0.0, due - self.board.clock()))

    def announce_due(self) -> None:
        for call_uuid, member, ahead, count in self.board.due():
            self.announce(call_uuid, member, ahead, count)

    @staticmethod
    def heard(member: dict, ahead: int) -> dict:
        """What the caller is told: ``place`` (from 1; none past the last we have a prompt for) and
        ``ahead`` (people waiting ahead of them, at most 99), each only when their queue says so."""
        announcing = member["announcing"]
        told = {}
        if announcing.place and ahead + 1 <= LARGEST_SPOKEN_COUNT:
            told["place"] = ahead + 1
        if announcing.waiting:
            told["ahead"] = min(ahead, LARGEST_SPOKEN_COUNT)
        return told

    def command(self, call_uuid: str, member: dict, ahead: int, count: int) -> str | None:
        """The ``uuid_broadcast`` for this caller, None when there is nothing to tell them."""
        told = self.heard(member, ahead)
        fill = {"ahead": min(ahead, LARGEST_SPOKEN_COUNT), "count": min(count, LARGEST_SPOKEN_COUNT),
                "place": told.get("place"), "tenant": member["tenant_id"], "queue": member["queue"],
                "language": self.language_of(member["tenant_id"]),
                "voice": prompts.voice_folder(member["announcing"].voice)}
        parts = [template.format(**fill) for key, template in (("place", self.place_prompt), ("ahead", self.prompt))
                 if key in told]
        if not parts:
            return None
        files = [part.removeprefix(FILE_STRING) for part in parts]
        path = FILE_STRING + "!".join(files) if len(files) > 1 else parts[0]
        return f"uuid_broadcast {call_uuid} {path} aleg"

    def announce(self, call_uuid: str, member: dict, ahead: int, count: int) -> None:
        try:
            if member["announcing"] is None:
                member["announcing"] = self._asked(call_uuid)
                self.board.learn(call_uuid, member["announcing"])
            command = self.command(call_uuid, member, ahead, count)
            reply = self.api(command) if command else ""
        except Exception as error:  # noqa: BLE001 - FreeSWITCH away: try again next round
            log.warning("announcement to %s not sent: %s", call_uuid, error)
            return
        if str(reply).startswith("-ERR"):
            self.board.leave(call_uuid)  # the channel is gone: we missed its hang-up

    def _asked(self, call_uuid: str) -> Announcing:
        """A restored caller's queue settings from their channel: ``uuid_getvar <uuid> <name>``
        answers the value, ``_undef_``, or ``-ERR No such channel!`` (mod_commands.c
        uuid_getvar_function); what is not there keeps the default."""
        def variable(name: str) -> str | None:
            reply = str(self.api(f"uuid_getvar {call_uuid} {name}")).strip()
            return None if reply == "_undef_" or reply.startswith("-ERR") else reply

        return Announcing.of_channel(variable, self.board.interval)

    def stop(self) -> None:
        self._stopping.set()


# Our shared prompts (pbx.prompts.render_system_prompts) speak the numbers 0..99 and the places 1..99.
LARGEST_SPOKEN_COUNT = 99
FILE_STRING = "file_string://"
COMMON_PROMPTS = "${{sounds_dir}}/centralka/common/{language}/{voice}"
DEFAULT_WAITING_PROMPT = f"{FILE_STRING}{COMMON_PROMPTS}people_waiting.wav!{COMMON_PROMPTS}digits/{{ahead}}.wav"
DEFAULT_PLACE_PROMPT = f"{COMMON_PROMPTS}position/{{place}}.wav"


def default_prompt(config) -> str:
    """The count of people waiting: ``QUEUE_WAITING_PROMPT``, else our shared prompts in the tenant's
    language (FreeSWITCH expands ``${sounds_dir}``; ``{ahead}`` (people ahead of the caller), ``{count}``
    (people waiting in the queue), ``{place}``, ``{language}``, ``{voice}`` (the voice's folder: "" or
    "male/"), ``{tenant}``, ``{queue}`` are filled in per caller)."""
    return config.get("QUEUE_WAITING_PROMPT", DEFAULT_WAITING_PROMPT)


def place_prompt(config) -> str:
    """The caller's place: ``QUEUE_PLACE_PROMPT`` (the same fields as ``default_prompt``), else ours."""
    return config.get("QUEUE_PLACE_PROMPT", DEFAULT_PLACE_PROMPT)


class TenantLanguages:
    """``tenant id -> language`` for the announcer, read from the database and kept a while."""

    def __init__(self, app, keep: float = 60.0):
        self.app, self.keep = app, keep
        self._languages: dict[int, str] = {}
        self._read_at = -keep

    def __call__(self, tenant_id: int | None) -> str:
        age = time.monotonic() - self._read_at
        # A new tenant shows up within seconds; a changed language within ``keep``.
        if age > self.keep or (tenant_id not in self._languages and age > 5):
            self._read()
        return self._languages.get(tenant_id, models.Language.PL.value)

    def _read(self) -> None:
        try:
            with self.app.app_context():
                rows = db.session.execute(select(models.Tenant.id, models.Tenant.language)).all()
        except Exception as error:  # noqa: BLE001 - database away: keep what we knew
            log.warning("tenant languages not read: %s", error)
            return
        self._languages = {tenant: language.value for tenant, language in rows}
        self._read_at = time.monotonic()
