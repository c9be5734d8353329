"""The event listener process: FreeSWITCH events in, call records, queue statistics,
recordings, voicemail and fax e-mails out.

One reader per FreeSWITCH connection only frames bytes into a bounded queue; one dispatcher
runs the handlers registered per event name (``pbx.esl.listener``). Our handlers are quick:
they turn an event into facts and append them to the local journal, so nothing waits on the
database. The record writer, a process of its own, drains the journal into the database; huey
does the slow work.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from pbx import fax, metrics, models, queues, recordings, switch_status, switch_sync, tasks
from pbx.calls.journal import Journal
from pbx.calls.legs import VARIABLES, leg_facts
from pbx.esl.client import parse_servers
from pbx.esl.listener import EventListener
from pbx.esl.protocol import Event
from pbx.extensions import db
from pbx.probes import ProbeServer, started
from pbx.record_writer import WriterProcess

log = logging.getLogger(__name__)


class CallEvents:
    """The handlers: each turns one event into journal entries.

    They are given the Event itself, not its header dict: the fact readers only ``get()`` the
    few headers they need, which the Event finds in its bytes without decoding the hundreds of
    others (a CHANNEL_HANGUP_COMPLETE carries every channel variable).
    """

    # What the hang-up handler reads of the channel's variables, found in one pass.
    HANGUP_VARIABLES = tuple(dict.fromkeys(VARIABLES + queues.MEMBER_VARIABLES + fax.VARIABLES))

    def __init__(self, journal: Journal, board: queues.WaitingBoard, config):
        self.journal, self.board, self.config = journal, board, config

    def hangup_complete(self, headers: Event) -> None:
        headers.prefetch(self.HANGUP_VARIABLES)
        leg = leg_facts(headers)
        if leg is None:
            return
        self.board.leave(leg["leg_uuid"])
        ended = fax.ended_facts(headers, self.config)
        self.journal.append([("leg", leg)] + [("queue", f) for f in queues.facts_from_member_leg(headers)]
                            + ([("fax", ended)] if ended is not None else []))

    def callcenter(self, headers: Event) -> None:
        facts = queues.facts_from_callcenter(headers)
        if facts:
            self.board.apply(facts, queues.announcing_of(headers, self.board.interval))
            self.journal.append([("queue", fact) for fact in facts])

    def record_stop(self, headers: Event) -> None:
        fact = recordings.recording_facts(headers, self.config)
        if fact:
            self.journal.append([("recording", fact)])

    def register(self, listener: EventListener) -> None:
        # Only what we use: FreeSWITCH drops listeners that fall 100,000 events behind.
        listener.on("CHANNEL_HANGUP_COMPLETE", handler=self.hangup_complete)
        listener.on("RECORD_STOP", handler=self.record_stop)
        listener.on("CUSTOM", subclass="callcenter::info", handler=self.callcenter)


class ListenerService:
    """Everything the listener runs, started and stopped together."""

    def __init__(self, app, make_app, servers=None, journal_path: str | None = None, announce_every: float = queues.ANNOUNCE_EVERY,
                 status_every: float = switch_status.EVENTS_EVERY, **listener_options):
        """``make_app`` builds another app like ``app``, for the record writer's own process; ``status_every``:
        seconds between writes of the switches' last event times."""
        self.app = app
        journal_path = journal_path or str(Path(app.instance_path) / "listener-journal.sqlite3")
        self.journal = Journal(journal_path)
        self.writer = WriterProcess(make_app, journal_path)
        self.board = queues.WaitingBoard(interval=announce_every)
        self.events = CallEvents(self.journal, self.board, app.config)
        self.status = switch_status.StatusKeeper(app, events_every=status_every)
        listener_options.setdefault("on_connected", self._connected)
        self.listener = EventListener(servers or parse_servers(app.config["ESL_SERVERS"]), group=self._group,
                                      on_disconnected=self.status.disconnected, **listener_options)
        self.events.register(self.listener)
        self.announcer = queues.PositionAnnouncer(self.board, self.listener.api, queues.default_prompt(app.config),
                                                  tick=min(1.0, announce_every / 4),
                                                  language_of=queues.TenantLanguages(app),
                                                  place_prompt=queues.place_prompt(app.config))

    def _connected(self, server) -> None:
        """Shown on the dashboard; the switch may have restarted with stale queues, so it is synced."""
        self.status.connected(server)
        switch_sync.sync_switch_now(server)

    @contextlib.contextmanager
    def _group(self):
        """The facts of the events dispatched together: one journal commit, then the writer."""
        with self.journal.group():
            yield
        self.writer.wake()

    def start(self) -> "ListenerService":
        tasks.bind(self.app)
        self._seed_board()
        # What exists now (modules, the app, SQLAlchemy's metadata) lives as long as the process:
        # the full collections that thousands of events a second trigger need not walk it again.
        gc.collect()
        gc.freeze()
        self.writer.start()
        self.listener.start()
        self.status.start(self.listener)
        self.announcer.start()
        return self

    def _seed_board(self) -> None:
        """After a restart, callers still waiting keep hearing their announcements."""
        since = datetime.now(timezone.utc) - queues.LONGEST_WAIT
        try:
            with self.app.app_context():
                tenants = db.session.scalars(select(models.QueueEvent.tenant_id).where(
                    models.QueueEvent.at >= since).distinct()).all()
                waiting = [dict(row, tenant_id=tenant) for tenant in tenants for row in queues.waiting_now(tenant)]
        except Exception as error:  # noqa: BLE001 - the database may be down; events refill the board
            log.warning("waiting callers not restored: %s", error)
            return
        self.board.restore([{"kind": queues.ENTERED, "call_uuid": row["call_uuid"], "queue": row["queue"],
                           "tenant_id": row["tenant_id"], "at": datetime.fromisoformat(row["since"]).timestamp()}
                          for row in waiting])

    def stop(self) -> None:
        self.announcer.stop()
        self.listener.stop(timeout=1.5)
        self.status.stop()
        self.writer.stop(timeout=2.5)  # what it leaves stays in the journal for the next start
        self.journal.close()
        gc.unfreeze()  # a process that starts another service (tests, benchmarks) frees this one

    def connected_switches(self) -> int:
        return self.listener.stats()["connected"]

    def probes(self, bind: str) -> ProbeServer:
        """Ready while connected to at least one switch; the journal's depth read when scraped."""
        return ProbeServer(bind, {"switch_connected": lambda: self.connected_switches() >= 1},
                           self.app.config["METRICS_TOKEN"],
                           metrics.Gauges({metrics.JOURNAL_DEPTH: lambda: len(self.journal),
                                           metrics.SWITCHES_CONNECTED: self.connected_switches}))

    def run_forever(self) -> None:
        """Until SIGTERM or SIGINT; then finish what is queued."""
        done = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: done.set())
        probes = started(self.app.config["LISTENER_PROBES_BIND"], self.probes)
        self.start()
        log.info("listener running: %s", self.listener.subscription())
        while not done.wait(60):
            log.info("listener: %s; journal %d; written %d", self.listener.stats(), len(self.journal),
                     self.writer.written)
        self.stop()
        if probes is not None:
            probes.stop()



