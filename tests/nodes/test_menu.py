from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.nodes.menu import digits_regex, terminator
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


def test_repeat_and_timeout_reach_play_and_get_digits():
    (data,) = [d for app, d in applications(compiled(menu(repeat=4, timeout_seconds=7)).xml) if app == "play_and_get_digits"]
    args = data.split()
    assert args[:5] == ["1", "1", "4", "7000", "*"]  # '#' is an option, so '*' terminates
    assert args[7:9] == ["centralka_choice", "^(?:[1#])$"]


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


def test_terminator_and_regex_helpers():
    assert terminator(["1", "2"]) == "#" and terminator(["#", "*"]) == "D"
    assert digits_regex(["1", "*"], True) == "^(?:[1*]|[0-9]{2,6})$"


def test_menu_needs_an_option_and_lints_missing_branches():
    with pytest.raises(ScenarioInvalid, match="at least one option"):
        compiled(menu(options={}))
    with pytest.raises(ScenarioInvalid, match="option 'x'"):
        compiled(menu(options={"x": hangup("x_end")}))
    warnings = compiled({k: v for k, v in menu().items() if k not in ("no_input", "invalid")}).warnings
    assert sorted(w.message.split("`")[1] for w in warnings) == ["invalid", "no_input"]
