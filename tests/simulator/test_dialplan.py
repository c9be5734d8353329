"""Hunt evaluation follows mod_dialplan_xml.c, not what a dialplan author might intend."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pbx.simulator.dialplan import (Channel, UnsupportedDialplan, compile_pcre, expand, hunt,
                                    parse_document)

UTC = timezone.utc


def doc(extensions: str, context: str = "public") -> bytes:
    return (f'<document type="freeswitch/xml"><section name="dialplan">'
            f'<context name="{context}">{extensions}</context></section></document>').encode()


def channel(dest="100", caller="48221234567", now=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            switch_timezone="UTC", **variables) -> Channel:
    profile = {"destination_number": dest, "caller_id_number": caller, "caller_id_name": "Jan",
               "ani": caller, "network_addr": "10.0.0.1", "context": "public", "uuid": "u-1"}
    return Channel(dict(variables), profile, now, switch_timezone)


def run(extensions: str, ch: Channel | None = None, inline=None):
    ch = ch or channel()
    result = hunt(parse_document(doc(extensions)), "public", ch, inline)
    return [(a.application, a.data) for a in result.actions], result


def apps(extensions: str, ch: Channel | None = None) -> list[tuple[str, str]]:
    return run(extensions, ch)[0]


def test_first_matching_extension_wins_unless_continue():
    xml = """
      <extension name="a" continue="true"><condition field="destination_number" expression="^1">
        <action application="log" data="a"/></condition></extension>
      <extension name="b"><condition field="destination_number" expression="^100$">
        <action application="log" data="b"/></condition></extension>
      <extension name="c"><condition field="destination_number" expression=".">
        <action application="log" data="c"/></condition></extension>"""
    actions, result = run(xml)
    assert actions == [("log", "a"), ("log", "b")]
    assert result.extensions == ["a", "b"]


def test_captures_substitute_into_action_data_and_unset_groups_are_empty():
    xml = """<extension name="x"><condition field="destination_number" expression="^(1)(0)(9)?(0)$">
        <action application="log" data="$1-${2}-$3-$4-$9-${uuid}"/></condition></extension>"""
    # ${uuid} is not a capture: it stays for expansion when the application runs.
    assert apps(xml) == [("log", "1-0--0--${uuid}")]


def test_data_is_not_substituted_without_a_group_in_the_expression():
    xml = """<extension name="x"><condition field="destination_number" expression="^100$">
        <action application="log" data="cost $1"/></condition></extension>"""
    assert apps(xml) == [("log", "cost $1")]


def test_default_break_on_false_stops_later_conditions():
    xml = """<extension name="x">
        <condition field="caller_id_number" expression="^999$"><action application="log" data="vip"/></condition>
        <condition field="destination_number" expression="^100$"><action application="log" data="dest"/></condition>
      </extension>
      <extension name="y"><condition><action application="log" data="fallback"/></condition></extension>"""
    assert apps(xml) == [("log", "fallback")]


def test_break_never_keeps_evaluating_and_extension_matches_on_last_condition():
    xml = """<extension name="x">
        <condition field="caller_id_number" expression="^999$" break="never"><action application="log" data="vip"/></condition>
        <condition field="destination_number" expression="^100$"><action application="log" data="dest"/></condition>
      </extension>
      <extension name="y"><condition><action application="log" data="fallback"/></condition></extension>"""
    assert apps(xml) == [("log", "dest")]


def test_break_on_true_stops_after_a_match():
    xml = """<extension name="x">
        <condition field="destination_number" expression="^100$" break="on-true"><action application="log" data="one"/></condition>
        <condition><action application="log" data="two"/></condition>
      </extension>"""
    assert apps(xml) == [("log", "one")]


def test_break_always_stops_even_after_a_match():
    xml = """<extension name="x">
        <condition field="destination_number" expression="^1" break="always"><action application="log" data="one"/></condition>
        <condition><action application="log" data="two"/></condition>
      </extension>"""
    assert apps(xml) == [("log", "one")]


def test_anti_actions_run_on_mismatch_and_make_the_extension_match():
    xml = """<extension name="x"><condition field="caller_id_number" expression="^999$">
        <action application="log" data="vip"/><anti-action application="log" data="normal"/>
      </condition></extension>
      <extension name="y"><condition><action application="log" data="never reached"/></condition></extension>"""
    assert apps(xml) == [("log", "normal")]


def test_inline_set_is_seen_by_later_conditions_and_plain_set_is_not():
    xml = """<extension name="x" continue="true"><condition>
        <action application="set" data="a=1" inline="true"/><action application="set" data="b=1"/>
      </condition></extension>
      <extension name="y"><condition field="${a}${b}" expression="^1$">
        <action application="log" data="only inline"/></condition></extension>"""
    ch = channel()
    ran = []

    def inline(app, data):
        ran.append((app, data))
        key, _, value = data.partition("=")
        ch.variables[key] = value

    actions, _ = run(xml, ch, inline)
    assert ran == [("set", "a=1")]
    assert actions == [("set", "b=1"), ("log", "only inline")]


@pytest.mark.parametrize("rule,caller,dest,expected", [
    ("all", "999", "100", True), ("all", "999", "200", False),
    ("any", "111", "100", True), ("any", "111", "200", False),
    ("xor", "999", "200", True), ("xor", "999", "100", False), ("xor", "111", "200", False),
])
def test_regex_all_any_xor(rule, caller, dest, expected):
    xml = f"""<extension name="x"><condition regex="{rule}">
        <regex field="caller_id_number" expression="^999$"/>
        <regex field="destination_number" expression="^100$"/>
        <action application="log" data="yes"/><anti-action application="log" data="no"/>
      </condition></extension>"""
    assert apps(xml, channel(dest=dest, caller=caller)) == [("log", "yes" if expected else "no")]


def test_regex_all_substitutes_the_last_capturing_regex():
    xml = """<extension name="x"><condition regex="all">
        <regex field="caller_id_number" expression="^(48)(\\d+)$"/>
        <regex field="destination_number" expression="^(1)00$"/>
        <action application="log" data="$1"/></condition></extension>"""
    ch = channel()
    assert apps(xml, ch) == [("log", "1")]
    assert ch.variables["DP_REGEX_MATCH_1"] == "ARRAY::48221234567|:48|:221234567"


def test_nested_conditions_add_parent_actions_first():
    xml = """<extension name="x"><condition field="destination_number" expression="^100$">
        <action application="log" data="parent"/>
        <condition field="caller_id_number" expression="^48"><action application="log" data="child"/></condition>
      </condition></extension>"""
    assert apps(xml) == [("log", "parent"), ("log", "child")]


def test_failed_nested_condition_makes_the_extension_not_match():
    xml = """<extension name="x"><condition field="destination_number" expression="^100$">
        <action application="log" data="parent"/>
        <condition field="caller_id_number" expression="^999$"><action application="log" data="child"/></condition>
      </condition></extension>
      <extension name="y"><condition><action application="log" data="next"/></condition></extension>"""
    # The parent's actions were already added; hunting continues to the next extension.
    assert apps(xml) == [("log", "parent"), ("log", "next")]


def test_variable_field_and_expression_expansion():
    xml = """<extension name="x"><condition field="${tenant}" expression="^${expected}$">
        <action application="log" data="ok"/></condition></extension>"""
    assert apps(xml, channel(tenant="42", expected="42")) == [("log", "ok")]
    assert apps(xml, channel(tenant="42", expected="7")) == []


def test_unknown_field_name_and_attribute_are_refused():
    with pytest.raises(UnsupportedDialplan, match="caller-profile"):
        apps('<extension name="x"><condition field="tenant" expression="1"/></extension>')
    with pytest.raises(UnsupportedDialplan, match="not modelled"):
        apps('<extension name="x"><condition field="destination_number" expression="1" colour="red"/></extension>')
    with pytest.raises(UnsupportedDialplan, match="break"):
        apps('<extension name="x"><condition break="sometimes"/></extension>')


def test_context_falls_back_to_global():
    root = parse_document(doc('<extension name="g"><condition><action application="log" data="g"/></condition></extension>',
                              context="global"))
    result = hunt(root, "nowhere", channel())
    assert [a.data for a in result.actions] == ["g"]


def test_expand_nested_and_unset():
    ch = channel(lang="pl", greeting_pl="witaj")
    assert expand("${greeting_${lang}}/${missing}/${destination_number}", ch) == "witaj//100"
    with pytest.raises(UnsupportedDialplan):
        expand("${strftime(%Y)}", ch)


def test_pcre_translation_and_refusals():
    assert compile_pcre("^(?<ext>\\d{3})$").search("123").group("ext") == "123"
    assert compile_pcre("/^abc$/i").search("ABC")
    assert not compile_pcre("^\\d$").search("\u0663")  # PCRE \d is ASCII only
    for pattern in ("\\p{L}", "[[:digit:]]", "(?|a|b)", "\\Qa\\E", "_1XX"):
        with pytest.raises(UnsupportedDialplan):
            compile_pcre(pattern)


# ---------------------------------------------------------------- time conditions

def open_at(attrs: str, now: datetime, **variables) -> bool:
    xml = f"""<extension name="x"><condition {attrs}>
        <action application="log" data="open"/><anti-action application="log" data="closed"/>
      </condition></extension>"""
    return apps(xml, channel(now=now, **variables)) == [("log", "open")]


WEEKDAYS_8_16 = 'wday="2-6" time-of-day="08:00-16:00"'


@pytest.mark.parametrize("utc,expected", [
    # 2026-03-29 is a Sunday; Warsaw moves from UTC+1 to UTC+2 at 01:00 UTC.
    (datetime(2026, 3, 27, 7, 30, tzinfo=UTC), True),    # Fri 08:30 CET
    (datetime(2026, 3, 30, 6, 30, tzinfo=UTC), True),    # Mon 08:30 CEST (06:30 UTC)
    (datetime(2026, 3, 30, 5, 30, tzinfo=UTC), False),   # Mon 07:30 CEST, 06:30 would be CET
    (datetime(2026, 3, 29, 9, 0, tzinfo=UTC), False),    # Sunday
    # 2026-10-25 (Sunday): back to UTC+1 at 01:00 UTC.
    (datetime(2026, 10, 26, 7, 0, tzinfo=UTC), True),    # Mon 08:00 CET, 09:00 in summer time
    (datetime(2026, 10, 23, 14, 30, tzinfo=UTC), False),  # Fri 16:30 CEST
])
def test_schedule_in_channel_timezone_across_dst(utc, expected):
    assert open_at(WEEKDAYS_8_16, utc, timezone="Europe/Warsaw") is expected


def test_without_timezone_the_switch_zone_is_used():
    now = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)  # 08:30 in Warsaw, 06:30 UTC
    assert not open_at(WEEKDAYS_8_16, now)
    assert open_at(WEEKDAYS_8_16, now, switch_timezone="Europe/Warsaw")


def test_tod_tz_offset_wins_over_timezone():
    now = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    assert not open_at(WEEKDAYS_8_16, now, timezone="Europe/Warsaw", tod_tz_offset="0")
    assert open_at(WEEKDAYS_8_16, now, timezone="UTC", tod_tz_offset="2")


def test_time_of_day_end_is_inclusive_and_hour_ranges_are_inclusive():
    assert open_at('time-of-day="08:00-16:00"', datetime(2026, 1, 5, 16, 0, 0, tzinfo=UTC))
    assert not open_at('time-of-day="08:00-16:00"', datetime(2026, 1, 5, 16, 0, 1, tzinfo=UTC))
    assert open_at('hour="8-16"', datetime(2026, 1, 5, 16, 59, tzinfo=UTC))
    assert open_at('time-of-day="22:00-06:00"', datetime(2026, 1, 5, 23, 0, tzinfo=UTC))
    assert open_at('hour="22-6"', datetime(2026, 1, 5, 3, 0, tzinfo=UTC))


def test_wday_lists_names_and_wrapping_ranges():
    sunday = datetime(2026, 1, 4, 12, 0, tzinfo=UTC)
    assert open_at('wday="1,7"', sunday)
    assert open_at('wday="sat-sun"', sunday)
    assert not open_at('wday="mon-fri"', sunday)
    assert open_at('wday="7-2"', sunday)


def test_calendar_fields():
    day = datetime(2026, 12, 24, 14, 0, tzinfo=UTC)  # Thursday
    assert open_at('mon="12" mday="24-26"', day)
    assert open_at('yday="358" year="2026"', day)
    assert open_at('week="52"', day)        # yday / 7 + 1
    assert open_at('mweek="4"', day)        # Dec 2026 starts on a Tuesday
    assert open_at('minute-of-day="841"', day)  # 1-based: 14:00 is minute 841
    assert not open_at('minute-of-day="840"', day)


def test_date_time_is_read_in_the_switch_zone_not_the_channel_zone():
    attrs = 'date-time="2026-12-24 00:00~2026-12-27 00:00"'
    late = datetime(2026, 12, 23, 23, 30, tzinfo=UTC)  # already 24 Dec in Warsaw
    assert not open_at(attrs, late, timezone="Europe/Warsaw")
    assert open_at(attrs, late, switch_timezone="Europe/Warsaw")
    # The end is exclusive.
    assert not open_at(attrs, datetime(2026, 12, 27, 0, 0, tzinfo=UTC))


def test_time_match_with_failing_field_still_runs_actions():
    # A passing time check clears anti_action; a failing field regex does not set it back.
    xml = """<extension name="x"><condition wday="1-7" field="destination_number" expression="^999$">
        <action application="log" data="actions"/><anti-action application="log" data="anti"/>
      </condition></extension>
      <extension name="y"><condition><action application="log" data="next"/></condition></extension>"""
    # proceed is 0, so hunting goes on to the next extension as well.
    assert apps(xml) == [("log", "actions"), ("log", "next")]


def test_unknown_timezone_is_refused():
    with pytest.raises(UnsupportedDialplan, match="time zone"):
        open_at('hour="1"', datetime(2026, 1, 5, tzinfo=UTC), timezone="Mars/Olympus")
