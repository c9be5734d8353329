"""mod_callcenter with several members, people busy until a moment, and the listener's broadcasts."""

from __future__ import annotations

import pytest

from pbx.simulator import Leg, UnsupportedApplication
from pbx.simulator.apps import Call
from pbx.simulator.apps.commands import api
from pbx.simulator.listener import QueueListener
from pbx.simulator.world import World
from tests.simulator.test_apps import START, a, call

ANNA, PIOTR = "sofia/gateway/carrier/48501000001", "sofia/gateway/carrier/48501000002"


def conf(strategy: str = "top-down", max_wait: int = 300, agents=(ANNA, PIOTR)) -> bytes:
    defaults = 'busy-delay-time="5" no-answer-delay-time="5" wrap-up-time="10"'
    names = [f"a{index}@default" for index in range(len(agents))]
    return f"""<document type="freeswitch/xml"><section name="configuration">
      <configuration name="callcenter.conf"><queues><queue name="q@default">
        <param name="strategy" value="{strategy}"/><param name="max-wait-time" value="{max_wait}"/></queue></queues>
      <agents>{"".join(f'<agent name="{n}" type="callback" status="Available" {defaults} contact="[leg_timeout=20]{c}"/>'
                       for n, c in zip(names, agents))}</agents>
      <tiers>{"".join(f'<tier agent="{n}" queue="q@default" level="1" position="{i}"/>' for i, n in enumerate(names, 1))}
      </tiers></configuration></section></document>""".encode()


def queue_call(**world):
    return call(a("answer") + a("callcenter", "q@default") + a("log", "${cc_cause}"),
                conf=world.pop("conf", conf()), listener=QueueListener, **world)


def heard(result) -> list[tuple[float, int]]:
    return [(s.at, int(s.details["command"].rsplit("/digits/", 1)[1].split(".")[0]))
            for s in result.steps if s.kind == "api"]


def test_a_caller_ahead_takes_the_first_agent_and_ours_rings_the_second_at_once():
    result = queue_call(waiting=[1], legs={ANNA: Leg("answer", 3, talk=30), PIOTR: Leg("answer", 7, talk=10)})
    offered = [(s.details["target"], s.details["start"]) for s in result.steps if s.kind == "agent_leg"]
    assert offered == [(PIOTR, 0)]  # while Anna still rings for the caller ahead
    left = [(s.at, s.details["cause"], s.details["agent"]) for s in result.steps if s.kind == "queue_member_left"]
    assert left == [(2, "answered", "a0@default")]
    assert result.variables["cc_agent"] == "a1@default"


def test_busy_until_then_answering_and_who_is_ahead_when():
    result = queue_call(waiting=[20], conf=conf(agents=(ANNA,)), legs={ANNA: Leg("busy")},
                        changes={ANNA: [(40, Leg("answer", 5, talk=60))]})
    left = [(s.at, s.details["cause"]) for s in result.steps if s.kind == "queue_member_left"]
    assert left == [(45, "answered")]
    # Anna talks with the first caller for 60 s and wraps up for 10 s: free at 115 s, answers at 120 s.
    bridged = next(s.at for s in result.steps if s.kind == "queue_bridged")
    assert bridged == 120
    assert heard(result) == [(30, 1), (60, 0), (90, 0)]


def test_a_caller_ahead_whose_wait_runs_out_leaves_the_queue():
    result = queue_call(waiting=[50], conf=conf(max_wait=60, agents=(ANNA,)), legs={ANNA: Leg("busy")},
                        caller_hangup=45)
    left = [(round(s.at), s.details["cause"]) for s in result.steps if s.kind == "queue_member_left"]
    assert left == [(10, "timeout")]
    assert heard(result) == [(30, 0)]
    assert result.variables["cc_cancel_reason"] == "BREAK_OUT"


def test_the_world_says_how_a_target_behaves_at_each_moment():
    world = World(start=START, legs={ANNA: Leg("busy")}, changes={ANNA: [(40, Leg("answer", 5))]})
    assert [world.leg(ANNA, at).outcome for at in (0, 39.9, 40, 100)] == ["busy", "busy", "answer", "answer"]
    assert world.leg(PIOTR, 50).outcome == "no_answer"


def test_uuid_broadcast_plays_on_the_callers_channel_only():
    channel = Call(World(start=START), {"uuid": "u1", "sounds_dir": "/snd"}, {}, "UTC", {}, None)
    assert api(channel, "uuid_broadcast u2 /x.wav aleg").startswith("-ERR")
    assert api(channel, "uuid_broadcast u1 ${sounds_dir}/x.wav aleg") == "+OK Message sent\n"
    assert channel.applications == [{"application": "playback", "data": "/snd/x.wav"}]
    for command in ("uuid_kill u1", "uuid_broadcast u1 /x.wav both"):
        with pytest.raises(UnsupportedApplication):
            api(channel, command)


def test_strategies_that_remember_past_calls_are_not_guessed_with_callers_waiting():
    with pytest.raises(UnsupportedApplication, match="round-robin"):
        queue_call(waiting=[5], conf=conf("round-robin"))
