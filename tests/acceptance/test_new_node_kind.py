"""A node kind is one module: registered alone, it is served to the panel, compiled, played and worded."""
from __future__ import annotations

import pytest
from marshmallow import fields, validate

from pbx.dialplan import ir
from pbx.dialplan.ir import Action
from pbx.nodes import registry
from pbx.nodes.base import NodeKind, NodeSchema, RefId, executed
from pbx.testcall import parse_at
from tests.support.acceptance import hangup

MONDAY = parse_at("2026-12-21T10:00", "Europe/Warsaw")


class WhisperSchema(NodeSchema):
    prompt = RefId("announcement", required=True, metadata={"summary": True})
    times = fields.Integer(strict=True, load_default=3, validate=validate.Range(min=1, max=4))


class Whisper(NodeKind):
    """Plays its prompt `times` times, then goes on to `next`."""

    kind = "whisper"
    schema = WhisperSchema
    branch_names = ("next",)
    required_branches = ("next",)

    def lower(self, node, low):
        actions = [*low.enter(node), Action("answer"),
                   Action("playback", low.prompt(node.fields["prompt"]), loop=node.fields["times"]),
                   *low.follow(node, "next")]
        return [ir.simple(low.dest(node.id), actions)]

    def wording(self, stop, node, events, book):
        return {"text": f"whispered {stop['label']} {len(executed(events, 'playback'))} times", "whispers": True}


@pytest.fixture
def whisper(monkeypatch):
    monkeypatch.setitem(registry(), "whisper", Whisper())


def test_the_panel_gets_the_new_kind_from_its_schema(whisper, as_viewer):
    spec = as_viewer.get("/api/node-kinds").get_json()["whisper"]
    assert spec["branches"] == ["next"] and spec["required"] == ["next"]
    by_name = {f["name"]: f for f in spec["fields"]}
    assert by_name["times"] == {"name": "times", "type": "integer", "required": False, "nullable": False,
                                "label": "times", "min": 1, "max": 4, "default": 3}
    assert by_name["prompt"]["ref"] == "announcement" and by_name["prompt"]["required"] is True


def test_a_test_call_words_the_new_kind_by_its_own_hook(whisper, testowa):
    testowa.publish({"id": "psst", "kind": "whisper", "name": "Szept", "prompt": testowa.prompts["Powitanie"].id,
                     "times": 2, "next": hangup("end", "Koniec")})
    call = testowa.call(MONDAY)
    stop = next(p for p in call.path if p["node"] == "psst")
    assert stop["kind"] == "whisper" and stop["whispers"] is True
    assert stop["text"] == "whispered Szept 2 times"
    assert "whispered Szept 2 times → hang up" in call.trace()
