"""Hang up, optionally after a prompt."""
from __future__ import annotations

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.nodes import register
from pbx.nodes.base import (NodeKind, NodeSchema, RefId, executed, missing_prompt, object_ids, prompt_language,
                            told)


class HangupSchema(NodeSchema):
    prompt = RefId("announcement", load_default=None, allow_none=True)


@register
class Hangup(NodeKind):
    kind = "hangup"
    schema = HangupSchema

    def references(self, data):
        return object_ids("announcement", data.get("prompt"))

    def check(self, node, snapshot):
        return missing_prompt(node.fields["prompt"], snapshot)

    def lint(self, node, snapshot):
        return prompt_language(node.fields["prompt"], snapshot)

    def lower(self, node, low):
        actions = low.enter(node)
        if node.fields["prompt"] is not None:
            actions += [Action("answer"), Action("playback", low.prompt(node.fields["prompt"]))]
        actions.append(Action("hangup", "NORMAL_CLEARING"))
        return [ir.simple(low.dest(node.id), actions)]

    def wording(self, stop, node, events, book):
        return {"text": "hang up" + (" after a prompt" if executed(events, "playback") else "")}

    def story(self, stop, node, events, book, language):
        return [(stop["at"], told(STORY, language, "prompt" if executed(events, "playback") else "hangup"))]


STORY = {"pl": {"hangup": "Rozłączenie", "prompt": "Komunikat, potem rozłączenie"},
         "en": {"hangup": "Hang-up", "prompt": "A prompt, then hang-up"}}
