"""Queue waits played before they happen: other callers already waiting, a member busy at first,
and the listener's announcements at the seconds the listener sends them."""
from __future__ import annotations

import pytest

from pbx import prompts, queues
from pbx.calls.journal import Journal
from pbx.esl.protocol import Event
from pbx.listener_app import CallEvents
from pbx.testcall import parse_at
from tests.support.acceptance import forward, legs, voicemail
from tests.support.streams import named

MONDAY = parse_at("2026-12-21T09:00", "Europe/Warsaw")
# The captured callcenter events the listener reads: a caller entering, an agent answering.
CAPTURED = {h["CC-Action"]: h for shape in ("callcenter_answered", "callcenter_abandoned")
            for h in named(shape, "CUSTOM")}


def queued(company, user: str, wait: int = 150) -> dict:
    return forward("desk", {"user": company.users[user].id}, voicemail(company), queue={"max_wait_seconds": wait})


def broadcasts(call) -> list[tuple[float, str]]:
    return [(s["at"], s["command"]) for s in call.to_dict()["steps"] if s["kind"] == "api"]


def forward_stop(call) -> dict:
    return next(stop for stop in call.path if stop["kind"] == "forward")


def spoken(command: str) -> int:
    return int(command.rsplit("/digits/", 1)[1].removesuffix(".wav aleg"))


def test_a_lone_caller_hears_they_are_first_and_nobody_ahead_every_30_s(testowa):
    testowa.publish(queued(testowa, "Anna"))
    call = testowa.call(MONDAY, busy_until={"Anna": 75})
    heard = [(at, spoken(command)) for at, command in broadcasts(call)]
    assert heard == [(30, 0), (60, 0)]
    playbacks = [a["data"] for a in call.result.applications if a["application"] == "playback"]
    common = "/usr/share/freeswitch/sounds/centralka/common/pl"
    assert playbacks == [f"file_string://{common}/position/1.wav!{common}/people_waiting.wav!{common}/digits/0.wav"] * 2
    assert forward_stop(call)["legs"][-1]["cause"] == "answered"
    assert [item["at"] for item in forward_stop(call)["announcements"]] == [30, 60]
    assert "announcements at 30 s, 60 s" in call.trace()


def test_two_callers_and_a_member_busy_until_40_s(testowa):
    """Another caller waits 20 s already; Anna is busy until 40 s, then answers that caller first
    (5 s ringing, 60 s talk) and this one after: at 30 s one is ahead, from 60 s nobody."""
    testowa.publish(queued(testowa, "Anna"))
    call = testowa.call(MONDAY, busy_until={"Anna": 40}, waiting=[20])
    heard = [(at, spoken(command)) for at, command in broadcasts(call)]
    assert heard == [(30, 1), (60, 0), (90, 0)]
    left = [s for s in call.to_dict()["steps"] if s["kind"] == "queue_member_left"]
    assert [(s["at"], s["cause"]) for s in left] == [(45, "answered")]
    offered = [(leg["at"], leg["cause"]) for leg in legs(call)]
    assert offered[-1] == (105, "answered")  # free again after the first caller's 60 s
    assert forward_stop(call)["queue"]["cause"] == "answered"


def test_the_story_tells_the_caller_their_place_as_it_moves_up(testowa):
    """The queue tells the place only, in the male voice: 2nd at 30 s behind a caller waiting 20 s
    already, 1st from 60 s once Anna (busy until 40 s) has answered that caller at 45 s."""
    testowa.publish(forward("desk", {"user": testowa.users["Anna"].id}, voicemail(testowa), queue={
        "max_wait_seconds": 300, "announce_waiting": False, "voice": "male"}))
    call = testowa.call(MONDAY, busy_until={"Anna": 40}, waiting=[20])
    ours = call.result.variables["uuid"]
    common = "/usr/share/freeswitch/sounds/centralka/common/pl/male"
    assert broadcasts(call) == [(30, f"uuid_broadcast {ours} ${{sounds_dir}}/centralka/common/pl/male/position/2.wav aleg"),
                                (60, f"uuid_broadcast {ours} ${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg"),
                                (90, f"uuid_broadcast {ours} ${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg")]
    assert [a["data"] for a in call.result.applications if a["application"] == "playback"] == [
        f"{common}/position/2.wav", f"{common}/position/1.wav", f"{common}/position/1.wav"]
    lines = [f"{line['time']} {line['text']}" for line in call.story["pl"]["lines"]]
    assert [line for line in lines if "słyszy" in line] == [
        "0:30 słyszy: Jest Pan/Pani na 2. miejscu w kolejce", "1:00 słyszy: Jest Pan/Pani na 1. miejscu w kolejce",
        "1:30 słyszy: Jest Pan/Pani na 1. miejscu w kolejce"]
    english = [line["text"] for line in call.story["en"]["lines"] if line["text"].startswith("hears")]
    assert english[0] == "hears: You are number 2 in the queue"
    assert [item["told"] for item in forward_stop(call)["announcements"]] == [{"place": 2}, {"place": 1}, {"place": 1}]


def test_a_queue_that_announces_every_45_s(testowa):
    testowa.publish(queued(testowa, "Anna") | {"queue": {"max_wait_seconds": 150, "announce_every_seconds": 45}})
    call = testowa.call(MONDAY, busy_until={"Anna": 100})
    assert [(at, spoken(command)) for at, command in broadcasts(call)] == [(45, 0), (90, 0)]


def test_the_test_call_lists_what_the_listener_sends(testowa, tmp_path):
    """The captured callcenter events at the seconds the played queue gives them, fed to the
    listener's handler on its own clock: it sends the very broadcasts the test call lists."""
    testowa.publish(queued(testowa, "Anna", wait=300))
    call = testowa.call(MONDAY, busy_until={"Anna": 40}, waiting=[20, 10])
    steps = call.to_dict()["steps"]
    ours = call.result.variables["uuid"]
    entered = next(s["at"] for s in steps if s["kind"] == "queue_enter")
    events = [(entered - 20, "member-queue-start", "waiting-1"), (entered - 10, "member-queue-start", "waiting-2"),
              (entered, "member-queue-start", ours)]
    events += [(s["at"], "bridge-agent-start", s["member"]) for s in steps if s["kind"] == "queue_member_left"]
    events += [(s["at"], "bridge-agent-start", ours) for s in steps if s["kind"] == "queue_bridged"]
    assert [at for at, _ in broadcasts(call)] == [30, 60, 90, 120, 150]  # answered at 175 s
    assert heard_by_the_listener(sorted(events), ours, tmp_path) == broadcasts(call)


def heard_by_the_listener(events, ours: str, tmp_path) -> list[tuple[float, str]]:
    """What the listener sends our caller, its clock stepped through the events and every second."""
    clock, sent = [0.0], []
    board = queues.WaitingBoard(clock=lambda: clock[0])
    handler = CallEvents(Journal(str(tmp_path / "journal.sqlite3")), board, {})
    announcer = queues.PositionAnnouncer(board, lambda command: sent.append((clock[0], command)) or "+OK\n",
                                         queues.DEFAULT_WAITING_PROMPT)
    ticks = [float(t) for t in range(int(events[0][0]), int(events[-1][0]) + 1)]
    for at, what in sorted([(t, None) for t in ticks] + [(at, (action, uuid)) for at, action, uuid in events],
                           key=lambda item: (item[0], item[1] is None)):
        clock[0] = at
        if what is None:
            announcer.announce_due()
        else:
            handler.callcenter(Event.from_headers(dict(CAPTURED[what[0]], **{
                "Unique-ID": what[1], "CC-Member-Session-UUID": what[1], "CC-Queue": "q@default"})))
    return [(at, command) for at, command in sent if command.split()[1] == ours]


def test_prompts_last_as_long_as_their_rendered_files(testowa, ctx, tmp_path):
    ctx.config["PROMPTS_DIR"] = str(tmp_path / "prompts")
    prompts.render_system_prompts(ctx.config, ("pl",), numbers=range(0), places=range(0), voices=("female",))
    notice = prompts.wav_seconds(prompts.system_prompt_path("pl", "call_recorded", ctx.config))
    assert abs(notice - 3.0) > 0.1  # not the 3 s a prompt with no file is given
    testowa.publish(queued(testowa, "Tomek"))  # Tomek records his calls: the notice, then the queue
    call = testowa.call(MONDAY, answer=["Tomek"], sounds_dir="/opt/fs/sounds", recordings_dir="/srv/recordings")
    steps = call.to_dict()["steps"]
    assert next(s["at"] for s in steps if s["kind"] == "queue_enter") == pytest.approx(notice, abs=0.001)
    executed = {a["application"]: a["data"] for a in call.result.applications}
    assert executed["playback"] == "/opt/fs/sounds/centralka/common/pl/call_recorded.wav"
    assert executed["record_session"].startswith(f"/srv/recordings/{testowa.tenant.id}/")
