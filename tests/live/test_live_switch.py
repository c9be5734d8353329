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
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import time
import uuid as uuidlib
import wave
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

import pytest

LIVE_ESL = os.environ.get("CENTRALKA_LIVE_ESL", "")
LIVE_SIP = os.environ.get("CENTRALKA_LIVE_SIP", "")
XML_CURL_URL = os.environ.get("CENTRALKA_LIVE_XML_CURL_URL", "")
CARRIER = os.environ.get("CENTRALKA_LIVE_CARRIER", "127.0.0.1:5090")
NUMBER = os.environ.get("CENTRALKA_LIVE_NUMBER", "48221000000")
CALLER = os.environ.get("CENTRALKA_LIVE_CALLER", "48601234567")
SWITCH_TIMEZONE = os.environ.get("CENTRALKA_LIVE_SWITCH_TIMEZONE", "UTC")
EVENTS_DIR = os.environ.get("CENTRALKA_LIVE_EVENTS_DIR", "")
SIPP = shutil.which("sipp")
DTMF_PCAPS = Path(os.environ.get("CENTRALKA_LIVE_DTMF_DIR", "/usr/share/sip-tester"))

pytestmark = [
    pytest.mark.skipif(not (LIVE_ESL and LIVE_SIP and XML_CURL_URL),
                       reason="live switch test: set CENTRALKA_LIVE_ESL=host:port:password, "
                              "CENTRALKA_LIVE_SIP=host:port and CENTRALKA_LIVE_XML_CURL_URL"),
    pytest.mark.skipif(SIPP is None, reason="live switch test: sipp is not installed"),
]

MAX_CALL = 120.0      # seconds a test call may last; the caller hangs up by then
KEY_INTO_MENU = 1.5   # a key is pressed this long after its menu's prompt starts
ANSWER_AFTER = 3.0    # seconds a carrier number named to answer rings first
TALK = 4.0            # seconds the caller stays on an answered bridge before hanging up
DIGIT_NAMES = {"*": "star", "#": "pound"}


# ---------------------------------------------------------------- the endpoint, as the switch asks it

def _post(form: dict[str, str]) -> bytes:
    parts = urlsplit(XML_CURL_URL)
    url = urlunsplit((parts.scheme, parts.hostname + (f":{parts.port}" if parts.port else ""),
                      parts.path, parts.query, ""))
    request = Request(url, data=urlencode(form).encode(), method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    if parts.username:
        token = base64.b64encode(f"{parts.username}:{parts.password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urlopen(request, timeout=10) as reply:
        return reply.read()


def _callcenter_conf() -> bytes:
    return _post({"section": "configuration", "tag_name": "configuration", "key_name": "name",
                  "key_value": "callcenter.conf"})


# ---------------------------------------------------------------- the event socket

class Recorder:
    """All events of the switch while a call runs (`event json ALL`), collected off the reader thread."""

    def __init__(self):
        from pbx.esl.client import connect

        host, port, password = LIVE_ESL.rsplit(":", 2)
        self.events, self.cond = [], threading.Condition()
        self.client = connect(host, int(port), password, on_events=self._take)
        self.client.subscribe(("ALL",), fmt="json")

    def _take(self, events):
        with self.cond:
            self.events.extend(events)
            self.cond.notify_all()

    def api(self, command: str) -> str:
        return self.client.api(command).strip()

    def wait(self, predicate, timeout: float):
        with self.cond:
            self.cond.wait_for(lambda: predicate(self.events), timeout)
            return predicate(self.events)

    def close(self):
        self.client.close()


def a_leg_of(events, call_id: str) -> str | None:
    for event in events:
        if event.name == "CHANNEL_CREATE" and (event.get("variable_sip_call_id") or "").startswith(call_id):
            return event.get("Unique-ID")
    return None


def executed(events, uuid: str) -> list[tuple[str, str]]:
    """(Application, Application-Data) of every CHANNEL_EXECUTE of one channel, in order."""
    return [(e.get("Application", ""), e.get("Application-Data", "") or "")
            for e in events if e.name == "CHANNEL_EXECUTE" and e.get("Unique-ID") == uuid]


def hangup_cause(events, uuid: str) -> str | None:
    for event in events:
        if event.name == "CHANNEL_HANGUP_COMPLETE" and event.get("Unique-ID") == uuid:
            return event.get("Hangup-Cause")
    return None


def destroyed(events, uuid: str) -> bool:
    return any(e.name == "CHANNEL_DESTROY" and e.get("Unique-ID") == uuid for e in events)


# ---------------------------------------------------------------- SIPp

SDP = """v=0
o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8 0 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
"""


def _msg(text: str) -> str:
    return "<![CDATA[\n" + text.strip("\n") + "\n\n]]>"


def uac_scenario(number: str, caller: str, timeline: list[tuple[float, str]],
                 hangup_at: float | None, wait: float) -> str:
    """The carrier's INVITE, then keys at their instants; the caller hangs up at `hangup_at`
    (seconds after the answer) or waits for the switch's BYE. A refusal is acknowledged."""
    head = (f"Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
            f"From: <sip:{caller}@[local_ip]:[local_port]>;tag=live[call_number]\n")
    invite = (f"INVITE sip:{number}@[remote_ip]:[remote_port] SIP/2.0\n{head}"
              f"To: <sip:{number}@[remote_ip]:[remote_port]>\nCall-ID: [call_id]\nCSeq: 1 INVITE\n"
              f"Contact: <sip:{caller}@[local_ip]:[local_port]>\nMax-Forwards: 70\n"
              f"Content-Type: application/sdp\nContent-Length: [len]\n\n{SDP}")
    ack = (f"ACK sip:{number}@[remote_ip]:[remote_port] SIP/2.0\n{head}[last_To:]\nCall-ID: [call_id]\n"
           f"CSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n")
    refused_ack = (f"ACK sip:{number}@[remote_ip]:[remote_port] SIP/2.0\n[last_Via:]\n[last_From:]\n[last_To:]\n"
                   f"Call-ID: [call_id]\nCSeq: 1 ACK\nMax-Forwards: 70\nContent-Length: 0\n")
    bye = (f"BYE sip:{number}@[remote_ip]:[remote_port] SIP/2.0\n{head}[last_To:]\nCall-ID: [call_id]\n"
           f"CSeq: 2 BYE\nMax-Forwards: 70\nContent-Length: 0\n")
    ok = ("SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
          "Content-Length: 0\n")
    parts = [f'<send retrans="500">{_msg(invite)}</send>']
    parts += [f'<recv response="{code}" optional="true"/>' for code in (100, 180, 183)]
    parts += [f'<recv response="{code}" optional="true" next="refused"/>'
              for code in (403, 404, 480, 486, 487, 503, 603)]
    parts += ['<recv response="200" rtd="true"/>', f"<send>{_msg(ack)}</send>"]
    now = 0.0
    for at, digits in timeline:
        for digit in digits:
            if at > now:
                parts.append(f'<pause milliseconds="{int((at - now) * 1000)}"/>')
                now = at
            pcap = DTMF_PCAPS / f"dtmf_2833_{DIGIT_NAMES.get(digit, digit)}.pcap"
            parts.append(f'<nop><action><exec play_pcap_audio="{pcap}"/></action></nop>')
            at += 0.3
    if hangup_at is not None:
        parts.append(f'<pause milliseconds="{max(0, int((hangup_at - now) * 1000))}"/>')
        parts += [f"<send>{_msg(bye)}</send>", '<recv response="200"/>']
    else:
        parts += [f'<recv request="BYE" timeout="{int(wait * 1000)}"/>', f"<send>{_msg(ok)}</send>"]
    parts += ['<nop next="end"/>', '<label id="refused"/>', f"<send>{_msg(refused_ack)}</send>",
              '<label id="end"/>']
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="live_uac">\n'
            + "\n".join(parts) + "\n</scenario>\n")


def uas_scenario(answer: list[str]) -> str:
    """The carrier: numbers in `answer` pick up after ANSWER_AFTER s and stay until the BYE;
    every other number rings until CANCEL. OPTIONS pings are answered (the gateway stays up)."""
    regex = "^INVITE sip:(" + "|".join(answer or ["-"]) + ")@"
    tag = "[last_To:];tag=uas[call_number]"
    ringing = (f"SIP/2.0 180 Ringing\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
               "Contact: <sip:[local_ip]:[local_port]>\nContent-Length: 0\n")
    answered = (f"SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
                "Contact: <sip:[local_ip]:[local_port]>\nContent-Type: application/sdp\n"
                f"Content-Length: [len]\n\n{SDP}")
    ok = ("SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
          "Content-Length: 0\n")
    ok_cancel = f"SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n"
    terminated = (f"SIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n"
                  "CSeq: [cseq] INVITE\nContent-Length: 0\n")
    parts = [
        '<recv request="OPTIONS" optional="true" next="options"/>',
        f'<recv request="INVITE"><action><ereg regexp="{regex}" search_in="msg" check_it="false" '
        'assign_to="pick_up"/></action></recv>',
        f"<send>{_msg(ringing)}</send>",
        '<nop next="answer" test="pick_up"/>',
        '<recv request="CANCEL"/>', f"<send>{_msg(ok_cancel)}</send>", f"<send>{_msg(terminated)}</send>",
        '<recv request="ACK" next="end"/>',
        '<label id="answer"/>', f'<pause milliseconds="{int(ANSWER_AFTER * 1000)}"/>',
        f'<send retrans="500">{_msg(answered)}</send>', '<recv request="ACK"/>',
        '<recv request="BYE"/>', f"<send>{_msg(ok)}</send>", '<nop next="end"/>',
        '<label id="options"/>', f"<send>{_msg(ok)}</send>",
        '<label id="end"/>',
    ]
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="live_uas">\n'
            + "\n".join(parts) + "\n</scenario>\n")


def _sipp(args: list[str], scenario: str, folder: Path, name: str) -> subprocess.Popen:
    path = folder / f"{name}.xml"
    path.write_text(scenario)
    with open(folder / f"{name}.log", "w") as log:
        return subprocess.Popen([SIPP, *args, "-sf", str(path), "-nostdin",
                                 "-trace_err", "-error_file", str(folder / f"{name}_errors.log")],
                                stdout=log, stderr=subprocess.STDOUT, cwd=folder)


# ---------------------------------------------------------------- the simulator

def _switch_durations(sounds_dir: str) -> dict[str, float]:
    """Lengths of the prompts under the switch's sounds_dir/centralka, when it is on this machine."""
    durations = {"*": 3.0}
    root = Path(sounds_dir) / "centralka"
    for wav in root.glob("**/*.wav") if root.is_dir() else []:
        try:
            with wave.open(str(wav)) as w:
                durations[f"{sounds_dir}/centralka/{wav.relative_to(root)}"] = w.getnframes() / w.getframerate()
        except (wave.Error, OSError, EOFError):
            pass
    return durations


@dataclass
class Plan:
    """The call as both sides play it."""

    start: datetime
    keys: list[str] = field(default_factory=list)
    answer_first_carrier_leg: bool = False
    keypresses: list[tuple[float, str]] = field(default_factory=list)
    caller_hangup: float | None = None
    answering: list[str] = field(default_factory=list)


class Simulation:
    def __init__(self, switch_vars: dict[str, str]):
        self.vars = switch_vars
        self.conf = _callcenter_conf()
        self.durations = _switch_durations(switch_vars["sounds_dir"])

    def play(self, plan: Plan, uuid: str | None = None):
        from pbx.simulator import Leg, World, simulate

        legs = {f"sofia/gateway/carrier/{n}": Leg("answer", ANSWER_AFTER) for n in plan.answering}
        # SIPp sends no voice: a voicemail recording ends on its silence limit.
        world = World(start=plan.start, caller=CALLER, destination=NUMBER, keypresses=list(plan.keypresses),
                      legs=legs, caller_hangup=plan.caller_hangup, speech=0.0, uuid=uuid)
        return simulate(_post, world, context="public", destination=NUMBER, caller=CALLER,
                        variables=dict(self.vars), switch_timezone=SWITCH_TIMEZONE,
                        callcenter_conf=self.conf, durations=self.durations)

    def prepare(self, plan: Plan) -> Plan:
        """Settle key instants, who answers and when the caller leaves, from the simulated call."""
        from pbx.simulator.apps import parse_dial_string

        plan.caller_hangup = MAX_CALL
        for digits in plan.keys:
            result = self.play(plan)
            after = plan.keypresses[-1][0] if plan.keypresses else -1.0
            menus = [s.at for s in result.steps if s.kind == "execute" and s.at > after
                     and s.details["application"] in ("play_and_get_digits", "read")]
            if menus:
                plan.keypresses.append((menus[0] + KEY_INTO_MENU, digits))
        result = self.play(plan)
        if plan.answer_first_carrier_leg:
            after = plan.keypresses[-1][0] if plan.keypresses else -1.0
            for step in result.steps:
                if step.kind == "execute" and step.details["application"] == "bridge" and step.at > after:
                    targets = [leg.target for group in parse_dial_string(step.details["data"])[1] for leg in group]
                    carrier = [t for t in targets if t.startswith("sofia/gateway/carrier/")]
                    plan.answering = [carrier[0].rsplit("/", 1)[1]] if carrier else []
                    break
            result = self.play(plan)
        bridged = [s.at for s in result.steps if s.kind in ("bridged", "queue_bridged")]
        if bridged:
            plan.caller_hangup = bridged[0] + TALK
        elif result.hangup_by != "caller":
            plan.caller_hangup = None  # the dialplan ends the call
        return plan


# ---------------------------------------------------------------- one call

@pytest.fixture
def switch(tmp_path):
    recorder = Recorder()
    try:
        switch_vars = {name: recorder.api(f"global_getvar {name}") for name in ("sounds_dir", "recordings_dir")}
        yield recorder, switch_vars
    finally:
        recorder.close()


def _gateway_up(recorder: Recorder, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        status = [line.split()[-1] for line in recorder.api("sofia status gateway carrier").splitlines()
                  if line.startswith("Status")]
        if status == ["UP"] or time.monotonic() > deadline:
            return status == ["UP"]
        time.sleep(1)


def place_call(recorder: Recorder, sim: Simulation, plan: Plan, folder: Path):
    """Run the call on the switch; return (A-leg uuid, real applications, simulated result)."""
    sip_host, sip_port = LIVE_SIP.rsplit(":", 1)
    carrier_host, carrier_port = CARRIER.rsplit(":", 1)
    uas = _sipp(["-i", carrier_host, "-p", carrier_port, "-mi", carrier_host, "-mp", "16000"],
                uas_scenario(plan.answering), folder, "uas")
    try:
        # The gateway pings every 30 s (ping in carrier.xml); while it is down every bridge fails.
        assert _gateway_up(recorder, 40), "gateway carrier is down:\n" + recorder.api("sofia status gateway carrier")
        # SIPp matches replies by its own Call-ID: let it make one we can find in CHANNEL_CREATE.
        call_id = f"live-{uuidlib.uuid4()}-"
        wait = MAX_CALL + 30
        # Our dialplans answer within the first hunts, so SIPp's pauses (which start at the ACK)
        # count from the INVITE, like the simulator's clock.
        scenario = uac_scenario(NUMBER, CALLER, plan.keypresses, plan.caller_hangup, wait)
        started = datetime.now(timezone.utc)
        uac = _sipp([f"{sip_host}:{sip_port}", "-m", "1", "-cid_str", call_id + "%u@%s", "-i", "127.0.0.1", "-p", "15060",
                     "-mi", "127.0.0.1", "-mp", "16100"], scenario, folder, "uac")
        try:
            assert recorder.wait(lambda ev: a_leg_of(ev, call_id) is not None, 10), "no channel for the call"
            uuid = a_leg_of(recorder.events, call_id)
            assert recorder.wait(lambda ev: destroyed(ev, uuid), wait), "the call did not end"
            uac.wait(timeout=10)
        finally:
            if uac.poll() is None:
                uac.kill()
    finally:
        uas.terminate()
        uas.wait(timeout=10)
    plan.start = started
    result = sim.play(plan, uuid=uuid)
    if EVENTS_DIR:
        out = Path(EVENTS_DIR) / f"{started:%Y%m%dT%H%M%S}_{uuid}.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w") as fh:
            for event in recorder.events:
                fh.write(json.dumps(event.headers, ensure_ascii=False) + "\n")
        (out.with_suffix(".sim.json")).write_text(json.dumps(
            {"plan": {"keys": plan.keypresses, "caller_hangup": plan.caller_hangup, "answering": plan.answering},
             "applications": result.applications, "trace": result.trace()}, ensure_ascii=False, indent=1))
    return uuid, executed(recorder.events, uuid), hangup_cause(recorder.events, uuid), result


def simulated(result) -> list[tuple[str, str]]:
    return [(a["application"], a["data"]) for a in result.applications]


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
    uuid, real, cause, result = place_call(recorder, sim, plan, tmp_path)
    expected = simulated(result)
    assert real, f"no CHANNEL_EXECUTE seen for {uuid}"
    assert real == expected, "\n".join(
        f"{'  ' if r == s else '!='} real {r!r:<90} simulated {s!r}"
        for r, s in _zip_longest(real, expected))
    # Same applications but another ending (e.g. a record that could not open its file) is a miss too.
    assert cause == result.hangup_cause, f"hangup cause: real {cause}, simulated {result.hangup_cause} " \
                                         f"(by {result.hangup_by})"


def _zip_longest(a, b):
    from itertools import zip_longest

    return zip_longest(a, b, fillvalue=None)
