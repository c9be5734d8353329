from datetime import datetime

import pytest
from lxml import etree

from pbx.compiler import ScenarioInvalid
from pbx.simulator import Leg
from tests.support.compiler import ANNA, WARSAW, applications, call, compiled, hangup, path_of, tenant_xml

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)


def goto(node_id, target, **extra):
    return {"id": node_id, "kind": "goto", "target": target, **extra}


def receptionist_menu():
    """One receptionist for "no input" and "invalid": the forward hangs under option 0 only."""
    reception = {"id": "reception", "kind": "forward", "name": "Recepcja", "target": {"user": 1},
                 "no_answer": hangup("missed")}
    return {"id": "m", "kind": "menu", "prompt": 5, "repeat": 1, "timeout_seconds": 3,
            "options": {"1": hangup("one"), "0": reception},
            "no_input": goto("silent", "reception"), "invalid": goto("wrong", "reception")}


def test_one_target_serves_two_branches_and_is_emitted_once():
    xml = compiled(receptionist_menu()).xml
    names = [e.get("name") for e in etree.fromstring(xml).iter("extension")]
    assert names.count("s5_reception") == 1
    for jump in ("s5_silent", "s5_wrong"):
        assert ("transfer", "s5_reception XML tenant_3") in applications(xml, jump)


@pytest.mark.parametrize("keys, entry", [([], "m:no_input"), ([(1.0, "7")], "m:invalid"), ([(1.0, "0")], "m:0")])
def test_each_branch_reaches_the_shared_receptionist(keys, entry):
    result = call(receptionist_menu(), at=AT, keys=keys, legs={ANNA: Leg("answer", 2.0, talk=5)})
    assert path_of(result)[0] == entry and path_of(result)[-1] == "reception"
    assert result.hangup_by == "callee"


def test_goto_back_to_a_menu_is_a_loop_that_waits_for_a_key():
    root = {"id": "top", "kind": "announcement", "prompt": 5, "next": {
        "id": "m", "kind": "menu", "prompt": 5, "repeat": 1, "options": {"1": hangup("one")},
        "no_input": goto("again", "top"), "invalid": hangup("wrong")}}
    assert ("transfer", "s5_top XML tenant_3") in applications(compiled(root).xml, "s5_again")
    result = call(root, at=AT, keys=[(16.0, "1")])
    assert path_of(result) == ["top", "m:no_input", "again", "top", "m:1", "one"]


@pytest.mark.parametrize("root, loop", [
    ({"id": "top", "kind": "announcement", "name": "Powitanie", "prompt": 5, "next": goto("back", "top")},
     "Powitanie (top) → back → Powitanie (top)"),
    (goto("self", "self"), "self → self"),
    # Busy and unavailable take `no_answer` at once: a loop through it would spin.
    ({"id": "fw", "kind": "forward", "target": {"number": "+48600100200"}, "no_answer": goto("retry", "fw")},
     "fw → retry → fw"),
    ({"id": "hours", "kind": "schedule", "week": {"mon": [["08:00", "16:00"]]}, "open": hangup("open_end"),
      "closed": {"id": "vip", "kind": "caller_condition", "list": 21, "match": goto("recheck", "hours"),
                 "otherwise": hangup("bye")}},
     "hours → vip → recheck → hours"),
])
def test_a_loop_without_a_keypress_or_a_time_limit_is_refused_naming_its_nodes(root, loop):
    with pytest.raises(ScenarioInvalid) as error:
        compiled(root)
    (problem,) = error.value.errors
    assert problem.message == f"a loop without a keypress or a time limit: {loop}: put a menu in it, or a forward with ringing"


@pytest.mark.parametrize("forward", [
    {"queue": {"max_wait_seconds": 60}},
    {"busy": hangup("engaged"), "unavailable": hangup("gone")},
])
def test_a_loop_through_ringing_that_only_ends_on_its_time_limit_is_allowed(forward):
    root = {"id": "fw", "kind": "forward", "target": {"group": 10}, "no_answer": goto("retry", "fw"), **forward}
    assert ("transfer", "s5_fw XML tenant_3") in applications(compiled(root).xml, "s5_retry")


def test_a_loop_through_an_empty_group_is_refused():
    root = {"id": "fw", "kind": "forward", "target": {"group": 14}, "queue": {"max_wait_seconds": 60},
            "no_answer": goto("retry", "fw")}
    with pytest.raises(ScenarioInvalid, match="a loop without a keypress"):
        compiled(root)


def test_goto_to_a_node_that_is_not_in_the_tree_is_refused():
    with pytest.raises(ScenarioInvalid) as error:
        compiled({"id": "m", "kind": "menu", "prompt": 5, "options": {"1": goto("jump", "nowhere")}})
    assert [str(p) for p in error.value.errors] == ["jump: goto target 'nowhere' is not a node of this scenario"]


def test_the_served_document_holds_the_shared_node_once():
    names = [e.get("name") for e in etree.fromstring(tenant_xml(receptionist_menu())).iter("extension")]
    assert names.count("s5_reception") == 1
