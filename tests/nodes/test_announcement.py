from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of


def test_prompt_plays_repeat_times_then_next():
    root = {"id": "hello", "kind": "announcement", "prompt": 5, "repeat": 3, "next": hangup()}
    result = call(root, at=datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW))
    plays = [a["data"] for a in result.applications if a["application"] == "playback"]
    assert plays == ["/centralka/3/5.wav"] * 3 and path_of(result) == ["hello", "bye"]
    assert compiled(root).meta["prompts"] == [5]


def test_dead_end_language_and_reference_checks():
    warnings = compiled({"id": "hello", "kind": "announcement", "prompt": 7}).warnings
    assert {w.message.split(":")[0] for w in warnings} == {
        "announcement 7 is in English, the company speaks Polish", "dead end"}
    with pytest.raises(ScenarioInvalid, match="announcement 70 does not exist"):
        compiled({"id": "hello", "kind": "announcement", "prompt": 70})
    with pytest.raises(ScenarioInvalid, match="Repeats: Must be"):
        compiled({"id": "hello", "kind": "announcement", "prompt": 5, "repeat": 0})
