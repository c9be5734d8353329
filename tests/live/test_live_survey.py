"""Opt-in: the post-call survey on a real FreeSWITCH, compared with the simulator.

The test adds to the company of an API token a survey (two questions, keys 1-5 and 1-2, on the
company's first announcement) and a main number whose scenario forwards to an outside number
with that survey, and deletes both afterwards. The carrier's SIPp answers the forward and hangs up
after CALLEE_TALK seconds (the employee leaves); the caller stays and presses keys:

* both questions answered: the switch hangs up after the survey, the caller's leg carries
  `centralka_survey_q1` / `q2`, and the listener stores the answers (read back from the report);
* the caller hangs up during the second question: the first answer is kept.

Each call's A-leg applications must equal the simulator's.

Settings: those of test_live_switch.py, plus CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN (a
full API token of the company's owner), and optionally:

    CENTRALKA_LIVE_SURVEY_NUMBER=48221000933         the main number the test adds and calls
"""
from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.live import harness
from tests.live.harness import (
    ANSWER_AFTER, API, API_TOKEN, CARRIER, GATEWAY, KEY_INTO_MENU, NEEDS_SWITCH, OK, Origin, Plan, Simulation, api,
    assert_same_as_simulated, digits, msg, place_call, scenario, sipp,
)

NUMBER = os.environ.get("CENTRALKA_LIVE_SURVEY_NUMBER", "48221000933")
EMPLOYEE_PHONE = "+48501000933"  # answers through the carrier, then hangs up
CALLEE_TALK = 5.0

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN), reason="survey: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


def leaving_uas(answer: list[str]) -> str:
    """The carrier: INVITEs to a number in `answer` are picked up after ANSWER_AFTER s and hung up by the
    callee CALLEE_TALK s later (a BYE of its own); OPTIONS pings are answered."""
    regex = "^INVITE sip:(" + "|".join(answer or ["-"]) + ")@"
    head = ("[last_Via:]\n[last_From:]\n[last_To:];tag=uas[call_number]\n[last_Call-ID:]\n[last_CSeq:]\n"
            "Contact: <sip:[local_ip]:[local_port]>\n")
    ringing = f"SIP/2.0 180 Ringing\n{head}Content-Length: 0\n"
    answered = f"SIP/2.0 200 OK\n{head}Content-Type: application/sdp\nContent-Length: [len]\n\n{harness.SDP}"
    ok_cancel = ("SIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:];tag=uas[call_number]\n[last_Call-ID:]\n"
                 "[last_CSeq:]\nContent-Length: 0\n")
    terminated = ("SIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n[last_To:];tag=uas[call_number]\n"
                  "[last_Call-ID:]\nCSeq: [cseq] INVITE\nContent-Length: 0\n")
    # [last_To:] would bring its header name along: the BYE swaps the INVITE's From and To values, kept
    # as `peer` and `me` (each starts with a space); [next_url] is the INVITE's Contact.
    bye = ("BYE [next_url] SIP/2.0\nVia: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
           "From:[$me];tag=uas[call_number]\nTo:[$peer]\n[last_Call-ID:]\nCSeq: 2 BYE\nMax-Forwards: 70\n"
           "Content-Length: 0\n")
    return scenario("live_uas", [
        '<recv request="OPTIONS" optional="true" next="options"/>',
        f'<recv request="INVITE" rrs="true"><action><ereg regexp="{regex}" search_in="msg" check_it="false" '
        'assign_to="pick_up"/><ereg regexp=".*" search_in="hdr" header="From:" assign_to="peer"/>'
        '<ereg regexp=".*" search_in="hdr" header="To:" assign_to="me"/></action></recv>',
        f"<send>{msg(ringing)}</send>",
        '<nop next="answer" test="pick_up"/>',
        '<recv request="CANCEL"/>', f"<send>{msg(ok_cancel)}</send>", f"<send>{msg(terminated)}</send>",
        '<recv request="ACK" next="end"/>',
        '<label id="answer"/>', f'<pause milliseconds="{int(ANSWER_AFTER * 1000)}"/>',
        f'<send retrans="500">{msg(answered)}</send>',
        '<recv request="ACK"/>', f'<pause milliseconds="{int(CALLEE_TALK * 1000)}"/>',
        f'<send retrans="500">{msg(bye)}</send>', '<recv response="200"/>', '<nop next="end"/>',
        '<label id="options"/>', f"<send>{msg(OK)}</send>",
        '<label id="end"/>',
    ])


def start_leaving_carrier(folder: Path, answering: list[str]) -> subprocess.Popen:
    host, port = CARRIER.rsplit(":", 1)
    numbers = [t[len(GATEWAY):] for t in answering if t.startswith(GATEWAY)]
    return sipp(["-i", host, "-p", port, "-mi", host, "-mp", "16000"], leaving_uas(numbers), folder, "uas")


class SurveySimulation(Simulation):
    """The employee answers and hangs up after CALLEE_TALK; the caller presses each key at the next question."""

    def play(self, plan, uuid=None):
        from pbx.simulator import Leg, World, simulate

        world = World(start=plan.start, caller=self.origin.caller, destination=self.origin.destination,
                      keypresses=list(plan.keypresses), caller_hangup=plan.caller_hangup, speech=0.0, uuid=uuid,
                      legs={target: Leg("answer", ANSWER_AFTER, talk=CALLEE_TALK) for target in plan.answering})
        return simulate(harness.post, world, context=self.origin.context, destination=self.origin.destination,
                        caller=self.origin.caller, variables=self.vars, switch_timezone=harness.SWITCH_TIMEZONE,
                        callcenter_conf=self.conf, durations=self.durations)

    def prepare(self, plan):
        plan.answering = [GATEWAY + digits(EMPLOYEE_PHONE)]
        for key in plan.keys:
            after = plan.keypresses[-1][0] if plan.keypresses else -1.0
            # The next question starts the instant the last key ends the one before (>=, not >).
            asked = [s.at for s in self.play(plan).steps if s.kind == "execute" and s.at >= after
                     and s.details["application"] == "play_and_get_digits"]
            if asked:
                plan.keypresses.append((asked[0] + KEY_INTO_MENU, key))
        return plan


@pytest.fixture(scope="module")
def setup():
    prompt = api("GET", "/api/announcements")[0]["id"]
    survey = api("POST", "/api/surveys", {"name": "Ankieta testu na żywo", "timeout_seconds": 4, "questions": [
        {"prompt": prompt, "keys": "12345", "repeat": 1}, {"prompt": prompt, "keys": "12", "repeat": 1}]})
    number = api("POST", "/api/main-numbers", {"number": "+" + NUMBER})
    try:
        root = {"id": "team", "kind": "forward", "target": {"number": EMPLOYEE_PHONE}, "ring_seconds": 20,
                "survey": survey["id"], "no_answer": {"id": "bye", "kind": "hangup"}}
        api("PUT", f"/api/main-numbers/{number['id']}/scenario/draft", {"name": "Ankieta na żywo", "root": root})
        api("POST", f"/api/main-numbers/{number['id']}/scenario/publish")
        yield survey
    finally:
        api("DELETE", f"/api/main-numbers/{number['id']}")
        api("DELETE", f"/api/surveys/{survey['id']}")


def call(switch, folder, keys, caller_hangup=None):
    recorder, switch_vars = switch
    sim = SurveySimulation(switch_vars, Origin(destination=NUMBER))
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc), keys=list(keys)))
    plan.caller_hangup = caller_hangup(plan) if caller_hangup else None
    return place_call(recorder, sim, plan, folder)


def caller_leg(recorder, placed) -> dict:
    return next(e for e in recorder.events if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("Unique-ID") == placed.uuid)


def stored_answers(survey) -> dict:
    """The survey's report for today, once the listener has written the call (it writes in batches)."""
    deadline = time.monotonic() + 20
    while True:
        report = api("GET", f"/api/surveys/{survey['id']}/report")
        if report["calls"] or time.monotonic() > deadline:
            return report
        time.sleep(1)


def test_the_caller_answers_both_questions_after_the_employee_hangs_up(switch, tmp_path, setup, monkeypatch):
    monkeypatch.setattr(harness, "start_carrier", start_leaving_carrier)
    # Keys in rising order: each SIPp capture replays its own RTP sequence numbers, and FreeSWITCH drops
    # a key whose numbers fall less than 100 below the last key's ("4" then "2" loses the "2").
    placed = call(switch, tmp_path, ["1", "2"])
    assert_same_as_simulated(placed)
    leg = caller_leg(switch[0], placed)
    assert (leg.get("variable_centralka_survey_q1"), leg.get("variable_centralka_survey_q2")) == ("1", "2")
    assert leg.get("variable_centralka_path", "").endswith("team:survey")
    report = stored_answers(setup)
    assert report["questions"][0]["distribution"]["1"] >= 1 and report["questions"][1]["distribution"]["2"] >= 1


def test_a_caller_hanging_up_mid_survey_keeps_the_first_answer(switch, tmp_path, setup, monkeypatch):
    monkeypatch.setattr(harness, "start_carrier", start_leaving_carrier)
    placed = call(switch, tmp_path, ["5"], caller_hangup=lambda plan: plan.keypresses[-1][0] + 2.0)
    assert_same_as_simulated(placed)
    leg = caller_leg(switch[0], placed)
    assert leg.get("variable_centralka_survey_q1") == "5" and not leg.get("variable_centralka_survey_q2")
    assert stored_answers(setup)["questions"][0]["distribution"]["5"] >= 1
