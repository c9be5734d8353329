"""Voicemail e-mails through a real SMTP server on loopback: every recipient exactly once,
across an SMTP outage, retries and the resume sweep."""
import os

from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from pbx import models, recordings, voicemail
from pbx.extensions import db
from tests.support.streams import named
from tests.listener.test_recordings import LATER, utc_naive


def voicemail_box(*addresses):
    box = models.VoicemailBox(tenant_id=42, name="Support", extra_emails=list(addresses))
    db.session.add(box)
    db.session.commit()
    return box


def new_voicemail(ctx, box, audio):
    headers = dict(named("bridge_simultaneous_noanswer_then_record", "RECORD_STOP")[0])
    headers["variable_centralka_voicemail_box"] = str(box.id)
    fact = recordings.recording_facts(headers, ctx.config)
    Path(fact["local_path"]).write_bytes(audio)
    ids = recordings.save_recordings(db.session, [fact])
    db.session.commit()
    return ids


def test_each_recipient_gets_the_voicemail_once_across_an_smtp_outage(
        ctx, company, smtp, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    ctx.extensions.pop("centralka_storage", None)
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
    assert voicemail.deliver(ids[0]) == 1
    box.extra_emails = ["ok@example.test", "late@example.test"]
    db.session.commit()
    assert voicemail.deliver(ids[0]) == 1
    assert voicemail.deliver(ids[0]) == 0
    assert sorted(m["To"] for m in smtp.messages) == ["late@example.test", "ok@example.test"]
    assert voicemail.undelivered() == []


def test_same_message_id_for_the_same_recipient(ctx, company, recordings_dir):
    box = voicemail_box("x@example.test")
    ids = new_voicemail(ctx, box, b"RIFF")
    recording = db.session.get(models.Recording, ids[0])
    first = voicemail.compose(recording, box, "x@example.test", b"RIFF")
    again = voicemail.compose(recording, box, "X@example.test", b"RIFF")
    assert first["Message-ID"] == again["Message-ID"]
