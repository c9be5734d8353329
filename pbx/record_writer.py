"""Drains the journal into the database in batches; rides out database outages."""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select as fd_select
import signal
import stat
import threading
import time
from typing import NamedTuple

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from pbx import fax, queues, recordings, tasks
from pbx.calls import postgres
from pbx.calls.journal import Journal
from pbx.calls.store import save_legs
from pbx.calls.surveys import save_answers
from pbx.calls.transfers import save_transfers
from pbx.reports import hourly
from pbx.extensions import db

log = logging.getLogger(__name__)

# The database is away (down, restarting, read-only): keep the entries and try again.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError)


class FollowUps(NamedTuple):
    """What a written batch leaves to the task worker."""
    uploads: list[int]
    voicemails: list[int]
    faxes: list[int]


def apply(session, entries: list[tuple[int, str, dict]], source: str = "esl") -> FollowUps:
    """Write one batch of journal entries; returns the recordings to upload, voicemails and faxes to e-mail."""
    by_kind: dict[str, list[dict]] = {"leg": [], "queue": [], "recording": [], "fax": []}
    for _, kind, payload in entries:
        by_kind[kind].append(payload)
    # The reports' hourly counts of these calls are rebuilt in the same transaction.
    with hourly.touching(session, [fact["call_uuid"] for facts in by_kind.values() for fact in facts]):
        uploads, voicemails = _save(session, by_kind, source)
    received = [fax_id for fax_id in map(fax.ended, by_kind["fax"]) if fax_id is not None]
    return FollowUps(uploads, voicemails, received)


def _save(session, by_kind, source):
    if postgres.usable(session):
        return _apply_postgres(session, by_kind, source)
    save_legs(session, by_kind["leg"], source)
    save_transfers(session, by_kind["leg"])
    save_answers(session, by_kind["leg"])
    queues.save_queue_events(session, by_kind["queue"])
    uploads = recordings.save_recordings(session, by_kind["recording"]) if by_kind["recording"] else []
    return uploads, recordings.voicemail_ids(session, by_kind["recording"])


def _apply_postgres(session, by_kind, source):
    postgres.save_legs(session, by_kind["leg"], source)
    save_transfers(session, by_kind["leg"])  # rare: the generic statements are fast enough
    save_answers(session, by_kind["leg"])  # rare too
    postgres.save_queue_events(session, by_kind["queue"])
    if not by_kind["recording"]:
        return [], []
    uploads = postgres.save_recordings(session, by_kind["recording"], recordings.DEFAULT_RETENTION_DAYS)
    voicemails = recordings.voicemail_calls(by_kind["recording"])
    return uploads, postgres.voicemail_ids(session, voicemails) if voicemails else []


class Doorbell:
    """What the listener tells its record writer: "more to write" (a byte down a pipe) and
    "stop" (the pipe closed: by ``stop()``, or by the kernel when the listener dies).

    A pipe, not ``multiprocessing.Event``: an Event has a lock inside, and a process killed
    with SIGKILL while holding it leaves it locked for every other process.
    """

    def __init__(self):
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self.stopping = False

    # -- the listener's side ----------------------------------------------------------
    def ring(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):  # full: a ring is already waiting
            os.write(self._write, b"!")

    def stop(self) -> None:
        self._write = _closed(self._write)

    def close(self) -> None:
        """After the writer has ended: the listener's read end too."""
        self.stop()
        self._read = _closed(self._read)

    # -- the writer's side ------------------------------------------------------------
    def answer(self) -> None:
        """In the writer process: drop the inherited write end, or the pipe would never close."""
        self.stop()

    def wait(self, timeout: float, for_stop: bool = False) -> None:
        """Until a ring (unless ``for_stop``), the stop, or ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0 or not fd_select.select([self._read], [], [], left)[0]:
                return
            if not os.read(self._read, 4096):
                self.stopping = True
            elif not for_stop:
                return


def _closed(fd: int) -> int:
    """Close ``fd`` once (a number closed twice may by then be another file's)."""
    if fd >= 0:
        os.close(fd)
    return -1


class RecordWriter:
    """Drains the journal in batches until its doorbell says stop, then writes what is left.

    ``written``: a counter the listener process can read.
    """

    def __init__(self, app, journal: Journal, doorbell: Doorbell, written=None, batch: int = 2000,
                 idle: float = 0.05, max_backoff: float = 10.0):
        self.app, self.journal, self.batch, self.idle, self.max_backoff = app, journal, batch, idle, max_backoff
        self.doorbell, self._written = doorbell, written

    def run(self) -> None:
        backoff = 0.5
        with self.app.app_context():
            while True:
                try:
                    done = self.flush_once()
                except UNAVAILABLE as error:
                    db.session.rollback()
                    log.warning("database unavailable, %d journal rows kept: %s",
                                len(self.journal), str(error).splitlines()[0])
                    self.doorbell.wait(backoff, for_stop=True)
                    if self.doorbell.stopping:
                        return
                    backoff = min(self.max_backoff, backoff * 2)
                    continue
                backoff = 0.5
                if done < self.batch:
                    if not done and self.doorbell.stopping:
                        return
                    self.doorbell.wait(self.idle)
                    if done:  # let a few more facts gather: one transaction for many legs is far cheaper
                        self.doorbell.wait(self.idle, for_stop=True)

    def flush_once(self) -> int:
        """Write one batch; returns the facts written (0: the journal is empty)."""
        entries = self.journal.take(self.batch)
        if not entries:
            return 0
        try:
            follow_ups = apply(db.session, entries)
            db.session.commit()
        except UNAVAILABLE:
            raise
        except Exception as error:  # noqa: BLE001 - a fact the database refuses, or one we cannot turn into a row
            db.session.rollback()
            if getattr(error, "connection_invalidated", False):
                raise OperationalError(str(error), None, error.orig) from error
            follow_ups = self._one_by_one(entries)
        self.journal.remove([entry_id for entry_id, _, _ in entries])
        if self._written is not None:
            self._written.value += len(entries)
        tasks.after_saved(*follow_ups)
        return len(entries)

    def _one_by_one(self, entries):
        """A batch the database refused: write what it accepts, set the rest aside."""
        follow_ups = FollowUps([], [], [])
        for entry in entries:
            try:
                more = apply(db.session, [entry])
                db.session.commit()
            except UNAVAILABLE:
                raise
            except Exception as error:  # noqa: BLE001 - set aside, whatever made it unwritable
                db.session.rollback()
                log.error("journal fact %s of row %s rejected: %s", entry[1], entry[0], error)
                self.journal.reject(entry[1], entry[2], str(error))
                continue
            follow_ups = FollowUps(*(done + added for done, added in zip(follow_ups, more)))
        return follow_ups


class WriterProcess:
    """The record writer in a process of its own, restarted if it dies.

    Turning events into facts and writing rows are both Python work: in one process they
    take turns on one interpreter lock, and the call records/s were the sum of both costs.
    In two they run side by side. The journal on disk is all they share (SQLite serialises
    the appends and the removals).

    The process is forked: it shares the listener's imported code instead of loading its own
    (a spawned one cost 100 MB more). A fork copies other threads' locks in whatever state
    they are, so the child touches none of the listener's objects: it builds its own app,
    database pool, task queue and journal handle (logging and the import lock are reset by
    Python itself), and lets go of the sockets it inherited.
    """

    def __init__(self, make_app, journal_path: str, restart_after: float = 1.0):
        """``make_app``: builds the child's own app (a factory from the listener's entry module)."""
        self.make_app, self.journal_path, self.restart_after = make_app, journal_path, restart_after
        self._context = multiprocessing.get_context("fork")
        self._written = self._context.RawValue("q", 0)  # no lock: only the child adds to it
        self._doorbell = self._process = self._monitor = None
        self._stopping = threading.Event()

    @property
    def written(self) -> int:
        return self._written.value

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def wake(self) -> None:
        self._doorbell.ring()

    def start(self) -> "WriterProcess":
        self._stopping.clear()
        self._doorbell = Doorbell()
        self._process = self._spawn()
        self._monitor = threading.Thread(target=self._watch, name="record-writer-monitor", daemon=True)
        self._monitor.start()
        return self

    def _spawn(self):
        process = self._context.Process(target=_write, name="centralka record writer", daemon=True,
                                        args=(self.make_app, self.journal_path, self._doorbell, self._written))
        process.start()
        return process

    def _watch(self) -> None:
        delay, started = self.restart_after, time.monotonic()
        while not self._stopping.is_set():
            self._process.join(0.5)
            if self._process.exitcode is None or self._stopping.is_set():
                continue
            # One that dies at once again and again (a database address it cannot use, say)
            # is restarted less and less often, up to twice a minute.
            if time.monotonic() - started > 60:
                delay = self.restart_after
            log.error("record writer exited with %s; restarting it in %.0f s", self._process.exitcode, delay)
            if self._stopping.wait(delay):
                return
            self._process, started = self._spawn(), time.monotonic()
            delay = min(30.0, delay * 2)

    def stop(self, timeout: float = 10.0) -> None:
        """Let it write what the journal holds (while the database answers), then end it."""
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join(timeout)
        if self._doorbell is not None:
            self._doorbell.stop()
        if self._process is not None:
            self._process.join(timeout)
            if self._process.is_alive():
                log.warning("record writer still busy after %.0f s; stopped, facts stay in the journal", timeout)
                self._process.terminate()
                self._process.join(5)
        if self._doorbell is not None:
            self._doorbell.close()


def _write(make_app, journal_path, doorbell: Doorbell, written) -> None:
    """The writer process: its own app, database pool, task queue and journal handle."""
    doorbell.answer()
    # The listener's signal handlers came along with the fork: SIGTERM ends this process as
    # usual; Ctrl-C reaches the whole process group, and the listener then stops us in order.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _release_inherited_sockets()
    app = make_app()
    tasks.bind(app)
    journal = Journal(journal_path)
    try:
        RecordWriter(app, journal, doorbell, written).run()
    finally:
        journal.close()


def _release_inherited_sockets() -> None:
    """A fork holds the listener's sockets open here too: one the listener closes (FreeSWITCH's,
    a listening port) would stay open through this process. Each is replaced by /dev/null,
    not closed, so that its number is not reused while an inherited object still names it."""
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            with contextlib.suppress(OSError):
                if fd != null and stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
    finally:
        os.close(null)
