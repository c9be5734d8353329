"""The listener's queue board fed the captured callcenter events: who is ahead of whom, and when
each caller hears it, on the listener's own clock."""
import time

import pytest

from pbx import queues
from pbx.calls.journal import Journal
from pbx.esl.protocol import Event
from pbx.listener_app import CallEvents
from tests.support.streams import named

# member-queue-start of the abandoned call, bridge-agent-start of the answered one (same queue).
QUEUE_EVENTS = {h["CC-Action"]: h for shape in ("callcenter_answered", "callcenter_abandoned")
                for h in named(shape, "CUSTOM")}
FIRST, SECOND = "00592f20-8db6-48b4-beaa-8ea041c43c08", "00592f20-8db6-48b4-beaa-8ea041c43c09"


class Clock:
    """The listener's monotonic clock, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def listener(tmp_path):
    """The listener's callcenter handler, its board on a hand-moved clock, and what it announces."""
    clock, sent = Clock(), []
    board = queues.WaitingBoard(interval=30, clock=clock)
    handlers = CallEvents(Journal(str(tmp_path / "journal.sqlite3")), board, {})
    announcer = queues.PositionAnnouncer(board, lambda command: sent.append(command) or "+OK Message sent\n",
                                         queues.DEFAULT_WAITING_PROMPT)

    def feed(action, uuid=FIRST, switch_offset=0.0):
        """A captured callcenter event for caller ``uuid``, stamped by a switch ``switch_offset`` s off."""
        stamp = time.time() + switch_offset
        headers = dict(QUEUE_EVENTS[action], **{"Unique-ID": uuid, "CC-Member-Session-UUID": uuid,
                                                "CC-Member-Joined-Time": str(int(stamp)),
                                                "Event-Date-Timestamp": str(int(stamp * 1e6))})
        if action == "bridge-agent-start":
            headers["CC-Agent-Answered-Time"] = str(int(stamp))
        handlers.callcenter(Event.from_headers(headers))

    def at(seconds):
        """Move the listener's clock to ``seconds`` after the start; the announcements due by then."""
        clock.now = 1000.0 + seconds
        sent.clear()
        announcer.announce_due()
        return {command.split()[1]: spoken(command) for command in sent}

    return feed, at, board


def spoken(command: str) -> int:
    """The number a ``uuid_broadcast`` plays: digits/<n>.wav of the default prompt."""
    return int(command.rsplit("/digits/", 1)[1].split(".wav")[0])


def test_a_lone_caller_hears_nobody_ahead(listener):
    feed, at, _ = listener
    feed("member-queue-start")
    assert at(29.9) == {}
    assert at(30) == {FIRST: 0}
    assert at(60) == {FIRST: 0}


def test_two_callers_hear_their_own_place_in_join_order(listener):
    feed, at, _ = listener
    feed("member-queue-start", FIRST)
    at(10)
    feed("member-queue-start", SECOND)
    assert at(30) == {FIRST: 0}
    assert at(40) == {SECOND: 1}
    assert at(60) == {FIRST: 0}
    assert at(70) == {SECOND: 1}


def test_after_the_first_is_answered_the_second_hears_nobody_ahead(listener):
    feed, at, board = listener
    feed("member-queue-start", FIRST)
    feed("member-queue-start", SECOND)
    assert at(30) == {FIRST: 0, SECOND: 1}
    feed("bridge-agent-start", FIRST)
    assert board.waiting(QUEUE_EVENTS["member-queue-start"]["CC-Queue"]) == 1
    assert at(60) == {SECOND: 0}


def test_the_count_of_people_waiting_is_there_for_a_prompt_that_wants_it(listener):
    feed, _, board = listener
    feed("member-queue-start", FIRST)
    feed("member-queue-start", SECOND)
    board.clock.now += 30
    assert sorted((uuid, ahead, count) for uuid, _, ahead, count in board.due()) == [(FIRST, 0, 2), (SECOND, 1, 2)]


@pytest.mark.parametrize("switch_offset", [-20.0, 7.5, 3600.0])
def test_a_skewed_switch_clock_does_not_move_the_first_announcement(listener, switch_offset):
    feed, at, board = listener
    feed("member-queue-start", switch_offset=switch_offset)
    assert board.next_due() == 1030.0
    assert at(29.9) == {} and at(30) == {FIRST: 0}


def test_a_late_round_keeps_the_rhythm(listener):
    feed, at, board = listener
    feed("member-queue-start")
    assert at(31.4) == {FIRST: 0}  # the announcer woke late once
    assert board.next_due() == 1060.0


def test_a_restored_caller_keeps_the_rhythm_of_the_time_they_entered(listener):
    _, at, board = listener
    board.restore([{"kind": queues.ENTERED, "call_uuid": FIRST, "queue": "q", "tenant_id": 42,
                    "at": time.time() - 50}])
    assert board.next_due() == pytest.approx(1010.0, abs=0.5)
