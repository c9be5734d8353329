"""One walk over a raw scenario tree (JSON as stored, drafts unchecked): every node and where it hangs.

Each kind declares its children through `branch_items`; the walk asks the kind, so a new kind's
branches are walked without touching this module.
"""
from __future__ import annotations

from typing import Any, Iterator, NamedTuple

from pbx.nodes import kind_of


class Visit(NamedTuple):
    path: str   # "<parent id>.<branch>", "" for the root
    data: dict  # the node's JSON
    kind: Any   # its NodeKind, or None when the kind is unknown (its children are then not walked)


def walk(root) -> Iterator[Visit]:
    """Every JSON object node under `root`, depth first, branches in the order their kind declares."""
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:  # drafts are unchecked: no recursion on their depth
        path, data = stack.pop()
        if not isinstance(data, dict):
            continue
        kind = kind_of(data["kind"]) if isinstance(data.get("kind"), str) else None
        yield Visit(path, data, kind)
        if kind is not None:
            stack.extend((f"{data.get('id')}.{label}", child) for label, child in reversed(kind.branch_items(data)))


def nodes_by_id(root) -> dict[str, dict]:
    """node id → node JSON (a repeated id keeps the last one walked)."""
    return {str(visit.data.get("id")): visit.data for visit in walk(root)}
