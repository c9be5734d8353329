"""Announcement: play a prompt a number of times, then go on to `next`."""
from __future__ import annotations

from marshmallow import fields, validate

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.messages import Message
from pbx.nodes import register
from pbx.nodes.base import (BRANCHES, NodeKind, NodeSchema, RefId, executed, missing_prompt, object_ids,
                            prompt_language, told)


class AnnouncementSchema(NodeSchema):
    prompt = RefId("announcement", required=True, metadata={"summary": True})
    repeat = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=10))


@register
class Announcement(NodeKind):
    kind = "announcement"
    schema = AnnouncementSchema
    branch_names = ("next",)

    def references(self, data):
        return object_ids("announcement", data.get("prompt"))

    def check(self, node, snapshot):
        return missing_prompt(node.fields["prompt"], snapshot)

    def lint(self, node, snapshot):
        found = prompt_language(node.fields["prompt"], snapshot)
        if "next" not in node.branches:
            found.append(Message("lint.dead_end", branch=BRANCHES["next"]))
        return found

    def lower(self, node, low):
        # The `loop` attribute repeats an action while the extension is built (parse_exten).
        actions = [*low.enter(node), Action("answer"),
                   Action("playback", low.prompt(node.fields["prompt"]), loop=node.fields["repeat"]),
                   *low.follow(node, "next")]
        return [ir.simple(low.dest(node.id), actions)]

    def wording(self, stop, node, events, book):
        plays = len(executed(events, "playback"))
        return {"text": f"{stop['label']} ×{plays}", "plays": plays}

    def story(self, stop, node, events, book, language):
        plays = len(executed(events, "playback"))
        return [(stop["at"], told(STORY, language, "again" if plays > 1 else "once", name=stop["label"], plays=plays))]


STORY = {"pl": {"once": "Zapowiedź „{name}”", "again": "Zapowiedź „{name}” ({plays} razy)"},
         "en": {"once": "Announcement “{name}”", "again": "Announcement “{name}” ({plays} times)"}}
