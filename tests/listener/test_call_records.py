"""Call records from the captured calls: one per call, whatever the order and repetition of legs."""
import random

import pytest
from sqlalchemy import func, select

from pbx import models
from pbx.calls.legs import leg_facts
from pbx.calls.store import save_legs
from pbx.extensions import db
from tests.support.streams import FIRST_RUN, SHAPES, named

EXPECTED = {
    "ivr_bridge_sequential": dict(
        legs=3, answered_number="48600000002", hangup_side="caller", hangup_cause="NORMAL_CLEARING",
        path=["menu:1"], wait=9, talk=3, destination="48221000100", main_number="+48221000100"),
    "bridge_simultaneous_noanswer_then_record": dict(
        legs=3, answered_number=None, hangup_side="system", hangup_cause="NORMAL_CLEARING",
        path=["group:support:voicemail"], wait=10, talk=0, destination="48221000200",
        main_number="+48221000200"),
    "callcenter_answered": dict(
        legs=2, answered_number="48600000011", hangup_side="callee", hangup_cause="NORMAL_CLEARING",
        path=["queue:support"], wait=3, talk=3, destination="48221000300", main_number="+48221000300"),
    "callcenter_abandoned": dict(
        legs=2, answered_number=None, hangup_side="caller", hangup_cause="NORMAL_CLEARING",
        path=["queue:support"], wait=8, talk=0, destination="48221000400", main_number="+48221000400"),
    "blacklist_reject": dict(
        legs=1, answered_number=None, hangup_side="system", hangup_cause="CALL_REJECTED",
        path=[], wait=0, talk=0, destination="48221000500", main_number="+48221000500"),
}


def legs_of(shape, fmt="plain"):
    return [leg_facts(headers) for headers in named(shape, "CHANNEL_HANGUP_COMPLETE", fmt)]


def the_record(call_uuid):
    return db.session.scalars(select(models.CallRecord).where(models.CallRecord.call_uuid == call_uuid)).one()


def check(shape, expected):
    db.session.expire_all()
    record = the_record(SHAPES[shape])
    assert record.tenant_id == 42
    assert record.caller == ("48221999999" if shape == "blacklist_reject" else "48221234567")
    assert record.direction == "in"
    assert len(record.legs) == expected["legs"]
    assert sorted(leg.role for leg in record.legs)[0] in {"agent", "callee", "caller"}
    for name in ("answered_number", "hangup_side", "hangup_cause", "path", "destination", "main_number"):
        assert getattr(record, name) == expected[name], name
    assert (record.wait_seconds, record.talk_seconds) == (expected["wait"], expected["talk"])
    assert (record.answered_at is not None) == (expected["answered_number"] is not None)
    assert record.ended_at >= record.started_at
    assert db.session.scalar(select(func.count()).select_from(models.CallRecord)) == 1


@pytest.mark.parametrize("shape", sorted(EXPECTED))
@pytest.mark.parametrize("order", ["captured", "reversed", "one_by_one_twice", "shuffled_twice"])
def test_one_record_per_call_in_any_order(ctx, company, shape, order):
    legs = legs_of(shape)
    if order == "reversed":
        batches = [legs[::-1]]
    elif order == "one_by_one_twice":
        batches = [[leg] for leg in legs + legs]
    elif order == "shuffled_twice":
        doubled = legs * 2
        random.Random(7).shuffle(doubled)
        batches = [doubled[:2], doubled[2:]]
    else:
        batches = [legs]
    for batch in batches:
        save_legs(db.session, batch)
        db.session.commit()
    check(shape, EXPECTED[shape])


@pytest.mark.parametrize("request_user", [None, "centralka-trunk"])
def test_the_dialled_number_is_the_one_the_public_entry_saw(ctx, company, request_user):
    """Through a loopback (no SIP request) or a registered trunk (the request names the account),
    after a second transfer (``Caller-RDNIS`` is then the menu): the public entry's own record."""
    shape = "ivr_bridge_sequential"
    legs = named(shape, "CHANNEL_HANGUP_COMPLETE")
    caller = next(h for h in legs if h["Unique-ID"] == SHAPES[shape])
    caller = {name: value for name, value in caller.items() if name != "variable_sip_req_user"}
    caller.update({"Caller-RDNIS": "s7_menu", "variable_centralka_dialled": "48221000100"})
    if request_user:
        caller["variable_sip_req_user"] = request_user
    save_legs(db.session, [leg_facts(caller)] + [leg_facts(h) for h in legs if h["Unique-ID"] != SHAPES[shape]])
    db.session.commit()
    record = the_record(SHAPES[shape])
    assert (record.destination, record.main_number) == ("48221000100", "+48221000100")


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_json_stream_gives_the_same_record(ctx, company, shape):
    save_legs(db.session, legs_of(shape, "json"))
    db.session.commit()
    check(shape, EXPECTED[shape])


def test_agent_leg_is_marked_and_answers_the_queue_call(ctx, company):
    save_legs(db.session, legs_of("callcenter_answered"))
    db.session.commit()
    record = the_record(SHAPES["callcenter_answered"])
    roles = {leg.leg_uuid: leg.role for leg in record.legs}
    assert roles == {SHAPES["callcenter_answered"]: "caller", "5b890178-cfb8-459f-a8eb-1e0e3d6005e2": "agent"}


def test_b_leg_alone_makes_a_provisional_record_the_a_leg_completes(ctx, company):
    a_leg, b_leg = sorted(legs_of("ivr_bridge_sequential"), key=lambda leg: leg["role"] == "caller")[-1:] + \
        [leg for leg in legs_of("ivr_bridge_sequential") if leg["leg_uuid"].startswith("6d82")]
    save_legs(db.session, [b_leg])
    db.session.commit()
    record = the_record(SHAPES["ivr_bridge_sequential"])
    assert record.answered_number == "48600000002" and record.path == [] and record.hangup_side == ""
    save_legs(db.session, [a_leg])
    db.session.commit()
    db.session.expire_all()
    record = the_record(SHAPES["ivr_bridge_sequential"])
    assert (record.path, record.hangup_side, record.answered_number) == (["menu:1"], "caller", "48600000002")


def test_unknown_tenant_and_user_do_not_fail_the_batch(ctx):
    legs = legs_of("callcenter_answered")
    for leg in legs:
        leg["user_id"] = 999
    save_legs(db.session, legs)
    db.session.commit()
    record = the_record(SHAPES["callcenter_answered"])
    assert record.tenant_id is None and record.answered_by_user_id is None and len(record.legs) == 2


@pytest.mark.parametrize("shape,side", [("", "system"), ("call2_caller_hangup", "caller")])
def test_first_run_calls(ctx, shape, side):
    save_legs(db.session, legs_of(shape))
    db.session.commit()
    record = the_record(FIRST_RUN[shape])
    assert record.hangup_side == side and record.caller == "1001" and record.answered_at is None
    assert record.destination == ("1000" if not shape else "48221234567")


def test_answered_b_leg_joins_its_caller_even_when_its_call_uuid_is_its_own(ctx, company):
    """A live switch reported an answered B-leg whose call_uuid was the B-leg itself."""
    b_leg = next(h for h in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")
                 if h["Unique-ID"].startswith("6d82"))
    b_leg = {**b_leg, "variable_call_uuid": b_leg["Unique-ID"], "Channel-Call-UUID": b_leg["Unique-ID"]}
    facts = leg_facts(b_leg)
    assert (facts["call_uuid"], facts["role"]) == (SHAPES["ivr_bridge_sequential"], "callee")
