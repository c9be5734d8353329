"""Lower pass: parsed nodes → IR extensions, plus what the endpoint must serve besides the XML."""
from __future__ import annotations

import re

from pbx.dialplan import ir
from pbx.dialplan.ir import Action, prompt_path
from pbx.nodes import kind_of
from pbx.nodes.base import Node

MAX_CALL_SECONDS = 3600
_ZONE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


class Lowering:
    """Names and action helpers shared by every node kind while one scenario is lowered."""

    def __init__(self, snapshot, *, scenario_id: int, version_id: int, main_number_id: int):
        self.snap = snapshot
        self.scenario_id = int(scenario_id)
        self.version_id = int(version_id)
        self.main_number_id = int(main_number_id)
        self.queues: list[dict] = []
        self.asks: list[dict] = []  # what the endpoint asks a company's server for (pbx.nodes.server)
        self.prompts: set[int] = set()
        self._memo: dict = {}

    def memo(self, key, build):
        """``build()`` once per key while this scenario is lowered (the snapshot does not change)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @property
    def context(self) -> str:
        return self.snap.context

    def dest(self, node_id: str, step: str | None = None) -> str:
        # Steps are upper case and node ids lower case, so "s1_a_B" never equals a node's name.
        return f"s{self.scenario_id}_{node_id}" + (f"_{step}" if step else "")

    def transfer(self, destination: str) -> Action:
        return Action("transfer", f"{destination} XML {self.context}")

    def enter(self, node: Node, outcome: str | None = None) -> list[Action]:
        entry = f"{node.id}:{outcome}" if outcome else node.id
        return [Action("set", f"centralka_node={node.id}"),
                Action("set", f"centralka_path=${{centralka_path}};{entry}")]

    def outcome(self, label: str) -> Action:
        """Mark the last path entry with how the node ended (`menu` → `menu:1`)."""
        return Action("set", f"centralka_path=${{centralka_path}}:{label}")

    def follow(self, node: Node, branch: str) -> list[Action]:
        """Go on to a branch's child, or end the call when the branch is empty."""
        child = node.branches.get(branch)
        if child is None:
            return [Action("hangup", "NORMAL_CLEARING")]
        return [self.transfer(self.dest(child.id))]

    def prompt(self, announcement_id: int) -> str:
        self.prompts.add(int(announcement_id))
        return prompt_path(self.snap.tenant_id, announcement_id)

    def timezone_action(self) -> Action:
        return timezone_action(self.snap)

    def call_start(self) -> list[Action]:
        """Tag a call of the scenario's main number and cap it at 60 minutes."""
        number = self.snap.main_numbers[self.main_number_id].number
        return [
            Action("export", f"centralka_tenant={self.snap.tenant_id}"),
            Action("export", f"centralka_main_number={number}"),
            Action("export", f"centralka_scenario={self.scenario_id}"),
            Action("export", f"centralka_version={self.version_id}"),
            Action("export", "centralka_direction=in"),
            Action("set", self.timezone_action().data),
            Action("sched_hangup", f"+{MAX_CALL_SECONDS} ALLOTTED_TIMEOUT"),
        ]

    def entry(self, root: Node) -> ir.Extension:
        """`main_<id>`: tag the call, cap it at 60 minutes, go to the root node."""
        return ir.simple(f"main_{self.main_number_id}", [*self.call_start(), self.transfer(self.dest(root.id))])


def timezone_action(snap) -> Action:
    zone = snap.timezone
    if not _ZONE_RE.fullmatch(zone):
        raise ValueError(f"not an IANA zone name: {zone!r}")
    # Inline: mod_dialplan_xml's check_tz() reads `timezone` before each condition, at hunt time.
    return Action("set", f"timezone={zone}", inline=True)


def lower(root: Node, low: Lowering) -> list[ir.Extension]:
    """The entry extension, then every node's extensions in tree order."""
    extensions = [low.entry(root)]
    for node in root.walk():
        extensions.extend(kind_of(node.kind).lower(node, low))
    return extensions
