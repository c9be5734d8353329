"""Whether each switch's event socket is connected, when it last sent an event, and its queue sync.

The listener (a process of its own) holds the connections and the worker syncs the queues; the
panel, another process, reads what they last wrote here (``SwitchStatus``). Connects and
disconnects are written at once; the time of the last event at most every ``EVENTS_EVERY``
seconds, so thousands of events a second cost no more than one write; and every
``REPORT_EVERY`` seconds the listener says it is still there, so a listener that died is told
from a quiet switch.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from pbx import models
from pbx.calls.store import aware, upsert
from pbx.extensions import db

log = logging.getLogger(__name__)

EVENTS_EVERY = 5.0
REPORT_EVERY = 60.0
# Not connected this long is a problem worth an admin's attention: reconnecting takes seconds.
PROBLEM_AFTER = timedelta(minutes=3)
REQUESTED, IN_LINE, FAILED = "requested", "in_line", "failed"


def server_name(server) -> str:
    """``host:port`` of an ESL_SERVERS entry; its password is never stored."""
    return f"{server[0]}:{server[1]}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _save(server: str, **values) -> None:
    """Insert or update the row of ``server`` in one statement: the listener and the worker both write."""
    row = {"connected": False, **values}
    db.session.execute(upsert(db.session, models.SwitchStatus.__table__).values(server=server, **row)
                       .on_conflict_do_update(index_elements=["server"], set_=values))
    db.session.commit()


def record_connected(server: str) -> None:
    now = _now()
    # Connecting asks for a queue sync (pbx.switch_sync.sync_switch_now), which records its outcome.
    _save(server, connected=True, since=now, reported_at=now, sync_state=REQUESTED, sync_at=now)


def record_disconnected(server: str) -> None:
    now = _now()
    _save(server, connected=False, since=now, reported_at=now)


def record_sync(server: str, ok: bool) -> None:
    _save(server, sync_state=IN_LINE if ok else FAILED, sync_at=_now())


def switches(servers: list[tuple], now: datetime | None = None) -> list[dict]:
    """Each configured switch, numbered from 1 (no addresses: the companies share them), as the panel shows it.

    ``problem``: "not_connected" once a switch has not been connected for PROBLEM_AFTER (a listener
    that stopped reporting counts as not connected since its last report), "sync_failed" when its
    queues could not be brought in line; None otherwise.
    """
    now = now or _now()
    rows = {row.server: row for row in db.session.scalars(select(models.SwitchStatus))}
    return [_switch(number, rows.get(server_name(server)), now) for number, server in enumerate(servers, 1)]


def _switch(number: int, row: models.SwitchStatus | None, now: datetime) -> dict:
    found = {"switch": number, "connected": False, "since": None, "last_event_at": None, "sync": None,
             "sync_at": None, "problem": "not_connected"}  # the listener has never reported it
    if row is None:
        return found
    found.update(last_event_at=_iso(row.last_event_at), sync=row.sync_state or None, sync_at=_iso(row.sync_at))
    if row.since is None:
        return found
    reported = aware(row.reported_at)
    listening = reported is not None and now - reported < PROBLEM_AFTER
    connected = row.connected and listening
    since = aware(row.since) if listening or not row.connected else reported
    problem = None
    if not connected and now - since >= PROBLEM_AFTER:
        problem = "not_connected"
    elif row.sync_state == FAILED:
        problem = "sync_failed"
    return {**found, "connected": connected, "since": since.isoformat(), "problem": problem}


def _iso(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


class StatusKeeper:
    """In the listener process: writes what its EventListener knows of each switch.

    ``connected`` / ``disconnected`` are the listener's callbacks; from ``start()`` a thread writes event times and
    the listener's "still here". A database that is away costs a warning, never a connection.
    """

    def __init__(self, app, events_every: float = EVENTS_EVERY, report_every: float = REPORT_EVERY):
        self.app, self.listener = app, None
        self.events_every, self.report_every = events_every, report_every
        self._written: dict[str, float] = {}
        self._connected: set[str] = set()
        self._unwritten: dict[str, object] = {}  # a connect or disconnect the database missed, by switch
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def connected(self, server) -> None:
        self._connected.add(server_name(server))
        self._change(record_connected, server_name(server))

    def disconnected(self, server) -> None:
        self._connected.discard(server_name(server))
        self._change(record_disconnected, server_name(server))

    def _change(self, record, name: str) -> None:
        """Written now; if the database is away, again with the next event times."""
        self._unwritten[name] = record
        self._flush(name, record)

    def _flush(self, name: str, record) -> None:
        if self._write(record, name) and self._unwritten.get(name) is record:
            self._unwritten.pop(name, None)

    def _write(self, record, *args) -> bool:
        try:
            with self.app.app_context():
                record(*args)
            return True
        except Exception as error:  # noqa: BLE001 - the panel shows a stale state; the calls go on
            log.warning("switch status not written (%s): %s", record.__name__, error)
            return False

    def start(self, listener) -> "StatusKeeper":
        """Watch ``listener`` (a pbx.esl.listener.EventListener) until ``stop()``."""
        self.listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="switch-status", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        next_report = time.monotonic()
        while True:
            report = time.monotonic() >= next_report
            if report:
                next_report = time.monotonic() + self.report_every
            for name, record in list(self._unwritten.items()):
                self._flush(name, record)
            self._write(self._save_events, report)
            if self._stopping.wait(self.events_every):
                break

    def _save_events(self, report: bool) -> None:
        """Event times that moved since the last write; with ``report``, every connected switch's "still here"."""
        now = _now()
        for server, (connected, last_event) in self.listener.server_states().items():
            name = server_name(server)
            values = {}
            if last_event is not None and last_event != self._written.get(name):
                values["last_event_at"] = datetime.fromtimestamp(last_event, timezone.utc)
            if report and connected:
                values["reported_at"] = now
            if values:
                _save(name, **values)
                self._written[name] = last_event

    def stop(self) -> None:
        """After the listener stopped: the switches it was connected to no longer are (to it)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
        for name in sorted(self._connected):
            self._write(record_disconnected, name)
        self._connected.clear()
