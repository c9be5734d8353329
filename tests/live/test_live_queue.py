"""Opt-in: a queue wait of over a minute on a real FreeSWITCH, announcements included, against the test call.

The caller waits in a queue whose only member rings on a carrier number that never answers and
hangs up after HANG_UP seconds; the listener of the Centralka serving the switch (`centralka
serve`, which must run this code) announces the people ahead every 30 s with `uuid_broadcast`.
The member channel's (Application, Application-Data) sequence on the switch, the broadcasts'
playbacks included, must equal the simulated one, each broadcast within a second of the moment
the simulated listener sends it.

Needs the settings of test_live_switch.py, plus the panel's API to add the queue line once:

    CENTRALKA_LIVE_API=http://127.0.0.1:8000          the panel
    CENTRALKA_LIVE_API_TOKEN=…                       a full-scope API token of the company
    CENTRALKA_LIVE_QUEUE_NUMBER=48221000900          the main number the test adds and calls
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from urllib.request import Request, urlopen

import pytest

from tests.live.test_live_switch import (CALLER, CARRIER, LIVE_ESL, LIVE_SIP, SIPP, SWITCH_TIMEZONE, XML_CURL_URL,
                                         Recorder, _callcenter_conf, _gateway_up, _post, _sipp, _switch_durations,
                                         a_leg_of, destroyed, executed, uac_scenario, uas_scenario)

API = os.environ.get("CENTRALKA_LIVE_API", "")
TOKEN = os.environ.get("CENTRALKA_LIVE_API_TOKEN", "")
QUEUE_NUMBER = os.environ.get("CENTRALKA_LIVE_QUEUE_NUMBER", "48221000900")
MEMBER_PHONE = "+48501000900"  # rings through the carrier, never answered
HANG_UP = 75.0                 # seconds after the answer: two announcements heard

pytestmark = [
    pytest.mark.skipif(not (LIVE_ESL and LIVE_SIP and XML_CURL_URL and API and TOKEN),
                       reason="live queue test: set the CENTRALKA_LIVE_* of test_live_switch.py, "
                              "CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN"),
    pytest.mark.skipif(SIPP is None, reason="live queue test: sipp is not installed"),
]


def _api(method: str, path: str, body: dict | None = None):
    request = Request(API.rstrip("/") + path, method=method, data=json.dumps(body).encode() if body else None,
                      headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urlopen(request, timeout=30) as reply:
        return json.loads(reply.read() or b"null")


def _listed(payload, key: str) -> list[dict]:
    return payload[key] if isinstance(payload, dict) else payload


def queue_line() -> dict:
    """The main number whose scenario queues the caller for one member (added once), and its company."""
    number = "+" + QUEUE_NUMBER.lstrip("+")
    users = _listed(_api("GET", "/api/users"), "users")
    member = next((u for u in users if u.get("phone") == MEMBER_PHONE), None) or _api("POST", "/api/users", {
        "first_name": "Kolejka", "last_name": "Testowa", "phone": MEMBER_PHONE, "email": "kolejka@example.test"})
    numbers = _listed(_api("GET", "/api/main-numbers"), "main_numbers")
    line = next((n for n in numbers if n["number"] == number), None) or _api("POST", "/api/main-numbers",
                                                                               {"number": number})
    root = {"id": "desk", "kind": "forward", "name": "Kolejka", "target": {"user": member["id"]}, "ring_seconds": 20,
            "queue": {"max_wait_seconds": 300}, "no_answer": {"id": "bye", "kind": "hangup", "name": "Koniec"}}
    _api("PUT", f"/api/main-numbers/{line['id']}/scenario/draft", {"name": "Kolejka na żywo", "root": root})
    _api("POST", f"/api/main-numbers/{line['id']}/scenario/publish")
    return line


def _queue_loaded(recorder: Recorder, timeout: float = 20) -> bool:
    """The publish reloads mod_callcenter's queues (switch sync); wait until ours is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "_desk@default" in recorder.api("callcenter_config queue list"):
            return True
        time.sleep(1)
    return False


def simulate_wait(switch_vars: dict, uuid: str, started: datetime, language: str):
    from pbx import queues
    from pbx.simulator import World, simulate
    from pbx.simulator.listener import QueueListener

    world = World(start=started, caller=CALLER, destination=QUEUE_NUMBER, caller_hangup=HANG_UP, speech=0.0,
                  uuid=uuid, listener=lambda: QueueListener(queues.DEFAULT_WAITING_PROMPT, language))
    return simulate(_post, world, context="public", destination=QUEUE_NUMBER, caller=CALLER,
                    variables=dict(switch_vars), switch_timezone=SWITCH_TIMEZONE,
                    callcenter_conf=_callcenter_conf(), durations=_switch_durations(switch_vars["sounds_dir"]))


def _seconds(event) -> float:
    return int(event.get("Event-Date-Timestamp")) / 1e6


def test_a_queue_wait_of_over_a_minute_is_what_the_test_call_plays(tmp_path):
    recorder = Recorder()
    try:
        line = queue_line()
        assert _queue_loaded(recorder), recorder.api("callcenter_config queue list")
        switch_vars = {name: recorder.api(f"global_getvar {name}") for name in ("sounds_dir", "recordings_dir")}
        carrier_host, carrier_port = CARRIER.rsplit(":", 1)
        uas = _sipp(["-i", carrier_host, "-p", carrier_port, "-mi", carrier_host, "-mp", "16000"],
                    uas_scenario([]), tmp_path, "uas")
        try:
            assert _gateway_up(recorder, 40), recorder.api("sofia status gateway carrier")
            sip_host, sip_port = LIVE_SIP.rsplit(":", 1)
            call_id = f"live-queue-{int(time.time())}-"
            started = datetime.now(timezone.utc)
            uac = _sipp([f"{sip_host}:{sip_port}", "-m", "1", "-cid_str", call_id + "%u@%s", "-i", "127.0.0.1",
                         "-p", "15062", "-mi", "127.0.0.1", "-mp", "16200"],
                        uac_scenario(QUEUE_NUMBER, CALLER, [], HANG_UP, HANG_UP + 30), tmp_path, "uac")
            assert recorder.wait(lambda ev: a_leg_of(ev, call_id) is not None, 10), "no channel for the call"
            uuid = a_leg_of(recorder.events, call_id)
            assert recorder.wait(lambda ev: destroyed(ev, uuid), HANG_UP + 30), "the call did not end"
            uac.wait(timeout=10)
        finally:
            uas.terminate()
            uas.wait(timeout=10)
        result = simulate_wait(switch_vars, uuid, started, line.get("language") or "pl")
    finally:
        recorder.close()
    real = executed(recorder.events, uuid)
    assert real == [(a["application"], a["data"]) for a in result.applications], "\n".join(map(str, real))
    queued_at = next(_seconds(e) for e in recorder.events if e.name == "CHANNEL_EXECUTE"
                     and e.get("Unique-ID") == uuid and e.get("Application") == "callcenter")
    heard = [_seconds(e) - queued_at for e in recorder.events if e.name == "CHANNEL_EXECUTE"
             and e.get("Unique-ID") == uuid and e.get("Application") == "playback"]
    entered = next(s.at for s in result.steps if s.kind == "queue_enter")
    expected = [s.at - entered for s in result.steps if s.kind == "api"]
    assert len(expected) == 2 and heard == pytest.approx(expected, abs=1.0), (heard, expected)
