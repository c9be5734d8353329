"""Hostile text never reaches the dialplan: it is rejected, or it cannot change an application."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pbx.compiler import ScenarioInvalid
from tests.support.compiler import compiled, hangup

HOSTILE = st.one_of(
    st.text(min_size=1, max_size=40),
    st.sampled_from(["${system(rm -rf /)}", "a|b", "x,y", "'\"", "<x/>", "a\nb", "\u202e", "1 2 3",
                     "${uuid}", "]sofia/gateway/evil/1", "#0"]).map(lambda s: s),
)
SAFE_DATA_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=+-./:;{}$[],|^()?*#%@ ~\\")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def forward(**overrides):
    return {"id": "fw", "kind": "forward", "name": "Sprzedaż", "target": {"group": 10}, "no_answer": hangup(),
            **overrides}


def actions_of(xml: bytes) -> list[tuple[str, str]]:
    return [(a.get("application"), a.get("data", "")) for a in etree.fromstring(xml).iter("action")]


@SETTINGS
@given(name=HOSTILE)
def test_names_never_reach_application_data(name):
    try:
        result = compiled(forward(name=name))
    except ScenarioInvalid:
        return
    assert actions_of(result.xml) == actions_of(compiled(forward()).xml)
    # A name of only spaces is trimmed to nothing: the label falls back to what the node does.
    assert result.meta["nodes"]["fw"]["label"] == (name.strip() or "forward to group 10")


@SETTINGS
@given(number=HOSTILE)
def test_external_numbers_are_digits_or_rejected(number):
    try:
        result = compiled(forward(target={"number": number}))
    except ScenarioInvalid as error:
        assert error.errors[0].node_id == "fw"
        return
    (dial,) = [d for a, d in actions_of(result.xml) if a == "bridge"]
    assert dial.rsplit("/", 1)[1].isdigit()


@SETTINGS
@given(value=st.one_of(HOSTILE, st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.integers())))
def test_ids_and_references_are_typed(value):
    for root in ({"id": value, "kind": "hangup"}, {"id": "a", "kind": "announcement", "prompt": value},
                 {"id": "m", "kind": "menu", "prompt": 5, "options": {value if isinstance(value, str) else "1": hangup()}},
                 {"id": "g", "kind": "goto", "target": value}):
        try:
            result = compiled(root)
        except ScenarioInvalid:
            continue
        for _, data in actions_of(result.xml):
            assert set(data) <= SAFE_DATA_CHARS and "\n" not in data


@SETTINGS
@given(key=st.text(min_size=1, max_size=3), extra=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))
def test_unknown_fields_and_keys_are_errors(key, extra):
    root = {"id": "m", "kind": "menu", "prompt": 5, "options": {key: hangup()}, **extra}
    try:
        compiled(root)
    except ScenarioInvalid:
        return
    assert len(key) == 1 and key in "1234567890*#"
    assert not set(extra) - {"id", "kind", "name", "prompt", "options", "repeat", "timeout_seconds", "direct_dial",
                             "invalid_prompt", "no_input", "invalid"}
