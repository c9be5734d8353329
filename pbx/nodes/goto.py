"""Go back to an ancestor node (the only loop a scenario may have)."""
from __future__ import annotations

from pbx.dialplan import ir
from pbx.nodes import register
from pbx.nodes.base import NodeId, NodeKind, NodeSchema


class GotoSchema(NodeSchema):
    target = NodeId(required=True, metadata={"summary": True})


@register
class Goto(NodeKind):
    kind = "goto"
    schema = GotoSchema

    def check(self, node, snapshot):
        # The target must be an ancestor: any other jump could skip or duplicate a branch's meaning.
        if node.fields["target"] not in {a.id for a in node.ancestors()}:
            return [f"goto target {node.fields['target']!r} is not a node above this one"]
        return []

    def lower(self, node, low):
        actions = [*low.enter(node), low.transfer(low.dest(node.fields["target"]))]
        return [ir.simple(low.dest(node.id), actions)]

    def describe(self, node):
        return node.name or f"back to {node.fields['target']}"

    def wording(self, stop, node, events, book):
        target = book.labels.get(node.get("target"))
        return {"text": f"back to {target}" if target and not node.get("name") else stop["label"]}
