"""A "Call a server" node's `ASK` hunt as FreeSWITCH posts it: the endpoint asks, per call, and answers
with the answer's extension alone."""
from __future__ import annotations

import pytest
from lxml import etree

from pbx import directory
from pbx.extensions import db
from tests.support.acceptance import hangup
from tests.support.company_server import CompanyServer
from tests.xml_curl.conftest import FORM, hunt, with_fields
from xml_curl.request import parse_form


@pytest.fixture
def published(testowa, ctx):
    ctx.config["SERVER_CALL_LOOPBACK_HTTP"] = True
    running = CompanyServer(directory.new_server_secret(testowa.tenant))
    db.session.commit()
    version = testowa.publish({"id": "router", "kind": "server", "url": running.url, "timeout_ms": 800,
                               "answers": {"sales": hangup("to_sales")}, "fallback": hangup("no_server")})
    yield testowa, running, f"s{version.scenario_id}_router_ASK"
    running.close()


def ask(app, tenant, destination, **fields):
    body = with_fields(hunt(f"tenant_{tenant.id}", destination), fields)
    response = app.test_client().post("/xml_curl", data=body, content_type=FORM)
    assert response.status_code == 200
    return etree.fromstring(response.data)


def actions(document) -> list[tuple[str, str]]:
    return [(a.get("application"), a.get("data")) for a in document.iter("action")]


def test_the_hunt_is_answered_with_the_answer_s_extension_alone(ctx, published):
    company, server, destination = published
    document = ask(ctx, company.tenant, destination, **{"variable_centralka_path": ";hours:open;router"})
    assert [e.get("name") for e in document.iter("extension")] == [destination]
    assert ("set", "centralka_server=router:sales") in actions(document)
    _, asked = server.request()
    assert asked["path"] == ["hours:open", "router"] and asked["caller"] == "+48221234567"


def test_each_hunt_is_asked_anew_never_from_a_cache(ctx, published):
    company, server, destination = published
    assert ("set", "centralka_server=router:sales") in actions(ask(ctx, company.tenant, destination))
    server.behave = "fail"
    assert ("set", "centralka_server=router:fallback:status") in actions(ask(ctx, company.tenant, destination))
    assert len(server.asked) == 2


def test_a_lying_answer_never_reaches_the_switch(ctx, published):
    company, server, destination = published
    server.answer = {"branch": "${system(reboot)}"}
    document = ask(ctx, company.tenant, destination)
    assert ("set", "centralka_server=router:fallback:bad_answer") in actions(document)
    assert b"system" not in etree.tostring(document)


def test_in_production_the_loopback_is_refused(ctx, published):
    company, server, destination = published
    ctx.config["ENVIRONMENT"] = "production"
    assert ("set", "centralka_server=router:fallback:not_https") in actions(ask(ctx, company.tenant, destination))
    assert server.asked == []


def test_the_fields_told_to_the_server_are_read_from_the_hunt():
    path = ";" + ";".join(f"node_{n}:1" for n in range(60))  # longer than the other fields may be
    body = with_fields(hunt("tenant_1", "s1_router_ASK"), {"variable_centralka_path": path})
    body += b"&variable_centralka_dialled=48221112233&variable_centralka_main_number=%2B48221112233"
    asked = parse_form(body)
    assert (asked.path, asked.dialled, asked.main_number) == (path, "48221112233", "+48221112233")
