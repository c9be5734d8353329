"""Each hunt is served only what its destination can reach, and hunts exactly as in the whole context.

The evaluator is the simulator's model of mod_dialplan_xml (pbx.simulator.dialplan): for every
destination, the reply cut for it must give the same extensions, applications (inline ones
included) and channel variables as the whole context.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from pbx import compiler
from pbx.compiler import Published, compile_tree, emit
from pbx.dialplan import ir
from pbx.dialplan.snapshot import Fallback, OverrideInfo, UserInfo
from pbx.simulator import dialplan as fs
from tests.compiler.golden_trees import TREES
from tests.support.compiler import big_tree, snapshot, tree
from xml_curl.documents import compact
from xml_curl.hunts import ContextReplies

GOLDEN = Path(__file__).parent / "golden"
CONTEXT = "tenant_3"


def company() -> compiler.TenantBuild:
    """Every node kind, a 200-node scenario, an override, fallbacks, a user always presenting the main
    number, and a version served as published because its tree no longer compiles."""
    snap = snapshot(
        users={**snapshot().users, 5: UserInfo(5, "105", "+48505555555", always_present_main_number=True),
               6: UserInfo(6, "999", None)},
        overrides={2: OverrideInfo(2, datetime(2026, 3, 4, 12, 0), "user", 1)},
        fallback=Fallback(box_id=8))
    published = [Published(5, "big", 1, 50, 1, tree(big_tree(10, 9, 5)), "", None)]
    published += [Published(10 + i, name, 2, 60 + i, 1, tree(root), "", None)
                  for i, (name, root) in enumerate(sorted(TREES.items()))]
    stored = compile_tree(tree(TREES["menu"]), snap, scenario_id=40, version_id=70, main_number_id=1)
    published.append(Published(40, "stale", 1, 70, 1, tree({"id": "fw", "kind": "forward", "target": {"group": 99}}),
                               stored.xml.decode(), stored.meta))
    return compiler.tenant_build(snap, published)


BUILT = company()
REPLIES = ContextReplies(compact(BUILT.document), BUILT.gates)
WHOLE = fs.parse_document(REPLIES.document)
NAMES = sorted(set(REPLIES.names))
DESTINATIONS = sorted({*NAMES, *(name.rsplit("_", 1)[0] for name in NAMES), "101", "105", "112", "999", "500",
                       "direct_777", "+48601234567", "0048601234567", "601234567", "*666601234567", "*666+4930123",
                       "48221000000", "", "s5", "ring_FAILED", "main_9"})


def hunted(root, channel: fs.Channel):
    """(extensions, applications, inline applications, variables) of a hunt, or the reason it cannot be played."""
    inline = []
    try:
        result = fs.hunt(root, CONTEXT, channel, lambda app, data: inline.append((app, data)))
    except fs.UnsupportedDialplan as error:
        return "unsupported", str(error)
    return result.extensions, [(a.application, a.data, a.extension) for a in result.actions], inline, channel.variables


def channel_for(destination: str, variables: dict, now: datetime) -> fs.Channel:
    profile = {"destination_number": destination, "caller_id_number": "48221234567", "context": CONTEXT,
               "username": "101", "uuid": "3f2a91c4-0000-4000-8000-000000000000"}
    return fs.Channel(dict(variables), profile, now)


def same_hunt(replies: ContextReplies, whole, destination: str, variables: dict, now: datetime) -> None:
    served = fs.parse_document(replies.reply(destination))
    expected = hunted(whole, channel_for(destination, variables, now))
    assert hunted(served, channel_for(destination, variables, now)) == expected


VARIABLES = st.fixed_dictionaries({}, optional={
    "user_name": st.sampled_from(["101", "102", "103", "104", "105", "999", "7"]),
    "centralka_direction": st.sampled_from(["in", "internal", "out"]),
    "centralka_presented": st.just("48221000000"),
    "originate_disposition": st.sampled_from(["NO_ANSWER", "USER_BUSY", "SUCCESS", "CALL_REJECTED"]),
    "centralka_fallback": st.just("true"), "centralka_dial_return": st.just("s5_top"),
    "timezone": st.just("Europe/Warsaw"), "cc_cause": st.sampled_from(["answered", "cancel"]),
    "uuid": st.uuids().map(str),
})
MOMENTS = st.datetimes(datetime(2026, 3, 1), datetime(2026, 12, 31), timezones=st.just(timezone.utc))
NOISE = st.text(alphabet="0123456789*+_#smainrgdectFAILEDKYOPENTU", max_size=16)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(destination=st.one_of(st.sampled_from(DESTINATIONS), NOISE,
                             st.tuples(st.sampled_from(DESTINATIONS), NOISE).map("".join)),
       variables=VARIABLES, now=MOMENTS)
def test_every_destination_hunts_in_its_reply_as_in_the_whole_context(destination, variables, now):
    same_hunt(REPLIES, WHOLE, destination, variables, now)


def test_the_replies_are_a_small_part_of_the_context():
    sizes = {d: len(REPLIES.reply(d)) for d in DESTINATIONS if d}
    assert len(REPLIES.document) > 200_000
    # main_2 is the entry of the twelve small scenarios here, each with its own main_2 extension.
    assert max(sizes.values()) < len(REPLIES.document) / 10, max(sizes.items(), key=lambda item: item[1])
    assert sorted(sizes.values())[len(sizes) // 2] < 2_000
    # No destination named, or one PCRE reads by the byte or by the line: nothing is left out.
    assert REPLIES.reply("") == REPLIES.reply("s5_\u0105") == REPLIES.reply("101\r") == REPLIES.document


# ---------------------------------------------------------------- contexts of any shape

FIELDS = st.sampled_from(["destination_number", "${user_name}", "caller_id_number", None])
EXPRESSIONS = st.sampled_from(["^101$", "^1", "^(1|2)0", "^[0-9]{2,3}$", "^$", ".", "^10(?:1|2)$", "^\\*6",
                               "^(\\d+)$", "^${user_name}$", "/^1/i", "^1.1$", "^2", "^a_B$"])
ACTIONS = st.lists(st.builds(ir.Action, st.sampled_from(["set", "log", "export"]),
                             st.sampled_from(["x=$1", "DP=${DP_MATCH}", "y=1"]), st.booleans()), max_size=2)
CONDITIONS = st.builds(ir.Condition, field=FIELDS, expression=EXPRESSIONS,
                       time=st.sampled_from([{}, {"wday": "1-7"}, {"mon": "13"}]),
                       break_=st.sampled_from([None, "on-true", "on-false", "always", "never"]),
                       actions=ACTIONS, anti_actions=st.one_of(st.just([]), ACTIONS))
EXTENSIONS = st.lists(st.builds(ir.Extension, st.sampled_from(["101", "a", "b", "102", "s1_m"]),
                                st.lists(CONDITIONS, min_size=1, max_size=3), st.booleans()), min_size=1, max_size=8)


NOW = datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc)
# auto_hunt starts the walk at the extension named as the destination, even when it cannot match.
AUTO_HUNT = [ir.Extension("a", [ir.Condition("destination_number", "^1", actions=[ir.Action("log", "x")])]),
             ir.Extension("101", [ir.Condition("destination_number", "^2", actions=[ir.Action("log", "y")])])]
# A capture that matches sets DP_MATCH even when the destination test after it fails.
CAPTURE_FIRST = [ir.Extension("a", [ir.Condition("${user_name}", "^(1)0"), ir.Condition("destination_number", "^2")])]
# A test that passes with break="always" ends the extension as matched: the hunt stops there.
BREAK_ALWAYS = [ir.Extension("a", [ir.Condition("${user_name}", "^101$", break_="always"),
                                   ir.Condition("destination_number", "^101$")]), ir.simple("102", [ir.Action("log")])]


@settings(max_examples=1000, deadline=None)
@example(extensions=AUTO_HUNT, destination="101", user="", auto_hunt=True, now=NOW)
@example(extensions=CAPTURE_FIRST, destination="101", user="101", auto_hunt=False, now=NOW)
@example(extensions=BREAK_ALWAYS, destination="102", user="101", auto_hunt=False, now=NOW)
@given(extensions=EXTENSIONS, destination=st.one_of(st.sampled_from(["101", "102", "10", "20", "a", "s1_m", ""]),
                                                    st.text(alphabet="0129*_ab", max_size=5)),
       user=st.sampled_from(["101", "102", "20", ""]), auto_hunt=st.booleans(), now=MOMENTS)
def test_any_context_hunts_in_its_reply_as_in_the_whole_context(extensions, destination, user, auto_hunt, now):
    """Anti-actions, continue="true", breaks, time tests, variables and captures before a
    destination test: whatever the shape, nothing a hunt could see is left out."""
    try:
        document = compact(emit.document(CONTEXT, extensions))
    except Exception:  # e.g. ${ in a field is refused on the way out, as in production
        return
    replies = ContextReplies(document, compiler.hunts.gates(extensions))
    variables = {"user_name": user} | ({"auto_hunt": "true"} if auto_hunt else {})
    same_hunt(replies, fs.parse_document(document), destination, variables, now)


def test_stored_extensions_get_the_same_gates_as_their_ir():
    extensions = [ir.simple("s1_a", [ir.Action("hangup")]),
                  ir.Extension("out", [ir.Condition("${user_name}", "^101$"), ir.Condition("destination_number", "^(\\d+)$")]),
                  ir.Extension("anti", [ir.Condition("destination_number", "^1$", anti_actions=[ir.Action("log")])])]
    root = etree.fromstring(emit.document(CONTEXT, extensions))
    stored = list(root.iterfind("section/context/extension"))
    assert compiler.hunts.gates(stored) == compiler.hunts.gates(extensions) == ["^s1_a$", "^(\\d+)$", None]


# ---------------------------------------------------------------- golden replies

def small_company() -> ContextReplies:
    snap = snapshot()
    built = compiler.tenant_build(snap, [Published(5, "menu", 1, 8, 1, tree(TREES["menu"]), "", None)])
    return ContextReplies(compact(built.document), built.gates)


@pytest.mark.parametrize("destination", ["main_1", "s5_m", "s5_m_KEY", "101", "112", "direct_102", "ring_FAILED",
                                         "+48601234567", "*666601234567", "nothing"])
def test_reply_per_destination_matches_golden(destination):
    path = GOLDEN / f"hunt_{destination.replace('*', 'star').replace('+', 'plus')}.xml"
    reply = small_company().reply(destination)
    pretty = etree.tostring(etree.fromstring(reply), pretty_print=True)
    if os.environ.get("CENTRALKA_REGENERATE_GOLDEN") == "1":
        path.write_bytes(pretty)
    assert pretty == path.read_bytes()


def test_the_stored_form_cuts_the_same_replies():
    replies = small_company()
    again = ContextReplies.from_bytes(replies.to_bytes())
    assert [again.reply(d) for d in DESTINATIONS] == [replies.reply(d) for d in DESTINATIONS]


def test_gates_that_do_not_fit_the_document_are_refused():
    with pytest.raises(ValueError, match="gates"):
        ContextReplies(small_company().document, [None])


# ---------------------------------------------------------------- the endpoint's cache of replies

class CountingReplies:
    """Stands in for a company's context: counts the replies cut from it."""

    def __init__(self):
        self.cut: list[str] = []

    def reply(self, destination: str) -> bytes:
        self.cut.append(destination)
        return destination.encode()


def test_replies_are_kept_per_context_and_destination_within_a_bound(monkeypatch):
    from xml_curl import dialplan

    monkeypatch.setattr(dialplan, "REPLIES_KEPT", 3)
    cache, revision = dialplan.DialplanCache(), (4, "2026-12-01")
    replies = CountingReplies()
    for destination in ["101", "102", "101", "main_1", "s1_m"]:
        assert cache.reply("tenant_3", destination, revision, replies) == destination.encode()
    assert replies.cut == ["101", "102", "main_1", "s1_m"]  # 101 again came from the cache
    cache.reply("tenant_3", "s1_m", revision, replies)
    cache.reply("tenant_4", "s1_m", revision, replies)  # another company's context: its own reply
    assert replies.cut[-1:] == ["s1_m"] and len(replies.cut) == 5
    cache.reply("tenant_3", "102", revision, replies)  # dropped, least recently used, to stay within 3
    assert replies.cut[-1] == "102" and len(replies.cut) == 6
    cache.reply("tenant_3", "102", (5, "2026-12-01"), replies)  # a new revision is cut again
    assert len(replies.cut) == 7


@pytest.mark.parametrize("body", [b"no line break", b"[null]\n<document/>", b"{\n<not xml", b"[]\n" + b"\xff"])
def test_a_stored_context_that_cannot_be_read_is_no_reply(body, caplog):
    from xml_curl import dialplan

    assert dialplan._loaded(("hunts", 3), body) is None
    assert "cannot be read" in caplog.text
    stored = small_company().to_bytes()
    assert dialplan._loaded(("hunts", 3), stored).reply("101") == small_company().reply("101")
