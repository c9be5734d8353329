"""Parse pass: scenario JSON → a tree of ``Node`` objects, each loaded by its kind's schema."""
from __future__ import annotations

from marshmallow import ValidationError

from pbx.compiler.errors import ScenarioInvalid
from pbx.messages import Message
from pbx.nodes import kind_of, registry
from pbx.nodes.base import Node, Problem

# Hard stops so a hostile document cannot exhaust memory or the stack before validation.
READ_DEPTH, READ_NODES = 64, 2000


def _messages(messages, prefix="") -> list[Message]:
    """A node's field errors, each after its field's path, which the message words by the field's label."""
    if isinstance(messages, dict):
        return [line for key, value in messages.items()
                for line in _messages(value, f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(messages, list):
        return [line for m in messages for line in _messages(m, prefix)]
    return [Message("input.in_field", field=prefix, message=messages) if prefix else messages]


class _Reader:
    def __init__(self):
        self.errors: list[Problem] = []
        self.seen: set[str] = set()
        self.count = 0

    def node(self, data, where: str, parent: Node | None, depth: int) -> Node | None:
        self.count += 1
        if depth > READ_DEPTH or self.count > READ_NODES:
            self.errors.append(Problem(where, Message("scenario.too_large_to_read")))
            return None
        if not isinstance(data, dict):
            self.errors.append(Problem(where, Message("node.not_an_object")))
            return None
        node_id = data.get("id") if isinstance(data.get("id"), str) else where
        kind = kind_of(data.get("kind")) if isinstance(data.get("kind"), str) else None
        if kind is None:
            known = ", ".join(sorted(registry()))
            found = data.get("kind")
            self.errors.append(Problem(node_id, Message("node.no_kind", known=known) if found is None
                                       else Message("node.unknown_kind", value=found, known=known)))
            return None
        try:
            fields = kind.load(kind.own_fields(data))
        except ValidationError as error:
            self.errors.extend(Problem(node_id, m) for m in _messages(error.messages))
            fields = None
        if node_id in self.seen:
            self.errors.append(Problem(node_id, Message("node.id_taken")))
        self.seen.add(node_id)
        node = Node(node_id, kind.kind, (fields or {}).get("name", ""), {
            k: v for k, v in (fields or {}).items() if k not in ("id", "kind", "name")}, parent=parent)
        for label, child in kind.branch_items(data):
            parsed = self.node(child, f"{node_id}.{label}", node, depth + 1)
            if parsed is not None:
                node.branches[label] = parsed
        return node if fields is not None else None


def parse(tree) -> Node:
    """The root node; raises ScenarioInvalid listing every shape problem of every node."""
    if not isinstance(tree, dict) or not isinstance(tree.get("root"), dict):
        raise ScenarioInvalid([Problem("scenario", Message("scenario.not_an_object"))])
    if "name" in tree and not isinstance(tree["name"], str):
        raise ScenarioInvalid([Problem("scenario", Message("scenario.name_not_text"))])
    reader = _Reader()
    root = reader.node(tree["root"], "root", None, 0)
    if reader.errors or root is None:
        raise ScenarioInvalid(reader.errors)
    return root
