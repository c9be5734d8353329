"""The one walk over raw trees: paths, order, unknown kinds and drafts of any depth."""
from __future__ import annotations

import pbx.compiler  # noqa: F401  (the node kinds import the compiler's IR)
from pbx.nodes.walk import nodes_by_id, walk


def _hangup(node_id):
    return {"id": node_id, "kind": "hangup"}


def test_nodes_come_depth_first_with_where_they_hang():
    root = {"id": "m", "kind": "menu", "prompt": 1,
            "options": {"2": _hangup("two"), "1": {"id": "a", "kind": "announcement", "next": _hangup("after")}},
            "no_input": _hangup("quiet"), "invalid": "not a node"}
    assert [(v.path, v.data["id"], v.kind.kind) for v in walk(root)] == [
        ("", "m", "menu"), ("m.1", "a", "announcement"), ("a.next", "after", "hangup"), ("m.2", "two", "hangup"),
        ("m.no_input", "quiet", "hangup")]


def test_an_unknown_kind_is_visited_but_not_entered():
    root = {"id": "x", "kind": "teleport", "next": _hangup("hidden")}
    assert [(v.data["id"], v.kind) for v in walk(root)] == [("x", None)]
    assert list(walk({"id": "y", "kind": ["menu"]}))[0].kind is None
    assert list(walk(None)) == []


def test_a_very_deep_draft_is_walked_without_recursion():
    root = node = {"id": "n0", "kind": "announcement", "prompt": 1}
    for depth in range(1, 5000):
        node["next"] = {"id": f"n{depth}", "kind": "announcement", "prompt": 1}
        node = node["next"]
    found = nodes_by_id(root)
    assert len(found) == 5000 and found["n4999"]["kind"] == "announcement"
