"""The intermediate form between scenario nodes and dialplan XML: extensions of conditions of actions.

It mirrors mod_dialplan_xml's model one to one, so emitting is a plain walk and every
decision about FreeSWITCH behaviour is made while lowering, where it can be tested.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# Attributes switch_xml_std_datetime_check() reads (src/switch_xml.c).
TIME_ATTRS = ("year", "mon", "mday", "wday", "time-of-day")


def prompt_path(tenant_id: int, announcement_id: int) -> str:
    """A company's announcement as FreeSWITCH plays it (rendered by pbx.prompts)."""
    return f"${{sounds_dir}}/centralka/{int(tenant_id)}/{int(announcement_id)}.wav"


@dataclass(frozen=True)
class Action:
    application: str
    data: str = ""
    inline: bool = False
    loop: int = 1


@dataclass
class Regex:
    """A <regex> child of a condition with regex="any": a time window or a field match."""

    time: dict[str, str] = dataclasses.field(default_factory=dict)
    field: str | None = None
    expression: str | None = None


@dataclass
class Condition:
    field: str | None = None
    expression: str | None = None
    time: dict[str, str] = dataclasses.field(default_factory=dict)
    any_of: list[Regex] = dataclasses.field(default_factory=list)
    break_: str | None = None
    actions: list[Action] = dataclasses.field(default_factory=list)
    anti_actions: list[Action] = dataclasses.field(default_factory=list)


@dataclass
class Extension:
    name: str
    conditions: list[Condition]
    continue_: bool = False


def destination_is(name: str, actions: list[Action] | None = None) -> Condition:
    """The usual first condition: the hunted destination is exactly ``name``."""
    return Condition("destination_number", f"^{name}$", actions=list(actions or []))


def simple(name: str, actions: list[Action], ext_name: str | None = None) -> Extension:
    """One extension running ``actions`` when ``name`` is hunted."""
    return Extension(ext_name or name, [destination_is(name, actions)])


def any_time(windows: list[Regex]) -> list[Regex]:
    """<regex> children for a condition that matches when any time window matches.

    A failing time-only <regex> does not reset parse_exten's `proceed` (mod_dialplan_xml.c), so
    when none matched, the extension would still count as found and stop the hunt with no
    actions. A last field regex that never matches (destinations are never empty) sets it to 0.
    """
    return [*windows, Regex(field="destination_number", expression="^$")]
