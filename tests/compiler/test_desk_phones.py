"""Calls from registered desk phones: what leaves through the carrier, recorded calls out, *666."""
from datetime import datetime

import pytest

from pbx.dialplan.snapshot import UserInfo
from pbx.simulator import Leg
from tests.support.compiler import ANNA, KASIA, PIOTR, WARSAW, call, hangup, snapshot

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
SCENARIO = hangup("bye")
NOTICE = "/sounds/centralka/common/pl/call_recorded.wav"


def desk(extension: str) -> dict:
    """What the SIP directory puts on a call from a registered phone (xml_curl/directory.py)."""
    return {"user_name": extension, "effective_caller_id_number": extension, "sounds_dir": "/sounds"}


def presented(result) -> dict[str, str]:
    return {s.details["target"]: s.details["caller_id"] for s in result.steps if s.kind == "leg"}


def test_a_colleagues_mobile_sees_the_callers_own_number_and_the_desk_phone_the_extension():
    result = call(SCENARIO, at=AT, destination="102", variables=desk("101"), caller="101")
    assert presented(result) == {PIOTR: "48501234567", "user/102@t3.pbx.local": "101"}


@pytest.mark.parametrize("user, number", [
    (UserInfo(1, "101", "+48501234567", may_present_main_number=True, always_present_main_number=True), "48221000000"),
    (UserInfo(1, "101", None), "48221000000"),  # a desk phone alone: the company's number, as for 112
    (UserInfo(1, "101", "+48501234567", always_present_main_number=True), "48501234567"),  # no right: own
])
def test_the_number_presented_follows_the_callers_presentation_rights(user, number):
    snap = snapshot(users={**snapshot().users, 1: user})
    result = call(SCENARIO, at=AT, snap=snap, destination="102", variables=desk("101"), caller="101")
    assert presented(result)[PIOTR] == number


def test_a_group_rung_by_extension_presents_the_callers_number_on_every_mobile():
    result = call(SCENARIO, at=AT, destination="300", variables=desk("102"), caller="102")
    assert {target: number for target, number in presented(result).items() if "gateway" in target} == {
        ANNA: "48502345678", KASIA: "48502345678"}
    assert presented(result)["user/101@t3.pbx.local"] == "102"


def test_a_transferred_outside_caller_keeps_its_own_number():
    result = call(SCENARIO, at=AT, destination="102", caller="48600100200", variables={"centralka_direction": "in"})
    assert presented(result)[PIOTR] == "48600100200"


def test_the_called_party_of_a_recorded_outbound_call_hears_the_notice_on_answer():
    outside = "sofia/gateway/carrier/48602000111"
    result = call(SCENARIO, at=AT, destination="602000111", variables=desk("102"), caller="102",
                  legs={outside: Leg("answer", 4.0, talk=20)})
    (peer,) = [s for s in result.steps if s.kind == "peer_execute"]
    assert (peer.at, peer.details["application"], peer.details["data"]) == (4.0, "playback", NOTICE)
    apps = [a["application"] for a in result.applications]
    assert "record_session" in apps and apps[-2:] == ["bridge", "playback"]  # the caller hears it too
    assert result.applications[-1]["data"] == NOTICE
    assert result.duration == pytest.approx(24.0)


def test_an_unrecorded_outbound_call_plays_no_notice():
    result = call(SCENARIO, at=AT, destination="602000111", variables=desk("101"), caller="101",
                  legs={"sofia/gateway/carrier/48602000111": Leg("answer", 4.0, talk=20)})
    assert "playback" not in [a["application"] for a in result.applications]
    assert not [s for s in result.steps if s.kind == "peer_execute"]


@pytest.mark.parametrize("extension", ["102", "104"])  # no right; no right and no own number either
def test_star666_without_the_right_is_refused_audibly_and_never_goes_out(extension):
    result = call(SCENARIO, at=AT, destination="*666602000111", variables=desk(extension), caller=extension)
    assert result.hangup_cause == "OUTGOING_CALL_BARRED"
    apps = [(a["application"], a["data"]) for a in result.applications]
    assert ("playback", "/sounds/centralka/common/pl/main_number_refused.wav") in apps
    assert "bridge" not in [a for a, _ in apps]


def test_star666_with_the_right_presents_the_main_number():
    result = call(SCENARIO, at=AT, destination="*666602000111", variables=desk("101"), caller="101",
                  legs={"sofia/gateway/carrier/48602000111": Leg("answer", 2.0, talk=5)})
    assert presented(result) == {"sofia/gateway/carrier/48602000111": "48221000000"}
    assert ANNA not in presented(result)


def test_a_longest_idle_group_rung_by_extension_shows_the_callers_number_to_its_agents():
    from pbx.compiler.internal import group_queues
    result = call(SCENARIO, at=AT, destination="500", variables=desk("102"), caller="102",
                  queues=group_queues(snapshot()))
    agents = {s.details["target"]: s.details["caller_id"] for s in result.steps if s.kind == "agent_leg"}
    assert agents[ANNA] == agents[KASIA] == "48502345678"
