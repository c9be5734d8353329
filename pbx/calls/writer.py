"""Drains the journal into the database in batches; rides out database outages."""
from __future__ import annotations

import logging
import threading

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from pbx import models, queues, recordings, tasks
from pbx.calls import postgres
from pbx.calls.journal import Journal
from pbx.calls.store import save_legs
from pbx.extensions import db

log = logging.getLogger(__name__)

# The database is away (down, restarting, read-only): keep the entries and try again.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError)


def apply(session, entries: list[tuple[int, str, dict]], source: str = "esl") -> tuple[list[int], list[int]]:
    """Write one batch of journal entries; returns (recordings to upload, voicemails to e-mail)."""
    by_kind: dict[str, list[dict]] = {"leg": [], "queue": [], "recording": []}
    for _, kind, payload in entries:
        by_kind[kind].append(payload)
    if postgres.usable(session):
        return _apply_postgres(session, by_kind, source)
    save_legs(session, by_kind["leg"], source)
    queues.save_queue_events(session, by_kind["queue"])
    uploads = recordings.save_recordings(session, by_kind["recording"]) if by_kind["recording"] else []
    return uploads, _voicemail_ids(session, _voicemail_calls(by_kind["recording"]))


def _apply_postgres(session, by_kind, source):
    postgres.save_legs(session, by_kind["leg"], source)
    postgres.save_queue_events(session, by_kind["queue"])
    if not by_kind["recording"]:
        return [], []
    uploads = postgres.save_recordings(session, by_kind["recording"], recordings.DEFAULT_RETENTION_DAYS)
    voicemails = _voicemail_calls(by_kind["recording"])
    return uploads, postgres.voicemail_ids(session, voicemails) if voicemails else []


def _voicemail_calls(facts: list[dict]) -> list[str]:
    return [fact["call_uuid"] for fact in facts if fact["voicemail_box_id"]]


def _voicemail_ids(session, call_uuids: list[str]) -> list[int]:
    if not call_uuids:
        return []
    return list(session.scalars(select(models.Recording.id).where(
        models.Recording.call_uuid.in_(call_uuids), models.Recording.voicemail_box_id.is_not(None))))


class RecordWriter(threading.Thread):
    def __init__(self, app, journal: Journal, batch: int = 2000, idle: float = 0.05, max_backoff: float = 10.0):
        super().__init__(name="record-writer", daemon=True)
        self.app, self.journal, self.batch, self.idle, self.max_backoff = app, journal, batch, idle, max_backoff
        self.written = 0
        self._stopping = threading.Event()
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        backoff = 0.5
        with self.app.app_context():
            while True:
                try:
                    done = self.flush_once()
                except UNAVAILABLE as error:
                    db.session.rollback()
                    log.warning("database unavailable, %d entries kept in the journal: %s",
                                len(self.journal), str(error).splitlines()[0])
                    if self._stopping.wait(backoff):
                        return
                    backoff = min(self.max_backoff, backoff * 2)
                    continue
                backoff = 0.5
                if done < self.batch:
                    if not done and self._stopping.is_set():
                        return
                    # Let a few more entries gather: one transaction for many legs is far cheaper.
                    self._wake.wait(self.idle)
                    self._wake.clear()
                    self._stopping.wait(self.idle if done else 0)

    def flush_once(self) -> int:
        """Write one batch; returns entries written (0: the journal is empty)."""
        entries = self.journal.take(self.batch)
        if not entries:
            return 0
        try:
            uploads, voicemails = apply(db.session, entries)
            db.session.commit()
        except UNAVAILABLE:
            raise
        except DBAPIError as error:
            db.session.rollback()
            if getattr(error, "connection_invalidated", False):
                raise OperationalError(str(error), None, error.orig) from error
            uploads, voicemails = self._one_by_one(entries)
        self.journal.remove([entry_id for entry_id, _, _ in entries])
        self.written += len(entries)
        tasks.after_saved(uploads, voicemails)
        return len(entries)

    def _one_by_one(self, entries):
        """A batch the database refused: write what it accepts, set the rest aside."""
        uploads, voicemails = [], []
        for entry in entries:
            try:
                more_uploads, more_voicemails = apply(db.session, [entry])
                db.session.commit()
            except UNAVAILABLE:
                raise
            except DBAPIError as error:
                db.session.rollback()
                log.error("journal entry %s rejected: %s", entry[0], error)
                self.journal.reject(entry[0], entry[1], entry[2], str(error))
                continue
            uploads += more_uploads
            voicemails += more_voicemails
        return uploads, voicemails

    def stop(self, timeout: float = 10.0) -> None:
        """Write what the journal holds (while the database answers), then end."""
        self._stopping.set()
        self._wake.set()
        self.join(timeout)
