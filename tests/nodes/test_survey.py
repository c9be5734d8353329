"""A forward's post-call survey, through the simulated switch: the caller who stays on the line after the
employee hung up answers on the keypad (survey 30 of tests.support.compiler: keys 1-5 with two tries, then
keys 1-2 with one try, a comment of up to 45 s, thanks)."""
from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.simulator import Leg
from pbx.dialplan.snapshot import QuestionInfo, SurveyInfo
from tests.support.compiler import ANNA, WARSAW, applications, call, compiled, hangup, path_of, snapshot

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
SURVEYED = {"id": "fw", "kind": "forward", "target": {"user": 1}, "ring_seconds": 25, "survey": 30,
            "no_answer": hangup("missed")}
# Anna answers after 2 s and hangs up 10 s later: the first question starts at 12 s, each prompt lasts 3 s.
ANSWERED = {ANNA: Leg("answer", 2.0, talk=10)}


def answers(result) -> list:
    return [result.variables.get(f"centralka_survey_q{n}") for n in (1, 2)]


def test_after_the_employee_hangs_up_the_caller_answers_every_question_and_leaves_a_comment():
    result = call(SURVEYED, at=AT, legs=ANSWERED, keys=[(13, "4"), (16, "2")], speech=6.0)
    assert answers(result) == ["4", "2"]
    assert result.variables["centralka_survey"] == "30" and path_of(result) == ["fw:survey"]
    recorded = [s.details for s in result.steps if s.kind == "recorded"]
    assert recorded[0]["path"].startswith("/3/survey_") and recorded[0]["seconds"] == 9.0  # 6 s, then 3 s silent
    assert result.hangup_by != "callee"


def test_a_wrong_key_is_asked_again_and_a_question_left_unanswered_stays_empty():
    # 9 is no answer to question 1: the tone, the question again, then 5. Question 2 gets 7 (wrong) on its one try.
    result = call(SURVEYED, at=AT, legs=ANSWERED, keys=[(13, "9"), (17, "5"), (20, "7")], speech=0.0)
    tries = [(s.details["attempt"], s.details["digits"], s.details["accepted"]) for s in result.steps
             if s.kind == "digits"]
    assert tries == [(1, "9", False), (2, "5", True), (1, "7", False)]
    assert answers(result) == ["5", None]


def test_a_caller_hanging_up_mid_survey_keeps_the_answers_given():
    result = call(SURVEYED, at=AT, legs=ANSWERED, keys=[(13, "3")], caller_hangup=17.0)
    assert answers(result) == ["3", None] and result.hangup_by == "caller"


def test_a_call_nobody_answered_has_no_survey():
    result = call(SURVEYED, at=AT, legs={ANNA: Leg("no_answer")}, keys=[(40, "5")])
    assert "centralka_survey" not in result.variables and path_of(result) == ["fw:no_answer", "missed"]


def test_a_queue_call_is_surveyed_after_the_agent_hangs_up():
    root = {**SURVEYED, "id": "q", "target": {"group": 10}, "queue": {"max_wait_seconds": 60}}
    result = call(root, at=AT, legs=ANSWERED, keys=[(13, "1"), (16, "1")], queues=compiled(root).meta["queues"],
                  speech=0.0)
    assert result.variables.get("cc_cause") == "answered"
    assert answers(result) == ["1", "1"] and path_of(result) == ["q:survey"]


def test_without_a_survey_the_answered_call_ends_with_the_bridge():
    plain = {k: v for k, v in SURVEYED.items() if k != "survey"}
    assert ("set", "hangup_after_bridge=true") in applications(compiled(plain).xml, "s5_fw")
    assert not [a for a in applications(compiled(plain).xml) if a[0] == "play_and_get_digits"]


def test_a_survey_the_company_does_not_have_is_refused():
    with pytest.raises(ScenarioInvalid) as error:
        compiled({**SURVEYED, "survey": 99})
    assert "survey 99 does not exist" in str(error.value) and error.value.errors[0].node_id == "fw"


def test_a_question_in_another_language_than_the_companys_is_linted():
    english = snapshot(surveys={30: SurveyInfo(30, (QuestionInfo(7, "12345"),))})  # announcement 7 is English
    assert [w.message.code for w in compiled(SURVEYED, english).warnings] == ["lint.prompt_language"]
    assert compiled(SURVEYED).warnings == []


def test_only_digits_of_a_stored_survey_reach_the_switch():
    tampered = snapshot(surveys={30: SurveyInfo(30, (QuestionInfo(5, "1${x}]$2"),))})
    (pagd,) = [d for a, d in applications(compiled(SURVEYED, tampered).xml) if a == "play_and_get_digits"]
    assert pagd.endswith("centralka_survey_q1 ^[12]$") and "${x}" not in pagd
