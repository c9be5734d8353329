"""The event listener's queue announcements as a simulated call meets them.

The listener's own board and announcer (`pbx.queues`) run on the simulated clock: they see a
caller enter when mod_callcenter's `member-queue-start` would reach them (with the queue's
announcement settings among the channel's variables), see them leave on `bridge-agent-start` /
`member-queue-end`, and send the very `uuid_broadcast` commands they would send, at the same seconds.
"""

from __future__ import annotations

from pbx.queues import (ANNOUNCE_EVERY, DEFAULT_PLACE_PROMPT, DEFAULT_WAITING_PROMPT, ENTERED, Announcing,
                        PositionAnnouncer, WaitingBoard)


class QueueListener:
    """`pbx.queues.WaitingBoard` and `PositionAnnouncer` on a clock the simulation moves."""

    def __init__(self, prompt: str = DEFAULT_WAITING_PROMPT, language: str = "pl",
                 interval: float = ANNOUNCE_EVERY, place_prompt: str = DEFAULT_PLACE_PROMPT):
        self.now = 0.0
        self.board = WaitingBoard(interval, clock=lambda: self.now)
        self.announcer = PositionAnnouncer(self.board, None, prompt, language_of=lambda tenant: language,
                                           place_prompt=place_prompt)

    def enter(self, call_uuid: str, queue: str, tenant_id: int | None, at: float,
              announcing: Announcing | None = None) -> None:
        self.now = at
        self.board.apply([{"kind": ENTERED, "call_uuid": call_uuid, "queue": queue, "tenant_id": tenant_id,
                           "at": at}], announcing)

    def leave(self, call_uuid: str) -> None:
        self.board.leave(call_uuid)

    def next_due(self) -> float | None:
        return self.board.next_due()

    def due(self, at: float) -> list[tuple[str, dict]]:
        """The `uuid_broadcast` commands the announcer sends at `at`, each with what it tells the caller."""
        self.now = at
        sent = []
        for call_uuid, member, ahead, count in self.board.due():
            command = self.announcer.command(call_uuid, member, ahead, count)
            if command is not None:
                sent.append((command, self.announcer.heard(member, ahead)))
        return sent
