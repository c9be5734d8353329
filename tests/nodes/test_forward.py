from collections import Counter
from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.dialplan.snapshot import UserInfo
from pbx.simulator import Leg
from tests.support.compiler import (ANNA, DESK, KASIA, PIOTR, WARSAW, applications, call, compiled, hangup,
                                    path_of, snapshot, split_dial_legs)

ANNA_DESK, PIOTR_DESK = "user/101@t3.pbx.local", "user/102@t3.pbx.local"

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)


def forward(target, **fields):
    return {"id": "fw", "kind": "forward", "target": target, "ring_seconds": 25,
            "no_answer": hangup("missed"), **fields}


def bridges(root, snap=None):
    return [d for app, d in applications(compiled(root, snap).xml) if app == "bridge"]


def test_sequential_group_rings_members_in_turn_each_on_both_phones():
    (dial,) = bridges(forward({"group": 10}))
    assert dial == ("{ignore_early_media=true,originate_continue_on_timeout=true,originate_timeout=20}"
                    f"[leg_timeout=20,centralka_user=1]{ANNA},[leg_timeout=20,centralka_user=1]{ANNA_DESK}"
                    f"|[leg_timeout=15,centralka_user=2]{PIOTR},[leg_timeout=15,centralka_user=2]{PIOTR_DESK}")


def test_sequential_group_reaches_the_next_member_after_the_first_rang_out():
    # The first member's ring time equals originate_timeout, which ends the group first (a real
    # FreeSWITCH 1.10.12 then skipped Piotr); the next member must still be called.
    result = call(forward({"group": 10}), at=AT, legs={PIOTR: Leg("answer", 3.0, talk=5)})
    rung = [(s.details["target"], s.details["outcome"]) for s in result.steps if s.kind == "leg"]
    assert (ANNA, "NO_ANSWER") in rung and (PIOTR, "answered") in rung
    assert [s.details["target"] for s in result.steps if s.kind == "bridged"] == [PIOTR]


def test_simultaneous_group_rings_everyone_for_the_forwards_ring_time():
    (dial,) = bridges(forward({"group": 11}))
    assert dial.startswith("{ignore_early_media=true,originate_timeout=25}")
    assert split_dial_legs(dial.split("}", 1)[1]) == [
        f"[leg_timeout=25,centralka_user=1]{ANNA}", f"[leg_timeout=25,centralka_user=1]{ANNA_DESK}",
        f"[leg_timeout=25,centralka_user=3]{KASIA}", "[leg_timeout=25,centralka_user=3]user/103@t3.pbx.local"]


def test_user_with_a_phone_number_and_a_sip_phone_rings_both_at_once():
    (dial,) = bridges(forward({"user": 1}))
    assert dial == ("{ignore_early_media=true,originate_timeout=25}"
                    f"[leg_timeout=25,centralka_user=1]{ANNA},[leg_timeout=25,centralka_user=1]{ANNA_DESK}")
    result = call(forward({"user": 1}), at=AT, legs={ANNA_DESK: Leg("answer", 3.0, talk=5)})
    (bridged,) = [s for s in result.steps if s.kind == "bridged"]
    legs = {s.details["target"]: s.details["outcome"] for s in result.steps if s.kind == "leg"}
    assert bridged.details["target"] == ANNA_DESK and legs == {ANNA: "LOSE_RACE", ANNA_DESK: "answered"}


def test_user_with_only_a_phone_number_rings_only_it():
    snap = snapshot(users={1: UserInfo(1, None, "+48501234567")})
    assert bridges(forward({"user": 1}), snap) == [f"{{originate_timeout=25}}[leg_timeout=25,centralka_user=1]{ANNA}"]


def test_random_group_puts_each_member_first_for_a_share_of_calls():
    firsts = Counter()
    for seed in range(90):
        result = call(forward({"group": 12}), at=AT, seed=seed)
        legs = [s.details["target"] for s in result.steps if s.kind == "leg"]
        firsts[legs[0]] += 1
    assert set(firsts) == {ANNA, KASIA, DESK} and min(firsts.values()) >= 15


@pytest.mark.parametrize("behaviour, expected", [
    (Leg("busy", 1.0), "fw:busy"),
    (Leg("no_answer"), "fw:no_answer"),
    (Leg("unreachable", 0.5, cause="UNALLOCATED_NUMBER"), "fw:unavailable"),
])
def test_failures_take_their_branch(behaviour, expected):
    # On all of Anna's phones: one phone busy while the other rings out ends as NO_ANSWER.
    root = forward({"user": 1}, busy=hangup("engaged"), unavailable=hangup("gone"))
    result = call(root, at=AT, legs={ANNA: behaviour, ANNA_DESK: behaviour})
    assert expected in path_of(result)


def test_missing_busy_and_unavailable_fall_back_to_no_answer():
    result = call(forward({"user": 1}), at=AT, legs={ANNA: Leg("busy", 1.0), ANNA_DESK: Leg("busy", 1.0)})
    assert path_of(result)[-2:] == ["fw:busy", "missed"]


def test_answered_call_ends_after_the_bridge():
    result = call(forward({"user": 1}), at=AT, legs={ANNA: Leg("answer", 2.0, talk=10)})
    assert result.hangup_by == "callee" and path_of(result) == ["fw"]
    leg = [s for s in result.steps if s.kind == "leg"][0]
    assert leg.details["variables"]["centralka_user"] == "1" and leg.details["variables"]["centralka_tenant"] == "3"


def test_external_number_through_the_carrier_and_sip_only_user():
    assert bridges(forward({"number": "+48 600 100 200"})) == [
        "{originate_timeout=25}[leg_timeout=25]sofia/gateway/carrier/48600100200"]
    assert bridges(forward({"user": 4})) == [f"{{originate_timeout=25}}[leg_timeout=25,centralka_user=4]{DESK}"]


def test_recording_user_hears_the_notice_and_is_recorded():
    apps = applications(compiled(forward({"user": 2})).xml, "s5_fw")
    names = [a for a, _ in apps]
    assert names.index("playback") < names.index("record_session") < names.index("bridge")
    assert ("record_session", "${recordings_dir}/3/${uuid}.wav") in apps


def test_queue_definition_and_fallback():
    result = compiled(forward({"group": 10}, queue={"max_wait_seconds": 90}))
    (queue,) = result.meta["queues"]
    assert queue["name"] == "t3_s5_fw@default" and queue["strategy"] == "top-down" and queue["max_wait_seconds"] == 90
    assert [a["name"] for a in queue["agents"]] == ["t3_s5_fw_u1@default", "t3_s5_fw_u2@default"]
    assert ("callcenter", "t3_s5_fw@default") in applications(result.xml)
    assert compiled(forward({"group": 13})).meta["queues"][0]["strategy"] == "longest-idle-agent"


def _set_before_the_queue(root) -> list[str]:
    apps = applications(compiled(root).xml)
    return [data for app, data in apps[:[app for app, _ in apps].index("callcenter")]
            if app == "set" and data.startswith("centralka_announce")]


def test_a_stored_queue_without_announcement_settings_announces_the_place_and_the_count():
    assert _set_before_the_queue(forward({"group": 10}, queue={"max_wait_seconds": 90})) == [
        "centralka_announce=place,waiting", "centralka_announce_every=30", "centralka_announce_voice=female"]


@pytest.mark.parametrize("settings, expected", [
    ({"announce_place": False, "announce_every_seconds": 60, "voice": "male"},
     ["centralka_announce=waiting", "centralka_announce_every=60", "centralka_announce_voice=male"]),
    ({"announce_waiting": False}, ["centralka_announce=place", "centralka_announce_every=30",
                                   "centralka_announce_voice=female"]),
    ({"announce_place": False, "announce_waiting": False},
     ["centralka_announce=none", "centralka_announce_every=30", "centralka_announce_voice=female"]),
])
def test_the_queue_announcements_are_set_on_the_caller_channel(settings, expected):
    assert _set_before_the_queue(forward({"group": 10}, queue={"max_wait_seconds": 90, **settings})) == expected


@pytest.mark.parametrize("settings, message", [
    ({"announce_every_seconds": 5}, "Must be from 15 to 600"),
    ({"announce_every_seconds": "30"}, "Not a valid integer"),
    ({"voice": "robot"}, "Must be one of: female, male"),
    ({"announce_place": "maybe"}, "Not a valid boolean"),
])
def test_bad_queue_announcement_settings(settings, message):
    with pytest.raises(ScenarioInvalid) as error:
        compiled(forward({"group": 10}, queue={"max_wait_seconds": 90, **settings}))
    assert message in str(error.value) and error.value.errors[0].node_id == "fw"


def test_a_queue_left_before_its_first_announcement_is_linted():
    short = compiled(forward({"group": 10}, queue={"max_wait_seconds": 40, "announce_every_seconds": 45}))
    assert [w.message for w in short.warnings if "announcement" in w.message] == [
        "callers leave the queue after 40 s, before the first announcement (every 45 s): they hear none"]
    silent = compiled(forward({"group": 10}, queue={"max_wait_seconds": 40, "announce_every_seconds": 45,
                                                    "announce_place": False, "announce_waiting": False}))
    assert not [w for w in silent.warnings if "announcement" in w.message]


def test_empty_group_goes_straight_to_the_fallback_and_is_linted():
    result = compiled(forward({"group": 14}))
    assert "bridge" not in [a for a, _ in applications(result.xml)]
    assert any("no member" in w.message for w in result.warnings)


@pytest.mark.parametrize("target, message", [
    ({"user": 99}, "user 99 does not exist"), ({"group": 99}, "group 99 does not exist"),
    ({"user": 1, "group": 10}, "exactly one"), ({"number": "+48 600 100 200 ${x}"}, "not a phone number"),
])
def test_bad_targets(target, message):
    with pytest.raises(ScenarioInvalid) as error:
        compiled(forward(target))
    assert message in str(error.value) and error.value.errors[0].node_id == "fw"


def test_no_answer_branch_is_required():
    with pytest.raises(ScenarioInvalid, match="the “no answer” branch is missing"):
        compiled({k: v for k, v in forward({"user": 1}).items() if k != "no_answer"})
