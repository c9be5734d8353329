"""Go on to another node of the same tree: one target shared by several branches, or a loop back.

The target is emitted once, where it hangs; every `goto` naming it transfers there. A loop is
allowed only when it waits for the caller somewhere (a keypress, or a time limit running out):
a loop of instant steps would spin until the 60-minute cap.
"""
from __future__ import annotations

from collections import deque

from pbx.dialplan import ir
from pbx.messages import Message
from pbx.nodes import kind_of, register
from pbx.nodes.base import Node, NodeId, NodeKind, NodeSchema, told


class GotoSchema(NodeSchema):
    target = NodeId(required=True, metadata={"summary": True})


def panel_words(node: Node) -> str:
    """A node as the panel's tree shows it: its name, then its id."""
    return f"{node.name} ({node.id})" if node.name else node.id


def _root(node: Node) -> Node:
    return next((a for a in node.ancestors() if a.parent is None), node)


def _instant_steps(node: Node, nodes: dict, snapshot) -> list[Node]:
    """Where a call goes on from `node` without waiting for the caller or a timer."""
    if node.kind == Goto.kind:
        target = nodes.get(node.fields["target"])
        return [target] if target is not None else []
    kind = kind_of(node.kind)
    return [child for label, child in node.branches.items() if not kind.waits(node, label, snapshot)]


def idle_loop(jump: Node, nodes: dict, snapshot) -> list[Node]:
    """The nodes of a loop through `jump` that never waits (breadth first: the shortest), or []."""
    start = nodes[jump.fields["target"]]
    came_from = {start.id: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node is jump:
            loop = [node]
            while came_from[loop[-1].id] is not None:
                loop.append(came_from[loop[-1].id])
            return list(reversed(loop))
        for step in _instant_steps(node, nodes, snapshot):
            if step.id not in came_from:
                came_from[step.id] = node
                queue.append(step)
    return []


@register
class Goto(NodeKind):
    kind = "goto"
    schema = GotoSchema

    def check(self, node, snapshot):
        nodes = {n.id: n for n in _root(node).walk()}
        target = node.fields["target"]
        if target not in nodes:
            return [Message("check.goto_unknown", value=target)]
        loop = idle_loop(node, nodes, snapshot)
        if loop:
            return [Message("check.idle_loop", loop=" → ".join(map(panel_words, [*loop, loop[0]])))]
        return []

    def lower(self, node, low):
        actions = [*low.enter(node), low.transfer(low.dest(node.fields["target"]))]
        return [ir.simple(low.dest(node.id), actions)]

    def describe(self, node):
        return node.name or f"go to {node.fields['target']}"

    def wording(self, stop, node, events, book):
        target = book.labels.get(node.get("target"))
        return {"text": f"go to {target}" if target and not node.get("name") else stop["label"]}

    def story(self, stop, node, events, book, language):
        target = book.labels.get(node.get("target")) or stop["label"]
        return [(stop["at"], told(STORY, language, "goto", name=target))]


STORY = {"pl": {"goto": "Przejście do „{name}”"}, "en": {"goto": "Go to “{name}”"}}
