"""Application models: digit collection, bridge failover and timeouts, queues, scheduling."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pbx.simulator import Leg, UnsupportedApplication, World, fetch_from_document, simulate
from pbx.simulator.apps import media_duration, parse_dial_string

START = datetime(2026, 1, 5, 9, 0, 0, 250000, tzinfo=timezone.utc)  # a Monday, .25 s phase
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freeswitch"
CALLCENTER = (FIXTURES / "xml_curl_callcenter_conf_response.xml").read_bytes()
AVAILABLE = {"1001@default": "Available", "1002@default": "Available"}


def call(actions: str, *, conf=None, durations=None, **world):
    xml = f"""<document type="freeswitch/xml"><section name="dialplan"><context name="c">
      <extension name="main"><condition field="destination_number" expression="^100$">{actions}</condition></extension>
      <extension name="fail"><condition field="destination_number" expression="^fail$">
        <action application="log" data="failed"/><action application="hangup" data="USER_BUSY"/></condition></extension>
    </context></section></document>"""
    return simulate(fetch_from_document(xml), World(start=START, destination="100", **world),
                    context="c", callcenter_conf=conf, durations=durations)


def a(app: str, data: str = "") -> str:
    return f'<action application="{app}" data="{data}"/>'


def names(result) -> list[str]:
    return [x["application"] for x in result.applications]


PAGD = a("play_and_get_digits", "1 1 3 5000 # prompt.wav invalid.wav choice ^[12]$ 3000 fail XML c")


def digits_steps(result):
    return [s.details for s in result.steps if s.kind == "digits"]


def test_pagd_accepts_a_valid_digit_during_the_prompt():
    result = call(a("answer") + PAGD + a("log", "chose ${choice}"), keypresses=[(1.0, "2")],
                  durations={"prompt.wav": 4})
    assert result.applications[-1] == {"application": "log", "data": "chose 2"}
    assert result.variables["read_result"] == "success"
    assert [s["attempt"] for s in digits_steps(result)] == [1]


def test_pagd_invalid_then_no_input_then_transfer_on_failure():
    # "7" fails the regexp; nothing is pressed afterwards: 3 tries, then the failure extension.
    result = call(a("answer") + PAGD, keypresses=[(0.5, "7")],
                  durations={"prompt.wav": 2, "invalid.wav": 1})
    steps = digits_steps(result)
    assert [(s["digits"], s["accepted"]) for s in steps] == [("7", False), ("", False), ("", False)]
    assert result.variables["choice_invalid"] == "7"
    assert "choice" not in result.variables
    assert names(result)[-2:] == ["log", "hangup"] and result.hangup_cause == "USER_BUSY"
    # prompt 0.5 (broken by the digit) + invalid 1, then twice (prompt 2 + timeout 5 + invalid 1).
    assert [s.at for s in result.steps if s.kind == "transfer"] == [pytest.approx(17.5)]


def test_pagd_terminator_alone_is_no_input_and_digit_timeout_applies_between_digits():
    pagd = a("play_and_get_digits", "2 4 1 5000 # prompt.wav '' ext")
    result = call(pagd, keypresses=[(1.0, "1"), (1.5, "2"), (4.6, "3")], durations={"prompt.wav": 1})
    # The inter-digit timeout defaults to the 5 s timeout: "3" at 4.6 s still counts.
    assert result.variables["ext"] == "123"
    pagd = a("play_and_get_digits", "2 4 1 5000 # prompt.wav '' ext \\d+ 2000")
    result = call(pagd, keypresses=[(1.0, "1"), (1.5, "2"), (4.6, "3")], durations={"prompt.wav": 1})
    assert result.variables["ext"] == "12"


def test_digits_pressed_during_sleep_stay_queued_but_playback_eats_them():
    pagd = a("play_and_get_digits", "1 1 1 2000 # prompt.wav '' choice")
    queued = call(a("sleep", "2000") + pagd, keypresses=[(0.5, "5")])
    assert queued.variables["choice"] == "5"
    eaten = call(a("playback", "intro.wav") + pagd, keypresses=[(0.5, "5")], durations={"intro.wav": 2})
    assert "choice" not in eaten.variables


def test_bridge_sequential_failover_with_leg_timeouts():
    result = call(a("bridge", "[leg_timeout=5]sofia/gateway/g/1|[leg_timeout=5]sofia/gateway/g/2")
                  + a("log", "after"),
                  legs={"sofia/gateway/g/2": Leg("answer", after=2, talk=10)})
    legs = [s.details for s in result.steps if s.kind == "leg"]
    assert [leg["outcome"] for leg in legs] == ["ALLOTTED_TIMEOUT", "answered"]
    assert legs[0]["end"] == pytest.approx(5.75)  # whole-second epoch boundary after 5 s
    assert legs[1]["start"] == pytest.approx(5.75)
    # hangup_after_bridge unset: the dialplan continues after the callee hangs up.
    assert names(result)[-1] == "log"
    assert result.variables["bridge_hangup_cause"] == "NORMAL_CLEARING"
    assert result.duration == pytest.approx(17.75)


def test_bridge_originate_timeout_ends_the_group_first_and_skips_later_groups():
    # Captured on FreeSWITCH 1.10.12: with originate_timeout equal to leg_timeout the group ends
    # on `elapsed >= 20` (NO_ANSWER, 19.75 s here) and the second `|` group is never called.
    dial = "{originate_timeout=20}[leg_timeout=20]sofia/gateway/g/1|[leg_timeout=20]sofia/gateway/g/2"
    result = call(a("set", "continue_on_fail=true") + a("bridge", dial) + a("log", "after"))
    legs = [s.details for s in result.steps if s.kind == "leg"]
    assert [(leg["target"], leg["outcome"]) for leg in legs] == [("sofia/gateway/g/1", "NO_ANSWER")]
    assert legs[0]["end"] == pytest.approx(19.75)
    assert result.variables["originate_disposition"] == "NO_ANSWER"
    assert names(result)[-1] == "log"


def test_bridge_continue_on_timeout_rings_the_next_group():
    dial = ("{originate_continue_on_timeout=true,originate_timeout=20}"
            "[leg_timeout=20]sofia/gateway/g/1|[leg_timeout=20]sofia/gateway/g/2")
    result = call(a("bridge", dial), legs={"sofia/gateway/g/2": Leg("answer", after=2, talk=5)})
    legs = [s.details for s in result.steps if s.kind == "leg"]
    assert [leg["outcome"] for leg in legs] == ["NO_ANSWER", "answered"]
    assert legs[1]["start"] == pytest.approx(19.75)


def test_bridge_simultaneous_first_answer_wins():
    result = call(a("bridge", "{leg_timeout=20}user/1@d,user/2@d,user/3@d"), caller_hangup=30,
                  legs={"user/1@d": Leg("busy", after=1), "user/2@d": Leg("answer", after=4),
                        "user/3@d": Leg("answer", after=6)})
    outcomes = {s.details["target"]: s.details["outcome"] for s in result.steps if s.kind == "leg"}
    assert outcomes == {"user/1@d": "USER_BUSY", "user/2@d": "answered", "user/3@d": "LOSE_RACE"}
    assert result.answered and result.hangup_by == "caller"


def test_bridge_call_timeout_gives_no_answer_and_no_answer_always_continues():
    result = call(a("set", "call_timeout=10") + a("bridge", "user/1@d") + a("log", "next"))
    assert result.variables["originate_disposition"] == "NO_ANSWER"
    assert result.variables["DIALSTATUS"] == "NOANSWER"
    assert names(result)[-1] == "log"


def test_bridge_failure_hangs_up_unless_continue_on_fail_lists_the_cause():
    busy = {"user/1@d": Leg("busy", after=1)}
    plain = call(a("bridge", "user/1@d") + a("log", "next"), legs=busy)
    assert plain.hangup_cause == "USER_BUSY" and names(plain)[-1] == "bridge"
    listed = call(a("set", "continue_on_fail=USER_BUSY,NO_ANSWER") + a("bridge", "user/1@d")
                  + a("log", "next"), legs=busy)
    assert names(listed)[-1] == "log"
    by_number = call(a("set", "continue_on_fail=17") + a("bridge", "user/1@d") + a("log", "next"), legs=busy)
    assert names(by_number)[-1] == "log"
    # Explicit "false" is not "unset": even NO_ANSWER then hangs up.
    false = call(a("set", "continue_on_fail=false") + a("bridge", "{originate_timeout=3}user/1@d")
                 + a("log", "next"))
    assert false.hangup_cause == "NO_ANSWER" and names(false)[-1] == "bridge"


def test_unreachable_user_and_error_endpoint_causes():
    result = call(a("set", "continue_on_fail=true") + a("bridge", "user/1@d") + a("bridge", "error/user_busy"),
                  legs={"user/1@d": Leg("unreachable")})
    failed = [s.details["cause"] for s in result.steps if s.kind == "bridge_failed"]
    assert failed == ["USER_NOT_REGISTERED", "USER_BUSY"]


def test_dial_string_parsing():
    global_vars, groups = parse_dial_string("{a=1,b='x,y'}[c=2]t/1,t/2|[a=3]t/3")
    assert global_vars == {"a": "1", "b": "x,y"}
    assert [[(leg.target, leg.variables) for leg in g] for g in groups] == [
        [("t/1", {"a": "1", "b": "x,y", "c": "2"}), ("t/2", {"a": "1", "b": "x,y"})],
        [("t/3", {"a": "3", "b": "x,y"})]]
    with pytest.raises(UnsupportedApplication):
        parse_dial_string("<x=1>t/1")


def test_sched_hangup_fires_during_a_long_bridge():
    result = call(a("answer") + a("sched_hangup", "+3600 ALLOTTED_TIMEOUT")
                  + a("bridge", "user/1@d"), legs={"user/1@d": Leg("answer", after=5)})
    assert result.hangup_cause == "ALLOTTED_TIMEOUT" and result.duration == 3600


def test_sched_transfer_interrupts_and_rehunts():
    result = call(a("answer") + a("sched_transfer", "+10 fail XML c") + a("playback", "moh.wav"),
                  durations={"moh.wav": 60})
    assert names(result)[-2:] == ["log", "hangup"] and result.duration == 10


def test_callcenter_max_wait_time_exits_with_timeout():
    result = call(a("answer") + a("callcenter", "support@default") + a("log", "${cc_cause}/${cc_cancel_reason}"),
                  conf=CALLCENTER, agent_status=AVAILABLE)
    assert result.applications[-1]["data"] == "cancel/TIMEOUT"
    # max-wait-time 20 s counted in whole epoch seconds: 19.75 s after a .25 s phase start.
    assert result.duration == pytest.approx(19.75)
    agents = [s.details["agent"] for s in result.steps if s.kind == "agent_leg"]
    assert agents == ["1001@default", "1002@default"]  # leg_timeout=10 each, level/position order


def test_callcenter_without_available_agents_waits_for_the_timeout():
    result = call(a("answer") + a("callcenter", "support@default") + a("log", "${cc_cause}"), conf=CALLCENTER)
    assert result.applications[-1]["data"] == "cancel"
    assert not [s for s in result.steps if s.kind == "agent_leg"]


def test_record_stops_on_silence_and_sets_record_seconds():
    result = call(a("answer") + a("record", "/tmp/vm.wav 120 200 3"), speech=7.5)
    assert result.variables["record_seconds"] == "7"
    assert result.duration == pytest.approx(10.5)


def test_media_durations():
    assert media_duration("tone_stream://%(2000,0,440);loops=1", {}) == 2
    assert media_duration("tone_stream://%(400,100,800);%(200,0,400)", {}) == 0.7
    assert media_duration("silence_stream://1500", {}) == 1.5
    assert media_duration("file_string://a.wav!b.wav", {"a.wav": 1, "b.wav": 2}) == 3
    assert media_duration("/x.wav", {}) == 3.0


def test_unknown_applications_and_missing_queue_config_fail_loudly():
    with pytest.raises(UnsupportedApplication, match="lua"):
        call(a("lua", "x.lua"))
    with pytest.raises(UnsupportedApplication, match="callcenter.conf"):
        call(a("callcenter", "support@default"))


def test_export_reaches_b_legs_and_nolocal_keeps_the_prefixed_name():
    result = call(a("export", "nolocal:only_b=1") + a("export", "both=2")
                  + a("bridge", "user/1@d"), legs={"user/1@d": Leg("answer", talk=1)})
    leg = next(s.details for s in result.steps if s.kind == "leg")
    assert leg["variables"] == {"only_b": "1", "both": "2"}
    # export keeps the prefixed name locally; "only_b" itself is not set on the A-leg.
    assert result.variables["nolocal:only_b"] == "1" and "only_b" not in result.variables
    assert result.variables["export_vars"] == "nolocal:only_b,both"


def test_commas_inside_per_leg_variables_do_not_split_legs():
    global_vars, groups = parse_dial_string(
        "{ignore_early_media=true,originate_timeout=20}[leg_timeout=20,centralka_user=1]sofia/gateway/carrier/1"
        "|[leg_timeout=15,centralka_user=2]user/102@t3.pbx.local,[leg_timeout=15]user/103@t3.pbx.local")
    assert global_vars == {"ignore_early_media": "true", "originate_timeout": "20"}
    assert [[leg.target for leg in group] for group in groups] == [
        ["sofia/gateway/carrier/1"], ["user/102@t3.pbx.local", "user/103@t3.pbx.local"]]
    assert groups[0][0].variables["centralka_user"] == "1"
    assert groups[1][0].variables["leg_timeout"] == "15"


def test_callcenter_rings_every_leg_of_an_agent_contact_at_once():
    """mod_callcenter.c hands the contact to switch_ivr_originate(): `,` legs ring together."""
    conf = b"""<document type="freeswitch/xml"><section name="configuration">
      <configuration name="callcenter.conf"><queues><queue name="q@default">
        <param name="strategy" value="ring-all"/><param name="max-wait-time" value="60"/></queue></queues>
      <agents><agent name="a@default" type="callback" status="Available"
        contact="[leg_timeout=20]sofia/gateway/carrier/48501234567,[leg_timeout=20]user/101@d"/></agents>
      <tiers><tier agent="a@default" queue="q@default" level="1" position="1"/></tiers>
    </configuration></section></document>"""
    result = call(a("answer") + a("callcenter", "q@default") + a("log", "${cc_cause}"), conf=conf,
                  legs={"user/101@d": Leg("answer", after=4, talk=3)})
    legs = {s.details["target"]: (s.details["outcome"], s.details["end"]) for s in result.steps if s.kind == "agent_leg"}
    assert legs == {"sofia/gateway/carrier/48501234567": ("LOSE_RACE", 4), "user/101@d": ("answered", 4)}
    assert result.applications[-1]["data"] == "answered"
