"""Opt-in: a user on a mobile transfers a call with the blind code (*1 <extension> #) on a running FreeSWITCH.

A desk phone of the company dials a colleague's extension; the colleague's mobile (the carrier's
SIPp) answers, waits, then sends *1, the third user's extension and # as RFC 2833 events. The
switch must run our `xfer_blind` on the colleague's leg, move the caller to the extension typed
(the third user's mobile rings through the carrier and answers), hang the colleague's leg up,
and report `centralka_transfer=blind:<extension>` on it; with Centralka's listener running, the
call record's path ends with `transfer:<extension> by <colleague>`. Same settings as
test_live_desk_phones.py (CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN too).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from tests.live import harness
from tests.live.harness import (ANSWER_AFTER, DIGIT_NAMES, DTMF_PCAPS, GATEWAY, OK, SDP, CARRIER, Plan, Simulation,
                                api, digits, hangup_cause, msg, place_call, received_invites, scenario, sipp)
from tests.live.test_live_desk_phones import PHONES, CALLER_PORT, _mobile, company, register  # noqa: F401

pytestmark = harness.NEEDS_SWITCH + [pytest.mark.skipif(
    not (harness.API and harness.API_TOKEN), reason="transfers: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]

KEYS_AFTER = 3.0  # seconds the colleague talks before pressing the code


def transferring_carrier(transferring: str, answering: list[str], keys: str) -> str:
    """The carrier's UAS: `transferring` answers, presses `keys` a key every 0.3 s, and stays until
    the switch hangs it up; numbers in `answering` answer and stay; any other rings until CANCEL."""
    tag = "[last_To:];tag=uas[call_number]"
    head = f"[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
    ringing = f"SIP/2.0 180 Ringing\n{head}Contact: <sip:[local_ip]:[local_port]>\nContent-Length: 0\n"
    answered = (f"SIP/2.0 200 OK\n{head}Contact: <sip:[local_ip]:[local_port]>\nContent-Type: application/sdp\n"
                f"Content-Length: [len]\n\n{SDP}")
    cancelled = f"SIP/2.0 200 OK\n{head}Content-Length: 0\n"
    terminated = (f"SIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n"
                  "CSeq: [cseq] INVITE\nContent-Length: 0\n")
    pressing = []
    for key in keys:
        pcap = DTMF_PCAPS / f"dtmf_2833_{DIGIT_NAMES.get(key, key)}.pcap"
        pressing += [f'<nop><action><exec play_pcap_audio="{pcap}"/></action></nop>', '<pause milliseconds="300"/>']
    return scenario("live_uas_transfer", [
        '<recv request="OPTIONS" optional="true" next="options"/>',
        f'<recv request="INVITE"><action><ereg regexp="^INVITE sip:{transferring}@" search_in="msg" '
        'check_it="false" assign_to="transfers"/><ereg regexp="^INVITE sip:(' + "|".join(answering) + ')@" '
        'search_in="msg" check_it="false" assign_to="answers"/></action></recv>',
        f"<send>{msg(ringing)}</send>",
        '<nop next="answer" test="transfers"/>', '<nop next="answer" test="answers"/>',
        '<recv request="CANCEL"/>', f"<send>{msg(cancelled)}</send>", f"<send>{msg(terminated)}</send>",
        '<recv request="ACK" next="end"/>',
        '<label id="answer"/>', f'<pause milliseconds="{int(ANSWER_AFTER * 1000)}"/>',
        f'<send retrans="500">{msg(answered)}</send>', '<recv request="ACK"/>',
        '<nop next="talk" test="answers"/>',
        f'<pause milliseconds="{int(KEYS_AFTER * 1000)}"/>', *pressing,
        '<label id="talk"/>', '<recv request="BYE"/>', f"<send>{msg(OK)}</send>", '<nop next="end"/>',
        '<label id="options"/>', f"<send>{msg(OK)}</send>",
        '<label id="end"/>',
    ])


def test_a_mobile_transfers_the_caller_with_the_blind_code(switch, tmp_path, company, monkeypatch):  # noqa: F811
    recorder, switch_vars = switch
    api("PATCH", "/api/company", {"transfer_blind_code": "*1", "transfer_attended_code": "*2"})
    caller = company.add_user("Dzwoniący", phone=None)
    anna = company.add_user("Anna", phone=_mobile())
    piotr = company.add_user("Piotr", phone=_mobile())
    anna_mobile, piotr_mobile = digits(anna["phone"]), digits(piotr["phone"])
    host, port = CARRIER.rsplit(":", 1)
    monkeypatch.setattr(harness, "start_carrier", lambda folder, _answering: sipp(
        ["-i", host, "-p", port, "-mi", host, "-mp", "16000"],
        transferring_carrier(anna_mobile, [piotr_mobile], f"*1{piotr['extension']}#"), folder, "uas"))

    phone = company.phone(caller)
    register(recorder, phone, CALLER_PORT, tmp_path)
    sim = Simulation(switch_vars, company.origin(caller, anna["extension"]))
    # The caller stays long enough for the code, the transfer and Piotr's answer; the switch ends it after.
    plan = Plan(start=datetime.now(timezone.utc), answering=[GATEWAY + anna_mobile], caller_hangup=40.0)
    placed = place_call(recorder, sim, plan, tmp_path, target=PHONES, phone=phone)

    binds = [data for app, data in placed.real if app == "bind_meta_app"]
    assert binds and binds[0].startswith("1 b s execute_extension::xfer_blind XML tenant_")
    bridges = [data for app, data in placed.real if app == "bridge"]
    assert len(bridges) == 2 and piotr_mobile in bridges[1], bridges  # moved: the caller rang Piotr
    assert [i["to"] for i in received_invites(tmp_path, "uas")][:2] == [anna_mobile, piotr_mobile]
    annas_leg = [e for e in recorder.events if e.name == "CHANNEL_HANGUP_COMPLETE"
                 and e.get("variable_centralka_user") == str(anna["id"])]
    assert annas_leg and annas_leg[0].get("variable_centralka_transfer") == f"blind:{piotr['extension']}"
    assert hangup_cause(recorder.events, placed.uuid) == "NORMAL_CLEARING"
    _the_record_says_so(placed.uuid, f"transfer:{piotr['extension']} by Anna Biurkowy")


def _the_record_says_so(call_uuid: str, step: str) -> None:
    """With the listener running, the caller's record gets the step (it writes a few seconds later)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        calls = api("GET", "/api/calls?per_page=20")
        found = [c for c in calls if step in c["path"]]
        if found:
            assert len([c for c in calls if c["id"] == found[0]["id"]]) == 1
            return
        time.sleep(1)
    pytest.fail(f"no call record shows {step!r} (is the listener running?) — call {call_uuid}")
