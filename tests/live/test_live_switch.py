"""Opt-in: real calls through a running FreeSWITCH, compared with the simulator.

Each test places a call from the "carrier" with SIPp to a main number, records the A-leg's
CHANNEL_EXECUTE events over the event socket, and plays the same call (same caller, instant,
keys, who answers, when the caller hangs up) in pbx.simulator against the same xml_curl
endpoint the switch uses. The (Application, Application-Data) sequences must be equal.

Needs a switch configured from freeswitch/ with its `carrier` gateway pointing at a SIPp UAS
this suite starts, and Centralka serving its xml_curl:

    CENTRALKA_LIVE_ESL=127.0.0.1:8021:password      event socket of the switch
    CENTRALKA_LIVE_SIP=127.0.0.1:5080               where the carrier's calls land (context public)
    CENTRALKA_LIVE_XML_CURL_URL=http://user:pass@127.0.0.1:8099/xml_curl
    CENTRALKA_LIVE_CARRIER=127.0.0.1:5090           the gateway's proxy; the suite's SIPp UAS binds it
    CENTRALKA_LIVE_NUMBER=48221000000               main number to call (the demo's by default)
    CENTRALKA_LIVE_CALLER=48601234567               caller number
    CENTRALKA_LIVE_SWITCH_TIMEZONE=UTC              the switch host's own zone
    CENTRALKA_LIVE_EVENTS_DIR=/some/dir             optional: keep each call's event stream (JSON lines)

Prompts' lengths are read from the switch's sounds_dir when it is on this machine.
Calls from registered desk phones are in test_live_desk_phones.py (it needs the panel's API too);
what both suites share is in harness.py.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.live.harness import NEEDS_SWITCH, Plan, Simulation, assert_same_as_simulated, place_call

pytestmark = NEEDS_SWITCH

# (keys pressed, one at each menu; whether the first carrier number of the next bridge answers)
CALLS = {
    "no keys, nobody answers": ([], False),
    "key 1, nobody answers": (["1"], False),
    "key 2, the first carrier number answers": (["2"], True),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_real_call_executes_what_the_simulator_plays(switch, tmp_path, name):
    recorder, switch_vars = switch
    sim = Simulation(switch_vars)
    keys, answer = CALLS[name]
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc), keys=list(keys), answer_first_carrier_leg=answer))
    assert_same_as_simulated(place_call(recorder, sim, plan, tmp_path))
