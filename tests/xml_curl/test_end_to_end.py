"""A published scenario, served by the endpoint hunt by hunt to the dialplan simulator."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import current_app
import pytest

from tests.xml_curl.conftest import FORM, captured_body, is_not_found, post, served_after_commit, with_fields

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


@pytest.fixture
def compiles(monkeypatch):
    """Counts the real compiler's tenant documents."""
    from xml_curl import dialplan

    counted, real = [], dialplan._tenant_build

    def counting(tenant_id, config):
        counted.append(tenant_id)
        return real(tenant_id, config)

    monkeypatch.setattr(dialplan, "_tenant_build", counting)
    return counted


def call(client, destination="48221000000", keypresses=((3.0, "1"),)):
    from pbx.simulator import World, simulate

    hunts = []

    def fetch(form):
        response = client.post("/xml_curl", data=urlencode(form), content_type=FORM)
        assert response.status_code == 200
        hunts.append((form["Hunt-Context"], form["Hunt-Destination-Number"]))
        return response.data

    world = World(start=MONDAY_10, destination=destination, keypresses=list(keypresses))
    return simulate(fetch, world, context="public"), hunts


def test_carrier_call_walks_the_published_scenario_through_the_endpoint(client, demo, published, compiles):
    result, hunts = call(client)
    number = demo.main_numbers[0]
    assert hunts[0] == ("public", "48221000000")
    assert hunts[1] == (f"tenant_{demo.id}", f"main_{number.id}")
    assert {context for context, _ in hunts[1:]} == {f"tenant_{demo.id}"}
    assert len(hunts) > 5
    sales_phones = [m.user.phone.lstrip("+") for m in demo.groups[0].members]
    bridges = [a["data"] for a in result.applications if a["application"] == "bridge"]
    assert bridges and all(phone in bridges[0] for phone in sales_phones)
    assert compiles == [demo.id]  # every later hunt came from the cache


def test_a_new_publish_is_served_right_after_commit(client, demo, published, compiles):
    from pbx import scenarios
    from pbx.extensions import db

    ask = with_fields(captured_body("xml_curl_dialplan_transfer_menu_1.txt"),
                      {"Hunt-Context": f"tenant_{demo.id}", "Hunt-Destination-Number": f"main_{demo.main_numbers[0].id}"})
    first = post(client, ask).data
    assert b"centralka_version=" in first
    version = scenarios.rollback(published, 1, current_app.config)
    db.session.commit()
    second = served_after_commit(client, ask, lambda reply: reply != first)
    assert f"centralka_version={version.id}".encode() in second
    assert f"centralka_version={version.id}".encode() not in first
    assert compiles == [demo.id, demo.id]


def test_each_destination_gets_its_own_reply_from_one_compile(client, demo, published, compiles):
    from lxml import etree

    def names(destination: str) -> list[str]:
        reply = post(client, with_fields(captured_body("xml_curl_dialplan_transfer_menu_1.txt"),
                                         {"Hunt-Context": f"tenant_{demo.id}", "Hunt-Destination-Number": destination}))
        return [e.get("name") for e in etree.fromstring(reply.data).iter("extension")]

    entry = f"main_{demo.main_numbers[0].id}"
    assert names(entry) == [entry]
    assert "ext_102" in names("102") and "ext_101" not in names("102")
    assert names("nobody") == []
    assert compiles == [demo.id]


def test_callcenter_conf_is_built_from_the_compiler_queues(client, demo, published):
    from pbx.company_dialplan import callcenter_queues
    from xml_curl.configuration import callcenter_document

    response = post(client, captured_body("xml_curl_configuration_callcenter.txt"))
    assert response.data == callcenter_document(callcenter_queues(current_app.config))


def test_unpublished_number_still_finds_its_tenant_but_an_unknown_one_does_not(client, demo):
    assert not is_not_found(post(client, with_fields(
        captured_body("xml_curl_dialplan_48221234567.txt"),
        {"Hunt-Context": "public", "Hunt-Destination-Number": "+48221000000"})))
    assert is_not_found(post(client, captured_body("xml_curl_dialplan_48221234567.txt")))


def test_a_hunt_gets_the_compiled_extensions_it_can_reach_without_indentation(client, demo, published):
    from lxml import etree

    from pbx.company_dialplan import tenant_build
    from pbx.compiler.hunts import passes

    served = post(client, with_fields(captured_body("xml_curl_dialplan_transfer_menu_1.txt"),
                                      {"Hunt-Context": f"tenant_{demo.id}", "Hunt-Destination-Number": "101"})).data
    built = tenant_build(demo.id, current_app.config)
    assert b"\n " not in served and len(served) < len(built.document) / 5
    blank_free = etree.XMLParser(remove_blank_text=True)
    expected = etree.fromstring(built.document, blank_free)
    for extension, gate in zip(list(expected.iterfind("section/context/extension")), built.gates, strict=True):
        if not passes(gate, "101"):
            extension.getparent().remove(extension)
    assert etree.tostring(etree.fromstring(served, blank_free), method="c14n") == etree.tostring(expected, method="c14n")
    names = [e.get("name") for e in expected.iterfind("section/context/extension")]
    assert "ext_101" in names and not any(name.startswith(("main_", "s", "ext_102")) for name in names)
