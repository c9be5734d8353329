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

    def feed(action, uuid=FIRST, switch_offset=0.0, **variables):
        """A captured callcenter event for caller ``uuid``, stamped by a switch ``switch_offset`` s off,
        with the member channel's ``variables`` (as the queue's dialplan set them)."""
        stamp = time.time() + switch_offset
        headers = dict(QUEUE_EVENTS[action], **{"Unique-ID": uuid, "CC-Member-Session-UUID": uuid,
                                                "CC-Member-Joined-Time": str(int(stamp)),
                                                "Event-Date-Timestamp": str(int(stamp * 1e6))},
                       **{f"variable_{name}": value for name, value in variables.items()})
        if action == "bridge-agent-start":
            headers["CC-Agent-Answered-Time"] = str(int(stamp))
        handlers.callcenter(Event.from_headers(headers))

    def sent_at(seconds):
        """Move the listener's clock to ``seconds`` after the start; the commands sent by then."""
        clock.now = 1000.0 + seconds
        sent.clear()
        announcer.announce_due()
        return list(sent)

    def at(seconds):
        """The number of people ahead each caller hears at ``seconds``."""
        return {command.split()[1]: spoken(command) for command in sent_at(seconds)}

    feed.sent_at = sent_at
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


def places(commands: list[str]) -> dict[str, int]:
    """The place in the queue each ``uuid_broadcast`` tells its caller: position/<n>.wav."""
    return {command.split()[1]: int(command.split("/position/")[1].split(".wav")[0]) for command in commands}


def test_places_move_up_as_callers_ahead_leave_or_are_answered(listener):
    """Three callers in join order; the second hangs up (member-queue-end, Cancel), then the first
    is answered (bridge-agent-start): the third moves from 3rd to 2nd to 1st."""
    feed, _, board = listener
    third = "00592f20-8db6-48b4-beaa-8ea041c43c0a"
    for uuid in (FIRST, SECOND, third):
        feed("member-queue-start", uuid)
    assert places(feed.sent_at(30)) == {FIRST: 1, SECOND: 2, third: 3}
    feed("member-queue-end", SECOND)
    assert places(feed.sent_at(60)) == {FIRST: 1, third: 2}
    feed("bridge-agent-start", FIRST)
    assert places(feed.sent_at(90)) == {third: 1}
    assert board.waiting(QUEUE_EVENTS["member-queue-start"]["CC-Queue"]) == 1


def test_the_exact_broadcast_holds_the_place_then_the_count(listener):
    feed, _, _ = listener
    feed("member-queue-start", FIRST)
    feed("member-queue-start", SECOND)
    common = "${sounds_dir}/centralka/common/pl"
    assert feed.sent_at(30) == [
        f"uuid_broadcast {FIRST} file_string://{common}/position/1.wav!{common}/people_waiting.wav"
        f"!{common}/digits/0.wav aleg",
        f"uuid_broadcast {SECOND} file_string://{common}/position/2.wav!{common}/people_waiting.wav"
        f"!{common}/digits/1.wav aleg"]


def test_the_queue_settings_come_with_the_member_channel(listener):
    """The queue's node set: the place only, every 45 s, the male voice."""
    feed, _, board = listener
    settings = {"centralka_announce": "place", "centralka_announce_every": "45", "centralka_announce_voice": "male"}
    feed("member-queue-start", FIRST, **settings)
    feed("member-queue-start", SECOND, **settings)
    assert feed.sent_at(30) == [] and feed.sent_at(44.9) == []
    assert feed.sent_at(45) == [
        f"uuid_broadcast {FIRST} ${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg",
        f"uuid_broadcast {SECOND} ${{sounds_dir}}/centralka/common/pl/male/position/2.wav aleg"]
    assert board.next_due() == 1090.0


def test_the_count_alone_as_before(listener):
    feed, _, _ = listener
    feed("member-queue-start", FIRST, centralka_announce="waiting")
    assert feed.sent_at(30) == [f"uuid_broadcast {FIRST} file_string://${{sounds_dir}}/centralka/common/pl/"
                                f"people_waiting.wav!${{sounds_dir}}/centralka/common/pl/digits/0.wav aleg"]


def test_a_queue_that_announces_nothing_still_counts_its_callers(listener):
    """Callers of a silent queue hear nothing, yet are ahead of those who come after them."""
    feed, _, board = listener
    feed("member-queue-start", FIRST, centralka_announce="none")
    assert board.next_due() is None
    assert feed.sent_at(300) == []
    feed("member-queue-start", SECOND)
    assert places(feed.sent_at(330)) == {SECOND: 2}


@pytest.mark.parametrize("what, every, voice", [("", "5", "robot"), ("loud", "abc", ""), ("x,y", "100000", "female")])
def test_settings_that_are_not_ours_keep_the_defaults(what, every, voice):
    found = queues.announcing_of({"variable_centralka_announce": what, "variable_centralka_announce_every": every,
                                  "variable_centralka_announce_voice": voice}, 30)
    assert found == queues.Announcing(place=True, waiting=True, every=30, voice="female")


def test_a_restored_caller_is_told_what_their_channel_says_their_queue_announces():
    """After a restart the board does not know the queue's settings: the announcer asks the
    member channel once (uuid_getvar), then announces accordingly."""
    clock, sent = Clock(), []
    variables = {"centralka_announce": "place", "centralka_announce_every": "60", "centralka_announce_voice": "male"}

    def api(command):
        sent.append(command)
        verb, uuid, *rest = command.split()
        if verb == "uuid_getvar":
            return variables.get(rest[0], "_undef_") if uuid == FIRST else "-ERR No such channel!\n"
        return "+OK Message sent\n" if uuid == FIRST else "-ERR invalid uuid\n"

    board = queues.WaitingBoard(interval=30, clock=clock)
    announcer = queues.PositionAnnouncer(board, api, queues.DEFAULT_WAITING_PROMPT)
    board.restore([{"kind": queues.ENTERED, "call_uuid": uuid, "queue": "q", "tenant_id": 42,
                    "at": time.time() - 25} for uuid in (FIRST, SECOND)])
    clock.now += 5
    announcer.announce_due()
    assert sent == [f"uuid_getvar {FIRST} centralka_announce", f"uuid_getvar {FIRST} centralka_announce_every",
                    f"uuid_getvar {FIRST} centralka_announce_voice",
                    f"uuid_broadcast {FIRST} ${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg",
                    f"uuid_getvar {SECOND} centralka_announce", f"uuid_getvar {SECOND} centralka_announce_every",
                    f"uuid_getvar {SECOND} centralka_announce_voice",
                    f"uuid_broadcast {SECOND} file_string://${{sounds_dir}}/centralka/common/pl/position/2.wav"
                    f"!${{sounds_dir}}/centralka/common/pl/people_waiting.wav!${{sounds_dir}}/centralka/common/pl/"
                    f"digits/1.wav aleg"]
    assert board.waiting("q") == 1  # the second caller's channel was gone
    assert board.next_due() == pytest.approx(clock.now + 60, abs=3)  # then at the queue's own interval
    sent.clear()
    clock.now += 60
    announcer.announce_due()
    assert sent == [f"uuid_broadcast {FIRST} ${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg"]

