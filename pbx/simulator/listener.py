"""The event listener's queue announcements as a simulated call meets them.

The listener's own board and announcer (`pbx.queues`) run on the simulated clock: they see a
caller enter when mod_callcenter's `member-queue-start` would reach them, see them leave on
`bridge-agent-start` / `member-queue-end`, and send the very `uuid_broadcast` commands they
would send, at the same seconds.
"""

from __future__ import annotations

from pbx.queues import ANNOUNCE_EVERY, DEFAULT_WAITING_PROMPT, ENTERED, PositionAnnouncer, WaitingBoard

SENT = "+OK Message sent\n"  # the switch's reply while the member's channel lives


class QueueListener:
    """`pbx.queues.WaitingBoard` and `PositionAnnouncer` on a clock the simulation moves."""

    def __init__(self, prompt: str = DEFAULT_WAITING_PROMPT, language: str = "pl",
                 interval: float = ANNOUNCE_EVERY):
        self.now = 0.0
        self.board = WaitingBoard(interval, clock=lambda: self.now)
        self._sent: list[str] = []
        self.announcer = PositionAnnouncer(self.board, self._api, prompt, language_of=lambda tenant: language)

    def _api(self, command: str) -> str:
        self._sent.append(command)
        return SENT

    def enter(self, call_uuid: str, queue: str, tenant_id: int | None, at: float) -> None:
        self.now = at
        self.board.apply([{"kind": ENTERED, "call_uuid": call_uuid, "queue": queue, "tenant_id": tenant_id,
                           "at": at}])

    def leave(self, call_uuid: str) -> None:
        self.board.leave(call_uuid)

    def next_due(self) -> float | None:
        return self.board.next_due()

    def due(self, at: float) -> list[str]:
        """The `uuid_broadcast` commands the announcer sends at `at`."""
        self.now, self._sent = at, []
        self.announcer.announce_due()
        return self._sent
