"""Voicemail e-mails through a real SMTP server on loopback: every recipient exactly once,
across an SMTP outage, retries and the resume sweep."""
import json
import os
import time
from email import message_from_bytes, policy
from pathlib import Path

from flask import current_app
import pytest
from sqlalchemy import select

from pbx import models, recordings, voicemail
from pbx.calls.legs import leg_facts
from pbx.cdr_post import cdr_headers, store_cdr
from pbx.esl.protocol import Event, FrameParser, encode_frame
from pbx.extensions import db
from tests.support.audio import wav_bytes
from tests.listener.test_listener import cdr_of
from tests.support.listener import eventually, start_service
from tests.support.streams import SHAPES, frames_in_box, named, send
from tests.listener.test_recordings import LATER, utc_naive


def voicemail_box(*addresses):
    box = models.VoicemailBox(tenant_id=42, name="Support", extra_emails=list(addresses))
    db.session.add(box)
    db.session.commit()
    return box


def new_voicemail(ctx, box, audio):
    headers = dict(named("bridge_simultaneous_noanswer_then_record", "RECORD_STOP")[0])
    headers["Record-File-Path"] = headers["Record-File-Path"].replace("/vm_", f"/vm_{box.id}_")
    fact = recordings.recording_facts(headers, ctx.config)
    Path(fact["local_path"]).write_bytes(audio)
    ids = recordings.save_recordings(db.session, [fact])
    db.session.commit()
    return ids


def test_each_recipient_gets_the_voicemail_once_across_an_smtp_outage(
        ctx, company, smtp, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    box = voicemail_box("anna@example.test", "bob@example.test", "Anna@example.test")
    audio = b"RIFF" + os.urandom(400)
    ids = new_voicemail(ctx, box, audio)
    smtp.stop()
    task_queue.after_saved(ids, ids)
    task_queue.run_pending()
    deliveries = db.session.scalars(select(models.VoicemailDelivery)).all()
    assert sorted(d.email for d in deliveries) == ["anna@example.test", "bob@example.test"]
    assert all(d.sent_at is None and d.attempts == 1 for d in deliveries)
    smtp.start()
    assert task_queue.run_pending(utc_naive(LATER)) == 1
    task_queue.resume_unfinished.call_local()
    task_queue.run_pending(utc_naive(LATER * 10))
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.test", "bob@example.test"]
    message = message_from_bytes(smtp.messages[0].as_bytes(), policy=policy.default)
    assert message["Subject"] == "Wiadomość głosowa od 48221234567 (Support)"
    body, attachment = [part for part in message.walk() if not part.is_multipart()]
    text = body.get_payload(decode=True).decode()
    assert "48221234567" in text and "Support" in text and "2026-11-22 03:03:22 CET" in text and "0:00" in text
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_payload(decode=True) == audio  # read back from storage after the upload


def test_a_failing_recipient_does_not_resend_to_the_others(ctx, company, smtp, task_queue, recordings_dir):
    box = voicemail_box("ok@example.test")
    ids = new_voicemail(ctx, box, b"RIFF....")
    assert voicemail.deliver(ids[0], current_app.config) == 1
    box.extra_emails = ["ok@example.test", "late@example.test"]
    db.session.commit()
    assert voicemail.deliver(ids[0], current_app.config) == 1
    assert voicemail.deliver(ids[0], current_app.config) == 0
    assert sorted(m["To"] for m in smtp.messages) == ["late@example.test", "ok@example.test"]
    assert voicemail.undelivered() == []


def test_same_message_id_for_the_same_recipient(ctx, company, recordings_dir):
    box = voicemail_box("x@example.test")
    ids = new_voicemail(ctx, box, b"RIFF")
    recording = db.session.get(models.Recording, ids[0])
    first = voicemail.compose(recording, box, "x@example.test", b"RIFF", current_app.config)
    again = voicemail.compose(recording, box, "X@example.test", b"RIFF", current_app.config)
    assert first["Message-ID"] == again["Message-ID"]


NO_ANSWER = "bridge_simultaneous_noanswer_then_record"


def recorded_forward_then_voicemail(box_id: int) -> list[bytes]:
    """Captured call 2 (a group rang out, then voicemail) as if the forward had recorded the call:
    the voicemail's RECORD_STOP, then the call recording's, which stops at the hang-up and so
    carries the box the voicemail node set."""
    frames = []
    for frame in frames_in_box(NO_ANSWER, box_id):
        frames.append(frame)
        if b'"Event-Name":"RECORD_STOP"' in frame:
            headers = Event.from_frame(FrameParser().feed(frame)[0]).headers
            call = {**headers, "Record-File-Path": f"/var/lib/freeswitch/recordings/{SHAPES[NO_ANSWER]}.wav",
                    "variable_record_ms": "14000", "variable_centralka_voicemail_box": str(box_id)}
            frames.append(encode_frame({"Content-Type": "text/event-json"}, json.dumps(call).encode()))
    return frames


def test_a_recorded_forward_then_voicemail_mails_the_message_only(ctx, company, freeswitch, smtp, recordings_dir,
                                                                 tmp_path):
    ctx.config["STORAGE_DIR"] = str(tmp_path / "storage")
    box = voicemail_box("anna@example.test", "bob@example.test")
    message, whole_call = wav_bytes(3), wav_bytes(14)
    (recordings_dir / f"vm_{box.id}_{SHAPES[NO_ANSWER]}.wav").write_bytes(message)
    (recordings_dir / f"{SHAPES[NO_ANSWER]}.wav").write_bytes(whole_call)
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        send(freeswitch, recorded_forward_then_voicemail(box.id))
        assert eventually(lambda: len(smtp.messages) >= 2 and not [p for p in recordings_dir.rglob("*") if p.is_file()],
                          30)
        time.sleep(0.5)  # nothing more comes
    finally:
        running.stop()
    db.session.rollback()
    rows = db.session.scalars(select(models.Recording).order_by(models.Recording.kind)).all()
    assert [(r.kind, r.voicemail_box_id, r.duration_seconds) for r in rows] == [
        ("call", None, 14.0), ("voicemail", box.id, 3.0)]  # the message measured from its file
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.test", "bob@example.test"]
    attachments = [part.get_payload(decode=True) for m in smtp.messages
                   for part in message_from_bytes(m.as_bytes(), policy=policy.default).walk()
                   if part.get_content_type() == "audio/wav"]
    assert attachments == [message, message]


def test_both_recordings_of_a_call_whose_record_stops_were_missed_come_from_its_cdr(
        ctx, company, smtp, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    box = voicemail_box("anna@example.test")
    caller_leg = next(h for h in named(NO_ANSWER, "CHANNEL_HANGUP_COMPLETE", "json")
                      if h["Unique-ID"] == SHAPES[NO_ANSWER])
    headers = cdr_headers(cdr_of({**caller_leg, "variable_centralka_voicemail_box": str(box.id)}))
    (recordings_dir / "42").mkdir()
    message = wav_bytes(2)
    (recordings_dir / "42" / f"vm_{box.id}_{SHAPES[NO_ANSWER]}.wav").write_bytes(message)
    (recordings_dir / "42" / f"{SHAPES[NO_ANSWER]}.wav").write_bytes(wav_bytes(12))
    store_cdr(db.session, leg_facts(headers), headers, ctx.config)
    task_queue.run_pending()
    rows = db.session.scalars(select(models.Recording).order_by(models.Recording.kind)).all()
    assert [(r.kind, r.voicemail_box_id, r.uploaded_at is not None) for r in rows] == [
        ("call", None, True), ("voicemail", box.id, True)]
    assert [m["To"] for m in smtp.messages] == ["anna@example.test"]


@pytest.mark.parametrize("seconds,sent", [(0, 0), (0.6, 0), (1.5, 1)])
def test_a_voicemail_without_a_message_is_kept_but_not_mailed(ctx, company, smtp, task_queue, recordings_dir,
                                                               seconds, sent):
    box = voicemail_box("anna@example.test")
    ids = new_voicemail(ctx, box, wav_bytes(seconds))
    task_queue.after_saved(ids, ids)
    task_queue.run_pending()
    recording = db.session.get(models.Recording, ids[0])
    assert (len(smtp.messages), recording.duration_seconds) == (sent, seconds)
    assert recording.kind == ("voicemail" if sent else "empty")
    assert recordings.describe(recording)["kind"] == recording.kind and recording.uploaded_at is not None
    assert voicemail.undelivered() == []  # the sweep does not pick it up again
    assert voicemail.deliver(ids[0], current_app.config) == 0


def test_the_captured_caller_who_said_nothing_gets_no_mail(ctx, company, freeswitch, smtp, recordings_dir,
                                                           tmp_path):
    """Captured call 2: the caller sent no audio; FreeSWITCH left a header-only WAV."""
    ctx.config["STORAGE_DIR"] = str(tmp_path / "storage")
    box = voicemail_box("anna@example.test")
    (recordings_dir / f"vm_{box.id}_{SHAPES[NO_ANSWER]}.wav").write_bytes(wav_bytes(0))
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        send(freeswitch, frames_in_box(NO_ANSWER, box.id))
        assert eventually(lambda: not [p for p in recordings_dir.rglob("*") if p.is_file()], 30)
        time.sleep(0.5)
    finally:
        running.stop()
    db.session.rollback()
    recording = db.session.scalars(select(models.Recording)).one()
    assert (recording.kind, recording.voicemail_box_id, recording.duration_seconds) == ("empty", box.id, 0.0)
    assert smtp.messages == []
