"""A "Call a server" node end to end: published or drafted, a test call asks a real server on 127.0.0.1
through the endpoint, and the call path shows the answer or why there was none."""
from __future__ import annotations

import pytest

from pbx import directory, scenarios
from pbx.extensions import db
from tests.support.acceptance import CALLER, MAIN, applications, hangup, path_of, utc
from tests.support.company_server import CompanyServer

MONDAY = utc(2026, 3, 2, 9, 30)  # 10:30 in Warsaw


@pytest.fixture
def server(testowa, ctx):
    ctx.config["SERVER_CALL_LOOPBACK_HTTP"] = True
    key = directory.new_server_secret(testowa.tenant)
    db.session.commit()
    running = CompanyServer(key)
    yield running
    running.close()


def router(server, **extra) -> dict:
    return {"id": "router", "kind": "server", "url": server.url, "timeout_ms": 500,
            "answers": {"sales": hangup("to_sales"), "vip": hangup("to_vip")}, "fallback": hangup("no_server"), **extra}


def test_the_answer_picks_the_branch_and_the_server_hears_the_call(testowa, server):
    testowa.publish({"id": "hello", "kind": "announcement", "prompt": testowa.prompts["Powitanie"].id,
                     "next": router(server)})
    server.answer = {"branch": "vip"}
    call = testowa.call(MONDAY)
    assert path_of(call)[-2:] == ["router:vip", "to_vip"]
    _, asked = server.request()
    assert asked["caller"] == CALLER and asked["main_number"] == MAIN and asked["call_uuid"]
    assert asked["path"] == ["hello", "router"]
    # The call's own instant (after the 3 s greeting), in the company's zone.
    assert asked["time"] == "2026-03-02T10:30:03+01:00" and asked["timezone"] == "Europe/Warsaw"
    assert asked["answers"] == ["sales", "vip"] and asked["node"] == "router"
    stop = next(s for s in call.path if s["node"] == "router")
    assert stop["kind"] == "server" and "vip" in stop["text"]


def test_every_call_is_asked_anew(testowa, server):
    testowa.publish(router(server))
    server.answer = {"branch": "sales"}
    assert path_of(testowa.call(MONDAY))[-2:] == ["router:sales", "to_sales"]
    server.answer = {"branch": "vip"}
    assert path_of(testowa.call(MONDAY))[-2:] == ["router:vip", "to_vip"]
    assert len(server.asked) == 2


@pytest.mark.parametrize("behave, reason", [("fail", "status"), ("stall", "timeout"), ("malformed", "bad_json"),
                                            ("bad_signature", "bad_signature"), ("huge", "too_big"),
                                            ("redirect", "redirect")])
def test_no_usable_answer_takes_the_fallback_with_its_reason(testowa, server, behave, reason):
    testowa.publish(router(server))
    server.behave = behave
    assert path_of(testowa.call(MONDAY))[-2:] == [f"router:fallback:{reason}", "no_server"]


def test_an_unknown_branch_takes_the_fallback_and_the_story_says_why(testowa, server):
    testowa.publish(router(server))
    server.answer = {"branch": "support"}
    call = testowa.call(MONDAY)
    assert path_of(call)[-2:] == ["router:fallback:unknown_branch", "no_server"]
    lines = [line["text"] for story in call.story.values() for line in story["lines"]]
    assert lines[0] in ("Serwer „router” nie dał odpowiedzi (nieznana gałąź): gałąź „awaryjna”",
                        "Server “router” gave no answer (unknown branch): the fallback branch"), lines


def test_a_user_named_by_the_server_rings_and_nobody_answering_takes_the_fallback(testowa, server):
    testowa.publish(router(server, target_user=True))
    server.answer = {"target": {"user": "102"}}
    call = testowa.call(MONDAY)
    assert path_of(call)[-2:] == ["router:user:102", "no_server"]
    assert any("501000002" in dial for dial in applications(call, "bridge"))  # Piotr's phone rang


def test_a_target_not_allowed_is_refused(testowa, server):
    testowa.publish(router(server))
    server.answer = {"target": {"number": "+48700123456"}}
    assert path_of(testowa.call(MONDAY))[-2:] == ["router:fallback:target_not_allowed", "no_server"]


def test_without_a_key_the_server_is_not_asked(testowa, server):
    testowa.tenant.server_secret = None
    db.session.commit()
    testowa.publish(router(server))
    assert path_of(testowa.call(MONDAY))[-2:] == ["router:fallback:no_key", "no_server"]
    assert server.asked == []


def test_a_draft_asks_the_server_too(testowa, server):
    testowa.publish(hangup("old"))
    number = next(n for n in testowa.tenant.main_numbers if n.number == MAIN)
    scenarios.save_draft(scenarios.scenario_for(testowa.tenant, number), {"name": "Draft", "root": router(server)})
    db.session.commit()
    server.answer = {"branch": "sales"}
    assert path_of(testowa.call(MONDAY, draft=True))[-2:] == ["router:sales", "to_sales"]


def test_an_outside_number_named_by_the_server_is_rung_through_the_carrier(testowa, server):
    testowa.publish(router(server, target_number=True))
    server.answer = {"target": {"number": "+48221234567"}}
    call = testowa.call(MONDAY)
    assert path_of(call)[-1] == "router:number:+48221234567"
    assert any(dial.endswith("sofia/gateway/carrier/48221234567") for dial in applications(call, "bridge"))
