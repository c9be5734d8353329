"""The call record of a caller a user transferred from a phone: the path continues, one record still.

Each sequence is the captured `ivr_bridge_sequential` call (caller d2e2…, answered by leg 6d82…)
with the variables FreeSWITCH 1.10.12 sets on a transfer (sofia.c `sofia_handle_sip_i_refer`,
switch_ivr.c `switch_ivr_session_transfer`, our feature codes' `centralka_transfer`) and the legs
a transfer adds, handed to the listener's own hang-up handler and record writer.
"""
import json
import random

import pytest
from sqlalchemy import func, select

from pbx import models, queues
from pbx.calls.journal import Journal
from pbx.calls.legs import transfer_told
from pbx.esl.protocol import Event, FrameParser, encode_frame
from pbx.extensions import db
from pbx.listener_app import CallEvents
from pbx.record_writer import apply
from tests.support.streams import SHAPES, named

CALLER = SHAPES["ivr_bridge_sequential"]
ANSWERED = "6d822242-fb36-4d8a-9118-049fae5a0176"
TARGET_LEG = "0e7d5a1c-2f1b-4c55-9f0e-4b7a3c9d1e21"
CONSULT_LEG = "7a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9"


@pytest.fixture
def staff(company):
    """Anna Kowalska takes the call on 101 (user 7); Piotr Nowak has 102 (user 8)."""
    for user_id, first, last, extension in ((7, "Anna", "Kowalska", "101"), (8, "Piotr", "Nowak", "102")):
        db.session.add(models.User(id=user_id, tenant_id=42, first_name=first, last_name=last,
                                   email=f"{first.lower()}@example.test", extension=extension))
    db.session.commit()


def _hangups() -> dict[str, dict]:
    return {headers["Unique-ID"]: dict(headers) for headers in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")}


def _target_leg(answered: dict, uuid: str, user_id: int, **variables) -> dict:
    """A leg rung for the transfer's target (built like the captured answered leg, a little later)."""
    leg = {name: value for name, value in answered.items() if not name.startswith(("variable_centralka_transfer",
                                                                               "variable_transfer_", "variable_refer"))}
    leg.update({"Unique-ID": uuid, "variable_uuid": uuid, "variable_centralka_user": str(user_id),
                "Caller-Destination-Number": "102"})
    for header in ("Caller-Channel-Created-Time", "Caller-Channel-Answered-Time", "Caller-Channel-Hangup-Time"):
        leg[header] = str(int(answered[header]) + 2_000_000)
    return {**leg, **{f"variable_{name}": value for name, value in variables.items()}}


def refer_blind() -> list[dict]:
    """The desk phone's transfer key: REFER to 102; the caller re-hunts 102 and Piotr's phone answers."""
    legs = _hangups()
    caller, answered = legs[CALLER], legs[ANSWERED]
    answered.update({"variable_centralka_user": "7", "variable_transfer_destination": "blind:102",
                     "variable_transfer_to": f"blind:{CALLER}", "variable_transfer_disposition": "recv_replace",
                     "variable_endpoint_disposition": "BLIND_TRANSFER", "Hangup-Cause": "BLIND_TRANSFER"})
    caller.update({"variable_sip_refer_to": "<sip:102@t42.pbx.local>",
                   "variable_transfer_source": f"1764000000:{CALLER}:bl_xfer:102/tenant_42/XML"})
    return [answered, _target_leg(answered, TARGET_LEG, 8, originator=CALLER), caller,
            *(h for uuid, h in legs.items() if uuid not in (CALLER, ANSWERED))]


def refer_attended() -> list[dict]:
    """The phone held the caller, called 102 (its consultation leg), then REFER with Replaces: the
    caller's leg carries what the phone dialled; Anna's leg only that it took a REFER."""
    legs = _hangups()
    caller, answered = legs[CALLER], legs[ANSWERED]
    answered.update({"variable_centralka_user": "7", "variable_refer_uuid": CONSULT_LEG,
                     "variable_transfer_disposition": "recv_replace"})
    caller.update({"variable_att_xfer_destination_number": "102", "variable_att_xfer_kill_uuid": CONSULT_LEG})
    return [answered, caller, *(h for uuid, h in legs.items() if uuid not in (CALLER, ANSWERED))]


def dtmf_blind() -> list[dict]:
    """Anna, on her mobile through the carrier, pressed *1 102#: our `xfer_blind` set centralka_transfer."""
    legs = _hangups()
    answered = legs[ANSWERED]
    answered.update({"variable_centralka_user": "7", "variable_centralka_transfer": "blind:102",
                     "Hangup-Cause": "NORMAL_CLEARING"})
    return [answered, _target_leg(answered, TARGET_LEG, 8, originator=CALLER), *(
        h for uuid, h in legs.items() if uuid != ANSWERED)]


def dtmf_attended() -> list[dict]:
    """*2 102#: att_xfer rang 102 from Anna's leg; that leg names the caller's call, not Anna's leg."""
    legs = _hangups()
    answered = legs[ANSWERED]
    answered.update({"variable_centralka_user": "7", "variable_centralka_transfer": "attended:102"})
    rung = _target_leg(answered, TARGET_LEG, 8, originator=ANSWERED, centralka_call=CALLER)
    return [answered, rung, *(h for uuid, h in legs.items() if uuid != ANSWERED)]


SEQUENCES = {"refer_blind": (refer_blind, "transfer:102 by Anna Kowalska"),
             "refer_attended": (refer_attended, "attended_transfer:102 by Anna Kowalska"),
             "dtmf_blind": (dtmf_blind, "transfer:102 by Anna Kowalska"),
             "dtmf_attended": (dtmf_attended, "attended_transfer:102 by Anna Kowalska")}


def _as_sent(headers: dict) -> Event:
    """The event as the listener reads it off its socket: a JSON frame (its subscription's format)."""
    frame = encode_frame({"Content-Type": "text/event-json"}, json.dumps(headers).encode())
    return Event.from_frame(FrameParser().feed(frame)[0])


def _through_the_listener(tmp_path, sequence: list[dict]) -> None:
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    handlers = CallEvents(journal, queues.WaitingBoard(), {})
    with journal.group():
        for headers in sequence:
            handlers.hangup_complete(_as_sent(headers))
    entries = journal.take(10_000)
    apply(db.session, entries)
    db.session.commit()
    journal.remove([entry[0] for entry in entries])
    journal.close()


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("order", ["as_sent", "reversed", "shuffled"])
def test_the_path_continues_with_the_transfer_and_its_user(ctx, staff, tmp_path, name, order):
    build, step = SEQUENCES[name]
    sequence = build()
    if order == "reversed":
        sequence.reverse()
    elif order == "shuffled":
        random.Random(3).shuffle(sequence)
    _through_the_listener(tmp_path, sequence)
    record = db.session.scalars(select(models.CallRecord)).one()  # one record per call, never two
    assert record.call_uuid == CALLER
    assert record.path == ["menu:1"] and record.transfers == [step]
    assert record.answered_by_user_id == 7  # Anna answered first; the transfer does not rewrite that
    legs = {leg.leg_uuid for leg in record.legs}
    assert ANSWERED in legs and (TARGET_LEG in legs) == (name != "refer_attended")


def test_a_replay_and_the_cdr_post_add_nothing(ctx, staff, tmp_path):
    _through_the_listener(tmp_path, refer_blind())
    _through_the_listener(tmp_path, refer_blind())
    assert db.session.scalar(select(func.count()).select_from(models.CallTransfer)) == 1
    assert db.session.scalars(select(models.CallRecord)).one().transfers == ["transfer:102 by Anna Kowalska"]


def test_the_call_history_shows_the_path_going_on(ctx, staff, tmp_path):
    from pbx.contacts import Book
    from webadmin.calls import call_json

    _through_the_listener(tmp_path, dtmf_blind())
    record = db.session.scalars(select(models.CallRecord)).one()
    assert call_json(record, {}, Book(record.tenant_id, []))["path"] == ["menu:1", "transfer:102 by Anna Kowalska"]


def test_a_captured_call_without_a_transfer_tells_none():
    assert all(transfer_told(h) is None for h in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE"))
    assert transfer_told({"variable_transfer_destination": "blind:105@t3.pbx.local"}) == {
        "kind": "blind", "target": "105"}


def test_halves_of_a_refer_meet_and_a_lone_half_still_says_where():
    from pbx.calls.transfers import worded

    who = {"id": 1, "at": 1, "kind": "attended", "target": None, "by_user_id": 7}
    where = {"id": 2, "at": 2, "kind": "attended", "target": "102", "by_user_id": None}
    blind = {"id": 3, "at": 3, "kind": "blind", "target": "48601200300", "by_user_id": 8}
    names = {7: "Anna Kowalska", 8: "Piotr Nowak"}
    assert worded([blind, where, who], names) == ["attended_transfer:102 by Anna Kowalska",
                                                  "transfer:48601200300 by Piotr Nowak"]
    assert worded([where], names) == ["attended_transfer:102"]


def test_a_replaces_refer_on_a_phones_own_leg_names_no_transfer():
    """mod_sofia sets refer_uuid on whichever leg got the REFER; only a leg rung for a user is told."""
    assert transfer_told({"variable_refer_uuid": CONSULT_LEG}) is None
    assert transfer_told({"variable_refer_uuid": CONSULT_LEG, "variable_centralka_user": "7"}) == {
        "kind": "attended", "target": None}
