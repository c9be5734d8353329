"""Opt-in: calls from registered desk phones through a running FreeSWITCH, compared with the simulator.

Each test adds the users it needs to the company of an API token (and deletes them after),
registers their desk phones with SIPp against our directory (digest credentials of the SIP user
the switch fetches from the endpoint), places a call answering the switch's 407 challenge, and
compares the A-leg's CHANNEL_EXECUTE events with the same call played in pbx.simulator from the
phone's directory entry (context, variables), as test_live_switch.py does for the carrier's calls.
It then checks what the far end got: the number presented to the carrier, the notice of a
recorded call, and the recording Centralka filed (its listener and task worker must run).

Besides the settings in test_live_switch.py:

    CENTRALKA_LIVE_PHONES=127.0.0.1:5060             the switch's internal profile (phones register there)
    CENTRALKA_LIVE_API=http://127.0.0.1:8000         Centralka's panel (REST API)
    CENTRALKA_LIVE_API_TOKEN=ctk_...                 a full API token of the company's owner
    CENTRALKA_LIVE_SIP_DOMAIN_SUFFIX=pbx.local       CENTRALKA_SIP_DOMAIN_SUFFIX of that Centralka
"""
from __future__ import annotations

import os
import random
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from tests.live.harness import (
    API, API_TOKEN, GATEWAY, NEEDS_SWITCH, digits, TALK, Origin, Phone, Placed, Plan, Simulation, api, assert_same_as_simulated,
    place_call, post, received_invites, register_scenario, sipp, stop, uas_scenario,
)

PHONES = os.environ.get("CENTRALKA_LIVE_PHONES", "127.0.0.1:5060")
DOMAIN_SUFFIX = os.environ.get("CENTRALKA_LIVE_SIP_DOMAIN_SUFFIX", "pbx.local")
CALLER_PORT, CALLEE_PORT = "15060", "15070"  # the caller's SIPp (harness.place_call) and a colleague's

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN), reason="desk phones: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


# ---------------------------------------------------------------- the company and its people

class Company:
    """The token's company: its SIP domain and primary main number (digits, as the carrier gets them)."""

    def __init__(self):
        about = api("GET", "/api/company")
        self.id, self.language = about["id"], about["language"]
        self.domain = f"t{self.id}.{DOMAIN_SUFFIX}"
        primary = next(n for n in api("GET", "/api/main-numbers") if n["is_primary"])
        self.main_number = primary["number"].lstrip("+")
        taken = {u["extension"] for u in api("GET", "/api/users")} | {g["extension"] for g in api("GET", "/api/groups")}
        self.free = (str(e) for e in range(700, 1000) if str(e) not in taken)
        self.created: list[int] = []

    def add_user(self, first_name: str, *, phone: str | None, **rights) -> dict:
        extension = next(self.free)
        user = api("POST", "/api/users", {
            "first_name": first_name, "last_name": "Biurkowy", "phone": phone,
            "email": f"live-{extension}-{random.randrange(10**6)}@live.example", "extension": extension, **rights})
        self.created.append(user["id"])
        return user

    def phone(self, user: dict) -> Phone:
        return Phone(user["extension"], self.domain, _directory_user(user["extension"], self.domain)["password"])

    def origin(self, user: dict, dialled: str) -> Origin:
        """What mod_sofia puts on a call it authenticated against the directory (as pbx.testcall does)."""
        variables = _directory_user(user["extension"], self.domain)["variables"]
        variables.update({"user_name": user["extension"], "domain_name": self.domain,
                          "sip_auth_username": user["extension"]})
        return Origin(variables["user_context"], dialled, user["extension"], variables)

    def remove_created(self):
        for user_id in self.created:
            api("DELETE", f"/api/users/{user_id}")


def _directory_user(extension: str, domain: str) -> dict:
    """The SIP user as the switch fetches it to check a phone's credentials."""
    body = post({"section": "directory", "tag_name": "domain", "key_name": "name", "key_value": domain,
                 "action": "sip_auth", "user": extension, "domain": domain})
    user = etree.fromstring(body).find(f".//user[@id='{extension}']")
    assert user is not None, f"the endpoint knows no SIP user {extension}@{domain}"
    return {"password": user.find("params/param[@name='password']").get("value"),
            "variables": {v.get("name"): v.get("value") for v in user.iterfind("variables/variable")}}


@pytest.fixture(scope="module")
def company():
    found = Company()
    try:
        yield found
    finally:
        found.remove_created()


def _mobile() -> str:
    return f"+48 60{random.randrange(10**7):07d}"


# ---------------------------------------------------------------- desk phones

def register(recorder, phone: Phone, port: str, folder: Path) -> None:
    # A user deleted by an earlier run may have had this extension: forget its cached password.
    recorder.api(f"xml_flush_cache id {phone.extension} {phone.domain}")
    host, sip_port = PHONES.rsplit(":", 1)
    process = sipp([f"{host}:{sip_port}", "-m", "1", "-i", "127.0.0.1", "-p", port],
                   register_scenario(phone), folder, f"register_{phone.extension}")
    errors = folder / f"register_{phone.extension}_errors.log"
    assert process.wait(timeout=30) == 0, errors.read_text(errors="replace")


def desk_call(switch, folder: Path, company: Company, caller: dict, dialled: str, answering: list[str],
              unreachable: tuple[str, ...] = ()) -> Placed:
    """`caller`'s registered phone dials `dialled`; dial targets in `answering` pick up."""
    recorder, switch_vars = switch
    phone = company.phone(caller)
    register(recorder, phone, CALLER_PORT, folder)
    sim = Simulation(switch_vars, company.origin(caller, dialled))
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc), answering=answering, unreachable=list(unreachable)))
    return place_call(recorder, sim, plan, folder, target=PHONES, phone=phone)


def legs_of(events, a_leg: str) -> set[str]:
    """Channels the switch originated for the A-leg (bridge legs)."""
    links = ("Other-Leg-Unique-ID", "variable_originator", "variable_bridge_uuid", "variable_signal_bond")
    return {e.get("Unique-ID") for e in events if e.get("Unique-ID") != a_leg
            and e.name in ("CHANNEL_CREATE", "CHANNEL_OUTGOING", "CHANNEL_BRIDGE", "CHANNEL_ANSWER")
            and a_leg in {e.get(h) for h in links}}


def played_on(events, uuids: set[str]) -> list[str]:
    return [e.get("Playback-File-Path", "") for e in events
            if e.name == "PLAYBACK_START" and e.get("Unique-ID") in uuids]


# ---------------------------------------------------------------- the calls

def test_internal_call_rings_the_colleagues_desk_phone(switch, tmp_path, company):
    caller = company.add_user("Adam", phone=_mobile())
    colleague = company.add_user("Beata", phone=None)
    desk = company.phone(colleague)
    register(switch[0], desk, CALLEE_PORT, tmp_path)
    callee = sipp(["-i", "127.0.0.1", "-p", CALLEE_PORT, "-mi", "127.0.0.1", "-mp", "16200"],
                  uas_scenario([desk.extension], "live_desk"), tmp_path, "desk")
    try:
        call = desk_call(switch, tmp_path, company, caller, colleague["extension"],
                         [f"user/{desk.extension}@{company.domain}"])
    finally:
        stop(callee)
    assert_same_as_simulated(call)
    invites = received_invites(tmp_path, "desk")
    assert [i["from"] for i in invites] == [caller["extension"]], invites


def test_internal_call_to_a_colleagues_mobile_presents_a_number_the_carrier_accepts(switch, tmp_path, company):
    """The colleague's desk phone is not registered; their mobile, rung through the carrier, must
    see a number it can call back: the caller's own, never the extension."""
    own = _mobile()
    caller = company.add_user("Franciszek", phone=own)
    colleague = company.add_user("Grażyna", phone=_mobile())
    desk = f"user/{colleague['extension']}@{company.domain}"
    switch[0].api(f"sofia profile internal flush_inbound_reg {colleague['extension']}@{company.domain}")
    mobile = GATEWAY + digits(colleague["phone"])
    call = desk_call(switch, tmp_path, company, caller, colleague["extension"], [mobile], unreachable=(desk,))
    assert_same_as_simulated(call)
    invites = received_invites(tmp_path, "uas")
    assert invites == [{"to": mobile[len(GATEWAY):], "from": digits(own)}], invites


def test_star_666_presents_the_main_number_for_a_user_allowed_to(switch, tmp_path, company):
    caller = company.add_user("Celina", phone=_mobile(), may_present_main_number=True)
    call = desk_call(switch, tmp_path, company, caller, "*666600100200", [GATEWAY + "48600100200"])
    assert_same_as_simulated(call)
    invites = received_invites(tmp_path, "uas")
    assert invites == [{"to": "48600100200", "from": company.main_number}], invites


def test_star_666_without_the_right_never_goes_out_silently(switch, tmp_path, company):
    """Never the main number; refused, or put through with the caller's own number only after telling them."""
    caller = company.add_user("Dariusz", phone=_mobile(), may_present_main_number=False)
    call = desk_call(switch, tmp_path, company, caller, "*666600100201", [GATEWAY + "48600100201"])
    assert_same_as_simulated(call)
    invites = received_invites(tmp_path, "uas")
    assert company.main_number not in {i["from"] for i in invites}, invites
    if invites:  # put through all the same: only after telling the caller
        apps = [app for app, _ in call.real]
        told = {"playback", "play_and_get_digits", "speak"} & set(apps[:apps.index("bridge")])
        assert told, f"*666 without the right went out as {invites} with nothing said to the caller: {call.real}"


def test_outbound_call_of_a_user_who_records_plays_the_notice_to_the_called_party(switch, tmp_path, company):
    recorder, switch_vars = switch
    own = _mobile()
    caller = company.add_user("Ewa", phone=own, record_calls=True)
    call = desk_call(switch, tmp_path, company, caller, "600100202", [GATEWAY + "48600100202"])
    assert_same_as_simulated(call)
    assert received_invites(tmp_path, "uas") == [{"to": "48600100202", "from": digits(own)}]
    notice = f"/centralka/common/{company.language}/call_recorded.wav"
    called = legs_of(recorder.events, call.uuid)
    assert called, "no carrier leg was originated"
    assert any(path.endswith(notice) for path in played_on(recorder.events, called)), (
        f"the called party heard no recording notice ({notice}); played to them: {played_on(recorder.events, called)}")
    stops = [e.get("Record-File-Path") for e in recorder.events
             if e.name == "RECORD_STOP" and e.get("Unique-ID") == call.uuid]
    assert stops and stops[0].startswith(switch_vars["recordings_dir"]), f"the switch recorded no file: {stops}"
    kept = filed_recording(call.uuid)
    assert kept and kept["kind"] == "call" and kept["duration_seconds"] > TALK, f"Centralka filed {kept}"


def filed_recording(call_uuid: str, timeout: float = 20.0) -> dict | None:
    """The recording Centralka's listener filed for the call (it reads RECORD_STOP and uploads the file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r for r in api("GET", "/api/recordings")["recordings"] if r["call_uuid"] == call_uuid]
        if found:
            return found[0]
        time.sleep(1)
    return None
