"""The "Call a server" node: its checks and warnings, and what the compiled document alone does."""
from datetime import datetime

import pytest
from lxml import etree

from pbx.compiler import ScenarioInvalid
from pbx.nodes.server import reply_actions
from pbx.server_call import Answer
from tests.support.compiler import WARSAW, applications, call, compiled, hangup, path_of

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)


def router(**extra):
    return {"id": "router", "kind": "server", "url": "https://crm.example.com/route",
            "answers": {"sales": hangup("to_sales")}, "fallback": hangup("no_server"), **extra}


def codes(problems) -> list[str]:
    return [p.message.code for p in problems]


def test_warnings_for_a_missing_fallback_and_an_address_that_is_not_https():
    assert codes(compiled(router()).warnings) == []
    node = router(url="http://crm.example.com/route")
    del node["fallback"]
    assert codes(compiled(node).warnings) == ["lint.server_not_https", "lint.server_no_fallback"]


@pytest.mark.parametrize("change, words", [
    ({"url": "https://"}, "not a valid URL"), ({"url": "crm.example.com"}, "not a valid URL"),
    ({"answers": {}}, "nowhere to send the call"), ({"answers": {"Sales": hangup("x")}}, "answer name 'Sales'"),
    ({"answers": {"fallback": hangup("x")}}, "answer name 'fallback'"), ({"timeout_ms": 5000}, "from 200 to 2000")])
def test_errors_name_the_problem(change, words):
    with pytest.raises(ScenarioInvalid, match=words):
        compiled(router(**change))


def test_a_target_alone_is_enough():
    assert compiled(router(answers={}, target_group=True)).xml


def test_the_compiled_document_alone_takes_the_fallback():
    """What a hunt gets from the last good document, when the endpoint cannot ask: the fallback, `unasked`."""
    result = call(router(), at=AT)
    assert path_of(result) == ["router:fallback:unasked", "no_server"]
    assert result.variables["centralka_server"] == "router:fallback:unasked"


def test_the_address_never_reaches_the_document():
    xml = compiled(router(url="https://crm.example.com/${api(system)}/$${hostname}")).xml
    assert b"crm.example.com" not in xml and b"api(" not in xml


def test_a_user_named_by_the_server_returns_to_the_fallback_when_nobody_answers():
    spec = {"node": "router", "ask": "s5_router_ASK", "answers": {}, "fallback": "s5_no_server"}
    actions = [(a.application, a.data) for a in reply_actions(spec, Answer("user", "101"), "", "tenant_3")]
    assert actions == [("set", "centralka_server=router:user:101"),
                       ("set", "centralka_path=${centralka_path}:user:101"),
                       ("set", "centralka_dial_return=s5_router_ASK_FALLBACK"),
                       ("transfer", "direct_101 XML tenant_3")]
    assert ("transfer", "s5_no_server XML tenant_3") in applications(compiled(router()).xml, "s5_router_ASK_FALLBACK")
    names = [e.get("name") for e in etree.fromstring(compiled(router()).xml).iter("extension")]
    assert names.count("s5_router_ASK") == 1
