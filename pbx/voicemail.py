"""Voicemail to e-mail: the message, with its audio attached, to every recipient of the box.

Exactly once per recipient: a ``VoicemailDelivery`` row per (message, address) is created
first and marked sent right after the SMTP server accepted the message. A retry only sends
rows not marked. The one window left (accepted, then a crash before the mark) is covered by a
stable Message-ID, which mail systems use to drop the duplicate.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from mutagen import MutagenError
from mutagen.wave import WAVE
from sqlalchemy import select

from pbx import metrics, models, recordings
from pbx.calls.store import aware, upsert
from pbx.extensions import db
from pbx.nodes.voicemail import MIN_MESSAGE_SECONDS

log = logging.getLogger(__name__)

TEXT = {
    "pl": {"subject": "Wiadomość głosowa od {caller} ({box})",
           "body": "Skrzynka: {box}\nDzwoniący: {caller}\nCzas: {time}\nDługość: {duration}\n\nNagranie w załączniku.\n"},
    "en": {"subject": "Voicemail from {caller} ({box})",
           "body": "Box: {box}\nCaller: {caller}\nTime: {time}\nDuration: {duration}\n\nThe recording is attached.\n"},
}

# Recording.kind of a voicemail without a message (``MIN_MESSAGE_SECONDS``): kept, listed, never e-mailed.
EMPTY = "empty"


class DeliveryFailed(Exception):
    """Some recipients could not be reached; the task is retried for them only."""


def deliver(recording_id: int, config) -> int:
    """Send the voicemail to every recipient not yet served; returns e-mails sent now."""
    recording = db.session.get(models.Recording, recording_id)
    if recording is None or recording.voicemail_box_id is None or recording.kind != "voicemail":
        return 0
    audio = recordings.audio(recording, config)
    if _left_empty(recording, audio):
        return 0
    box = db.session.get(models.VoicemailBox, recording.voicemail_box_id)
    _plan(recording, box.recipient_emails)
    pending = db.session.scalars(select(models.VoicemailDelivery).where(
        models.VoicemailDelivery.recording_id == recording.id,
        models.VoicemailDelivery.sent_at.is_(None))).all()
    if not pending:
        return 0
    sent, failures = 0, []
    for delivery in pending:
        try:
            send(compose(recording, box, delivery.email, audio, config), config)
        except (OSError, smtplib.SMTPException) as error:
            metrics.EMAILS_FAILED.labels(metrics.VOICEMAIL).inc()
            delivery.attempts += 1
            delivery.last_error = str(error)[:500]
            failures.append(delivery.email)
        else:
            delivery.sent_at = datetime.now(timezone.utc)
            sent += 1
        db.session.commit()  # mark each one at once: a later failure must not resend it
    if failures:
        raise DeliveryFailed(f"voicemail {recording.id} not delivered to {', '.join(failures)}")
    return sent


def _left_empty(recording: models.Recording, audio: bytes) -> bool:
    """Measure the message; one shorter than ``MIN_MESSAGE_SECONDS`` becomes kind ``empty``.

    The file's own length decides (a caller who hangs up at the beep leaves a header without
    audio); a file that cannot be measured is sent, so no message is lost.
    """
    try:
        seconds = WAVE(io.BytesIO(audio)).info.length
    except MutagenError:
        return False
    recording.duration_seconds = seconds
    if seconds < MIN_MESSAGE_SECONDS:
        recording.kind = EMPTY
    db.session.commit()
    return recording.kind == EMPTY


def _plan(recording: models.Recording, addresses: list[str]) -> None:
    if addresses:
        statement = upsert(db.session, models.VoicemailDelivery.__table__).on_conflict_do_nothing(
            index_elements=["recording_id", "email"])
        db.session.execute(statement, [{"recording_id": recording.id, "email": address, "attempts": 0,
                                        "last_error": ""} for address in addresses])
        db.session.commit()


def compose(recording: models.Recording, box: models.VoicemailBox, address: str, audio: bytes,
            config) -> EmailMessage:
    tenant = db.session.get(models.Tenant, recording.tenant_id)
    when = aware(recording.created_at).astimezone(ZoneInfo(tenant.timezone or "Europe/Warsaw"))
    seconds = round(recording.duration_seconds or 0)
    values = {"caller": recording.caller or "?", "box": box.name, "time": when.strftime("%Y-%m-%d %H:%M:%S %Z"),
              "duration": f"{seconds // 60}:{seconds % 60:02d}"}
    text = TEXT.get(getattr(tenant.language, "value", tenant.language), TEXT["en"])
    message = EmailMessage()
    message["From"] = config.get("SMTP_SENDER", "centralka@localhost")
    message["To"] = address
    message["Subject"] = text["subject"].format(**values)
    message["Date"] = format_datetime(when)
    # The same message to the same address always has the same Message-ID.
    digest = hashlib.sha256(f"{recording.id}:{address.lower()}".encode()).hexdigest()[:24]
    message["Message-ID"] = f"<voicemail-{recording.id}-{digest}@centralka>"
    message.set_content(text["body"].format(**values))
    message.add_attachment(audio, maintype="audio", subtype="wav", filename=os.path.basename(recording.local_path))
    return message


def send(message: EmailMessage, config) -> None:
    """One e-mail through the SMTP server ``config`` (the app's settings) names."""
    with smtplib.SMTP(config.get("SMTP_HOST", "127.0.0.1"), int(config.get("SMTP_PORT", 25)), timeout=10) as smtp:
        smtp.send_message(message)


def undelivered(within: timedelta = timedelta(days=7)) -> list[int]:
    """Recent voicemails with a recipient not served yet, or never planned (crash before)."""
    delivery, recording = models.VoicemailDelivery, models.Recording
    unsent = select(delivery.id).where(delivery.recording_id == recording.id, delivery.sent_at.is_(None)).exists()
    planned = select(delivery.id).where(delivery.recording_id == recording.id).exists()
    return list(db.session.scalars(select(recording.id).where(
        recording.voicemail_box_id.is_not(None), recording.kind == "voicemail",
        recording.created_at >= datetime.now(timezone.utc) - within,
        unsent | ~planned)))
