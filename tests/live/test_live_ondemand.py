"""Opt-in: a user on a mobile records part of a call with the record code (*3 ... *3) on a running FreeSWITCH.

A desk phone of the company dials a colleague's extension; the colleague (given the right to record
on demand) answers on the mobile (the carrier's SIPp), presses *3, talks, presses *3 again, then a
second pair, as RFC 2833 events. The switch must run our `record_toggle` on the colleague's leg:
`record_session` of a file `od_<user>_<leg>_<n>.wav` per start, `displace_session` of the notice,
`stop_record_session` of that file, each file's RECORD_STOP on the colleague's leg; a colleague
without the right hears the refusal and records nothing. With Centralka's listener running, the
call history lists both recordings under the one call, each started by the colleague. Same
settings as test_live_desk_phones.py (CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN too).
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import pytest

from tests.live import harness
from tests.live.harness import (ANSWER_AFTER, DIGIT_NAMES, DTMF_PCAPS, GATEWAY, OK, SDP, CARRIER, Plan, Simulation,
                                api, digits, msg, place_call, scenario, sipp)
from tests.live.test_live_desk_phones import PHONES, CALLER_PORT, _mobile, company, register  # noqa: F401

pytestmark = harness.NEEDS_SWITCH + [pytest.mark.skipif(
    not (harness.API and harness.API_TOKEN), reason="recording on demand: set CENTRALKA_LIVE_API and "
                                                    "CENTRALKA_LIVE_API_TOKEN")]

FIRST_PRESS = 3.0  # seconds after answering that the colleague presses the code first
BETWEEN = 3.0      # seconds between two presses


def pressing_carrier(answering: str, presses: int) -> str:
    """The carrier's UAS: `answering` answers, presses *3 `presses` times BETWEEN seconds apart and stays
    until the switch hangs it up."""
    tag = "[last_To:];tag=uas[call_number]"
    head = f"[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
    ringing = f"SIP/2.0 180 Ringing\n{head}Contact: <sip:[local_ip]:[local_port]>\nContent-Length: 0\n"
    answered = (f"SIP/2.0 200 OK\n{head}Contact: <sip:[local_ip]:[local_port]>\nContent-Type: application/sdp\n"
                f"Content-Length: [len]\n\n{SDP}")
    press = []
    for key in "*3":
        pcap = DTMF_PCAPS / f"dtmf_2833_{DIGIT_NAMES.get(key, key)}.pcap"
        press += [f'<nop><action><exec play_pcap_audio="{pcap}"/></action></nop>', '<pause milliseconds="300"/>']
    pressing = []
    for _ in range(presses):
        pressing += [*press, f'<pause milliseconds="{int(BETWEEN * 1000)}"/>']
    return scenario("live_uas_record", [
        '<recv request="OPTIONS" optional="true" next="options"/>',
        f'<recv request="INVITE"><action><ereg regexp="^INVITE sip:{answering}@" search_in="msg" '
        'check_it="true" assign_to="who"/></action></recv>',
        # SIPp refuses a variable assigned but never read.
        '<Reference variables="who"/>',
        f"<send>{msg(ringing)}</send>", f'<pause milliseconds="{int(ANSWER_AFTER * 1000)}"/>',
        f'<send retrans="500">{msg(answered)}</send>', '<recv request="ACK"/>',
        f'<pause milliseconds="{int(FIRST_PRESS * 1000)}"/>', *pressing,
        '<recv request="BYE"/>', f"<send>{msg(OK)}</send>", '<nop next="end"/>',
        '<label id="options"/>', f"<send>{msg(OK)}</send>",
        '<label id="end"/>',
    ])


def _call(switch, tmp_path, company, monkeypatch, *, right: bool, presses: int):  # noqa: F811
    recorder, switch_vars = switch
    api("PATCH", "/api/company", {"transfer_blind_code": "*1", "record_code": "*3"})
    caller = company.add_user("Dzwoniący", phone=None)
    anna = company.add_user("Anna", phone=_mobile(), may_record_on_demand=right)
    company.add_user("Ewa", phone=_mobile(), may_record_on_demand=True)  # someone has it: the code is bound
    host, port = CARRIER.rsplit(":", 1)
    monkeypatch.setattr(harness, "start_carrier", lambda folder, _answering: sipp(
        ["-i", host, "-p", port, "-mi", host, "-mp", "16000"], pressing_carrier(digits(anna["phone"]), presses),
        folder, "uas"))
    phone = company.phone(caller)
    register(recorder, phone, CALLER_PORT, tmp_path)
    sim = Simulation(switch_vars, company.origin(caller, anna["extension"]))
    hangup = ANSWER_AFTER + FIRST_PRESS + presses * (BETWEEN + 0.6) + 4.0
    plan = Plan(start=datetime.now(timezone.utc), answering=[GATEWAY + digits(anna["phone"])], caller_hangup=hangup)
    placed = place_call(recorder, sim, plan, tmp_path, target=PHONES, phone=phone)
    annas = [e for e in recorder.events if e.get("variable_centralka_user") == str(anna["id"])]
    return placed, anna, annas


def test_a_mobile_records_two_parts_of_a_call_with_the_record_code(switch, tmp_path, company, monkeypatch):  # noqa: F811
    placed, anna, annas = _call(switch, tmp_path, company, monkeypatch, right=True, presses=4)
    binds = [data for app, data in placed.real if app == "bind_meta_app"]
    assert any(data.startswith("3 b s execute_extension::record_toggle XML tenant_") for data in binds), binds
    ran = [(e.get("Application"), e.get("Application-Data")) for e in annas if e.name == "CHANNEL_EXECUTE"]
    assert [app for app, _ in ran if app in ("record_session", "stop_record_session")] == [
        "record_session", "stop_record_session"] * 2, ran
    assert sum(1 for app, _ in ran if app == "displace_session") == 2
    stops = [e for e in annas if e.name == "RECORD_STOP"]
    files = [os.path.basename(e.get("Record-File-Path")) for e in stops]
    assert [name.rsplit("_", 1)[1] for name in files] == ["1.wav", "11.wav"], files
    assert all(name.startswith(f"od_{anna['id']}_") for name in files)
    assert all(int(e.get("variable_record_ms") or 0) > 1000 for e in stops)
    assert placed.cause == "NORMAL_CLEARING"
    _the_history_lists(f"{anna['first_name']} {anna['last_name']}", 2)


def test_a_colleague_without_the_right_is_refused_and_nothing_is_recorded(switch, tmp_path, company,
                                                                          monkeypatch):  # noqa: F811
    _, _, annas = _call(switch, tmp_path, company, monkeypatch, right=False, presses=1)
    ran = [(e.get("Application"), e.get("Application-Data")) for e in annas if e.name == "CHANNEL_EXECUTE"]
    assert any(app == "playback" and data.endswith("/recording_refused.wav") for app, data in ran), ran
    assert not [e for e in annas if e.name == "RECORD_STOP"]


def _the_history_lists(who: str, count: int) -> None:
    """With the listener running, the call's recordings appear in its history (written a few seconds later)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        calls = api("GET", "/api/calls?per_page=20")
        mine = [c for c in calls if len(c["recordings"]) == count
                and all(r["started_by"] == who for r in c["recordings"])]
        if mine:
            return
        time.sleep(1)
    pytest.fail(f"no call in the history with {count} recordings started by {who}")
