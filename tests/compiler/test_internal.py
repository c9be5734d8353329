"""Directory extensions: longest-idle groups through their queue, emergency numbers."""
from datetime import datetime

import pytest
from lxml import etree

from pbx.compiler.internal import group_queues
from pbx.dialplan.snapshot import UserInfo
from pbx.simulator import Leg
from tests.support.compiler import ANNA, KASIA, WARSAW, applications, call, hangup, path_of, snapshot, tenant_xml

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
SCENARIO = hangup("bye")
FROM_DESK = {"user_name": "104"}  # the registered SIP phone of user 4 (no phone number)


def agent_legs(result) -> list[str]:
    return [s.details["target"] for s in result.steps if s.kind == "agent_leg"]


def test_longest_idle_group_dialled_by_extension_waits_in_the_groups_queue():
    (queue,) = group_queues(snapshot())
    assert queue["name"] == "t3_g13@default" and queue["strategy"] == "longest-idle-agent"
    assert [a["name"] for a in queue["agents"]] == ["t3_g13_u1@default", "t3_g13_u3@default"]
    result = call(SCENARIO, at=AT, destination="500", variables=FROM_DESK, queues=[queue],
                  legs={KASIA: Leg("answer", 4.0, talk=10)})
    assert ("callcenter", "t3_g13@default") in [(a["application"], a["data"]) for a in result.applications]
    assert result.variables["cc_cause"] == "answered" and KASIA in agent_legs(result)
    assert "bridge" not in [a["application"] for a in result.applications]


def test_nobody_in_the_groups_queue_hangs_up_an_extension_call_and_returns_a_direct_dial_to_the_menu():
    queues = group_queues(snapshot())
    result = call(SCENARIO, at=AT, destination="500", variables=FROM_DESK, queues=queues)
    assert result.hangup_cause == "NO_ANSWER" and result.duration == pytest.approx(30, abs=1)
    menu = {"id": "m", "kind": "menu", "prompt": 5, "repeat": 1, "direct_dial": True, "options": {"1": hangup("one")},
            "no_input": hangup("silent")}
    result = call(menu, at=AT, keys=[(1.0, "500")], queues=queues)
    assert path_of(result) == ["m:dial:500", "m:no_input", "silent"]
    assert ANNA in agent_legs(result)


@pytest.mark.parametrize("number", ["112", "997", "998", "999"])
def test_emergency_numbers_go_out_as_dialled_with_the_users_own_number(number):
    result = call(SCENARIO, at=AT, destination=number, variables={"user_name": "101"},
                  legs={f"sofia/gateway/carrier/{number}": Leg("answer", 1.0, talk=5)})
    assert [s.details["target"] for s in result.steps if s.kind == "bridged"] == [f"sofia/gateway/carrier/{number}"]
    assert result.variables["effective_caller_id_number"] == "48501234567"
    assert "sched_hangup" not in [a["application"] for a in result.applications]  # no 60-minute cap


def test_emergency_wins_over_an_extension_and_presents_the_main_number_without_an_own_one():
    snap = snapshot(users={**snapshot().users, 7: UserInfo(7, "112", "+48503456789")})
    result = call(SCENARIO, at=AT, snap=snap, destination="112", variables=FROM_DESK)
    (bridge,) = [a["data"] for a in result.applications if a["application"] == "bridge"]
    assert bridge == "{originate_timeout=60}sofia/gateway/carrier/112"
    assert result.variables["effective_caller_id_number"] == "48221000000"
    names = [e.get("name") for e in etree.fromstring(tenant_xml(SCENARIO, snap)).iter("extension")]
    assert names.index("emergency") < names.index("ext_112")
    assert ("bridge", "{originate_timeout=60}sofia/gateway/carrier/$1") in applications(tenant_xml(SCENARIO), "emergency")


def test_colleagues_are_not_recorded_a_transferred_caller_is_and_nobody_answering_is_no_answer():
    apps = lambda result: [a["application"] for a in result.applications]  # noqa: E731
    internal = call(SCENARIO, at=AT, destination="102", variables={"user_name": "101"})
    assert "record_session" not in apps(internal) and internal.hangup_cause == "NO_ANSWER"
    transferred = call(SCENARIO, at=AT, destination="102", variables={"centralka_direction": "in"})
    assert "record_session" in apps(transferred)
    # Busy on every phone is passed on; one busy phone while the other rings out is NO_ANSWER
    # (originate_timeout ends the ringing before leg_timeout does).
    busy = call(SCENARIO, at=AT, destination="102", variables=FROM_DESK,
                legs={"sofia/gateway/carrier/48502345678": Leg("busy", 1.0),
                      "user/102@t3.pbx.local": Leg("busy", 1.0)})
    assert busy.hangup_cause == "USER_BUSY"
    half_busy = call(SCENARIO, at=AT, destination="102", variables=FROM_DESK,
                     legs={"sofia/gateway/carrier/48502345678": Leg("busy", 1.0)})
    assert half_busy.hangup_cause == "NO_ANSWER"
