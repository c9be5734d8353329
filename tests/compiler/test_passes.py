import pytest

from pbx.compiler import ScenarioInvalid, lint, parse, validate
from tests.support.compiler import compiled, hangup, snapshot


def chain(length: int) -> dict:
    node = hangup("n0")
    for i in range(1, length):
        node = {"id": f"n{i}", "kind": "announcement", "prompt": 5, "next": node}
    return node


def test_parse_reports_every_problem_with_its_node():
    with pytest.raises(ScenarioInvalid) as error:
        parse.parse({"root": {"id": "a", "kind": "menu", "prompt": "x", "options": {"1": {"id": "a", "kind": "nope"}},
                              "invalid": {"id": "Bad Id", "kind": "hangup"}}})
    found = {(p.node_id, p.message.split(":")[0]) for p in error.value.errors}
    assert ("a", "Announcement") in found and ("Bad Id", "Node id") in found
    assert any(p.node_id == "a" and "unknown kind" in p.message for p in error.value.errors)


def test_duplicate_ids_and_document_shape():
    with pytest.raises(ScenarioInvalid, match="used by another node"):
        parse.parse({"root": {"id": "a", "kind": "announcement", "prompt": 5, "next": hangup("a")}})
    for bad in ([], {"root": []}, {"name": 3, "root": hangup()}):
        with pytest.raises(ScenarioInvalid):
            parse.parse(bad)


def test_limits_of_size_and_depth():
    assert validate.validate(parse.parse({"root": chain(30)}), snapshot()) == []
    (problem,) = validate.validate(parse.parse({"root": chain(31)}), snapshot())
    assert "30 levels" in problem.message and problem.node_id == "n0"
    wide = {"id": "m", "kind": "menu", "prompt": 5, "options": {
        str(k): {"id": f"o{k}", "kind": "menu", "prompt": 5, "options": {
            str(j): chain_named(f"o{k}_{j}", 6) for j in range(10)}} for k in range(10)}}
    assert any("at most 500" in p.message for p in validate.validate(parse.parse({"root": wide}), snapshot()))


def chain_named(prefix: str, length: int) -> dict:
    node = hangup(f"{prefix}_0")
    for i in range(1, length):
        node = {"id": f"{prefix}_{i}", "kind": "announcement", "prompt": 5, "next": node}
    return node


def test_references_belong_to_this_tenant_only():
    other = snapshot(users={}, groups={}, boxes={}, announcements={})
    root = {"id": "fw", "kind": "forward", "target": {"user": 1}, "no_answer": {"id": "vm", "kind": "voicemail", "box": 9}}
    errors = validate.validate(parse.parse({"root": root}), other)
    assert {e.node_id for e in errors} == {"fw", "vm"}


def test_lint_collects_warnings_per_node():
    root = {"id": "a", "kind": "announcement", "prompt": 7}
    assert [w.node_id for w in lint.lint(parse.parse({"root": root}), snapshot())] == ["a", "a"]


def test_meta_names_nodes_for_the_call_path():
    meta = compiled({"id": "a", "kind": "announcement", "name": "Powitanie", "prompt": 5, "next": hangup()}).meta
    assert meta["nodes"] == {"a": {"kind": "announcement", "label": "Powitanie"},
                             "bye": {"kind": "hangup", "label": "hangup bye"}}
    assert meta["entry"] == "main_1"


def test_unknown_main_number_is_an_error():
    with pytest.raises(ScenarioInvalid, match="main number 44"):
        compiled(hangup(), main_number_id=44)
