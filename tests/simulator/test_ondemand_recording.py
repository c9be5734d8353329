"""A test call shows the answering user starting and stopping a recording with the record code, or refused."""
from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from pbx.simulator import Leg
from tests.support.compiler import ANNA, WARSAW, call, snapshot

TO_ANNA = {"id": "fw", "kind": "forward", "target": {"user": 1}, "ring_seconds": 25,
           "no_answer": {"id": "bye", "kind": "hangup"}}
AT = datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW)
TALK = {ANNA: Leg("answer", 2.0, talk=40)}


def _company(*may_record):
    users = {uid: dataclasses.replace(u, may_record_on_demand=uid in may_record) for uid, u in snapshot().users.items()}
    return snapshot(users=users, transfer_blind_code="*1", record_code="*3")


def _steps(result, kind):
    return [s for s in result.steps if s.kind == kind]


def test_two_starts_and_stops_record_two_files_each_with_the_notice_to_both_sides():
    result = call(TO_ANNA, at=AT, snap=_company(1), legs=TALK,
                  phone_transfers=[(10.0, "*3"), (15.0, "*3"), (25.0, "*3"), (30.0, "*3")])
    told = [(s.at, s.details["action"], s.details["user"]) for s in _steps(result, "phone_record")]
    assert told == [(10.0, "start", "1"), (15.0, "stop", "1"), (25.0, "start", "1"), (30.0, "stop", "1")]
    started = [s.details["path"] for s in _steps(result, "record_session")]
    stopped = [s.details["path"] for s in _steps(result, "record_stop")]
    anna = next(s.details["uuid"] for s in _steps(result, "phone_record"))
    # ${recordings_dir} is the switch's own folder, unset in this world.
    assert started == stopped == [f"/3/od_1_{anna}_1.wav", f"/3/od_1_{anna}_11.wav"]
    notices = [(s.details["path"], s.details["far_end"], s.details["own"]) for s in _steps(result, "displaced")]
    assert notices == [("/centralka/common/pl/call_recorded.wav", True, True)] * 2
    assert result.duration == pytest.approx(42.0)  # the call goes on: nothing moved the caller


def test_a_user_without_the_right_hears_the_refusal_and_nothing_is_recorded():
    result = call(TO_ANNA, at=AT, snap=_company(2), legs=TALK, phone_transfers=[(10.0, "*3")])
    assert [s.details["action"] for s in _steps(result, "phone_record")] == ["refused"]
    assert _steps(result, "record_session") == [] and _steps(result, "displaced") == []


def test_the_code_is_not_bound_while_nobody_has_the_right():
    result = call(TO_ANNA, at=AT, snap=_company(), legs=TALK, phone_transfers=[(10.0, "*3")])
    assert _steps(result, "phone_keys")[0].details["result"] == "not bound"
    assert _steps(result, "phone_record") == []
