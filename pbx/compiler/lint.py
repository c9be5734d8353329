"""Lint pass: warnings about a tree that compiles but probably does not do what was meant."""
from __future__ import annotations

from pbx.nodes import kind_of
from pbx.nodes.base import Node, Problem


def lint(root: Node, snapshot) -> list[Problem]:
    return [Problem(node.id, message) for node in root.walk() for message in kind_of(node.kind).lint(node, snapshot)]
