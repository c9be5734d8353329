"""Recordings: uploaded to S3 (moto_server over HTTP) or a folder, verified, then removed from
FreeSWITCH's disk; retried while storage is down; expiry, legal hold and erasure by caller."""
import hashlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
import pytest
from sqlalchemy import select

from pbx import models, recordings
from pbx.extensions import db
from tests.support.streams import named

LATER = timedelta(minutes=2)


def utc_naive(delta=timedelta()):
    return datetime.now(timezone.utc).replace(tzinfo=None) + delta


def record_stop(shape="ivr_bridge_sequential", **variables):
    headers = dict(named(shape, "RECORD_STOP")[0])
    headers.update({f"variable_{name}": value for name, value in variables.items()})
    return headers


def new_recording(ctx, headers=None, size=206444, caller=None, copy=""):
    fact = recordings.recording_facts(headers or record_stop(), ctx.config)
    if caller:
        fact.update(caller=caller, local_path=fact["local_path"].replace(".wav", f"_{caller}{copy}.wav"))
    Path(fact["local_path"]).write_bytes(os.urandom(size))
    ids = recordings.save_recordings(db.session, [fact])
    db.session.commit()
    return ids, fact


def only_recording():
    db.session.expire_all()
    return db.session.scalars(select(models.Recording)).one()


def test_recording_is_uploaded_verified_and_removed_locally(ctx, company, bucket, task_queue, recordings_dir):
    client, name = bucket
    ids, fact = new_recording(ctx)
    content = Path(fact["local_path"]).read_bytes()
    assert recordings.save_recordings(db.session, [fact]) == ids  # a repeated RECORD_STOP adds nothing
    db.session.commit()  # as the writer does: the upload task runs in a session of its own
    task_queue.after_saved(ids, [])
    assert task_queue.run_pending() == 1
    recording = only_recording()
    assert recording.storage_key == "r90/t42/2026/11/22/d2e2cf7f-6337-43e3-b76f-6c5780ca98b9.wav"
    assert (recording.size_bytes, recording.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert not Path(fact["local_path"]).exists()
    assert client.get_object(Bucket=name, Key=recording.storage_key)["Body"].read() == content
    tags = client.get_object_tagging(Bucket=name, Key=recording.storage_key)["TagSet"]
    assert tags == [{"Key": "legal-hold", "Value": "off"}]
    assert recording.duration_seconds == 12.9 and recording.call_uuid == "d2e2cf7f-6337-43e3-b76f-6c5780ca98b9"
    assert recordings.describe(recording)["expires_at"].startswith("2027-02-20")


def test_upload_waits_for_storage_to_come_back(ctx, company, bucket, s3_server, task_queue, recordings_dir):
    client, name = bucket
    ids, fact = new_recording(ctx)
    s3_server.stop()
    try:
        task_queue.after_saved(ids, [])
        task_queue.run_pending()
        assert only_recording().uploaded_at is None and Path(fact["local_path"]).exists()
    finally:
        s3_server.start()
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    assert task_queue.run_pending(utc_naive(LATER)) == 1
    recording = only_recording()
    assert recording.uploaded_at is not None and not Path(fact["local_path"]).exists()
    assert client.list_objects_v2(Bucket=name)["KeyCount"] == 1
    assert task_queue.resume_unfinished.call_local() == 0
    assert task_queue.run_pending(utc_naive(LATER * 10)) == 0


def test_lifecycle_rule_per_retention_spares_held_objects(ctx, company, bucket):
    client, name = bucket
    db.session.add(models.Tenant(name="Short memory", retention_days=30))
    db.session.commit()
    assert recordings.apply_retention(current_app.config) == {30, 90}
    rules = client.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert {rule["Expiration"]["Days"]: rule["Filter"]["And"] for rule in rules} == {
        days: {"Prefix": f"r{days}/", "Tags": [{"Key": "legal-hold", "Value": "off"}]} for days in (30, 90)}


def test_expiry_deletes_rows_and_objects_but_never_a_held_recording(ctx, company, bucket, task_queue, recordings_dir):
    client, name = bucket
    for caller in ("48500000001", "48500000002", "48500000003"):
        ids, _ = new_recording(ctx, caller=caller, size=1000)
        task_queue.after_saved(ids, [])
    task_queue.run_pending()
    held = db.session.scalars(select(models.Recording).where(models.Recording.caller == "48500000002")).one()
    recordings.set_legal_hold(42, held.id, True, current_app.config)
    assert recordings.describe(held)["expires_at"] is None
    assert client.get_object_tagging(Bucket=name, Key=held.storage_key)["TagSet"] == [
        {"Key": "legal-hold", "Value": "on"}]
    assert recordings.expire(current_app.config, datetime.now(timezone.utc) + timedelta(days=365 * 5)) == 2
    assert [row.id for row in db.session.scalars(select(models.Recording))] == [held.id]
    assert [obj["Key"] for obj in client.list_objects_v2(Bucket=name)["Contents"]] == [held.storage_key]


def test_forget_caller_deletes_everything_of_that_number_except_held(ctx, company, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    kept = []
    for copy, caller in enumerate(("48500000001", "48500000001", "48500000009")):
        ids, _ = new_recording(ctx, caller=caller, size=100, copy=f"_{copy}")
        kept += ids
    task_queue.after_saved(kept, [])
    task_queue.run_pending()
    recordings.set_legal_hold(42, kept[1], True, current_app.config)
    result = recordings.forget_caller(42, "+48500000001", current_app.config)
    assert result == {"deleted": 1, "kept_under_legal_hold": [kept[1]]}
    remaining = {row.id: row.caller for row in db.session.scalars(select(models.Recording))}
    stored = sorted(p.name for p in (recordings_dir.parent / "storage").rglob("*.wav*"))
    assert remaining == {kept[1]: "48500000001", kept[2]: "48500000009"} and len(stored) == 2


def test_local_folder_storage_verifies_and_keeps_the_copy(ctx, company, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    ids, fact = new_recording(ctx)
    content = Path(fact["local_path"]).read_bytes()
    task_queue.after_saved(ids, [])
    task_queue.run_pending()
    recording = only_recording()
    assert (recordings_dir.parent / "storage" / recording.storage_key).read_bytes() == content
    assert not Path(fact["local_path"]).exists()
    assert recordings.audio(recording, current_app.config) == content


@pytest.mark.parametrize("path,tenant", [("/var/lib/freeswitch/recordings/7/abc.wav", 7),
                                          ("/var/lib/freeswitch/recordings/abc.wav", None)])
def test_tenant_from_the_recordings_folder(ctx, path, tenant):
    headers = {"Record-File-Path": path, "Unique-ID": "abc"}
    ctx.config["RECORDINGS_DIR"] = "/var/lib/freeswitch/recordings"
    assert recordings.recording_facts(headers, ctx.config)["tenant_id"] == tenant


def test_voicemail_file_names_give_the_box(ctx):
    fact = recordings.recording_facts({"Record-File-Path": "/r/3/vm_17_abc.wav", "Unique-ID": "abc",
                                       "variable_centralka_voicemail_box": "5"}, ctx.config)
    assert (fact["kind"], fact["voicemail_box_id"]) == ("voicemail", 17)


def test_a_recorded_call_stays_a_call_when_a_voicemail_node_ran_before_it_stopped(ctx):
    """A recorded forward nobody answered, then voicemail: the call's own recording stops at the
    hang-up, when the voicemail node has already set ``centralka_voicemail_box``."""
    ctx.config["RECORDINGS_DIR"] = "/var/lib/freeswitch/recordings"
    uuid = "0f1e2d3c-0000-4000-8000-000000000001"
    headers = {"Record-File-Path": f"/var/lib/freeswitch/recordings/2/{uuid}.wav", "Unique-ID": uuid,
               "variable_centralka_voicemail_box": "2", "variable_centralka_tenant": "2"}
    fact = recordings.recording_facts(headers, ctx.config)
    assert (fact["kind"], fact["voicemail_box_id"], fact["tenant_id"]) == ("call", None, 2)
    captured = recordings.recording_facts(record_stop(centralka_voicemail_box="7"), ctx.config)
    assert (captured["kind"], captured["voicemail_box_id"]) == ("call", None)


def test_each_tenant_gets_its_recordings_folder_where_the_switch_folder_is_seen(ctx, tmp_path, demo, caplog):
    from pbx.recordings import ensure_tenant_folders

    assert ensure_tenant_folders({"RECORDINGS_DIR": str(tmp_path / "absent")}) == []
    assert f"recordings folder {tmp_path / 'absent'} is not visible from here" in caplog.text
    config = {"RECORDINGS_DIR": "/var/lib/freeswitch/recordings", "RECORDINGS_MOUNT": str(tmp_path)}
    assert ensure_tenant_folders(config) == [tmp_path / str(demo.id)]
    assert (tmp_path / str(demo.id)).is_dir()
    assert ensure_tenant_folders(config) == []


def test_audio_read_while_the_upload_removes_the_file_comes_from_storage(ctx, company, recordings_dir):
    """A voicemail e-mail read the recording as not uploaded yet; the upload finished before it read the file."""
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    ids, fact = new_recording(ctx)
    content = Path(fact["local_path"]).read_bytes()
    recording = only_recording()
    assert recording.uploaded_at is None and recording.storage_key is None
    with ctx.app_context():  # the upload task, in a session of its own
        assert recordings.upload(ids[0], current_app.config)
        db.session.remove()
    assert not Path(fact["local_path"]).exists()
    assert recordings.audio(recording, current_app.config) == content
