"""A test call shows a user transferring the caller from the phone: feature codes and a SIP phone's REFER."""
from __future__ import annotations

from datetime import datetime

import pytest

from pbx.simulator import Leg, UnsupportedApplication
from tests.support.compiler import ANNA, DESK, KASIA, WARSAW, call, path_of, snapshot

CODES = snapshot(transfer_blind_code="*1", transfer_attended_code="*2")
TO_ANNA = {"id": "fw", "kind": "forward", "target": {"user": 1}, "ring_seconds": 25,
           "no_answer": {"id": "bye", "kind": "hangup"}}
AT = datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW)
ANSWERS = {ANNA: Leg("answer", 2.0), KASIA: Leg("answer", 3.0, talk=20)}


def _steps(result, kind):
    return [s for s in result.steps if s.kind == kind]


def test_the_blind_code_moves_the_caller_to_the_extension_typed():
    result = call(TO_ANNA, at=AT, snap=CODES, legs=ANSWERS, phone_transfers=[(12.0, "*1103")])
    (moved,) = _steps(result, "phone_transfer")
    # The code at 12 s, then 1, 0, 3 and # a key every 0.3 s: the caller moves as # ends the typing.
    assert (moved.at, moved.details["how"], moved.details["target"], moved.details["user"]) == (13.2, "keys", "103", "1")
    hunts = [s.details["destination"] for s in _steps(result, "hunt")]
    assert hunts[-3:] == ["xfer_blind", "xfer_blind_GO", "103"]  # on Anna's leg, then the caller
    bridged = [s.details["target"] for s in _steps(result, "bridged")]
    assert bridged[0] == ANNA and bridged[-1] == KASIA
    assert result.duration == pytest.approx(12.0 + 4 * 0.3 + 3.0 + 20, abs=0.01)
    anna = next(s for s in _steps(result, "leg") if s.details["target"] == ANNA)
    assert anna.details["variables"]["centralka_transfer"] == "blind:103"  # what the listener reads
    assert path_of(result) == ["fw"] and result.hangup_cause == "NORMAL_CLEARING"


def test_keys_without_the_code_bound_do_nothing():
    result = call(TO_ANNA, at=AT, snap=snapshot(), legs={ANNA: Leg("answer", 2.0, talk=20)},
                  phone_transfers=[(12.0, "*1103")])
    assert _steps(result, "phone_transfer") == [] and _steps(result, "phone_keys")[0].details["result"] == "not bound"
    assert result.duration == pytest.approx(22.0)


def test_an_extension_nobody_has_leaves_the_call_as_it_was():
    result = call(TO_ANNA, at=AT, snap=CODES, legs={ANNA: Leg("answer", 2.0, talk=20)},
                  phone_transfers=[(12.0, "*1999")])
    assert _steps(result, "phone_keys")[0].details["result"] == "nothing matched"
    assert result.duration == pytest.approx(22.0)


def test_a_sip_phones_transfer_key_refers_the_caller():
    """User 4 has only a desk phone; its transfer key sends REFER to 103."""
    result = call({**TO_ANNA, "target": {"user": 4}}, at=AT, snap=CODES,
                  legs={DESK: Leg("answer", 2.0), KASIA: Leg("answer", 1.0, talk=5)}, phone_transfers=[(8.0, "refer:103")])
    (moved,) = _steps(result, "phone_transfer")
    assert (moved.details["how"], moved.details["target"]) == ("refer", "103")
    assert result.variables["sip_refer_to"].startswith("<sip:103@")
    assert [s.details["target"] for s in _steps(result, "bridged")] == [DESK, KASIA]


def test_announced_transfers_are_named_unsupported():
    with pytest.raises(UnsupportedApplication, match="att_xfer"):
        call(TO_ANNA, at=AT, snap=CODES, legs=ANSWERS, phone_transfers=[(12.0, "*2103")])
