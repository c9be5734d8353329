"""The script of the world a simulated call meets: who presses what, who answers, when."""

from __future__ import annotations

import random
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

OUTCOMES = {"answer", "no_answer", "busy", "unreachable", "rejected"}

# Hangup cause of a failed leg when the script names none.
DEFAULT_CAUSES = {
    "busy": "USER_BUSY",
    "rejected": "CALL_REJECTED",
    "unreachable": "NORMAL_TEMPORARY_FAILURE",
}


@dataclass(frozen=True)
class Leg:
    """How one dial-string target behaves when called.

    `after`: seconds from the INVITE to the answer or the failure.
    `talk`: once answered, seconds until the callee hangs up (None: stays until the caller goes).
    `cause`: hangup cause of a failure (defaults per outcome; `user/` targets that are
    unreachable default to USER_NOT_REGISTERED).
    """

    outcome: str = "no_answer"
    after: float = 0.0
    talk: float | None = None
    cause: str | None = None

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown leg outcome {self.outcome!r}")

    def failure_cause(self, target: str) -> str:
        if self.cause:
            return self.cause
        if self.outcome == "unreachable" and target.startswith("user/"):
            return "USER_NOT_REGISTERED"
        return DEFAULT_CAUSES[self.outcome]


@dataclass
class World:
    """Everything outside the dialplan.

    `keypresses`: (seconds after the call start, digits) — digits arrive at that instant.
    `legs`: behaviour per dial-string target (e.g. "sofia/gateway/carrier/48600000001" or
    "user/1001@example.com"); a target not listed behaves as `default_leg` (rings forever).
    Queue agents are called through their contact, so they answer via `legs` too.
    `changes`: per target, (seconds after the call start, Leg) from which on the target behaves
    so instead (e.g. busy until 40 s, then answering).
    `agent_status`: overrides the status of agents in callcenter.conf (e.g. "Available").
    `broadcasts`: (seconds after the call start, file) someone plays to the caller over ESL
    (`uuid_broadcast <uuid> <file> aleg`) while the caller waits in a queue.
    `listener`: makes, for each call played, the event listener's queue announcements
    (`pbx.simulator.listener.QueueListener`), or None.
    `waiting`: callers already in a queue when this call joins it, by the seconds each has
    waited; they are served first and leave when answered or when their own wait runs out.
    `caller_hangup`: seconds after the start when the caller hangs up (None: never).
    `speech`: seconds the caller talks into a `record` (None: until the time limit).
    `fax_pages`: pages the fax machine on the line sends to an `rxfax` or takes from a `txfax`
    (None: no fax machine, a person).
    `phone_transfers`: (seconds after the call start, what the user who answered does): keys
    pressed on the phone (`*1102`: the blind code, then 102) or a SIP phone's transfer key (`refer:102`).
    """

    start: datetime
    caller: str = "48221234567"
    destination: str = ""
    keypresses: list[tuple[float, str]] = field(default_factory=list)
    legs: dict[str, Leg] = field(default_factory=dict)
    default_leg: Leg = Leg("no_answer")
    changes: dict[str, list[tuple[float, Leg]]] = field(default_factory=dict)
    agent_status: dict[str, str] = field(default_factory=dict)
    broadcasts: list[tuple[float, str]] = field(default_factory=list)
    listener: Callable[[], object] | None = None
    waiting: list[float] = field(default_factory=list)
    caller_hangup: float | None = None
    speech: float | None = None
    fax_pages: int | None = None
    phone_transfers: list[tuple[float, str]] = field(default_factory=list)
    seed: int = 0
    uuid: str | None = None
    leg_uuids: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.start.tzinfo is None:
            raise ValueError("World.start must be an aware datetime")
        self.keypresses = sorted(self.keypresses, key=lambda k: k[0])

    def leg(self, target: str, at: float = 0.0) -> Leg:
        """How `target` behaves when rung `at` seconds after the call start."""
        behaviour = self.legs.get(target, self.default_leg)
        for since, changed in sorted(self.changes.get(target, ()), key=lambda change: change[0]):
            if since <= at:
                behaviour = changed
        return behaviour

    def rng(self) -> random.Random:
        return random.Random(self.seed)

    def uuids(self):
        """A-leg uuid, then one per originated leg: the script's first, then seeded ones."""
        rng = random.Random(f"uuid:{self.seed}")
        yield self.uuid or str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
        yield from self.leg_uuids
        while True:
            yield str(uuidlib.UUID(int=rng.getrandbits(128), version=4))
