"""Opt-in: a "Call a server" node on a real FreeSWITCH, the company's server a real HTTP server here.

The test makes the company of an API token a new signing key (the old one stops working), adds a
main number whose scenario is one `server` node (answers `vip` and `sales`, a `fallback`), and
deletes the number afterwards. Calls come from the carrier to that number:

* the server answers `vip`: the call takes that branch; the server was told the switch's own call
  UUID, the caller and the path; the hang-up event carries `centralka_server=router:vip`;
* the server stalls past the node's deadline: the call takes `fallback` with `timeout`, and the
  switch's hunt got our reply in time (no fall-through to its static XML).

Each call's A-leg applications must equal the simulator's (which asks the same server through the
endpoint). Centralka must run with CENTRALKA_SERVER_CALL_LOOPBACK_HTTP=1 (the server here is
http://127.0.0.1). Settings: those of test_live_switch.py, CENTRALKA_LIVE_API and
CENTRALKA_LIVE_API_TOKEN (an owner's full token), CENTRALKA_LIVE_SERVER_CALL=1, and optionally:

    CENTRALKA_LIVE_SERVER_NUMBER=48221000912       the main number the test adds and calls
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from tests.live.harness import API, API_TOKEN, NEEDS_SWITCH, Origin, Plan, Simulation, api, assert_same_as_simulated, \
    place_call
from tests.support.company_server import CompanyServer

NUMBER = os.environ.get("CENTRALKA_LIVE_SERVER_NUMBER", "48221000912")

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN and os.environ.get("CENTRALKA_LIVE_SERVER_CALL") == "1"),
    reason="call a server: set CENTRALKA_LIVE_API, CENTRALKA_LIVE_API_TOKEN and CENTRALKA_LIVE_SERVER_CALL=1 "
           "(Centralka started with CENTRALKA_SERVER_CALL_LOOPBACK_HTTP=1)")]


@pytest.fixture(scope="module")
def server():
    running = CompanyServer(api("POST", "/api/company/server-secret")["server_secret"])
    number = api("POST", "/api/main-numbers", {"number": "+" + NUMBER})
    root = {"id": "router", "kind": "server", "url": running.url, "timeout_ms": 800,
            "answers": {"vip": {"id": "vip_end", "kind": "hangup"}, "sales": {"id": "sales_end", "kind": "hangup"}},
            "fallback": {"id": "no_server", "kind": "hangup"}}
    api("PUT", f"/api/main-numbers/{number['id']}/scenario/draft", {"name": "Serwer firmy", "root": root})
    api("POST", f"/api/main-numbers/{number['id']}/scenario/publish")
    try:
        yield running
    finally:
        running.close()
        api("DELETE", f"/api/main-numbers/{number['id']}")


def call(switch, folder):
    recorder, switch_vars = switch
    sim = Simulation(switch_vars, Origin(destination=NUMBER))
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc)))
    return place_call(recorder, sim, plan, folder)


def hangup_variable(recorder, placed, name: str) -> str:
    return next(e.get(f"variable_{name}", "") for e in recorder.events
                if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("Unique-ID") == placed.uuid)


def test_the_answer_picks_the_branch(switch, tmp_path, server):
    server.behave, server.answer = "answer", {"branch": "vip"}
    placed = call(switch, tmp_path)
    assert_same_as_simulated(placed)
    assert hangup_variable(switch[0], placed, "centralka_server") == "router:vip"
    assert hangup_variable(switch[0], placed, "centralka_path").endswith("router:vip;vip_end")
    told = [server.request(i)[1] for i in range(len(server.asked))]
    real = [t for t in told if t["call_uuid"] == placed.uuid]
    assert real and real[0]["path"] == ["router"] and real[0]["main_number"] == "+" + NUMBER


def test_a_server_that_stalls_takes_the_fallback_in_time(switch, tmp_path, server):
    server.behave = "stall"
    placed = call(switch, tmp_path)
    assert_same_as_simulated(placed)
    assert hangup_variable(switch[0], placed, "centralka_server") == "router:fallback:timeout"
    assert placed.cause == "NORMAL_CLEARING"
