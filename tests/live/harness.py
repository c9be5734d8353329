"""What the live suites share: the switch's event socket, SIPp, the endpoint and the simulator.

Settings (environment) are listed in test_live_switch.py's docstring.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import time
import uuid as uuidlib
import wave
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import zip_longest
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
API = os.environ.get("CENTRALKA_LIVE_API", "")
API_TOKEN = os.environ.get("CENTRALKA_LIVE_API_TOKEN", "")
SIPP = shutil.which("sipp")
DTMF_PCAPS = Path(os.environ.get("CENTRALKA_LIVE_DTMF_DIR", "/usr/share/sip-tester"))

NEEDS_SWITCH = [
    pytest.mark.skipif(not (LIVE_ESL and LIVE_SIP and XML_CURL_URL),
                       reason="live switch test: set CENTRALKA_LIVE_ESL=host:port:password, "
                              "CENTRALKA_LIVE_SIP=host:port and CENTRALKA_LIVE_XML_CURL_URL"),
    pytest.mark.skipif(SIPP is None, reason="live switch test: sipp is not installed"),
]

MAX_CALL = 120.0      # seconds a test call may last; the caller hangs up by then
KEY_INTO_MENU = 1.5   # a key is pressed this long after its menu's prompt starts
ANSWER_AFTER = 3.0    # seconds a carrier number (or a desk phone) named to answer rings first
TALK = 4.0            # seconds the caller stays on an answered bridge before hanging up
DIGIT_NAMES = {"*": "star", "#": "pound"}
GATEWAY = "sofia/gateway/carrier/"


# ---------------------------------------------------------------- the endpoint, as the switch asks it

def post(form: dict[str, str]) -> bytes:
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


def callcenter_conf() -> bytes:
    return post({"section": "configuration", "tag_name": "configuration", "key_name": "name",
                 "key_value": "callcenter.conf"})


def api(method: str, path: str, body: dict | None = None):
    """Centralka's REST API (CENTRALKA_LIVE_API), as the owner's API token."""
    request = Request(API.rstrip("/") + path, method=method, data=None if body is None else json.dumps(body).encode(),
                      headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"})
    with urlopen(request, timeout=30) as reply:  # a publish compiles the company
        text = reply.read()
    return json.loads(text) if text else None


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
    """The channel of the call SIPp started that ran the dialplan (an INVITE challenged for
    credentials may leave a channel of its own that executes nothing)."""
    for event in events:
        if event.name == "CHANNEL_EXECUTE" and (event.get("variable_sip_call_id") or "").startswith(call_id):
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


def keep_events(recorder: Recorder, started: datetime, uuid: str, plan: Plan, result) -> None:
    """With CENTRALKA_LIVE_EVENTS_DIR: the call's event stream and its simulation, for reading later."""
    if not EVENTS_DIR:
        return
    out = Path(EVENTS_DIR) / f"{started:%Y%m%dT%H%M%S}_{uuid}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        for event in recorder.events:
            fh.write(json.dumps(event.headers, ensure_ascii=False) + "\n")
    out.with_suffix(".sim.json").write_text(json.dumps(
        {"plan": {"keys": plan.keypresses, "caller_hangup": plan.caller_hangup, "answering": plan.answering},
         "applications": result.applications, "trace": result.trace()}, ensure_ascii=False, indent=1))


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
OK = ("SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
      "Content-Length: 0\n")


def msg(text: str) -> str:
    return "<![CDATA[\n" + text.strip("\n") + "\n\n]]>"


def scenario(name: str, parts: list[str]) -> str:
    return (f'<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="{name}">\n'
            + "\n".join(parts) + "\n</scenario>\n")


@dataclass(frozen=True)
class Phone:
    """A desk phone: the SIP user (extension) of a company's domain and its password."""

    extension: str
    domain: str
    password: str

    def authentication(self) -> str:
        return f"[authentication username={self.extension} password={self.password}]"


def register_scenario(phone: Phone) -> str:
    """REGISTER, answer the 401 with digest credentials, expect 200."""
    def register(cseq: int, auth: str) -> str:
        return (f"REGISTER sip:{phone.domain} SIP/2.0\n"
                "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
                f"From: <sip:{phone.extension}@{phone.domain}>;tag=reg[call_number]\n"
                f"To: <sip:{phone.extension}@{phone.domain}>\n"
                # SIPp matches replies by the part after ///
                "Call-ID: reg///[call_id]\n"
                f"CSeq: {cseq} REGISTER\nContact: <sip:{phone.extension}@[local_ip]:[local_port]>\n"
                f"{auth}Expires: 300\nMax-Forwards: 70\nContent-Length: 0\n")
    return scenario("live_register", [
        f'<send retrans="500">{msg(register(1, ""))}</send>', '<recv response="401" auth="true"/>',
        f'<send retrans="500">{msg(register(2, phone.authentication() + chr(10)))}</send>',
        '<recv response="200"/>'])


def uac_scenario(number: str, caller: str, timeline: list[tuple[float, str]],
                 hangup_at: float | None, wait: float, phone: Phone | None = None) -> str:
    """An INVITE (from the carrier, or from `phone`, answering the switch's 407), then keys at
    their instants; the caller hangs up at `hangup_at` (seconds after the answer) or waits for
    the switch's BYE. A refusal is acknowledged."""
    host = phone.domain if phone else "[remote_ip]:[remote_port]"
    via = "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
    head = f"From: <sip:{caller}@{phone.domain if phone else '[local_ip]:[local_port]'}>;tag=live[call_number]\n"

    def invite(cseq: int, auth: str = "") -> str:
        return (f"INVITE sip:{number}@{host} SIP/2.0\n{via}{head}To: <sip:{number}@{host}>\nCall-ID: [call_id]\n"
                f"CSeq: {cseq} INVITE\nContact: <sip:{caller}@[local_ip]:[local_port]>\n{auth}Max-Forwards: 70\n"
                f"Content-Type: application/sdp\nContent-Length: [len]\n\n{SDP}")

    def request(method: str, cseq: int, to: str = "[last_To:]", top: str = via + head) -> str:
        return (f"{method} sip:{number}@{host} SIP/2.0\n{top}{to}\nCall-ID: [call_id]\nCSeq: {cseq} {method}\n"
                "Max-Forwards: 70\nContent-Length: 0\n")

    cseq = 2 if phone else 1
    parts = [f'<send retrans="500">{msg(invite(1))}</send>']
    if phone:
        parts += ['<recv response="100" optional="true"/>', '<recv response="407" auth="true"/>',
                  f"<send>{msg(request('ACK', 1, top='[last_Via:]' + chr(10) + '[last_From:]' + chr(10)))}</send>",
                  f'<send retrans="500">{msg(invite(2, phone.authentication() + chr(10)))}</send>']
    parts += [f'<recv response="{code}" optional="true"/>' for code in (100, 180, 183)]
    parts += [f'<recv response="{code}" optional="true" next="refused"/>'
              for code in (403, 404, 480, 486, 487, 503, 603)]
    parts += ['<recv response="200" rtd="true"/>', f"<send>{msg(request('ACK', cseq))}</send>"]
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
        parts += [f"<send>{msg(request('BYE', cseq + 1))}</send>", '<recv response="200"/>']
    else:
        parts += [f'<recv request="BYE" timeout="{int(wait * 1000)}"/>', f"<send>{msg(OK)}</send>"]
    refused_ack = request("ACK", cseq, top="[last_Via:]\n[last_From:]\n")
    parts += ['<nop next="end"/>', '<label id="refused"/>', f"<send>{msg(refused_ack)}</send>",
              '<label id="end"/>']
    return scenario("live_uac", parts)


def uas_scenario(answer: list[str], name: str = "live_uas") -> str:
    """A callee (the carrier, or a registered desk phone): INVITEs to a user in `answer` are picked
    up after ANSWER_AFTER s and stay until the BYE; every other one rings until CANCEL. OPTIONS
    pings are answered (the gateway stays up)."""
    regex = "^INVITE sip:(" + "|".join(answer or ["-"]) + ")@"
    tag = "[last_To:];tag=uas[call_number]"
    ringing = (f"SIP/2.0 180 Ringing\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
               "Contact: <sip:[local_ip]:[local_port]>\nContent-Length: 0\n")
    answered = (f"SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\n"
                "Contact: <sip:[local_ip]:[local_port]>\nContent-Type: application/sdp\n"
                f"Content-Length: [len]\n\n{SDP}")
    ok_cancel = f"SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n"
    terminated = (f"SIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n{tag}\n[last_Call-ID:]\n"
                  "CSeq: [cseq] INVITE\nContent-Length: 0\n")
    return scenario(name, [
        '<recv request="OPTIONS" optional="true" next="options"/>',
        f'<recv request="INVITE"><action><ereg regexp="{regex}" search_in="msg" check_it="false" '
        'assign_to="pick_up"/></action></recv>',
        f"<send>{msg(ringing)}</send>",
        '<nop next="answer" test="pick_up"/>',
        '<recv request="CANCEL"/>', f"<send>{msg(ok_cancel)}</send>", f"<send>{msg(terminated)}</send>",
        '<recv request="ACK" next="end"/>',
        '<label id="answer"/>', f'<pause milliseconds="{int(ANSWER_AFTER * 1000)}"/>',
        f'<send retrans="500">{msg(answered)}</send>', '<recv request="ACK"/>',
        '<recv request="BYE"/>', f"<send>{msg(OK)}</send>", '<nop next="end"/>',
        '<label id="options"/>', f"<send>{msg(OK)}</send>",
        '<label id="end"/>',
    ])


def sipp(args: list[str], text: str, folder: Path, name: str) -> subprocess.Popen:
    """SIPp on `text`; every message it sends and receives is kept in <name>_messages.log."""
    path = folder / f"{name}.xml"
    path.write_text(text)
    with open(folder / f"{name}.log", "w") as log:
        return subprocess.Popen([SIPP, *args, "-sf", str(path), "-nostdin", "-trace_msg",
                                 "-message_file", str(folder / f"{name}_messages.log"),
                                 "-trace_err", "-error_file", str(folder / f"{name}_errors.log")],
                                stdout=log, stderr=subprocess.STDOUT, cwd=folder)


def received_invites(folder: Path, name: str) -> list[dict[str, str]]:
    """Request-URI user and From user of every INVITE SIPp `name` received."""
    path = folder / f"{name}_messages.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    invites = []
    for block in re.split(r"\n-{5,}[^\n]*\n", text):
        request = re.search(r"^INVITE sip:([^@;>\s]+)@", block, re.M)
        sender = re.search(r"^From:[^<\n]*<sip:([^@;>]+)@", block, re.M | re.I)
        if request and sender:
            invites.append({"to": request.group(1), "from": sender.group(1)})
    return invites


def start_carrier(folder: Path, answering: list[str]) -> subprocess.Popen:
    """The carrier's SIPp UAS at CENTRALKA_LIVE_CARRIER; numbers dialled at targets in `answering` pick up."""
    host, port = CARRIER.rsplit(":", 1)
    numbers = [t[len(GATEWAY):] for t in answering if t.startswith(GATEWAY)]
    return sipp(["-i", host, "-p", port, "-mi", host, "-mp", "16000"], uas_scenario(numbers), folder, "uas")


def digits(number: str) -> str:
    """A number as the carrier gets it: country code and number, digits only."""
    return "".join(c for c in number if c.isdigit())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    process.wait(timeout=10)


# ---------------------------------------------------------------- the simulator

def switch_durations(sounds_dir: str) -> dict[str, float]:
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
    """The call as both sides play it. `answering`: dial targets that pick up (after ANSWER_AFTER);
    `unreachable`: targets that fail at once (a desk phone not registered)."""

    start: datetime
    keys: list[str] = field(default_factory=list)
    answer_first_carrier_leg: bool = False
    keypresses: list[tuple[float, str]] = field(default_factory=list)
    caller_hangup: float | None = None
    answering: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Origin:
    """Where a call starts: the carrier calling a main number, or a desk phone dialling."""

    context: str = "public"
    destination: str = NUMBER
    caller: str = CALLER
    variables: dict[str, str] = field(default_factory=dict)


class Simulation:
    def __init__(self, switch_vars: dict[str, str], origin: Origin = Origin()):
        self.vars, self.origin = switch_vars, origin
        self.conf = callcenter_conf()
        self.durations = switch_durations(switch_vars["sounds_dir"])

    def play(self, plan: Plan, uuid: str | None = None):
        from pbx.simulator import Leg, World, simulate

        legs = {target: Leg("unreachable") for target in plan.unreachable}
        legs.update({target: Leg("answer", ANSWER_AFTER) for target in plan.answering})
        origin = self.origin
        # SIPp sends no voice: a voicemail recording ends on its silence limit.
        world = World(start=plan.start, caller=origin.caller, destination=origin.destination,
                      keypresses=list(plan.keypresses), legs=legs, caller_hangup=plan.caller_hangup,
                      speech=0.0, uuid=uuid)
        return simulate(post, world, context=origin.context, destination=origin.destination, caller=origin.caller,
                        variables={**self.vars, **origin.variables}, switch_timezone=SWITCH_TIMEZONE,
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
                    plan.answering = [t for t in targets if t.startswith(GATEWAY)][:1]
                    break
            result = self.play(plan)
        bridged = [s.at for s in result.steps if s.kind in ("bridged", "queue_bridged")]
        if bridged:
            plan.caller_hangup = bridged[0] + TALK
        elif result.hangup_by != "caller":
            plan.caller_hangup = None  # the dialplan ends the call
        return plan


# ---------------------------------------------------------------- one call

def gateway_up(recorder: Recorder, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        status = [line.split()[-1] for line in recorder.api("sofia status gateway carrier").splitlines()
                  if line.startswith("Status")]
        if status == ["UP"] or time.monotonic() > deadline:
            return status == ["UP"]
        time.sleep(1)


@dataclass
class Placed:
    """A call as the switch ran it, and the same call simulated."""

    uuid: str
    real: list[tuple[str, str]]
    cause: str | None
    result: object


def place_call(recorder: Recorder, sim: Simulation, plan: Plan, folder: Path, *, target: str = LIVE_SIP,
               phone: Phone | None = None) -> Placed:
    """Run the call on the switch while the carrier's UAS runs; simulate it with the switch's A-leg uuid."""
    uas = start_carrier(folder, plan.answering)
    try:
        # The gateway pings every 30 s (ping in carrier.xml); while it is down every bridge fails.
        assert gateway_up(recorder, 40), "gateway carrier is down:\n" + recorder.api("sofia status gateway carrier")
        # SIPp matches replies by its own Call-ID: let it make one we can find in CHANNEL_CREATE.
        call_id = f"live-{uuidlib.uuid4()}-"
        wait = MAX_CALL + 30
        # Our dialplans answer within the first hunts, so SIPp's pauses (which start at the ACK)
        # count from the INVITE, like the simulator's clock.
        text = uac_scenario(sim.origin.destination, sim.origin.caller, plan.keypresses, plan.caller_hangup, wait, phone)
        started = datetime.now(timezone.utc)
        uac = sipp([target, "-m", "1", "-cid_str", call_id + "%u@%s", "-i", "127.0.0.1", "-p", "15060",
                    "-mi", "127.0.0.1", "-mp", "16100"], text, folder, "uac")
        try:
            assert recorder.wait(lambda ev: a_leg_of(ev, call_id) is not None, 15), "no channel ran the dialplan"
            uuid = a_leg_of(recorder.events, call_id)
            assert recorder.wait(lambda ev: destroyed(ev, uuid), wait), "the call did not end"
            uac.wait(timeout=10)
        finally:
            if uac.poll() is None:
                uac.kill()
    finally:
        stop(uas)
    plan.start = started
    result = sim.play(plan, uuid=uuid)
    keep_events(recorder, started, uuid, plan, result)
    return Placed(uuid, executed(recorder.events, uuid), hangup_cause(recorder.events, uuid), result)


def simulated(result) -> list[tuple[str, str]]:
    return [(a["application"], a["data"]) for a in result.applications]


def assert_same_as_simulated(call: Placed) -> None:
    """The switch executed on the A-leg what the simulator played, and ended the call the same way."""
    expected = simulated(call.result)
    assert call.real, f"no CHANNEL_EXECUTE seen for {call.uuid}"
    assert call.real == expected, "\n".join(
        f"{'  ' if r == s else '!='} real {r!r:<90} simulated {s!r}"
        for r, s in zip_longest(call.real, expected, fillvalue=None))
    # Same applications but another ending (e.g. a record that could not open its file) is a miss too.
    assert call.cause == call.result.hangup_cause, (
        f"hangup cause: real {call.cause}, simulated {call.result.hangup_cause} (by {call.result.hangup_by})")
