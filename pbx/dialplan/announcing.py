"""What callers waiting in a queue hear, and how often: set by the queue's forward node on the
member channel, read back by the event listener from ``member-queue-start``.

mod_callcenter puts the member channel's variables on its ``callcenter::info`` events (as
``variable_<name>``, see the captured esl_events_plain_callcenter_*.txt), so the settings travel
with the call: no look-up of the scenario at announcement time. A channel without them (a queue
published before these settings, a longest-idle group's own queue) gets the defaults, which are
also the node's defaults.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

ANNOUNCE_EVERY = 30  # seconds between a waiting caller's announcements
EVERY_RANGE = (15, 600)
VOICES = ("female", "male")
PLACE, WAITING, NOTHING = "place", "waiting", "none"
# The channel variables (our names: no tenant text reaches them).
WHAT, EVERY, VOICE = "centralka_announce", "centralka_announce_every", "centralka_announce_voice"


@dataclass(frozen=True)
class Announcing:
    place: bool = True      # "You are number 2 in the queue"
    waiting: bool = True    # "Number of people waiting ahead of you: 1"
    every: float = ANNOUNCE_EVERY
    voice: str = "female"

    @property
    def silent(self) -> bool:
        return not (self.place or self.waiting)

    @classmethod
    def of_queue(cls, queue: dict | None) -> "Announcing":
        """From a forward node's ``queue`` settings (stored scenarios may have none of these keys)."""
        queue = queue or {}
        return cls(place=queue.get("announce_place", True), waiting=queue.get("announce_waiting", True),
                   every=queue.get("announce_every_seconds", ANNOUNCE_EVERY), voice=queue.get("voice", "female"))

    def variables(self) -> list[str]:
        """``name=value`` for the dialplan's ``set`` actions before ``callcenter``."""
        what = ",".join(name for name, on in ((PLACE, self.place), (WAITING, self.waiting)) if on) or NOTHING
        return [f"{WHAT}={what}", f"{EVERY}={self.every}", f"{VOICE}={self.voice}"]

    @classmethod
    def of_channel(cls, variable: Callable[[str], str | None], every: float = ANNOUNCE_EVERY) -> "Announcing":
        """From a channel's variables (``variable(name)``); what is absent or not ours keeps the default
        (``every``: the listener's own default interval)."""
        parts = set((variable(WHAT) or "").split(",")) & {PLACE, WAITING, NOTHING} or {PLACE, WAITING}
        seconds = variable(EVERY) or ""
        if seconds.isdigit() and EVERY_RANGE[0] <= int(seconds) <= EVERY_RANGE[1]:
            every = int(seconds)
        voice = variable(VOICE)
        return cls(place=PLACE in parts, waiting=WAITING in parts, every=every,
                   voice=voice if voice in VOICES else "female")
