"""Call routing while the panel is busy: dialplan p99 with 8 slow clients (trickling request
bodies, 4 to the panel and 4 to the switch endpoint) and 4 heavy panel requests running, against
the same dialplan load alone, printed as a ratio (target ≤ 1.5).

Layouts:
  single  - one gunicorn with 2 sync workers serving the panel and /xml_curl on one port (the
            server ``centralka serve`` ran before the switch endpoint had a server of its own);
  split   - ``centralka panel`` and ``centralka switch-endpoint`` with their default settings, as
            ``centralka serve`` runs them.

The data: the demo company (its published scenario) on SQLite in a temporary instance folder.
The dialplan load asks, like mod_xml_curl with its 3 s timeout, for the demo main number from
4 clients, one connection per request. The heavy panel requests repeat a one-year schedule
preview at 30 min, the longest preview accepted (10 days at 30 min) and the calls CSV export.
``--code DIR`` runs the single server from another checkout (e.g. an export of an older commit).

    .venv/bin/python bench/routing_isolation.py [--layout split|single|both] [--seconds 30] [--rounds 3] [--code DIR]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from flask import current_app

from tests.support.services import free_port, wait_port  # noqa: E402

BIN = REPO / ".venv" / "bin"
SWITCH_PASSWORD = "bench-switch-password"
SWITCH_HEADERS = {"Content-Type": "application/x-www-form-urlencoded",
                  "Authorization": "Basic " + base64.b64encode(f"freeswitch:{SWITCH_PASSWORD}".encode()).decode()}
TIMEOUT = 3.0  # mod_xml_curl's timeout in freeswitch/autoload_configs/xml_curl.conf.xml
DIALPLAN = urllib.parse.urlencode({
    "section": "dialplan", "Hunt-Context": "public", "Hunt-Destination-Number": "+48221000000",
    "Caller-Caller-ID-Number": "601000999", "Unique-ID": "00000000-0000-4000-8000-000000000001"}).encode()


def http(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None,
         timeout: float = TIMEOUT) -> tuple[int, bytes]:
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
            f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.settimeout(timeout)
        conn.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + body)
        chunks = []
        while data := conn.recv(65536):
            chunks.append(data)
    reply = b"".join(chunks)
    if not reply.startswith(b"HTTP/"):
        raise ConnectionError("no reply")
    return int(reply.split(b" ", 2)[1]), reply.partition(b"\r\n\r\n")[2]


# --- the stack ----------------------------------------------------------------------------

def prepare(instance: Path) -> dict:
    env = {**os.environ, "CENTRALKA_INSTANCE": str(instance), "CENTRALKA_SHOW_LOGIN_CODES": "0",
           "CENTRALKA_SWITCH_SYNC_ON_COMMIT": "0", "CENTRALKA_ESL_SERVERS": "127.0.0.1:1:none",
           "CENTRALKA_SECRET_KEY": "bench", "CENTRALKA_XML_CURL_USER": "freeswitch",
           "CENTRALKA_XML_CURL_PASSWORD": SWITCH_PASSWORD}
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([str(BIN / "centralka"), *args], env=env, check=True, capture_output=True)
    return env


@contextmanager
def servers(layout: str, env: dict, code: Path = REPO):
    """Yields (panel port, switch endpoint port); the same port twice for the single server."""
    panel, switch = free_port(), free_port()
    if layout == "single":
        commands = [[str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{panel}", "--timeout", "30",
                     "--no-control-socket", "--chdir", str(code), "pbx.app:create_app()"]]
        env = {**env, "PYTHONPATH": str(code)}
        switch = panel
    else:
        commands = [[str(BIN / "centralka"), "panel", "--bind", f"127.0.0.1:{panel}"],
                    [str(BIN / "centralka"), "switch-endpoint", "--bind", f"127.0.0.1:{switch}", "--workers", "2"]]
    log = open(Path(env["CENTRALKA_INSTANCE"]) / f"{layout}.log", "wb")
    processes = [subprocess.Popen(c, env=env, stdout=log, stderr=subprocess.STDOUT) for c in commands]
    try:
        wait_port(panel, 60)
        wait_port(switch, 60)
        assert b"<extension" in http(switch, "POST", "/xml_curl", DIALPLAN, SWITCH_HEADERS,
                                     timeout=30)[1], "no dialplan for the demo number"
        yield panel, switch
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(30)


def session_cookie(panel: int, env: dict) -> str:
    """Signs the demo admin in: a one-time code made in this process, verified over HTTP."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("CENTRALKA_")})
    from pbx import auth
    from pbx.app import create_app
    from pbx.demo import DEMO_ADMIN_EMAIL

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{env['CENTRALKA_INSTANCE']}/centralka.sqlite3",
                      "SHOW_LOGIN_CODES": False, "SWITCH_SYNC_ON_COMMIT": False})
    with app.app_context():
        code = auth.request_code(DEMO_ADMIN_EMAIL, current_app.config)
    body = json.dumps({"email": DEMO_ADMIN_EMAIL, "code": code}).encode()
    with socket.create_connection(("127.0.0.1", panel), timeout=30) as conn:
        conn.sendall(b"POST /api/auth/verify HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                     b"application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        reply = b""
        while data := conn.recv(65536):
            reply += data
    cookies = [line.split(b":", 1)[1].split(b";")[0].strip().decode()
               for line in reply.split(b"\r\n") if line.lower().startswith(b"set-cookie:")]
    assert cookies, reply[:300]
    return "; ".join(cookies)


# --- the load -----------------------------------------------------------------------------

def dialplan_load(port: int, seconds: float, clients: int = 4) -> list[float]:
    """Latencies of dialplan requests; a failure or timeout counts as the full 3 s."""
    latencies, stop = [], time.monotonic() + seconds

    def client():
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, body = http(port, "POST", "/xml_curl", DIALPLAN, SWITCH_HEADERS)
                took = time.perf_counter() - started if status == 200 and b"<extension" in body else TIMEOUT
            except OSError:
                took = TIMEOUT
            latencies.append(min(took, TIMEOUT))
            time.sleep(0.02)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


class Disturbance:
    """8 slow clients (a byte of body every 0.5 s) and 4 heavy panel requests, until stopped."""

    def __init__(self, panel: int, switch: int, cookie: str):
        self.panel, self.switch, self.cookie = panel, switch, cookie
        self.stopping, self.heavy_done, self.slow_cut = threading.Event(), [], 0
        def preview(start, end):
            return "/api/schedule-preview?" + urllib.parse.urlencode(
                {"number": "+48221000000", "from": start, "to": end, "step": "30m"})
        # A year (refused once bounded), the longest range accepted, and the calls export.
        self.heavy_paths = [preview("2026-01-01", "2026-12-31"), preview("2026-12-01", "2026-12-10"),
                            "/api/calls.csv"]
        self.threads = ([threading.Thread(target=self._slow, args=(port, path), daemon=True)
                         for port, path in [(panel, "/api/auth/code")] * 4 + [(switch, "/xml_curl")] * 4]
                        + [threading.Thread(target=self._heavy, args=(i,), daemon=True) for i in range(4)])

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(2)  # every slow client connected and trickling
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:  # the heavy requests in flight end before the next quiet round
            thread.join(60)

    def _slow(self, port: int, path: str) -> None:
        while not self.stopping.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                    conn.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                 f"Content-Length: 10000\r\n\r\n".encode())
                    while not self.stopping.wait(0.5):
                        conn.sendall(b" ")
            except OSError:
                self.slow_cut += 1  # the server gave up on it: connect again
                time.sleep(0.1)

    def _heavy(self, index: int) -> None:
        for turn in range(10**6):
            if self.stopping.is_set():
                return
            path = self.heavy_paths[(index + turn) % len(self.heavy_paths)]
            started = time.perf_counter()
            try:
                status, _ = http(self.panel, "GET", path, headers={"Cookie": self.cookie}, timeout=60)
            except OSError:
                status = 0
            self.heavy_done.append((path, status, time.perf_counter() - started))


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def measure(layout: str, env: dict, seconds: float, code: Path, rounds: int) -> dict:
    """Quiet and busy rounds alternate, so that a drifting background load weighs on both alike."""
    alone, busy, cut, heavy = [], [], 0, {}
    with servers(layout, env, code) as (panel, switch):
        cookie = session_cookie(panel, env)
        dialplan_load(switch, 2)  # warm every worker
        for _ in range(rounds):
            alone += dialplan_load(switch, seconds / rounds)
            with Disturbance(panel, switch, cookie) as disturbance:
                busy += dialplan_load(switch, seconds / rounds)
            cut += disturbance.slow_cut
            for path, status, took in disturbance.heavy_done:
                heavy.setdefault(f"{path.split('?')[0]} {status}", []).append(took)
    return {"layout": layout, "alone": alone, "busy": busy, "slow_cut": cut,
            "heavy": {k: (len(v), max(v)) for k, v in heavy.items()}}


def report(result: dict) -> None:
    alone, busy = result["alone"], result["busy"]
    print(f"\n== {result['layout']} ==")
    for name, values in (("alone", alone), ("busy", busy)):
        print(f"  dialplan {name:5}: {len(values):5d} requests, p50 {statistics.median(values) * 1000:7.1f} ms, "
              f"p99 {p99(values) * 1000:7.1f} ms, failed/timed out {sum(v >= TIMEOUT for v in values)}")
    print(f"  p99 ratio busy/alone: {p99(busy) / p99(alone):.2f}  (target <= 1.5)")
    print(f"  slow clients cut off by the server: {result['slow_cut']}")
    for what, (count, longest) in sorted(result["heavy"].items()):
        print(f"  heavy {what}: {count} done, longest {longest:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layout", choices=["split", "single", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=30.0, help="of each load, quiet and busy")
    parser.add_argument("--rounds", type=int, default=3, help="quiet and busy rounds, alternating")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout the single server runs from")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="centralka-bench-") as folder:
        env = prepare(Path(folder))
        for layout in (["single", "split"] if args.layout == "both" else [args.layout]):
            report(measure(layout, env, args.seconds, args.code, args.rounds))


if __name__ == "__main__":
    main()
