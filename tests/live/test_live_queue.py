"""Opt-in: queue waits of over a minute on a real FreeSWITCH, announcements included, against the test call.

Two callers wait in a queue whose only member rings on a carrier number that never answers: the
second joins 20 s after the first, and each hangs up after their time (CALLERS). The listener of
the Centralka serving the switch (`centralka serve`, which must run this code) announces the
people ahead of each every 30 s with `uuid_broadcast`. Each caller's (Application,
Application-Data) sequence on the switch, the broadcasts' playbacks included, must equal the
test call's (the second played with one caller already waiting 20 s), each broadcast within a
second of the moment the simulated listener sends it.

Needs the settings of test_live_switch.py, plus the panel's API to add the queue line once:

    CENTRALKA_LIVE_API=http://127.0.0.1:8000          the panel
    CENTRALKA_LIVE_API_TOKEN=…                       a full-scope API token of the company
    CENTRALKA_LIVE_QUEUE_NUMBER=48221000900          the main number the test adds and calls
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest

from tests.live.harness import (API, API_TOKEN, CALLER, CARRIER, LIVE_ESL, LIVE_SIP, SIPP, SWITCH_TIMEZONE,
                                XML_CURL_URL, Recorder, a_leg_of, api, callcenter_conf, destroyed, executed,
                                gateway_up, post, sipp, switch_durations, uac_scenario, uas_scenario)

QUEUE_NUMBER = os.environ.get("CENTRALKA_LIVE_QUEUE_NUMBER", "48221000900")
MEMBER_PHONE = "+48501000900"  # rings through the carrier, never answered
# (seconds after the first caller, caller number, seconds from the answer to the caller's hang-up)
CALLERS = [(0.0, CALLER, 100.0), (20.0, "48601234568", 75.0)]

pytestmark = [
    pytest.mark.skipif(not (LIVE_ESL and LIVE_SIP and XML_CURL_URL and API and API_TOKEN),
                       reason="live queue test: set the CENTRALKA_LIVE_* of test_live_switch.py, "
                              "CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN"),
    pytest.mark.skipif(SIPP is None, reason="live queue test: sipp is not installed"),
]


def _listed(payload, key: str) -> list[dict]:
    return payload[key] if isinstance(payload, dict) else payload


def queue_line() -> dict:
    """The main number whose scenario queues the caller for one member (added once), and its company."""
    number = "+" + QUEUE_NUMBER.lstrip("+")
    users = _listed(api("GET", "/api/users"), "users")
    member = next((u for u in users if u.get("phone") == MEMBER_PHONE), None) or api("POST", "/api/users", {
        "first_name": "Kolejka", "last_name": "Testowa", "phone": MEMBER_PHONE, "email": "kolejka@example.test"})
    numbers = _listed(api("GET", "/api/main-numbers"), "main_numbers")
    line = next((n for n in numbers if n["number"] == number), None) or api("POST", "/api/main-numbers",
                                                                               {"number": number})
    root = {"id": "desk", "kind": "forward", "name": "Kolejka", "target": {"user": member["id"]}, "ring_seconds": 20,
            "queue": {"max_wait_seconds": 300}, "no_answer": {"id": "bye", "kind": "hangup", "name": "Koniec"}}
    api("PUT", f"/api/main-numbers/{line['id']}/scenario/draft", {"name": "Kolejka na żywo", "root": root})
    api("POST", f"/api/main-numbers/{line['id']}/scenario/publish")
    return line


def _queue_loaded(recorder: Recorder, timeout: float = 20) -> bool:
    """The publish reloads mod_callcenter's queues (switch sync); wait until ours is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "_desk@default" in recorder.api("callcenter_config queue list"):
            return True
        time.sleep(1)
    return False


def simulate_wait(switch_vars: dict, caller: str, hang_up: float, waiting: list[float], uuid: str,
                  started: datetime, language: str):
    from pbx import queues
    from pbx.simulator import World, simulate
    from pbx.simulator.listener import QueueListener

    world = World(start=started, caller=caller, destination=QUEUE_NUMBER, caller_hangup=hang_up, speech=0.0,
                  uuid=uuid, waiting=waiting, listener=lambda: QueueListener(queues.DEFAULT_WAITING_PROMPT, language))
    return simulate(post, world, context="public", destination=QUEUE_NUMBER, caller=caller,
                    variables=dict(switch_vars), switch_timezone=SWITCH_TIMEZONE,
                    callcenter_conf=callcenter_conf(), durations=switch_durations(switch_vars["sounds_dir"]))


def _seconds(event) -> float:
    return int(event.get("Event-Date-Timestamp")) / 1e6


def place_calls(recorder: Recorder, folder) -> list[tuple[str, datetime]]:
    """Each caller of CALLERS at their moment; (A-leg uuid, start) of each once all have ended."""
    sip_host, sip_port = LIVE_SIP.rsplit(":", 1)
    calls, first = [], time.monotonic()
    for index, (offset, caller, hang_up) in enumerate(CALLERS):
        time.sleep(max(0.0, first + offset - time.monotonic()))
        call_id = f"live-queue-{int(time.time())}-{index}-"
        started = datetime.now(timezone.utc)
        uac = sipp([f"{sip_host}:{sip_port}", "-m", "1", "-cid_str", call_id + "%u@%s", "-i", "127.0.0.1",
                     "-p", str(15062 + 2 * index), "-mi", "127.0.0.1", "-mp", str(16260 + 20 * index)],
                    uac_scenario(QUEUE_NUMBER, caller, [], hang_up, hang_up + 30), folder, f"uac{index}")
        assert recorder.wait(lambda ev: a_leg_of(ev, call_id) is not None, 10), f"no channel for {caller}"
        calls.append((uac, a_leg_of(recorder.events, call_id), started))
    for uac, uuid, _ in calls:
        assert recorder.wait(lambda ev: destroyed(ev, uuid), max(h for _, _, h in CALLERS) + 30), "a call did not end"
        uac.wait(timeout=10)
    return [(uuid, started) for _, uuid, started in calls]


def broadcast_seconds(events, uuid: str) -> list[float]:
    """Seconds from the caller's `callcenter` to each playback a broadcast ran on their channel."""
    mine = [e for e in events if e.name == "CHANNEL_EXECUTE" and e.get("Unique-ID") == uuid]
    queued_at = next(_seconds(e) for e in mine if e.get("Application") == "callcenter")
    return [_seconds(e) - queued_at for e in mine if e.get("Application") == "playback"]


def test_queue_waits_of_over_a_minute_are_what_the_test_call_plays(tmp_path):
    recorder = Recorder()
    try:
        line = queue_line()
        assert _queue_loaded(recorder), recorder.api("callcenter_config queue list")
        switch_vars = {name: recorder.api(f"global_getvar {name}") for name in ("sounds_dir", "recordings_dir")}
        carrier_host, carrier_port = CARRIER.rsplit(":", 1)
        uas = sipp(["-i", carrier_host, "-p", carrier_port, "-mi", carrier_host, "-mp", "16240"],
                    uas_scenario([]), tmp_path, "uas")
        try:
            assert gateway_up(recorder, 40), recorder.api("sofia status gateway carrier")
            calls = place_calls(recorder, tmp_path)
        finally:
            uas.terminate()
            uas.wait(timeout=10)
    finally:
        recorder.close()
    for (uuid, started), (offset, caller, hang_up) in zip(calls, CALLERS):
        waiting = [offset - earlier for earlier, _, _ in CALLERS if earlier < offset]
        result = simulate_wait(switch_vars, caller, hang_up, waiting, uuid, started, line.get("language") or "pl")
        real = executed(recorder.events, uuid)
        assert real == [(a["application"], a["data"]) for a in result.applications], (caller, real)
        entered = next(s.at for s in result.steps if s.kind == "queue_enter")
        expected = [s.at - entered for s in result.steps if s.kind == "api"]
        heard = broadcast_seconds(recorder.events, uuid)
        assert len(expected) >= 2 and heard == pytest.approx(expected, abs=1.0), (caller, heard, expected)
        ahead = [int(c.split("/digits/")[1].split(".")[0]) for c in (s.details["command"] for s in result.steps if s.kind == "api")]
        assert ahead == [len(waiting)] * len(ahead)
