"""Validate pass: the parsed tree against the limits and against THIS tenant's directory."""
from __future__ import annotations

from pbx.messages import Message
from pbx.nodes import kind_of
from pbx.nodes.base import Node, Problem, branch_words

MAX_NODES = 500
MAX_DEPTH = 30


def _depth(node: Node) -> int:
    return sum(1 for _ in node.ancestors()) + 1


def validate(root: Node, snapshot) -> list[Problem]:
    """Every error, each with its node id; an empty list means the tree compiles."""
    errors: list[Problem] = []
    nodes = list(root.walk())
    if len(nodes) > MAX_NODES:
        errors.append(Problem(root.id, Message("check.too_many_nodes", nodes=len(nodes), max=MAX_NODES)))
    for node in nodes:
        if _depth(node) == MAX_DEPTH + 1:
            errors.append(Problem(node.id, Message("check.too_deep", levels=MAX_DEPTH)))
        kind = kind_of(node.kind)
        for branch in kind.required_branches:
            if branch not in node.branches:
                errors.append(Problem(node.id, Message("check.branch_missing", branch=branch_words(branch))))
        errors.extend(Problem(node.id, message) for message in kind.check(node, snapshot))
    return errors
