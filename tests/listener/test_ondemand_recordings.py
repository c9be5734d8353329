"""Recordings a user starts and stops with the record code: each a recording of the one call, with who started it.

The captured `ivr_bridge_sequential` call (caller d2e2…, answered on leg 6d82…) as the listener
gets it, plus the RECORD_STOP events of the answering user's leg that FreeSWITCH sends when
`stop_record_session` (or the hang-up) ends each file the record code started
(pbx.dialplan.recording): a channel event carrying that leg's variables.
"""
import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from pbx import cdr_post, models, queues, recordings
from pbx.calls.journal import Journal
from pbx.extensions import db
from pbx.listener_app import CallEvents
from pbx.record_writer import apply
from tests.conftest import sign_in
from tests.listener.test_transfers import ANSWERED, CALLER, _as_sent, _hangups, staff  # noqa: F401 - a fixture

FOLDER = "/var/lib/freeswitch/recordings"


def od_stop(user_id: int, starts: str, ms: int, at_offset: int) -> dict:
    """RECORD_STOP of the answering leg for the file its `starts`-th start recorded."""
    leg = dict(_hangups()[ANSWERED])
    leg.update({"Event-Name": "RECORD_STOP", "variable_centralka_user": str(user_id),
                "variable_centralka_recordings": starts, "variable_record_ms": str(ms),
                "Record-File-Path": f"{FOLDER}/42/od_{user_id}_{ANSWERED}_{starts}.wav",
                "Event-Date-Timestamp": str(int(leg["Caller-Channel-Answered-Time"]) + at_offset * 1_000_000)})
    return leg


def _through_the_listener(tmp_path, hangups: list[dict], stops: list[dict]) -> None:
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    handlers = CallEvents(journal, queues.WaitingBoard(), {"RECORDINGS_DIR": FOLDER})
    with journal.group():
        for headers in stops:
            handlers.record_stop(_as_sent(headers))
        for headers in hangups:
            handlers.hangup_complete(_as_sent(headers))
    entries = journal.take(10_000)
    apply(db.session, entries)
    db.session.commit()
    journal.remove([entry[0] for entry in entries])
    journal.close()


def _two_pairs() -> list[dict]:
    """Anna (user 7) pressed the code four times: recorded from 5 s to 9 s, and from 20 s to 26 s."""
    return [od_stop(7, "1", 4000, 9), od_stop(7, "11", 6000, 26)]


def test_each_start_and_stop_is_a_recording_of_the_one_call_naming_who_started_it(ctx, staff, tmp_path):
    hangups = list(_hangups().values())
    for headers in hangups:
        if headers["Unique-ID"] == ANSWERED:
            headers["variable_centralka_user"] = "7"
    _through_the_listener(tmp_path, hangups, _two_pairs())
    record = db.session.scalars(select(models.CallRecord)).one()
    rows = db.session.scalars(select(models.Recording).order_by(models.Recording.created_at)).all()
    assert [(r.call_uuid, r.kind, r.started_by_user_id, r.duration_seconds, r.tenant_id) for r in rows] == [
        (CALLER, "call", 7, 4.0, 42), (CALLER, "call", 7, 6.0, 42)]
    assert record.call_uuid == CALLER and rows[0].expires_at > rows[0].created_at
    assert [Path(r.local_path).name for r in rows] == [f"od_7_{ANSWERED}_1.wav", f"od_7_{ANSWERED}_11.wav"]


def test_a_replayed_stop_adds_nothing_and_an_unknown_user_is_nobody(ctx, staff, tmp_path):
    _through_the_listener(tmp_path, [], _two_pairs())
    _through_the_listener(tmp_path, [], _two_pairs() + [od_stop(99, "1", 1000, 40)])
    rows = db.session.scalars(select(models.Recording).order_by(models.Recording.id)).all()
    assert [r.started_by_user_id for r in rows] == [7, 7, None]


def test_the_call_history_lists_each_recording_with_who_started_it(ctx, staff, client, tmp_path):
    admin = models.User(tenant_id=42, first_name="Ewa", last_name="Admin", email="ewa@example.test",
                        role=models.Role.ADMIN, admin_level=3)
    db.session.add(admin)
    db.session.commit()
    _through_the_listener(tmp_path, list(_hangups().values()), _two_pairs())
    sign_in(client, admin)
    calls = client.get("/api/calls").get_json()
    assert [(r["started_by"], r["duration_seconds"]) for r in calls[0]["recordings"]] == [
        ("Anna Kowalska", 4.0), ("Anna Kowalska", 6.0)]
    listed = client.get("/api/recordings").get_json()["recordings"]
    assert {r["started_by_user_id"] for r in listed} == {7}


def test_an_on_demand_recording_goes_through_storage_hold_and_expiry_like_a_whole_call(
        ctx, staff, bucket, task_queue, recordings_dir):
    client, name = bucket
    facts = [recordings.recording_facts(stop, current_app.config) for stop in _two_pairs()]
    for fact in facts:
        Path(fact["local_path"]).parent.mkdir(exist_ok=True)
        Path(fact["local_path"]).write_bytes(fact["local_path"].encode() * 100)
    ids = recordings.save_recordings(db.session, facts)
    db.session.commit()
    task_queue.after_saved(ids, [])
    assert task_queue.run_pending() == 2
    rows = db.session.scalars(select(models.Recording).order_by(models.Recording.id)).all()
    assert [r.storage_key.rsplit("/", 1)[1] for r in rows] == [f"od_7_{ANSWERED}_1.wav", f"od_7_{ANSWERED}_11.wav"]
    assert all(r.storage_key.startswith("r90/t42/") for r in rows)
    body = client.get_object(Bucket=name, Key=rows[0].storage_key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == rows[0].sha256 and not Path(facts[0]["local_path"]).exists()
    recordings.set_legal_hold(42, rows[1].id, True, current_app.config)
    assert client.get_object_tagging(Bucket=name, Key=rows[1].storage_key)["TagSet"] == [
        {"Key": "legal-hold", "Value": "on"}]
    far = max(r.expires_at for r in rows).replace(year=2099)
    assert recordings.expire(current_app.config, far) == 1
    assert [r.id for r in db.session.scalars(select(models.Recording))] == [rows[1].id]


def test_the_cdr_post_finds_the_files_a_missed_stop_left(ctx, recordings_dir):
    ctx.config["RECORDINGS_DIR"] = FOLDER
    for starts in ("1", "11"):
        (recordings_dir / "42").mkdir(exist_ok=True)
        (recordings_dir / "42" / f"od_7_{ANSWERED}_{starts}.wav").write_bytes(b"RIFF")
    leg = dict(_hangups()[ANSWERED], variable_centralka_user="7", variable_centralka_recordings="11",
               variable_record_seconds="6")
    found = cdr_post._recordings_of(leg, current_app.config)
    assert [(Path(f["local_path"]).name, f["started_by_user_id"], f["call_uuid"]) for f in found] == [
        (f"od_7_{ANSWERED}_1.wav", 7, CALLER), (f"od_7_{ANSWERED}_11.wav", 7, CALLER)]
