"""A call FreeSWITCH refused before it started (503 under overload, the session dropped later).

Such a hang-up carries no start time and, as the dialplan never ran, no company. It is a
missed call of the company whose main number was dialled, at the moment it was refused: a
PBX's call history shows a caller who could not get through as missed. Nothing is set aside
as unwritable and nothing is logged as an error.
"""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from pbx import models
from pbx.app import create_app
from pbx.calls.journal import Journal
from pbx.calls.legs import leg_facts
from pbx.extensions import db
from pbx.record_writer import Doorbell, RecordWriter
from tests.support.streams import SHAPES, named

CALL = SHAPES["blacklist_reject"]
REFUSED_AT = 1795313050.793360  # the event's own time (Event-Date-Timestamp)


def never_started(*, hangup_time: bool = True, event_time: bool = True) -> dict:
    """The captured rejected call's hang-up as an overloaded switch sends it: no start, no dialplan."""
    headers = {name: value for name, value in named("blacklist_reject", "CHANNEL_HANGUP_COMPLETE")[0].items()
               if not name.startswith("variable_centralka_")}
    headers.update({"Caller-Channel-Created-Time": "0", "Caller-Profile-Created-Time": "0",
                    "variable_start_uepoch": "0", "variable_profile_start_uepoch": "0",
                    "Hangup-Cause": "NORMAL_TEMPORARY_FAILURE", "variable_hangup_cause": "NORMAL_TEMPORARY_FAILURE",
                    "variable_sip_hangup_disposition": "send_refuse"})
    if not hangup_time:
        headers.update({"Caller-Channel-Hangup-Time": "0", "variable_end_uepoch": "0"})
    if not event_time:
        headers.pop("Event-Date-Timestamp")
    return headers


@pytest.fixture
def main_number(company):
    number = models.MainNumber(tenant_id=company.id, number="+48221000500", is_primary=True)
    db.session.add(number)
    db.session.commit()
    return number


def _write(ctx, tmp_path, events) -> Journal:
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    with journal.group():
        journal.append([("leg", leg_facts(headers)) for headers in events])
    doorbell = Doorbell()
    doorbell.stop()  # write what the journal holds, then return
    RecordWriter(ctx, journal, doorbell).run()
    doorbell.close()
    return journal


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, timezone.utc)


@pytest.mark.parametrize("hangup_time", [True, False], ids=["hangup-time", "only-event-time"])
def test_a_refused_call_is_a_missed_call_of_the_dialled_company(ctx, main_number, tmp_path, caplog, hangup_time):
    caplog.set_level(logging.DEBUG)
    journal = _write(ctx, tmp_path, [never_started(hangup_time=hangup_time)])
    assert journal.rejected() == [] and len(journal) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    db.session.expire_all()
    record = db.session.scalars(select(models.CallRecord).where(models.CallRecord.call_uuid == CALL)).one()
    expected = _at(1795313050.772646 if hangup_time else REFUSED_AT)
    assert abs((record.started_at.replace(tzinfo=timezone.utc) - expected).total_seconds()) < 0.001
    assert record.ended_at == record.started_at and record.answered_at is None
    assert (record.tenant_id, record.main_number, record.caller) == (main_number.tenant_id, "+48221000500",
                                                                    "48221999999")
    assert (record.hangup_cause, record.wait_seconds, record.talk_seconds) == ("NORMAL_TEMPORARY_FAILURE", 0, 0)


def test_a_hangup_without_any_time_is_skipped_quietly(ctx, main_number, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    journal = _write(ctx, tmp_path, [never_started(hangup_time=False, event_time=False)])
    assert journal.rejected() == [] and len(journal) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r for r in caplog.records if r.levelno == logging.DEBUG and CALL in r.getMessage()]
    assert db.session.scalars(select(models.CallRecord)).all() == []


def test_a_refused_call_mixed_with_real_ones_does_not_hold_them_up(ctx, main_number, tmp_path):
    real = named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")
    journal = _write(ctx, tmp_path, [*real[:1], never_started(), *real[1:]])
    assert journal.rejected() == []
    calls = set(db.session.scalars(select(models.CallRecord.call_uuid)))
    assert calls == {CALL, SHAPES["ivr_bridge_sequential"]}


def test_the_running_listener_records_it_without_an_error(ctx, main_number, freeswitch, tmp_path, caplog):
    """The whole way: the fake switch's event socket, the listener, its journal and record writer."""
    import time

    from pbx.esl.protocol import Event
    from pbx.listener_app import ListenerService

    caplog.set_level(logging.INFO)
    service = ListenerService(ctx, functools.partial(create_app, dict(ctx.config)),
                              servers=[(*freeswitch.address, "ClueCon")], journal_path=str(tmp_path / "journal.sqlite3"),
                              backoff_min=0.05, backoff_max=0.2)
    service.start()
    try:
        assert freeswitch.wait_subscribed(1)
        for _ in range(3):  # a session dropped later is reported once; a replay must not matter
            freeswitch.send_event(Event.from_headers(never_started()))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            db.session.rollback()
            if db.session.scalar(select(models.CallRecord).where(models.CallRecord.call_uuid == CALL)):
                break
            time.sleep(0.05)
        record = db.session.scalars(select(models.CallRecord).where(models.CallRecord.call_uuid == CALL)).one()
        assert record.tenant_id == main_number.tenant_id and record.answered_at is None
        assert service.journal.rejected() == []
    finally:
        service.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
