"""Directory (SIP users of each tenant) and configuration (callcenter.conf) sections."""
from __future__ import annotations

import pytest
from lxml import etree

from tests.xml_curl.conftest import FIXTURES, captured_body, is_not_found, post, with_fields, xml

SIP_AUTH = captured_body("xml_curl_directory.txt")
MESSAGE_COUNT = captured_body("xml_curl_directory_message_count.txt")
USER_EXISTS = captured_body("xml_curl_directory_user_exists.txt")
GATEWAYS = captured_body("xml_curl_directory_gateways.txt")
NETWORK_LIST = captured_body("xml_curl_directory_network_list.txt")
CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")
SOFIA = captured_body("xml_curl_configuration_sofia.txt")


def user_lookup(body: bytes, tenant, extension: str, domain: str | None = None) -> bytes:
    domain = domain or f"t{tenant.id}.pbx.local"
    return with_fields(body, {"key_value": domain, "domain": domain, "user": extension})


@pytest.mark.parametrize("body", [SIP_AUTH, MESSAGE_COUNT, USER_EXISTS], ids=["sip_auth", "message-count", "user_exists"])
def test_user_of_a_tenant(client, demo, body):
    anna = next(u for u in demo.users if u.extension == "101")
    doc = xml(post(client, user_lookup(body, demo, "101")))
    assert doc.xpath("/document/section/@name") == ["directory"]
    assert doc.xpath("//domain/@name") == [f"t{demo.id}.pbx.local"]
    user = doc.xpath("//domain//user")[0]
    assert user.get("id") == "101"
    assert int(user.get("cacheable")) > 0
    assert user.xpath("params/param[@name='password']/@value") == [anna.sip_password]
    variables = {v.get("name"): v.get("value") for v in user.xpath("variables/variable")}
    assert variables == {
        "user_context": f"tenant_{demo.id}", "centralka_tenant": str(demo.id), "centralka_user": str(anna.id),
        "effective_caller_id_number": "101", "effective_caller_id_name": "Anna Kowalska",
    }
    assert "sofia_contact" in doc.xpath("//domain/params/param[@name='dial-string']/@value")[0]


def test_domain_is_matched_without_regard_to_case(client, demo):
    assert not is_not_found(post(client, user_lookup(SIP_AUTH, demo, "102", f"T{demo.id}.PBX.local")))


@pytest.mark.parametrize("extension,domain", [
    ("999", None),                 # no such extension
    ("101", "127.0.0.1"),          # not a tenant domain
    ("101", "t999999.pbx.local"),  # no such tenant
    ("101", "t1.other.example"),   # another suffix
    ("1000", None),                # stock FreeSWITCH user
    ("101' OR '1'='1", None),
])
def test_unknown_users_are_not_found(client, demo, extension, domain):
    assert is_not_found(post(client, user_lookup(SIP_AUTH, demo, extension, domain)))


def test_user_without_sip_password_is_not_found(client, demo):
    from pbx.extensions import db

    demo.users[1].sip_password = None
    db.session.commit()
    assert is_not_found(post(client, user_lookup(SIP_AUTH, demo, demo.users[1].extension)))


def test_users_of_another_tenant_stay_there(client, demo):
    from pbx import directory
    from pbx.extensions import db

    other = directory.create_tenant({"name": "Firma XYZ"})
    db.session.commit()
    assert is_not_found(post(client, user_lookup(SIP_AUTH, other, "101")))


@pytest.mark.parametrize("body", [GATEWAYS, NETWORK_LIST], ids=["gateways", "network-list"])
def test_gateways_and_network_lists_come_from_static_configuration(client, demo, body):
    assert is_not_found(post(client, body))


def test_callcenter_conf_from_published_queues(client, demo, compiler):
    compiler.queues[demo.id] = [
        {"name": "t1_s1_sales@default", "strategy": "sequential", "max_wait_seconds": 120,
         "moh_sound": "local_stream://moh",
         "agents": [{"name": "t1_u2", "contact": "sofia/gateway/carrier/48502345678", "ring_seconds": 20},
                    {"name": "t1_u3", "contact": "[leg_timeout=15]user/103@t1.pbx.local", "ring_seconds": 20}]},
        {"name": "t1_s1_support@default", "strategy": "longest-idle-agent", "max_wait_seconds": 60,
         "moh_sound": "", "agents": [{"name": "t1_u2", "contact": "sofia/gateway/carrier/48502345678",
                                      "ring_seconds": 25}]},
    ]
    doc = xml(post(client, CALLCENTER))
    config = doc.xpath("/document/section[@name='configuration']/configuration[@name='callcenter.conf']")[0]
    sales = config.xpath("queues/queue[@name='t1_s1_sales@default']")[0]
    assert sales.xpath("param[@name='strategy']/@value") == ["top-down"]
    assert sales.xpath("param[@name='max-wait-time']/@value") == ["120"]
    assert config.xpath("queues/queue[@name='t1_s1_support@default']/param[@name='strategy']/@value") == [
        "longest-idle-agent"]
    agents = config.xpath("agents/agent")
    assert [a.get("name") for a in agents] == ["t1_u2", "t1_u3"]  # one agent, two queues
    assert {a.get("type") for a in agents} == {"callback"} and {a.get("status") for a in agents} == {"Available"}
    assert agents[0].get("contact") == "[leg_timeout=20]sofia/gateway/carrier/48502345678"
    assert agents[1].get("contact") == "[leg_timeout=15]user/103@t1.pbx.local"
    tiers = [(t.get("queue"), t.get("agent"), t.get("position")) for t in config.xpath("tiers/tier")]
    assert tiers == [("t1_s1_sales@default", "t1_u2", "1"), ("t1_s1_sales@default", "t1_u3", "2"),
                     ("t1_s1_support@default", "t1_u2", "1")]


def test_callcenter_conf_has_the_shape_freeswitch_accepted(client, demo, compiler):
    """Same elements and attributes as the document the captured FreeSWITCH loaded."""
    compiler.queues[demo.id] = [{"name": "support@default", "strategy": "longest-idle-agent", "max_wait_seconds": 20,
                        "moh_sound": "tone_stream://%(1000,4000,440)",
                        "agents": [{"name": "1001@default", "contact": "sofia/gateway/carrier/48600000011",
                                    "ring_seconds": 10}]}]
    ours = xml(post(client, CALLCENTER))
    theirs = etree.parse(str(FIXTURES / "xml_curl_callcenter_conf_response.xml")).getroot()

    def shape(root):
        return {(el.tag, tuple(sorted(el.attrib))) for el in root.iter() if el.tag not in ("param",)}

    assert shape(ours) - {("section", ("name",))} == shape(theirs) - {("section", ("description", "name"))}
    their_params = set(theirs.xpath("//queue/param/@name"))
    assert set(ours.xpath("//queue/param/@name")) <= their_params


def test_callcenter_conf_survives_a_compiler_failure_with_the_last_good_one(client, demo, compiler):
    from pbx import directory
    from pbx.extensions import db

    compiler.queues[demo.id] = [{"name": "q@default", "strategy": "random", "max_wait_seconds": 30,
                                 "moh_sound": "", "agents": []}]
    good = post(client, CALLCENTER).data
    assert b"q@default" in good
    compiler.fail = True
    directory.create_tenant({"name": "Firma XYZ"})  # something changed: its part is compiled, and fails
    db.session.commit()
    assert post(client, CALLCENTER).data == good


def test_callcenter_conf_is_built_again_only_when_some_tenant_changed(client, demo, compiler):
    from pbx import directory
    from pbx.extensions import db

    first = post(client, CALLCENTER).data
    assert post(client, CALLCENTER).data == first and len(compiler.compiled) == 1
    compiler.queues[demo.id] = [{"name": "q@default", "strategy": "random", "max_wait_seconds": 30, "agents": []}]
    directory.update_user(demo, demo.users[0].id, {"description": "Kolejka"})
    db.session.commit()
    assert b"q@default" in post(client, CALLCENTER).data and len(compiler.compiled) == 2
    other = directory.create_tenant({"name": "Firma XYZ"})
    db.session.commit()
    post(client, CALLCENTER)
    assert [tenant for _, tenant, _ in compiler.compiled[2:]] == [other.id]  # the new company alone
    db.session.delete(other)
    db.session.commit()
    assert b"q@default" in post(client, CALLCENTER).data
    post(client, CALLCENTER)
    assert len(compiler.compiled) == 3


@pytest.mark.parametrize("name", ["sofia.conf", "acl.conf", "voicemail.conf", "callcenter.conf.bak", ""])
def test_other_configurations_are_not_found(client, compiler, name):
    body = SOFIA if name == "sofia.conf" else with_fields(CALLCENTER, {"key_value": name})
    assert is_not_found(post(client, body))


def test_timezones_conf_gives_freeswitch_every_iana_zone_rule(client):
    """Without this document FreeSWITCH cannot evaluate `timezone=Europe/Warsaw` schedules."""
    doc = xml(post(client, with_fields(CALLCENTER, {"key_value": "timezones.conf"})))
    config = doc.find("section/configuration")
    assert config.get("name") == "timezones.conf"
    zones = {z.get("name"): z.get("value") for z in config.iterfind("timezones/zone")}
    assert zones["Europe/Warsaw"] == "CET-1CEST,M3.5.0,M10.5.0/3"
    assert zones["America/New_York"] == "EST5EDT,M3.2.0,M11.1.0"
    assert zones["Asia/Tokyo"] == "JST-9"
    assert len(zones) > 400


def test_static_timezones_conf_covers_the_switch_start_up():
    from pathlib import Path

    from lxml import etree

    static = Path(__file__).resolve().parents[2] / "freeswitch" / "autoload_configs" / "timezones.conf.xml"
    shipped = etree.parse(str(static)).getroot()
    zones = {z.get("name"): z.get("value") for z in shipped.iterfind("timezones/zone")}
    assert shipped.get("name") == "timezones.conf" and len(zones) > 400
    assert zones["Europe/Warsaw"] == "CET-1CEST,M3.5.0,M10.5.0/3"
