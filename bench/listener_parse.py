"""Event Socket parse + dispatch speed over loopback, against a bare socket reader.

Replays the concatenated captured event streams many times at full speed and
prints events/s for: a reader that only counts bytes; the EventListener with a
handler reading a few headers (what a CDR writer does); the same with every
header decoded. Also peak RSS. Run: .venv/bin/python bench/listener_parse.py [rounds]
"""
import resource
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pbx.esl.listener import EventListener  # noqa: E402
from tests.support.esl_server import FakeFreeSwitch  # noqa: E402
from tests.support.captured import event_frames, event_stream_files  # noqa: E402


def stream(fmt):
    frames = [f for name in event_stream_files(fmt) for f in event_frames(name)]
    return b"".join(frames), len(frames)


def bare_reader(data, rounds):
    """Bytes/s a reader that does nothing gets over the same loopback path."""
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    peer, _ = server.accept()
    sender = threading.Thread(target=lambda: (peer.sendall(data * rounds), peer.close()))
    started = time.perf_counter()
    sender.start()
    while client.recv(256 * 1024):
        pass
    elapsed = time.perf_counter() - started
    sender.join()
    client.close()
    server.close()
    return elapsed


def through_listener(fmt, data, count, rounds, handler):
    fake = FakeFreeSwitch().start()
    listener = EventListener([(*fake.address, "ClueCon")], events=["ALL"], fmt=fmt,
                             queue_size=100000, stats_interval=3600)
    done = threading.Event()
    total = count * rounds
    seen = [0]

    def on_event(event):
        handler(event)
        seen[0] += 1
        if seen[0] == total:
            done.set()
    listener.on("*", handler=on_event)
    listener.start()
    listener.wait_connected()
    fake.wait_subscribed()
    conn = fake.subscribed()[0]
    started = time.perf_counter()
    conn.send(data * rounds)
    done.wait(300)
    elapsed = time.perf_counter() - started
    stats = listener.stats()
    listener.stop()
    fake.stop()
    return elapsed, stats


def few_headers(event):
    event.get("Unique-ID"), event.get("Caller-Caller-ID-Number"), event.variable("hangup_cause")


def all_headers(event):
    event.headers  # noqa: B018


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for fmt in ("plain", "json"):
        data, count = stream(fmt)
        total = count * rounds
        bare = bare_reader(data, rounds)
        print(f"{fmt}: {total} events, {len(data) * rounds / 1e6:.1f} MB per run")
        print(f"  bare socket reader      {total / bare:10.0f} events/s")
        for label, handler in (("name only", lambda e: e.name), ("3 headers", few_headers),
                               ("all headers decoded", all_headers)):
            elapsed, stats = through_listener(fmt, data, count, rounds, handler)
            print(f"  listener, {label:20s}{total / elapsed:8.0f} events/s"
                  f"  (x{elapsed / bare:.1f} the bare reader; dropped {stats['dropped']},"
                  f" queue peak {stats['queue_peak']})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
