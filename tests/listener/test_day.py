"""A replayed day: the captured calls, once an hour for 24 hours with fresh UUIDs and moved
clocks, sent twice by the fake FreeSWITCH to a running listener (record writer in its own
process), with recordings going to S3 (moto_server) and voicemail to SMTP (aiosmtpd).
Afterwards every call is one record with the right fields, the queue figures add up, every
recording is stored once and every voicemail recipient got each message once."""
import os
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from pbx import models, queues
from pbx.extensions import db
from tests.listener.test_call_records import EXPECTED
from tests.support.listener import eventually, start_service
from tests.support.streams import SHAPES, captured_frames, moved, send

HOURS = 24
CAPTURED_DAY = datetime(2026, 11, 22, tzinfo=timezone.utc)


def a_day(box_id: int) -> tuple[list[bytes], list[str]]:
    """The day's event frames, hour by hour, and the recording files its calls leave."""
    frames = captured_frames(box_id)
    day = [moved(frame, hour) for hour in range(HOURS) for frame in frames]
    files = {match.decode() for frame in day for match in
             re.findall(rb'"Record-File-Path":"/var/lib/freeswitch/recordings/([^"]+)"', frame)}
    return day, sorted(files)


def test_a_replayed_day_gives_every_record_figure_recording_and_email_once(
        ctx, box, freeswitch, bucket, smtp, recordings_dir, tmp_path):
    s3, bucket_name = bucket
    day, files = a_day(box.id)
    for name in files:
        (recordings_dir / name).write_bytes(b"RIFF" + os.urandom(256))
    assert len(files) == 2 * HOURS  # a recorded call and a voicemail each hour
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        send(freeswitch, day)
        send(freeswitch, day)  # every event twice
        assert eventually(lambda: _count(models.CallRecord) == 5 * HOURS and len(smtp.messages) >= 2 * HOURS
                          and not _files_in(recordings_dir), 60)
        assert eventually(lambda: len(running.journal) == 0, 10)
    finally:
        running.stop()

    _check_records()
    _check_queue_figures()
    stored = s3.list_objects_v2(Bucket=bucket_name)["Contents"]
    assert sorted(obj["Key"].rsplit("/", 1)[1] for obj in stored) == files
    recordings = db.session.scalars(select(models.Recording)).all()
    assert len(recordings) == 2 * HOURS and all(r.uploaded_at and r.sha256 for r in recordings)
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.test"] * HOURS + ["bob@example.test"] * HOURS
    assert len({m["Message-ID"] for m in smtp.messages}) == 2 * HOURS


def _files_in(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def _count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _check_records():
    records = db.session.scalars(select(models.CallRecord)).all()
    by_shape = {}
    for record in records:
        shape = next(name for name, call_uuid in SHAPES.items() if call_uuid[:-2] == record.call_uuid[:-2])
        by_shape.setdefault(shape, []).append(record)
    for shape, expected in EXPECTED.items():
        calls = sorted(by_shape[shape], key=lambda r: r.started_at)
        assert len(calls) == HOURS
        for record in calls:
            assert (len(record.legs), record.answered_number, record.hangup_side, record.path,
                    record.wait_seconds, record.talk_seconds, record.main_number) == (
                expected["legs"], expected["answered_number"], expected["hangup_side"], expected["path"],
                expected["wait"], expected["talk"], expected["main_number"]), shape
        hours_apart = {round((later.started_at - earlier.started_at).total_seconds())
                       for earlier, later in zip(calls, calls[1:])}
        assert hours_apart == {3600}, shape


def _check_queue_figures():
    [support] = queues.queue_stats(42, CAPTURED_DAY - timedelta(days=1), CAPTURED_DAY + timedelta(days=2))
    assert (support["entered"], support["answered"], support["abandoned"], support["timeout"]) == (
        2 * HOURS, HOURS, HOURS, 0)
    assert (support["average_wait_answered"], support["longest_wait"]) == (3.0, 8)
