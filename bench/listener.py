"""Listener throughput: the captured calls replayed at full speed over a loopback socket.

Each copy of the five captured call shapes gets fresh UUIDs. The bytes go through the real
ESL client, parser and dispatcher into the listener's handlers, journal and record writer,
which write call records to a throw-away PostgreSQL database. The same bytes are also read by
a bare socket reader, for the ratio. Run: ``.venv/bin/python bench/listener.py [copies]``.
"""
from __future__ import annotations

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
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "freeswitch"
ADMIN_URL = os.environ.get("CENTRALKA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def event_frames(shape: str) -> list[bytes]:
    from pbx.esl.protocol import FrameParser, encode_frame

    frames = FrameParser().feed((FIXTURES / f"esl_events_json_{shape}.txt").read_bytes())
    return [encode_frame(frame.headers, frame.body) for frame in frames if frame.is_event]


def stream(copies: int):
    """``copies`` of every shape, each copy with its own channel UUIDs, produced as sent."""
    # Split once around the UUIDs; a copy is then one join (same length: Content-Length holds).
    calls = b"".join(b"".join(event_frames(shape)) for shape in SHAPES)
    texts, uuids = UUID.split(calls), [found[:24] for found in UUID.findall(calls)]
    for copy in range(copies):
        suffix = f"{copy:012x}".encode()
        pieces = [texts[0]]
        for prefix, text in zip(uuids, texts[1:]):
            pieces += (prefix, suffix, text)
        yield b"".join(pieces)


def stream_size(copies: int) -> tuple[int, int]:
    """(bytes, events) of ``stream(copies)``."""
    one = sum(len(b"".join(event_frames(shape))) for shape in SHAPES)
    return one * copies, sum(len(event_frames(shape)) for shape in SHAPES) * copies


class Blaster:
    """A minimal event socket: accepts auth and a subscription, then sends the stream at once."""

    def __init__(self, payload):
        self.payload = payload
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sent_at = None
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        conn, _ = self.server.accept()
        conn.sendall(b"Content-Type: auth/request\n\n")
        reader = conn.makefile("rb")
        for reply in (b"+OK accepted", b"+OK event listener enabled json"):
            while reader.readline() not in (b"\n", b""):
                pass
            conn.sendall(b"Content-Type: command/reply\nReply-Text: " + reply + b"\n\n")
        self.sent_at = time.perf_counter()
        for chunk in self.payload:
            conn.sendall(chunk)
        time.sleep(3600)


def bare_reader(copies: int) -> float:
    """Seconds for a plain socket loop to receive the same bytes."""
    size, _ = stream_size(copies)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def send():
        conn = server.accept()[0]
        for chunk in stream(copies):
            conn.sendall(chunk)

    threading.Thread(target=send, daemon=True).start()
    client = socket.create_connection(("127.0.0.1", port))
    start, got = time.perf_counter(), 0
    while got < size:
        got += len(client.recv(1 << 20))
    elapsed = time.perf_counter() - start
    client.close()
    server.close()
    return elapsed


class PeakRss(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def run(self):
        while self.running:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        self.peak = max(self.peak, int(line.split()[1]) // 1024)
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


def run(copies: int, url: str, workdir: str) -> dict:
    from pbx import models
    from pbx.app import create_app
    from pbx.extensions import db
    from pbx.listener_app import ListenerService

    size, events = stream_size(copies)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "STORAGE_DIR": workdir})
    with app.app_context():
        db.session.query(models.CallLeg).delete()
        db.session.query(models.QueueEvent).delete()
        db.session.query(models.CallRecord).delete()
        db.session.commit()
    blaster = Blaster(stream(copies))
    service = ListenerService(app, servers=[("127.0.0.1", blaster.port, "ClueCon")],
                              journal_path=os.path.join(workdir, f"journal-{copies}.sqlite3"))
    service.start()
    listener = service.listener
    while listener.stats()["dispatched"] < events:
        time.sleep(0.005)
    dispatched_at = time.perf_counter()
    calls = copies * len(SHAPES)
    with app.app_context():
        while db.session.scalar(select(func.count()).select_from(models.CallRecord)) < calls:
            db.session.rollback()
            time.sleep(0.02)
    written_at = time.perf_counter()
    stats = listener.stats()
    service.stop()
    with app.app_context():
        db.engine.dispose()
    return {"events": events, "calls": calls, "bytes": size, "dropped": stats["dropped"],
            "events_per_s": events / (dispatched_at - blaster.sent_at),
            "records_per_s": calls / (written_at - blaster.sent_at),
            "bare_s": bare_reader(copies)}


def main():
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    url, drop = database()
    from flask_migrate import upgrade

    from pbx.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            steady = run(copies, url, workdir)
            sampler = PeakRss()
            sampler.start()
            burst = run(copies * 10, url, workdir)
            sampler.running = False
    finally:
        drop()
    for label, result in (("steady", steady), ("10x burst", burst)):
        bare_events = result["events"] / result["bare_s"]
        print(f"{label}: {result['events']} events ({result['bytes'] / 1e6:.1f} MB), {result['calls']} calls")
        print(f"  parsed and dispatched: {result['events_per_s']:,.0f} events/s "
              f"(bare socket reader: {bare_events:,.0f} events/s; ratio {result['events_per_s'] / bare_events:.3f})")
        print(f"  call records written:  {result['records_per_s']:,.0f} records/s; events dropped: {result['dropped']}")
    print(f"peak RSS during the 10x burst: {sampler.peak} MB")


if __name__ == "__main__":
    main()
