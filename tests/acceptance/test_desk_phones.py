"""Calls from users' desk phones: colleagues by extension, and outbound with the main number (*666)."""
from __future__ import annotations

from pbx.testcall import parse_at
from tests.support.acceptance import MAIN, applications, forward, legs, voicemail

MONDAY = parse_at("2026-12-21T10:00", "Europe/Warsaw")


def test_internal_extension_call(testowa):
    call = testowa.call(MONDAY, number="102", caller="101", answer=["Piotr"])
    assert call.result.variables["centralka_direction"] == "internal"
    assert [(leg["who"], leg["cause"]) for leg in legs(call)] == [("Piotr Handel", "answered")]
    assert call.path[0]["kind"] == "extension" and call.path[0]["label"] == "102"
    assert (call.result.hangup_cause, call.result.hangup_by) == ("NORMAL_CLEARING", "callee")


def test_internal_call_to_a_group_extension(testowa):
    call = testowa.call(MONDAY, number="202", caller="Anna")
    assert {leg["who"] for leg in legs(call)} == {"Piotr Handel", "Kasia Handel", "Ewa Biurko"}
    # Nobody answered: not ALLOTTED_TIMEOUT, which call records read as the 60-minute cap.
    assert call.result.hangup_cause == "NO_ANSWER"


def test_calls_between_users_are_not_recorded(testowa):
    # Seed 000: "Nagrywanie połączeń nie działa w połączeniach między numerami będącymi Użytkownikami".
    call = testowa.call(MONDAY, number="104", caller="101", answer=["Tomek"])
    assert applications(call, "record_session") == []


def test_star_666_presents_the_main_number_for_an_allowed_user(testowa):
    testowa.publish(forward("boss", {"user": testowa.users["Anna"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, number="*666602000111", caller="Anna", answer=["+48602000111"])
    assert applications(call, "set")[-1] == f"effective_caller_id_number={MAIN.lstrip('+')}"
    assert applications(call, "bridge") == ["{originate_timeout=60}sofia/gateway/carrier/48602000111"]
    assert call.result.variables["centralka_direction"] == "out"


def test_star_666_without_the_right_is_refused_with_an_announcement(testowa):
    testowa.publish(forward("boss", {"user": testowa.users["Anna"].id}, voicemail(testowa)))
    call = testowa.call(MONDAY, number="*666602000111", caller="Piotr", answer=["+48602000111"])
    assert not applications(call, "bridge") and not legs(call)
    assert applications(call, "playback")[0].endswith("/centralka/common/pl/main_number_refused.wav")
    assert call.result.hangup_cause == "OUTGOING_CALL_BARRED"
    assert "refused" in call.trace()


def test_outbound_without_prefix_presents_the_users_own_number(testowa):
    call = testowa.call(MONDAY, number="602000111", caller="Anna", answer=["+48602000111"])
    assert "effective_caller_id_number=48501000001" in applications(call, "set")


def test_outbound_call_ends_normally_when_the_callee_hangs_up(testowa):
    call = testowa.call(MONDAY, number="602000111", caller="Anna", answer=["+48602000111"])
    assert (call.result.hangup_cause, call.result.hangup_by) == ("NORMAL_CLEARING", "callee")


def test_outbound_calls_are_recorded_for_a_user_who_records(testowa):
    call = testowa.call(MONDAY, number="602000111", caller="Tomek", answer=["+48602000111"])
    assert len(applications(call, "record_session")) == 1


def test_a_colleagues_mobile_is_shown_the_callers_own_number_and_their_desk_phone_the_extension(testowa):
    call = testowa.call(MONDAY, number="102", caller="Anna", answer=["Piotr"])
    shown = {s.details["target"]: s.details["caller_id"] for s in call.result.steps if s.kind == "leg"}
    assert shown == {"sofia/gateway/carrier/48501000002": "48501000001",
                     f"user/102@t{testowa.tenant.id}.pbx.local": "101"}


def test_the_called_party_of_a_recorded_outbound_call_hears_the_notice(testowa):
    call = testowa.call(MONDAY, number="602000111", caller="Tomek", answer=["+48602000111"])
    (notice,) = [s.details["data"] for s in call.result.steps if s.kind == "peer_execute"]
    assert notice.endswith("/centralka/common/pl/call_recorded.wav")
    assert applications(call, "playback") == [notice]  # Tomek hears it with them
