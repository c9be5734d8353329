"""The request model read from every body FreeSWITCH sent in the captures."""
from __future__ import annotations

import pytest

from tests.xml_curl.conftest import captured_requests
from xml_curl.request import MAX_VALUE_LENGTH, parse_form

CAPTURES = [
    "xml_curl_requests_all.txt",
    "xml_curl_requests_ivr_bridge_sequential.txt",
    "xml_curl_requests_bridge_simultaneous_noanswer_then_record.txt",
    "xml_curl_requests_callcenter_answered.txt",
    "xml_curl_requests_callcenter_abandoned.txt",
    "xml_curl_requests_blacklist_reject.txt",
    "xml_curl_dialplan_transfer_menu_1.txt",
]
ALL = [(name, i, body, fields) for name in CAPTURES for i, (body, fields) in enumerate(captured_requests(name))]


def test_the_captures_hold_every_request():
    counts = {name: sum(1 for n, *_ in ALL if n == name) for name in CAPTURES}
    assert counts["xml_curl_requests_all.txt"] == 34
    assert counts["xml_curl_requests_ivr_bridge_sequential.txt"] == 2


@pytest.mark.parametrize("name,index,body,fields", ALL, ids=[f"{n}#{i}" for n, i, *_ in ALL])
def test_every_captured_request_reads_as_its_decoded_fields(name, index, body, fields):
    asked = parse_form(body)
    assert asked.section == fields["section"]
    assert (asked.key_name, asked.key_value) == (fields["key_name"], fields["key_value"])
    if asked.section == "dialplan":
        assert asked.context == fields["Hunt-Context"]
        assert asked.destination == fields["Hunt-Destination-Number"]
        assert asked.caller == fields["Hunt-Caller-ID-Number"]
        assert asked.call_uuid == fields["Unique-ID"]
    if asked.section == "directory":
        assert asked.action == fields.get("action", "")
        assert asked.purpose == fields.get("purpose", "")
        assert asked.user == fields.get("user", "")
        assert asked.directory_domain == fields.get("domain", "")


def test_transfer_refetch_reads_the_new_destination():
    (body, _), = captured_requests("xml_curl_dialplan_transfer_menu_1.txt")
    asked = parse_form(body)
    assert (asked.section, asked.context, asked.destination) == ("dialplan", "public", "menu_1")


def test_directory_fields():
    sip_auth = parse_form(captured_requests("xml_curl_directory.txt")[0][0])
    assert (sip_auth.action, sip_auth.user, sip_auth.domain) == ("sip_auth", "1000", "127.0.0.1")
    gateways = parse_form(captured_requests("xml_curl_directory_gateways.txt")[0][0])
    assert (gateways.purpose, gateways.directory_domain) == ("gateways", "")
    network = parse_form(captured_requests("xml_curl_directory_network_list.txt")[0][0])
    assert (network.purpose, network.domain) == ("network-list", "127.0.0.1")


def test_hunt_beats_caller_profile_and_repeats_resolve_one_way():
    asked = parse_form(b"section=dialplan&section=directory&Caller-Context=public&Hunt-Context=tenant_4"
                       b"&Hunt-Context=tenant_5&Caller-Destination-Number=100")
    assert (asked.section, asked.context, asked.destination) == ("dialplan", "tenant_5", "100")


def test_percent_and_plus_decoding():
    asked = parse_form(b"section=dialplan&Hunt-Context=a%3Cb%3E+c&Hunt-Destination-Number=%2B48221000000")
    assert (asked.context, asked.destination) == ("a<b> c", "+48221000000")


@pytest.mark.parametrize("body", [b"", b"&&&", b"=", b"section", b"\xff\xfe=\x00", b"section=%zz%"])
def test_malformed_bodies_give_an_empty_or_partial_request(body):
    asked = parse_form(body)
    assert asked.context == "" and asked.destination == ""


def test_over_long_values_are_dropped():
    asked = parse_form(b"section=dialplan&Hunt-Context=" + b"x" * (MAX_VALUE_LENGTH + 1) + b"&Caller-Context=public")
    assert asked.context == "public"
