"""Survey answers from the caller's hang-up, through the listener's handlers and the record writer.

The captured `ivr_bridge_sequential` call (caller d2e2…, answered by leg 6d82…) with what the
survey's `play_and_get_digits` leaves on the caller's channel (pbx.dialplan.surveying), and a
RECORD_STOP of the spoken comment like the captured voicemail's.
"""
import json
import random

import pytest
from sqlalchemy import select

from pbx import models, queues
from pbx.calls.journal import Journal
from pbx.calls.legs import leg_facts
from pbx.esl.protocol import Event, FrameParser, encode_frame
from pbx.extensions import db
from pbx.listener_app import CallEvents
from pbx.record_writer import apply
from tests.support.streams import SHAPES, named

CALLER = SHAPES["ivr_bridge_sequential"]
ANSWERED = "6d822242-fb36-4d8a-9118-049fae5a0176"


@pytest.fixture
def survey(company):
    """Anna Kowalska (user 7) of group Sprzedaż (5) answers; survey 3 asks two questions."""
    db.session.add(models.User(id=7, tenant_id=42, first_name="Anna", last_name="Kowalska",
                               email="anna@example.test", extension="101"))
    db.session.add(models.Group(id=5, tenant_id=42, name="Sprzedaż", extension="200"))
    db.session.add(models.Announcement(id=11, tenant_id=42, name="Pytanie", text="Jak oceniasz rozmowę?"))
    db.session.flush()
    made = models.Survey(id=3, tenant_id=42, name="Po rozmowie", questions=[
        {"prompt": 11, "keys": "12345", "repeat": 2}, {"prompt": 11, "keys": "12", "repeat": 1}])
    db.session.add(made)
    db.session.commit()
    return made


def _surveyed_call(**answers) -> list[dict]:
    """The captured call whose caller stayed for survey 3 and gave ``answers`` (q1="4", ...)."""
    legs = {headers["Unique-ID"]: dict(headers) for headers in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")}
    legs[ANSWERED]["variable_centralka_user"] = "7"
    legs[CALLER].update({"variable_centralka_survey": "3", "variable_centralka_group": "5",
                         **{f"variable_centralka_survey_{q}": key for q, key in answers.items()}})
    return list(legs.values())


def _comment() -> dict:
    (stop,) = named("bridge_simultaneous_noanswer_then_record", "RECORD_STOP")
    return {**stop, "Unique-ID": CALLER, "Channel-Call-UUID": CALLER, "variable_call_uuid": CALLER,
            "variable_record_ms": "7400", "Record-File-Path": f"/var/lib/freeswitch/recordings/42/survey_{CALLER}.wav"}


def _as_sent(headers: dict) -> Event:
    frame = encode_frame({"Content-Type": "text/event-json"}, json.dumps(headers).encode())
    return Event.from_frame(FrameParser().feed(frame)[0])


def _through_the_listener(tmp_path, hangups: list[dict], stops=()) -> None:
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    handlers = CallEvents(journal, queues.WaitingBoard(), {"RECORDINGS_DIR": "/var/lib/freeswitch/recordings"})
    with journal.group():
        for headers in hangups:
            handlers.hangup_complete(_as_sent(headers))
        for headers in stops:
            handlers.record_stop(_as_sent(headers))
    entries = journal.take(10_000)
    apply(db.session, entries)
    db.session.commit()
    journal.remove([entry[0] for entry in entries])
    journal.close()


@pytest.mark.parametrize("order", ["as_sent", "reversed", "shuffled"])
def test_the_answers_are_stored_with_the_employee_and_the_group(ctx, survey, tmp_path, order):
    sequence = _surveyed_call(q1="4", q2="2")
    if order == "reversed":
        sequence.reverse()
    elif order == "shuffled":
        random.Random(5).shuffle(sequence)
    _through_the_listener(tmp_path, sequence, [_comment()])
    answer = db.session.scalars(select(models.SurveyAnswer)).one()
    assert (answer.tenant_id, answer.survey_id, answer.call_uuid) == (42, 3, CALLER)
    assert answer.answers == [4, 2] and answer.user_id == 7 and answer.group_id == 5
    comment = db.session.scalars(select(models.Recording)).one()
    assert comment.kind == "survey" and comment.call_uuid == CALLER and comment.duration_seconds == 7.4


def test_the_employee_is_linked_when_their_leg_comes_in_a_later_batch(ctx, survey, tmp_path):
    sequence = _surveyed_call(q1="3", q2="1")
    _through_the_listener(tmp_path, [leg for leg in sequence if leg["Unique-ID"] != ANSWERED])
    assert db.session.scalars(select(models.SurveyAnswer)).one().user_id is None  # nobody known to have answered
    _through_the_listener(tmp_path, [leg for leg in sequence if leg["Unique-ID"] == ANSWERED])
    db.session.expire_all()
    assert db.session.scalars(select(models.SurveyAnswer)).one().user_id == 7


def test_a_caller_who_hung_up_mid_survey_keeps_the_answer_given(ctx, survey, tmp_path):
    _through_the_listener(tmp_path, _surveyed_call(q1="5"))
    assert db.session.scalars(select(models.SurveyAnswer)).one().answers == [5, None]


def test_a_replay_and_the_cdr_post_add_nothing(ctx, survey, tmp_path):
    _through_the_listener(tmp_path, _surveyed_call(q1="1", q2="1"))
    _through_the_listener(tmp_path, _surveyed_call(q1="1", q2="1"))
    assert db.session.scalars(select(models.SurveyAnswer)).one().answers == [1, 1]


def test_only_the_callers_leg_of_a_surveyed_call_tells_answers():
    told = [leg_facts(headers)["survey"] for headers in _surveyed_call(q1="3")]
    assert told.count(None) == len(told) - 1
    assert {"survey": 3, "group": 5, "answers": [3, None, None, None, None]} in told
    plain = named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")
    assert all(leg_facts(headers)["survey"] is None for headers in plain)


def test_the_cdr_post_alone_stores_the_answers_and_the_comment(ctx, survey, recordings_dir):
    """The listener missed the call: mod_json_cdr's posts bring the answers and the comment's file."""
    from pbx.cdr_post import cdr_headers, store_cdr
    from tests.listener.test_listener import cdr_of
    from tests.support.audio import wav_bytes

    (recordings_dir / "42").mkdir()
    (recordings_dir / "42" / f"survey_{CALLER}.wav").write_bytes(wav_bytes(4))
    for leg in sorted(_surveyed_call(q1="2", q2="1"), key=lambda h: h["Unique-ID"] == CALLER):
        headers = cdr_headers(cdr_of({**leg, "variable_record_seconds": "4"} if leg["Unique-ID"] == CALLER else leg))
        store_cdr(db.session, leg_facts(headers), headers, ctx.config)
    answer = db.session.scalars(select(models.SurveyAnswer)).one()
    assert (answer.answers, answer.user_id, answer.group_id) == ([2, 1], 7, 5)
    assert [r.kind for r in db.session.scalars(select(models.Recording))] == ["survey"]
