"""The engine replays the captured call shapes exactly as FreeSWITCH 1.10.12 ran them."""

from __future__ import annotations

import json
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pbx.simulator import (Leg, SimulationError, World, fetch_from_document, request_form,
                           simulate)
from pbx.simulator.engine import MAX_HUNTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freeswitch"
CALLSHAPES = (FIXTURES / "xml_curl_dialplan_callshapes_response.xml").read_bytes()
CALLCENTER = (FIXTURES / "xml_curl_callcenter_conf_response.xml").read_bytes()
NOT_FOUND = (FIXTURES / "xml_curl_not_found_response.xml").read_bytes()
CALLER = "48221234567"


def esl_events(path: Path) -> list[dict[str, str]]:
    """text/event-plain frames of an ESL byte stream, URL-decoded, first header wins."""
    data, pos, events = path.read_bytes(), 0, []
    while (end := data.find(b"\n\n", pos)) >= 0:
        headers = dict(line.split(": ", 1) for line in data[pos:end].decode().split("\n") if line)
        pos = end + 2
        body = b""
        if "Content-Length" in headers:
            length = int(headers["Content-Length"])
            body, pos = data[pos:pos + length], pos + length
        if headers.get("Content-Type") == "text/event-plain":
            event: dict[str, str] = {}
            for line in body.decode().split("\n\n", 1)[0].split("\n"):
                key, sep, value = line.partition(": ")
                if sep:
                    event.setdefault(key, urllib.parse.unquote(value))
            events.append(event)
    return events


def captured_applications(name: str, uuid: str) -> tuple[list[dict], datetime]:
    events = [e for e in esl_events(FIXTURES / f"esl_events_plain_{name}.txt") if e.get("Unique-ID") == uuid]
    created = int(next(e["Caller-Channel-Created-Time"] for e in events if "Caller-Channel-Created-Time" in e))
    executed = [{"application": e["Application"], "data": e.get("Application-Data", "")}
                for e in events if e["Event-Name"] == "CHANNEL_EXECUTE"]
    return executed, datetime.fromtimestamp(created / 1_000_000, timezone.utc)


def carrier(number: str) -> str:
    return f"sofia/gateway/carrier/{number}"


def replay(name: str, uuid: str, destination: str, **world) -> tuple:
    expected, start = captured_applications(name, uuid)
    world.setdefault("caller", CALLER)
    result = simulate(fetch_from_document(CALLSHAPES), World(start=start, uuid=uuid, destination=destination, **world),
                      context="public", callcenter_conf=CALLCENTER)
    return result, expected


def test_ivr_then_sequential_bridge_matches_capture():
    result, expected = replay(
        "ivr_bridge_sequential", "d2e2cf7f-6337-43e3-b76f-6c5780ca98b9", "48221000100",
        keypresses=[(1.5, "1")], caller_hangup=13.06,
        legs={carrier("48600000002"): Leg("answer", after=2.05)})
    assert result.applications == expected
    assert result.hangup_cause == "NORMAL_CLEARING" and result.hangup_by == "caller"
    assert result.variables["originate_disposition"] == "SUCCESS"
    legs = [s.details for s in result.steps if s.kind == "leg"]
    assert [(leg["target"], leg["outcome"]) for leg in legs] == [
        (carrier("48600000001"), "ALLOTTED_TIMEOUT"), (carrier("48600000002"), "answered")]
    assert result.variables["last_bridge_to"] == legs[1]["uuid"]
    # Exported variables reach the B-legs, set ones do not.
    assert legs[1]["variables"]["centralka_group"] == "sales"
    assert legs[1]["variables"]["centralka_tenant"] == "42"
    assert "centralka_path" not in legs[1]["variables"]
    # leg_timeout=5 fires on a whole-second boundary: 5 to 6 s after the leg starts.
    assert 5 < legs[0]["end"] - legs[0]["start"] <= 6


def test_simultaneous_bridge_timeout_then_voicemail_matches_capture():
    result, expected = replay(
        "bridge_simultaneous_noanswer_then_record", "07afbdd2-7db8-4c29-93eb-45b925d2f6bc",
        "48221000200", speech=0)
    assert result.applications == expected
    assert result.variables["originate_disposition"] == "ALLOTTED_TIMEOUT"
    assert result.variables["DIALSTATUS"] == "ALLOTTED_TIMEOUT"
    assert result.variables["record_seconds"] == "0"
    assert result.hangup_cause == "NORMAL_CLEARING" and result.hangup_by == "dialplan"
    # 5.x s of ringing, 0.5 s tone, 4 s recording (captured: BYE at 10.4 s).
    assert 9.5 < result.duration < 10.6


def test_callcenter_answered_matches_capture():
    agent_uuid = "5b890178-cfb8-459f-a8eb-1e0e3d6005e2"
    result, expected = replay(
        "callcenter_answered", "ce269193-de96-441b-b8fe-ede7fb30420e", "48221000300",
        agent_status={"1001@default": "Available", "1002@default": "Available"},
        leg_uuids=[agent_uuid], legs={carrier("48600000011"): Leg("answer", after=2.6, talk=3.0)})
    assert result.applications == expected
    assert result.variables["cc_cause"] == "answered"
    assert result.variables["cc_agent"] == "1001@default"
    agent_leg = next(s.details for s in result.steps if s.kind == "agent_leg")
    assert agent_leg["variables"]["centralka_path"] == "queue:support"
    assert agent_leg["variables"]["cc_side"] == "agent"


def test_callcenter_abandoned_matches_capture():
    _, start = captured_applications("callcenter_abandoned", "00592f20-8db6-48b4-beaa-8ea041c43c08")
    result, expected = replay(
        "callcenter_abandoned", "00592f20-8db6-48b4-beaa-8ea041c43c08", "48221000400",
        agent_status={"1001@default": "Available", "1002@default": "Available"},
        broadcasts=[(3.26, "tone_stream://%(200,0,800)")], caller_hangup=8.04)
    assert result.applications == expected
    assert result.variables["cc_cause"] == "cancel"
    assert result.variables["cc_cancel_reason"] == "BREAK_OUT"
    assert result.hangup_by == "caller"


def test_blacklist_reject_matches_capture():
    result, expected = replay("blacklist_reject", "4aec933b-f580-4acd-b48d-5db47dfe2f5d",
                              "48221000500", caller="48221999999")
    assert result.applications == expected
    assert result.hangup_cause == "CALL_REJECTED"
    assert not result.answered and result.duration == 0


def test_not_found_document_is_no_route():
    result = simulate(fetch_from_document(NOT_FOUND), World(start=datetime(2026, 1, 5, tzinfo=timezone.utc)),
                      context="public", destination="123")
    assert result.hangup_cause == "NO_ROUTE_DESTINATION"
    assert result.applications == []


def test_transfer_refetches_with_the_hunt_form():
    forms = []

    def fetch(form):
        forms.append(form)
        return CALLSHAPES

    world = World(start=datetime(2026, 11, 22, 2, 2, 44, tzinfo=timezone.utc), destination="48221000100",
                  keypresses=[(1.0, "1")], caller_hangup=30,
                  legs={carrier("48600000001"): Leg("answer", after=1, talk=5)})
    result = simulate(fetch, world, context="public")
    assert [f["Hunt-Destination-Number"] for f in forms] == ["48221000100", "menu_1"]
    second = forms[1]
    assert second["section"] == "dialplan" and second["Hunt-Context"] == "public"
    assert second["Caller-RDNIS"] == "48221000100"
    assert second["variable_centralka_choice"] == "1"
    assert second["variable_export_vars"] == "centralka_tenant"
    assert second["Unique-ID"] == second["variable_uuid"]
    # hangup_after_bridge=true: the callee's BYE ends the call, the NO_ANSWER hangup never runs.
    assert result.hangup_by == "callee"
    assert result.applications[-1]["application"] == "bridge"


def test_form_keys_follow_captured_request():
    captured = (FIXTURES / "xml_curl_dialplan_transfer_menu_1.txt").read_text().split("--- DECODED", 1)[1]
    captured_keys = {line.split("=", 1)[0] for line in captured.splitlines()[1:] if "=" in line}
    world = World(start=datetime(2026, 1, 5, tzinfo=timezone.utc), destination="1")
    from pbx.simulator.apps import Call
    call = Call(world, {"uuid": "u"}, {
        "username": "1", "dialplan": "XML", "caller_id_name": "1", "caller_id_number": "1", "ani": "1",
        "network_addr": "127.0.0.1", "rdnis": "9", "destination_number": "1", "uuid": "u",
        "source": "mod_sofia", "context": "public", "chan_name": "sofia/internal/1"}, "UTC", {}, None)
    form = request_form(call, "1", "public", 1)
    assert set(form) <= captured_keys | {"variable_uuid"}
    for key in ("section", "Hunt-Context", "Hunt-Destination-Number", "Caller-Destination-Number",
                "Caller-Caller-ID-Number", "Unique-ID", "Caller-RDNIS", "Event-Date-Timestamp"):
        assert key in form


def test_transfer_loop_is_refused():
    doc = b"""<document type="freeswitch/xml"><section name="dialplan"><context name="c">
      <extension name="loop"><condition field="destination_number" expression="^x$">
        <action application="transfer" data="x XML c"/></condition></extension>
    </context></section></document>"""
    with pytest.raises(SimulationError, match=str(MAX_HUNTS)):
        simulate(fetch_from_document(doc), World(start=datetime(2026, 1, 5, tzinfo=timezone.utc)),
                 context="c", destination="x")


def test_result_serialises_and_traces():
    result, _ = replay("blacklist_reject", "4aec933b-f580-4acd-b48d-5db47dfe2f5d",
                       "48221000500", caller="48221999999")
    payload = json.loads(result.to_json())
    assert payload["hangup_cause"] == "CALL_REJECTED"
    assert "hangup" in result.trace() and "blacklist_reject" in result.trace()
