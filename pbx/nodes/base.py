"""What every node kind shares: the parsed node, the kind interface and the common fields."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

from pbx.dialplan import ir
from pbx.messages import Message
from pbx.tenancy import missing
from schemas.fields import Name

# The panel's words for a branch (webadmin/static/js/i18n.js "br.*") and for a prompt's language.
BRANCHES = {"open": Message("branch.open"), "closed": Message("branch.closed"), "next": Message("branch.next"),
            "no_input": Message("branch.no_input"), "invalid": Message("branch.invalid"),
            "no_answer": Message("branch.no_answer"), "busy": Message("branch.busy"),
            "unavailable": Message("branch.unavailable"), "match": Message("branch.match"),
            "otherwise": Message("branch.otherwise"), "fallback": Message("branch.fallback")}
LANGUAGES = {"pl": Message("language.pl"), "en": Message("language.en")}
# The panel's words for the node kinds ("kind.*")
KINDS = {"schedule": Message("kind.schedule"), "announcement": Message("kind.announcement"),
         "menu": Message("kind.menu"), "forward": Message("kind.forward"), "voicemail": Message("kind.voicemail"),
         "caller_condition": Message("kind.caller_condition"), "hangup": Message("kind.hangup"),
         "goto": Message("kind.goto"), "server": Message("kind.server"),
         "occasional": Message("kind.occasional"), "personal": Message("kind.personal"), "fax": Message("kind.fax")}


def branch_words(name: str):
    """A branch by its label in the panel; a menu key's branch by its key, a server's answer by its name."""
    if name in BRANCHES:
        return BRANCHES[name]
    return Message("branch.key", key=name) if len(name) == 1 else Message("branch.answer", name=name)

NODE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass
class Node:
    """One node of a parsed scenario tree; children hang off named branches."""

    id: str
    kind: str
    name: str
    fields: dict[str, Any]
    branches: dict[str, "Node"] = field(default_factory=dict)
    parent: "Node | None" = None

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        """This node and its descendants, depth first, branches in their declared order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.branches.values()))


@dataclass(frozen=True)
class Problem:
    """An error or a warning about one node."""

    node_id: str
    message: Message

    def __str__(self) -> str:
        return f"{self.node_id}: {self.message}"


class NodeId(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not NODE_ID_RE.fullmatch(text):
            raise ValidationError(Message("node.id_format"))
        return text


class NodeSchema(Schema):
    """Fields every node has; a kind's schema adds its own (branches are parsed separately)."""

    id = NodeId(required=True)
    kind = fields.String(required=True)
    name = Name(load_default="", min_length=0)


class RefId(fields.Integer):
    """A reference to a directory object by id (never by name); `ref` names the object's kind."""

    def __init__(self, ref: str, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1), **kwargs)
        self.ref = ref


class NodeKind:
    """One kind of node. Subclasses live one per module in ``pbx.nodes`` and register themselves."""

    kind: ClassVar[str]
    schema: ClassVar[type[Schema]]
    branch_names: ClassVar[tuple[str, ...]] = ()
    required_branches: ClassVar[tuple[str, ...]] = ()
    # A field whose keys hang children (a menu's options); its values are branches, not settings.
    keyed_branches: ClassVar[str | None] = None
    # Values a new node starts with in the panel beyond its schema's defaults.
    template: ClassVar[dict] = {}

    def load(self, data: dict) -> dict:
        """The node's own fields through its schema; one schema object per kind (building one is slow)."""
        if "_loader" not in self.__dict__:
            self._loader = self.schema()
        return self._loader.load(data)

    def branch_items(self, data: dict) -> list[tuple[str, Any]]:
        """(branch label, child JSON) pairs found in a node's JSON, in emission order."""
        return [(name, data[name]) for name in self.branch_names if data.get(name) is not None]

    def own_fields(self, data: dict) -> dict:
        """The node's JSON without its children, for the schema to load."""
        return {k: v for k, v in data.items() if k not in self.branch_names}

    def references(self, data: dict) -> list[tuple[str, Any]]:
        """(kind, id) of the directory objects a node's JSON names; works on unchecked drafts too.

        Kinds: user, group, box, announcement, list, number (an outside number as typed).
        """
        return []

    def check(self, node: Node, snapshot) -> list[str]:
        """Errors: references missing from the tenant, impossible settings."""
        return []

    def lint(self, node: Node, snapshot) -> list[str]:
        """Warnings: it compiles, but a caller will probably not get what the admin meant."""
        return []

    def waits(self, node: Node, branch: str, snapshot) -> bool:
        """Whether a call takes `branch` only after a keypress or a time limit (a loop must pass one)."""
        return False

    def lower(self, node: Node, low) -> list[ir.Extension]:
        raise NotImplementedError

    def describe(self, node: Node) -> str:
        """A short label for the call path shown in call records."""
        return node.name or f"{self.kind} {node.id}"

    def wording(self, stop: dict, node: dict, events: list, book) -> dict:
        """A test call's words for one stop at a node of this kind: {"text": ..., details...}.

        `stop` has the node's label and outcome, `node` its JSON in the version played, `events`
        the simulator's steps while the call was there; `book` names directory objects and legs.
        """
        return {"text": stop["label"]}

    def story(self, stop: dict, node: dict, events: list, book, language: str) -> list[tuple[float, str]]:
        """A test call's story at one stop for people, in `language` ("pl" or "en"): (seconds, sentence) lines.

        Same inputs as `wording`; `book.legs_story(legs, language)` tells the people rung.
        """
        return [(stop["at"], stop["label"])]


def object_ids(kind: str, *values) -> list[tuple[str, int]]:
    """(kind, id) for every value that is an object id (drafts may hold anything)."""
    return [(kind, v) for v in values if isinstance(v, int) and not isinstance(v, bool)]


def missing_prompt(announcement_id, snapshot) -> list[Message]:
    if announcement_id is not None and announcement_id not in snapshot.announcements:
        return [missing("Announcement", [announcement_id])]
    return []


def missing_box(box_id, snapshot) -> list[Message]:
    """A voicemail or fax node's box that is not the company's."""
    return [] if box_id in snapshot.boxes else [missing("VoicemailBox", [box_id])]


def common_prompt(language: str, name: str) -> str:
    """A prompt every company shares (pbx.prompts.SYSTEM_TEXTS), as FreeSWITCH plays it."""
    return f"${{sounds_dir}}/centralka/common/{language}/{name}.wav"


def prompt_language(announcement_id, snapshot) -> list[Message]:
    info = snapshot.announcements.get(announcement_id)
    if info is not None and info.language != snapshot.language:
        return [Message("lint.prompt_language", name=info.name or info.id, language=LANGUAGES[info.language],
                        company=LANGUAGES[snapshot.language])]
    return []


def executed(events, application: str) -> list[str]:
    """The data of each run of `application` on the caller's channel among a test call's steps (not on a
    user's leg, where a feature code runs)."""
    return [s.details["data"] for s in events
            if s.kind == "execute" and s.details["application"] == application and "leg" not in s.details]


def seconds_text(value: float) -> str:
    return f"{value:.0f} s" if abs(value - round(value)) < 0.05 else f"{value:.1f} s"


def told(words: dict[str, dict[str, str]], language: str, key: str, **params) -> str:
    """One sentence of a kind's story catalogue ({"pl": {key: template}, "en": {...}}) in `language`."""
    return words.get(language, words["en"])[key].format(**params)
