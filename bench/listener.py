"""Listener throughput: the captured calls replayed at full speed by a fake FreeSWITCH in
its own process (as a real switch, it does not share the listener's interpreter).

Each copy of the five captured call shapes gets fresh UUIDs. The fake switch filters the
frames by the subscription it receives, as FreeSWITCH does. Measured, each against a bare
socket reader of the same bytes in the same run:

* ``ALL stream``: the listener subscribed to everything (the worst case): events parsed
  and dispatched per second, through the real handlers, journal and writer;
* ``production``: the listener's own subscription, through handlers, journal and writer
  into a throw-away PostgreSQL database: events/s, and call records/s until the writer
  has drained the journal (rows counted in the database);
* ``writer drain``: the journal filled first, then drained into an empty database;
* peak RSS of the listener during a 10x burst of the ALL stream: its main process, its record
  writer process, and the two together.

Run: ``.venv/bin/python bench/listener.py [copies]``.
"""
from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import re
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

SHAPES = ["ivr_bridge_sequential", "bridge_simultaneous_noanswer_then_record", "callcenter_answered",
          "callcenter_abandoned", "blacklist_reject"]
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "freeswitch"
ADMIN_URL = os.environ.get("CENTRALKA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TENANT = 42  # the centralka_tenant of every captured call


# -- the fake switch (runs in its own process) ------------------------------------------------
def captured_frames(words: list[str]) -> list[bytes]:
    """Event frames of the captured calls that an ``event json <words>`` subscription receives."""
    from pbx.esl.protocol import Event, FrameParser, encode_frame
    from tests.support.esl_server import Subscription

    subscription = Subscription()
    subscription.subscribe("json", words)
    frames = []
    for shape in SHAPES:
        for frame in FrameParser().feed((FIXTURES / f"esl_events_json_{shape}.txt").read_bytes()):
            if frame.is_event and subscription.wants(Event.from_frame(frame)):
                frames.append(encode_frame(frame.headers, frame.body))
    return frames


def copies_of(frames: list[bytes], copies: int):
    """``copies`` of the frames, each with its own channel UUIDs (same length: Content-Length holds)."""
    calls = b"".join(frames)
    texts, uuids = UUID.split(calls), [found[:24] for found in UUID.findall(calls)]
    for copy in range(copies):
        suffix = f"{copy:012x}".encode()
        pieces = [texts[0]]
        for prefix, rest in zip(uuids, texts[1:]):
            pieces += (prefix, suffix, rest)
        yield b"".join(pieces)


def switch(listening: socket.socket, copies: int, report) -> None:
    """Accept one connection, answer auth and the subscription, then send everything at once."""
    conn, _ = listening.accept()
    conn.sendall(b"Content-Type: auth/request\n\n")
    reader = conn.makefile("rb")
    words = []
    for reply in (b"+OK accepted", b"+OK event listener enabled json"):
        command = reader.readline().split()
        while reader.readline() not in (b"\n", b""):
            pass
        words = [w.decode() for w in command[2:]] if command[:1] == [b"event"] else words
        conn.sendall(b"Content-Type: command/reply\nReply-Text: " + reply + b"\n\n")
    frames = captured_frames(words)
    report.send((len(b"".join(frames)) * copies, len(frames) * copies))
    report.send(time.monotonic())  # CLOCK_MONOTONIC: the same clock in every process
    for chunk in copies_of(frames, copies):
        conn.sendall(chunk)
    report.recv()  # keep the connection open until the listener is done


class Switch:
    """The fake FreeSWITCH process; ``size()`` and ``started()`` come from it."""

    def __init__(self, copies: int):
        self.listening = socket.create_server(("127.0.0.1", 0))
        self.port = self.listening.getsockname()[1]
        self.report, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=switch, args=(self.listening, copies, theirs), daemon=True)
        self.process.start()

    def size(self) -> tuple[int, int]:
        """(bytes, events) it is about to send."""
        return self.report.recv()

    def started(self) -> float:
        return self.report.recv()

    def stop(self) -> None:
        self.report.send("done")
        self.process.join(5)
        self.listening.close()


def bare_reader(copies: int, words: list[str]) -> tuple[float, int]:
    """Seconds for a socket loop that only counts bytes to receive the same stream; events."""
    fake = Switch(copies)
    client = socket.create_connection(("127.0.0.1", fake.port))
    client.recv(4096)
    client.sendall(b"auth ClueCon\n\n")
    client.recv(4096)
    client.sendall(f"event json {' '.join(words)}\n\n".encode())
    client.recv(4096)
    size, events = fake.size()
    started, got = fake.started(), 0
    while got < size:
        got += len(client.recv(1 << 20))
    elapsed = time.monotonic() - started
    client.close()
    fake.stop()
    return elapsed, events


# -- the listener (this process) ----------------------------------------------------------
def rss(pid, field="Rss:") -> int:
    """Resident MB of a process (0 once it has gone); ``Pss:``: shared pages divided among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith(field))
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return 0


class PeakRss(threading.Thread):
    """Peaks of this process, of the record writer process, and of the two together."""

    def __init__(self):
        super().__init__(daemon=True)
        self.main = self.writer = self.together = 0
        self.writer_pid, self.running = None, True

    def run(self):
        while self.running:
            main, writer = rss("self"), rss(self.writer_pid) if self.writer_pid else 0
            self.main, self.writer = max(self.main, main), max(self.writer, writer)
            together = rss("self", "Pss:") + (rss(self.writer_pid, "Pss:") if self.writer_pid else 0)
            self.together = max(self.together, together)
            time.sleep(0.01)


def database():
    name = f"centralka_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name, lambda: _drop(admin, name)


def _drop(admin, name):
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def application(url: str, workdir: str):
    """The app on an emptied database with the captured calls' company in it."""
    from pbx import models
    from pbx.app import create_app
    from pbx.extensions import db

    # Follow-up tasks (uploads, e-mails) are queued on disk, as in production, and not run.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": f"sqlite:///{workdir}/tasks.sqlite3",
                      "STORAGE_DIR": workdir})
    with app.app_context():
        for model in (models.Recording, models.CallLeg, models.QueueEvent, models.CallRecord, models.Tenant):
            db.session.query(model).delete()
        db.session.add(models.Tenant(id=TENANT, name="Captured calls", timezone="Europe/Warsaw"))
        db.session.commit()
    return app


def records(app) -> int:
    from pbx import models
    from pbx.extensions import db

    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(models.CallRecord))
        db.session.rollback()
        return count


def through_listener(copies: int, url: str, workdir: str, events=None, sampler=None) -> dict:
    """Replay ``copies`` calls into a ListenerService; ``events=["ALL"]`` widens its subscription."""
    from pbx.app import create_app
    from pbx.extensions import db
    from pbx.listener_app import ListenerService

    app = application(url, workdir)
    fake = Switch(copies)
    options = {"events": events} if events else {}
    service = ListenerService(app, functools.partial(create_app, dict(app.config)),
                              servers=[("127.0.0.1", fake.port, "ClueCon")],
                              journal_path=os.path.join(workdir, f"journal-{uuid.uuid4().hex}.sqlite3"), **options)
    service.start()
    if sampler is not None:
        sampler.writer_pid = service.writer.pid
    size, count = fake.size()
    started = fake.started()
    listener = service.listener
    while listener.stats()["dispatched"] < count:
        time.sleep(0.002)
    dispatched = time.monotonic() - started
    calls = copies * len(SHAPES)
    while len(service.journal) or records(app) < calls:
        time.sleep(0.01)
    written = time.monotonic() - started
    stats = listener.stats()
    service.stop()
    fake.stop()
    with app.app_context():
        db.engine.dispose()
    return {"events": count, "bytes": size, "calls": records(app), "expected_calls": calls,
            "events_s": dispatched, "written_s": written, "dropped": stats["dropped"],
            "queue_peak": stats["queue_peak"]}


def writer_drain(copies: int, url: str, workdir: str) -> dict:
    """Fill a journal through the handlers (no writer running), then time its drain (here, one process)."""
    from pbx import queues
    from pbx.calls.journal import Journal
    from pbx.esl.listener import EventListener
    from pbx.esl.protocol import Event, FrameParser
    from pbx.extensions import db
    from pbx.listener_app import CallEvents
    from pbx.record_writer import Doorbell, RecordWriter

    app = application(url, workdir)
    journal = Journal(os.path.join(workdir, f"journal-{uuid.uuid4().hex}.sqlite3"))
    handlers = EventListener([], group=journal.group)
    CallEvents(journal, queues.WaitingBoard(), app.config).register(handlers)
    frames = captured_frames(handlers.subscription()[0] + ["CUSTOM"] + handlers.subscription()[1])
    parser = FrameParser()
    for chunk in copies_of(frames, copies):
        handlers.dispatch([Event.from_frame(frame) for frame in parser.feed(chunk)])
    facts = len(journal.take(1 << 30))
    doorbell = Doorbell()
    doorbell.stop()  # write what the journal holds, then return
    started = time.monotonic()
    RecordWriter(app, journal, doorbell).run()
    elapsed = time.monotonic() - started
    doorbell.close()
    journal.close()
    with app.app_context():
        db.engine.dispose()
    return {"facts": facts, "calls": records(app), "expected_calls": copies * len(SHAPES), "seconds": elapsed}


def describe(label: str, result: dict, bare: tuple[float, int]) -> None:
    events_per_s = result["events"] / result["events_s"]
    bare_per_s = bare[1] / bare[0]
    print(f"{label}: {result['events']} events ({result['bytes'] / 1e6:.1f} MB), "
          f"{result['expected_calls']} calls; events dropped: {result['dropped']}, queue peak {result['queue_peak']}")
    print(f"  parsed and dispatched: {events_per_s:9,.0f} events/s   "
          f"(bare socket reader {bare_per_s:,.0f} events/s; ratio {events_per_s / bare_per_s:.3f})")
    print(f"  call records written:  {result['calls'] / result['written_s']:9,.0f} records/s "
          f"({result['calls']} rows in {result['written_s']:.2f} s, until the writer drained)")


def main():
    logging.basicConfig(level=logging.ERROR)
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    production = ["CHANNEL_HANGUP_COMPLETE", "RECORD_STOP", "CUSTOM", "callcenter::info"]
    url, drop = database()
    from flask_migrate import upgrade

    from pbx.app import create_app

    with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
        upgrade()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            every = through_listener(copies, url, workdir, events=["ALL"])
            every_bare = bare_reader(copies, ["ALL"])
            own = through_listener(copies * 5, url, workdir)
            own_bare = bare_reader(copies * 5, production)
            drain = writer_drain(copies * 5, url, workdir)
            sampler = PeakRss()
            sampler.start()
            burst = through_listener(copies * 10, url, workdir, events=["ALL"], sampler=sampler)
            sampler.running = False
            burst_bare = bare_reader(copies * 10, ["ALL"])
    finally:
        drop()
    print(f"machine: {os.cpu_count()} cores; fake FreeSWITCH in its own process")
    describe("ALL stream (subscribed to everything)", every, every_bare)
    describe("production subscription (" + " ".join(production) + ")", own, own_bare)
    print(f"writer drain: {drain['facts']} journaled facts -> {drain['calls']} call records in "
          f"{drain['seconds']:.2f} s: {drain['calls'] / drain['seconds']:,.0f} records/s")
    describe("10x burst, ALL stream", burst, burst_bare)
    print(f"  peak RSS during the 10x burst: listener {sampler.main} MB, its record writer {sampler.writer} MB, "
          f"together {sampler.together} MB")
    lost = [r for r in (every, own, burst) if r["calls"] != r["expected_calls"] or r["dropped"]]
    lost += [drain] if drain["calls"] != drain["expected_calls"] else []
    print("nothing lost, nothing doubled" if not lost else f"MISMATCH: {lost}")


if __name__ == "__main__":
    main()
