"""Calls to the main number: menus, direct dial, ring modes, queues, voicemail, caller lists, limits."""
from __future__ import annotations

import pytest

from pbx.calls.legs import leg_facts
from pbx.testcall import parse_at
from tests.support.acceptance import SPAMMER, VIP_CALLER, applications, forward, hangup, legs, path_of, voicemail

MONDAY = parse_at("2026-12-21T10:00", "Europe/Warsaw")


def menu(testowa, **extra) -> dict:
    return {"id": "menu", "kind": "menu", "name": "Menu", "prompt": testowa.prompts["Menu"].id, "repeat": 2,
            "timeout_seconds": 5, "options": {"1": hangup("one"), "2": hangup("two")},
            "no_input": hangup("nobody"), "invalid": hangup("wrong"), **extra}


def stop(call, kind: str) -> dict:
    return next(s for s in call.path if s["kind"] == kind)


# ---------------------------------------------------------------- menus

def test_menu_option_leads_to_its_subtree(testowa):
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY, "1")
    assert path_of(call) == ["menu:1", "one"]
    assert len(stop(call, "menu")["attempts"]) == 1


def test_menu_is_repeated_then_takes_the_no_input_branch(testowa):
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY)
    assert path_of(call) == ["menu:no_input", "nobody"]
    assert len(applications(call, "read")) == 2                     # one read per try
    assert [(a["digits"], a["accepted"]) for a in stop(call, "menu")["attempts"]] == [("", False), ("", False)]
    # Each try: the prompt (3 s) and 5 s of silence; no invalid-input tone for a caller who waits.
    assert call.result.duration == pytest.approx(2 * (3 + 5), abs=0.01)
    assert not applications(call, "playback")


def test_invalid_key_takes_the_invalid_branch(testowa):
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY, "9")
    assert path_of(call) == ["menu:invalid", "wrong"]
    assert call.result.variables["centralka_menu_wrong"] == "true"
    assert applications(call, "playback") == ["tone_stream://%(200,100,480,620)"]  # once, for the wrong key


def test_a_wrong_key_then_a_right_one_within_the_repeats(testowa):
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY, "1s:9,6s:2")
    assert path_of(call) == ["menu:2", "two"]
    assert [a["accepted"] for a in stop(call, "menu")["attempts"]] == [False, True]


def test_direct_dial_of_an_extension_during_the_prompt(testowa):
    testowa.publish(menu(testowa, direct_dial=True))
    call = testowa.call(MONDAY, "102", answer=["Piotr"])
    assert path_of(call) == ["menu:dial:102"]
    assert "direct_102 XML tenant_%d" % testowa.tenant.id in applications(call, "transfer")
    assert [(leg["who"], leg["cause"]) for leg in legs(call)] == [("Piotr Handel", "answered")]
    assert (call.result.hangup_cause, call.result.hangup_by) == ("NORMAL_CLEARING", "callee")


def test_direct_dial_of_an_unknown_extension_returns_to_the_menu(testowa):
    testowa.publish(menu(testowa, direct_dial=True))
    call = testowa.call(MONDAY, "999")
    assert path_of(call) == ["menu:dial:999", "menu:no_input", "nobody"]
    assert not legs(call)


# ---------------------------------------------------------------- ring modes

def test_sequential_group_rings_members_in_the_admins_order(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["sequential"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY)
    rung = legs(call)
    assert [leg["who"] for leg in rung] == ["Piotr Handel", "Kasia Handel", "Ewa Biurko"]
    assert [leg["at"] for leg in rung] == sorted(leg["at"] for leg in rung)
    for leg, ring in zip(rung, (15, 20, 25)):   # each member's own ring time, ended on a whole second
        assert ring <= leg["seconds"] <= ring + 1 and leg["result"] == "no answer"
    assert rung[1]["at"] == pytest.approx(rung[0]["at"] + rung[0]["seconds"])
    assert path_of(call) == ["sales:no_answer", "vm"]


def test_simultaneous_group_rings_everyone_and_the_first_answer_wins(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["simultaneous"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, answer=["Kasia"])
    rung = {leg["who"]: leg for leg in legs(call)}
    assert {leg["at"] for leg in rung.values()} == {0.0}
    assert rung["Kasia Handel"]["cause"] == "answered"
    assert {rung[n]["cause"] for n in ("Piotr Handel", "Ewa Biurko")} == {"LOSE_RACE"}
    assert path_of(call) == ["sales"] and call.result.hangup_by == "callee"


def test_random_group_varies_who_rings_first(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["random"].id}, voicemail(testowa)))
    admin_order = ["Piotr Handel", "Kasia Handel", "Ewa Biurko"]
    firsts = []
    for seed in range(45):
        order = [leg["who"] for leg in legs(testowa.call(MONDAY, seed=seed))]
        start = admin_order.index(order[0])
        assert order == admin_order[start:] + admin_order[:start]   # everyone rings once per call
        firsts.append(order[0])
    counts = {name: firsts.count(name) for name in admin_order}
    assert all(count >= 5 for count in counts.values()), counts    # each first about a third of the time


def test_longest_idle_group_offers_the_call_to_one_free_member_at_a_time(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["longest-idle"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, busy=["Piotr"], answer=["Kasia"])
    offered = [(leg["who"], leg["cause"]) for leg in legs(call)]
    assert offered == [("Piotr Handel", "USER_BUSY"), ("Kasia Handel", "answered")]
    assert applications(call, "callcenter") == [f"t{testowa.tenant.id}_s{_scenario_id(testowa)}_sales@default"]
    assert stop(call, "forward")["queue"]["cause"] == "answered"


def test_queue_timeout_goes_to_voicemail(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["sequential"].id}, voicemail(testowa),
                            queue={"max_wait_seconds": 60}))
    call = testowa.call(MONDAY)
    assert path_of(call) == ["sales:no_answer", "vm"]
    assert stop(call, "forward")["queue"]["reason"] == "TIMEOUT"
    assert 60 <= stop(call, "voicemail")["at"] < 62
    assert stop(call, "voicemail")["message_seconds"] > 0


# ---------------------------------------------------------------- forwarding outcomes

def test_busy_user_takes_the_busy_branch_and_the_chain_goes_on(testowa):
    chain = forward("boss", {"user": testowa.users["Anna"].id}, hangup("no_answer_end"),
                    busy=forward("sales", {"group": testowa.groups["simultaneous"].id}, voicemail(testowa)))
    testowa.publish(chain)
    call = testowa.call(MONDAY, busy=["Anna"])
    assert path_of(call) == ["boss:busy", "sales:no_answer", "vm"]
    assert [t.split()[0] for t in applications(call, "transfer")][-4:] == [
        f"s{_scenario_id(testowa)}_boss_RESULT", f"s{_scenario_id(testowa)}_sales",
        f"s{_scenario_id(testowa)}_sales_RESULT", f"s{_scenario_id(testowa)}_vm"]
    assert call.result.hangup_cause == "NORMAL_CLEARING"


def test_unreachable_user_takes_the_unavailable_branch(testowa):
    testowa.publish(forward("boss", {"user": testowa.users["Anna"].id}, hangup("no_answer_end"),
                            unavailable=hangup("off_end")))
    call = testowa.call(MONDAY, unreachable=["Anna"])
    assert path_of(call) == ["boss:unavailable", "off_end"]


def test_no_answer_is_also_taken_for_busy_when_no_busy_branch_is_given(testowa):
    testowa.publish(forward("boss", {"user": testowa.users["Anna"].id}, voicemail(testowa)))
    assert path_of(testowa.call(MONDAY, busy=["Anna"])) == ["boss:busy", "vm"]


def test_forward_to_an_outside_number(testowa):
    testowa.publish(forward("out", {"number": "+48602000111"}, voicemail(testowa), ring_seconds=10))
    call = testowa.call(MONDAY, answer=["+48602000111"])
    assert [(leg["who"], leg["cause"]) for leg in legs(call)] == [("+48602000111", "answered")]
    assert "sofia/gateway/carrier/48602000111" in applications(call, "bridge")[0]


def test_voicemail_records_the_message_for_its_recipients(testowa):
    testowa.publish(voicemail(testowa))
    call = testowa.call(MONDAY)
    box = stop(call, "voicemail")
    assert box["emails"] == ["anna@testowa.example", "biuro@testowa.example"]
    [record] = applications(call, "record")
    assert record.startswith(f"/var/lib/freeswitch/recordings/{testowa.tenant.id}/vm_{testowa.box.id}_")
    assert call.result.variables["centralka_voicemail_box"] == str(testowa.box.id)
    assert "e-mail to 2 recipients" in call.trace()


def test_a_caller_who_hangs_up_at_the_beep_leaves_no_message_and_no_e_mail(testowa):
    testowa.publish(voicemail(testowa))
    recording_starts = next(s.at for s in testowa.call(MONDAY).result.steps
                            if s.kind == "execute" and s.details["application"] == "record")
    call = testowa.call(MONDAY, hangup_after=recording_starts + 0.4)
    assert stop(call, "voicemail")["message_seconds"] == pytest.approx(0.4)
    assert "no message (0.4 s), no e-mail" in call.trace() and "e-mail to" not in call.trace()


def test_recording_notice_then_record_session_for_a_user_who_records(testowa):
    testowa.publish(forward("tomek", {"user": testowa.users["Tomek"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, answer=["Tomek"])
    names = [a["application"] for a in call.result.applications]
    notice = names.index("playback")
    assert names[notice - 1:notice + 3] == ["answer", "playback", "record_session", "set"]
    assert applications(call, "playback")[0].endswith("/centralka/common/pl/call_recorded.wav")
    assert applications(call, "record_session") == [
        f"/var/lib/freeswitch/recordings/{testowa.tenant.id}/{call.result.variables['uuid']}.wav"]
    assert names.index("record_session") < names.index("bridge")


# ---------------------------------------------------------------- caller lists and limits

def test_blacklisted_caller_is_rejected_before_answer(testowa):
    testowa.publish({"id": "spam", "kind": "caller_condition", "list": testowa.blacklist.id,
                     "otherwise": voicemail(testowa)})
    call = testowa.call(MONDAY, caller=SPAMMER)
    assert (call.result.hangup_cause, call.result.answered) == ("CALL_REJECTED", False)
    assert call.result.variables["centralka_blacklisted"] == "true"
    assert "answer" not in [a["application"] for a in call.result.applications]
    assert path_of(testowa.call(MONDAY)) == ["spam:otherwise", "vm"]


@pytest.mark.parametrize("caller", [VIP_CALLER, "0048600111222", "600 111 222"])
def test_vip_callers_are_routed_to_the_boss(testowa, caller):
    testowa.publish({"id": "vip", "kind": "caller_condition", "list": testowa.vip.id,
                     "match": forward("boss", {"user": testowa.users["Anna"].id}, voicemail(testowa)),
                     "otherwise": hangup("others")})
    assert path_of(testowa.call(MONDAY, caller=caller))[:2] == ["vip:match", "boss:no_answer"]
    assert path_of(testowa.call(MONDAY)) == ["vip:otherwise", "others"]


def test_a_forwarded_call_is_cut_after_60_minutes(testowa):
    testowa.publish(forward("boss", {"user": testowa.users["Anna"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, answer=["Anna"], talk=2 * 3600)
    assert (call.result.hangup_cause, call.result.hangup_by) == ("ALLOTTED_TIMEOUT", "sched_hangup")
    assert call.result.duration == pytest.approx(3600)
    assert applications(call, "sched_hangup") == ["+3600 ALLOTTED_TIMEOUT"]


def test_waiting_in_a_queue_is_cut_after_60_minutes(testowa):
    testowa.publish(forward("sales", {"group": testowa.groups["sequential"].id}, voicemail(testowa),
                            queue={"max_wait_seconds": 3600}))
    call = testowa.call(MONDAY)
    assert call.result.hangup_cause == "ALLOTTED_TIMEOUT"
    assert call.result.duration == pytest.approx(3600)


def test_caller_hanging_up_in_the_menu(testowa):
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY, hangup_after=4)
    assert (call.result.hangup_cause, call.result.hangup_by, call.result.duration) == ("NORMAL_CLEARING", "caller", 4)


def _scenario_id(testowa) -> int:
    return testowa.tenant.main_numbers[0].scenario.id


# ---------------------------------------------------------------- the call record

@pytest.mark.parametrize("request_user", [None, "centralka-trunk"])
def test_the_call_record_names_the_dialled_number_as_the_switch_passes_it(testowa, request_user):
    """The public entry exports the number the carrier dialled; the record reads it whatever the
    transfers renamed since and whatever request line carried the call (none through a loopback,
    the account on a registered trunk)."""
    testowa.publish(menu(testowa))
    call = testowa.call(MONDAY, "1")
    variables = call.result.variables
    assert variables["centralka_dialled"] == "48221112233"
    transfers = [s.details["destination"] for s in call.result.steps if s.kind == "transfer"]
    headers = {**{f"variable_{name}": value for name, value in variables.items() if name != "sip_req_user"},
               "Unique-ID": variables["uuid"], "Caller-RDNIS": transfers[-2], "Caller-Destination-Number": transfers[-1]}
    if request_user:
        headers["variable_sip_req_user"] = request_user
    assert (leg_facts(headers)["destination"], leg_facts(headers)["main_number"]) == ("48221112233", "+48221112233")
