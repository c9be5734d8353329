from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.nodes.menu import INVALID_TONE, terminator
from tests.support.compiler import ANNA, WARSAW, applications, call, compiled, hangup, path_of

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)


def menu(**fields):
    return {"id": "m", "kind": "menu", "prompt": 5, "repeat": 2, "timeout_seconds": 3,
            "options": {"1": hangup("one"), "#": hangup("hash")},
            "no_input": hangup("silent"), "invalid": hangup("wrong"), **fields}


@pytest.mark.parametrize("keys, expected", [
    ([(1.0, "1")], ["m:1", "one"]),
    ([(1.0, "#")], ["m:#", "hash"]),
    ([], ["m:no_input", "silent"]),
    ([(1.0, "7"), (5.0, "9")], ["m:invalid", "wrong"]),
])
def test_keys_lead_to_their_branch(keys, expected):
    result = call(menu(), at=AT, keys=keys)
    assert path_of(result)[-2:] == expected


def test_each_try_reads_with_the_timeout_and_a_terminator_that_is_no_option():
    reads = [d for app, d in applications(compiled(menu(repeat=4, timeout_seconds=7)).xml) if app == "read"]
    assert len(reads) == 4 and len(set(reads)) == 1
    args = reads[0].split()
    assert args[:2] + args[3:] == ["1", "1", "centralka_choice", "7000", "*", "2000"]  # '#' is an option


def test_a_caller_who_waits_hears_the_prompt_again_but_never_the_invalid_tone():
    result = call(menu(), at=AT)  # two tries of a 3 s prompt and 3 s of silence
    assert path_of(result) == ["m:no_input", "silent"]
    assert result.duration == pytest.approx(2 * (3 + 3))
    assert INVALID_TONE not in [a["data"] for a in result.applications]


def test_a_wrong_key_plays_the_invalid_tone_then_the_prompt_again():
    result = call(menu(), at=AT, keys=[(1.0, "7"), (5.0, "1")])
    assert path_of(result) == ["m:1", "one"]
    assert [a["data"] for a in result.applications if a["application"] == "playback"] == [INVALID_TONE]
    reads = [s.at for s in result.steps if s.kind == "execute" and s.details["application"] == "read"]
    assert reads == [0.0, pytest.approx(1.3)]  # the second try starts after the 300 ms tone


def test_a_wrong_key_in_an_earlier_try_still_ends_in_the_invalid_branch():
    result = call(menu(repeat=3), at=AT, keys=[(1.0, "7")])
    assert path_of(result) == ["m:invalid", "wrong"]
    assert [a["data"] for a in result.applications if a["application"] == "playback"] == [INVALID_TONE]
    # Back in the menu (goto), the wrong key of the first visit no longer counts.
    again = call(menu(invalid={"id": "again", "kind": "goto", "target": "m"}), at=AT, keys=[(1.0, "7")])
    assert path_of(again) == ["m:invalid", "again", "m:no_input", "silent"]


def test_direct_dial_rings_the_extension_then_returns_to_the_menu():
    result = call(menu(direct_dial=True), at=AT, keys=[(1.0, "101")])
    bridges = [a["data"] for a in result.applications if a["application"] == "bridge"]
    assert bridges and ANNA in bridges[0]
    assert path_of(result)[0] == "m:dial:101" and path_of(result)[1].startswith("m:")  # back to the menu after no answer


def test_unknown_extension_goes_back_to_the_menu():
    result = call(menu(direct_dial=True), at=AT, keys=[(1.0, "999")])
    assert not [a for a in result.applications if a["application"] == "bridge"]
    assert path_of(result) == ["m:dial:999", "m:no_input", "silent"]


def test_goto_back_replays_the_menu():
    root = menu(invalid={"id": "again", "kind": "goto", "target": "m"}, repeat=1)
    result = call(root, at=AT, keys=[(1.0, "5"), (6.0, "1")])
    assert path_of(result) == ["m:invalid", "again", "m:1", "one"]


def test_terminator_helper():
    assert terminator(["1", "2"]) == "#" and terminator(["#", "*"]) == "D"


def test_menu_needs_an_option_and_lints_missing_branches():
    with pytest.raises(ScenarioInvalid, match="at least one option"):
        compiled(menu(options={}))
    with pytest.raises(ScenarioInvalid, match="option 'x'"):
        compiled(menu(options={"x": hangup("x_end")}))
    warnings = compiled({k: v for k, v in menu().items() if k not in ("no_input", "invalid")}).warnings
    assert sorted(w.message.code for w in warnings) == ["lint.menu_invalid", "lint.menu_no_input"]
