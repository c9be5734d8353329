"""What the far end of a bridge is shown and hears: caller ID per leg, applications run as the bridge starts."""

from __future__ import annotations

import pytest

from pbx.simulator import Leg, UnsupportedApplication
from tests.simulator.test_apps import a, call

GW = "sofia/gateway/carrier/"


def shown(result) -> dict[str, str]:
    return {s.details["target"]: s.details["caller_id"] for s in result.steps if s.kind == "leg"}


def test_a_leg_shows_its_own_override_else_the_global_one_else_the_callers_effective_number_else_its_own():
    dial = "{originate_timeout=5}[origination_caller_id_number=48501]" + GW + "1,[leg_timeout=5]" + GW + "2"
    result = call(a("set", "effective_caller_id_number=101") + a("bridge", dial), caller="48222")
    assert shown(result) == {GW + "1": "48501", GW + "2": "101"}
    result = call(a("bridge", "{origination_caller_id_number=48777}" + GW + "1,[origination_caller_id_number=48501]"
                    + GW + "2"), caller="48222", default_leg=Leg("busy", 1.0))
    assert shown(result) == {GW + "1": "48777", GW + "2": "48501"}
    assert shown(call(a("bridge", GW + "1"), caller="48222", default_leg=Leg("busy", 1.0))) == {GW + "1": "48222"}


def test_bridge_pre_execute_plays_to_both_legs_as_the_bridge_starts_without_delaying_the_talk():
    result = call(a("set", "bridge_pre_execute_aleg_app=playback") + a("set", "bridge_pre_execute_aleg_data=notice.wav")
                  + a("set", "bridge_pre_execute_bleg_app=playback") + a("set", "bridge_pre_execute_bleg_data=notice.wav")
                  + a("bridge", GW + "1"), legs={GW + "1": Leg("answer", 2.0, talk=10)})
    assert result.applications[-1] == {"application": "playback", "data": "notice.wav"}
    (peer,) = [s for s in result.steps if s.kind == "peer_execute"]
    assert (peer.at, peer.details["target"], peer.details["data"]) == (2.0, GW + "1", "notice.wav")
    assert result.duration == pytest.approx(12.0)


def test_other_pre_execute_applications_are_not_modelled():
    with pytest.raises(UnsupportedApplication, match="bridge_pre_execute_bleg_app=record"):
        call(a("set", "bridge_pre_execute_bleg_app=record") + a("bridge", GW + "1"),
             legs={GW + "1": Leg("answer", 1.0, talk=1)})
