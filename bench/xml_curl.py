"""Benchmark of the mod_xml_curl endpoint as FreeSWITCH uses it.

gunicorn with 2 sync workers serves Centralka over a temporary PostgreSQL database
(127.0.0.1:5432, user postgres, trust auth) holding 1,000 companies, each with a
published 50-node scenario. A separate load process posts the captured transfer
request (xml_curl_dialplan_transfer_menu_1.txt) with the context and destination
of a random company, one TCP connection per request as mod_xml_curl does. The same
gunicorn stack answering a constant pre-built reply of the same size is the baseline.
Last, how long a committed revision announcement takes to reach a worker's listening thread.

    .venv/bin/python bench/xml_curl.py [--tenants 1000] [--requests 30000] [--rounds 6]
"""
from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from flask import current_app

from tests.support.services import free_port, wait_port  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "freeswitch" / "xml_curl_dialplan_transfer_menu_1.txt"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
WEEK = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}
SCENARIO_NODES = 50


# --- the companies -------------------------------------------------------------------------

def scenario_tree(users: list, group, box, prompts: list) -> dict:
    """A 50-node scenario: schedule, main menu, per-option forwards, a sub-menu, voicemail."""
    ids = itertools.count(1)

    def node(kind: str, **fields) -> dict:
        return {"id": f"n{next(ids)}", "kind": kind, **fields}

    def say(next_node: dict) -> dict:
        return node("announcement", prompt=prompts[0].id, next=next_node)

    forwards = {str(k): node("forward", target={"user": users[k % len(users)].id}, ring_seconds=20,
                             no_answer=node("voicemail", box=box.id)) for k in range(1, 8)}
    sub_menu = node("menu", prompt=prompts[1].id, options={
        str(k): say(node("hangup")) for k in range(1, 10)}, no_input=node("hangup"), invalid=node("hangup"))
    main_menu = node("menu", prompt=prompts[1].id, repeat=2, timeout_seconds=5, direct_dial=True, options={
        **forwards,
        "8": node("forward", target={"group": group.id}, ring_seconds=30, queue={"max_wait_seconds": 120},
                  no_answer=node("voicemail", box=box.id)),
        "9": sub_menu,
    }, no_input=node("forward", target={"group": group.id}, ring_seconds=30,
                     no_answer=node("voicemail", box=box.id)), invalid=node("hangup"))
    tree = node("schedule", week=WEEK, holidays="pl", open=say(main_menu),
                closed=say(node("voicemail", box=box.id)))
    padding = SCENARIO_NODES - (next(ids) - 1)
    for _ in range(padding):  # lengthen the closed branch up to exactly 50 nodes
        tree["closed"] = say(tree["closed"])
    return {"name": "Bench", "root": tree}


def add_company(index: int) -> None:
    from pbx import directory, scenarios
    from pbx.audit import acting_as

    with acting_as("bench"):
        tenant = directory.create_tenant({"name": f"Bench {index:04d}"})
        users = [directory.add_user(tenant, {
            "first_name": "User", "last_name": f"{k}", "phone": f"+48500{index:03d}{k:03d}",
            "email": f"u{k}@t{index}.example", "extension": f"{100 + k}"}) for k in range(1, 9)]
        group = directory.add_group(tenant, {"name": "Sales", "ring_mode": "sequential", "extension": "200",
                                             "members": [{"user_id": u.id, "ring_seconds": 20} for u in users[:3]]})
        prompts = [directory.add_announcement(tenant, {"name": f"Prompt {k}", "text": "Dzień dobry."})
                   for k in range(2)]
        box = directory.add_voicemail_box(tenant, {"name": "Box", "recipient_ids": [users[0].id]})
        number = directory.add_main_number(tenant, {"number": f"+4822{2000000 + index}", "is_primary": True})
        scenario = scenarios.scenario_for(tenant, number, create=True)
        scenarios.save_draft(scenario, scenario_tree(users, group, box, prompts))
        scenarios.publish(scenario, current_app.config)


def populate(url: str, tenants: int) -> tuple[list[tuple[int, str]], bytes]:
    """Create the companies; returns (tenant id, destination) pairs and one tenant document."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from pbx import company_dialplan, models
    from pbx.app import create_app
    from pbx.extensions import db
    from xml_curl.documents import compact
    from xml_curl.hunts import ContextReplies

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False})
    with app.app_context():
        upgrade()
        for index in range(tenants):
            add_company(index)
            db.session.commit()
        rows = db.session.execute(select(models.MainNumber.tenant_id, models.MainNumber.id)).all()
        targets = [(tenant_id, f"main_{number_id}") for tenant_id, number_id in rows]
        # the bytes the endpoint serves a hunt of the main number's entry (bench/hunts.py: per call)
        built = company_dialplan.tenant_build(targets[0][0], current_app.config)
        sample = ContextReplies(compact(built.document), built.gates).reply(targets[0][1])
        db.engine.dispose()
    app.extensions["xml_curl"].sections["dialplan"].store.close()
    return targets, sample


@contextmanager
def temporary_database():
    from sqlalchemy import create_engine, text

    name = f"centralka_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the servers ---------------------------------------------------------------------------

def constant_app():
    """The baseline: the same Flask app, answering a pre-built reply without any work."""
    from flask import Response, request

    from pbx.app import create_app

    app = create_app()
    reply = Path(os.environ["CENTRALKA_BENCH_REPLY"]).read_bytes()

    @app.post("/constant")
    def constant():
        request.get_data()
        return Response(reply, mimetype="text/xml")

    return app


@contextmanager
def gunicorn(app_spec: str, env: dict):
    port = free_port()
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--chdir", str(REPO), "--log-level", "warning", "--backlog", "2048", app_spec],
        env={**os.environ, **env})
    try:
        wait_port(port, 30)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- the load ------------------------------------------------------------------------------

def requests_for(targets: list[tuple[int, str]], path: str, port: int) -> list[bytes]:
    """The captured transfer re-fetch, re-addressed to each company, as raw HTTP requests."""
    raw = FIXTURE.read_bytes().split(b"exactly as received) ---\n", 1)[1].split(b"\n", 1)[0]
    built = []
    for tenant_id, destination in targets:
        body = re.sub(rb"(^|&)Hunt-Context=[^&]*", rb"\1Hunt-Context=tenant_%d" % tenant_id, raw)
        body = re.sub(rb"(^|&)Hunt-Destination-Number=[^&]*",
                      rb"\1Hunt-Destination-Number=" + destination.encode(), body)
        built.append(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: freeswitch-xml/1.0\r\n"
            f"Accept: */*\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return built


def _one(port: int, request: bytes) -> bool:
    with socket.socket() as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.connect(("127.0.0.1", port))
        conn.sendall(request)
        first = conn.recv(65536)
        while conn.recv(65536):
            pass
    return first.startswith(b"HTTP/1.1 200")


def _load(port, requests, count, seconds, concurrency, results) -> None:
    """Runs in its own process: `concurrency` client threads until `count` requests or `seconds`."""
    issued = itertools.count()
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures = itertools.count()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while next(issued) < count and time.monotonic() < deadline:
            started = time.perf_counter()
            ok = _one(port, rng.choice(requests))
            latencies.append(time.perf_counter() - started)
            if not ok:
                next(failures)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((latencies, time.perf_counter() - started, next(failures)))


def measure(port: int, requests: list[bytes], count: int, seconds: float, concurrency: int):
    """Latencies of up to `count` requests from a separate load process, and its elapsed time."""
    results = multiprocessing.Queue()
    loader = multiprocessing.Process(target=_load, args=(port, requests, count, seconds, concurrency, results))
    loader.start()
    latencies, elapsed, failures = results.get()
    loader.join()
    return latencies, elapsed, failures


def announcement_delays(url: str, count: int = 300) -> dict[str, list[float]]:
    """Seconds from a committed NOTIFY to a worker's listening thread having recorded it, with the
    worker idle and with another thread busy holding the GIL (as a worker compiling or serving)."""
    import psycopg

    from xml_curl.revisions import CHANNEL, Revisions

    revisions = Revisions(url, 2)
    revisions.current(0)
    while not revisions.connected:
        time.sleep(0.01)
    delays = {"idle": [], "busy": []}
    with psycopg.connect(url, autocommit=True) as publisher:
        for revision in range(1, 2 * count + 1):
            mode = "idle" if revision <= count else "busy"
            publisher.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"0:{revision}"))
            committed = time.perf_counter()
            while revisions.current(0) != revision:
                if mode == "idle":
                    time.sleep(0.00005)
                else:
                    sum(range(200))
            delays[mode].append(time.perf_counter() - committed)
            time.sleep(0.01)
    revisions.close()
    return delays


def summary(latencies: list[float], elapsed: float, failures: int) -> dict:
    cuts = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50_ms": cuts[49] * 1000,
            "p99_ms": cuts[98] * 1000, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30000, help="per server, over all rounds")
    parser.add_argument("--seconds", type=float, default=60, help="at most, per server")
    parser.add_argument("--rounds", type=int, default=6,
                        help="measurements alternate between the servers, so a noisy neighbour hits both")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup-passes", type=int, default=8,
                        help="requests per company before measuring, so both workers have compiled it")
    args = parser.parse_args()

    with temporary_database() as url:
        started = time.monotonic()
        targets, sample = populate(url, args.tenants)
        print(f"{len(targets)} companies with published {SCENARIO_NODES}-node scenarios in "
              f"{time.monotonic() - started:.0f} s; reply {len(sample)} bytes")
        reply = REPO / "instance" / "bench_constant_reply.xml"
        reply.parent.mkdir(exist_ok=True)
        reply.write_bytes(sample)
        env = {"CENTRALKA_DATABASE_URL": url, "CENTRALKA_XML_CURL_PASSWORD": "", "CENTRALKA_BENCH_REPLY": str(reply)}
        with gunicorn("bench.xml_curl:constant_app()", env) as base_port, gunicorn("pbx.wsgi:switch_endpoint()", env) as port:
            servers = {"baseline": requests_for(targets, "/constant", base_port),
                       "xml_curl": requests_for(targets, "/xml_curl", port)}
            ports = {"baseline": base_port, "xml_curl": port}
            for name, requests in servers.items():
                passes = requests * args.warmup_passes
                measure(ports[name], passes, len(passes), 600, args.concurrency)
            pooled = {name: ([], 0.0, 0) for name in servers}
            for _ in range(args.rounds):
                for name, requests in servers.items():
                    latencies, elapsed, failures = measure(ports[name], requests, args.requests // args.rounds,
                                                           args.seconds / args.rounds, args.concurrency)
                    before = pooled[name]
                    pooled[name] = (before[0] + latencies, before[1] + elapsed, before[2] + failures)
        reply.unlink()
        delays = announcement_delays(url)
    measured = {name: summary(*values) for name, values in pooled.items()}
    for name, m in measured.items():
        print(f"{name:9} {m['requests']:6d} requests  {m['rps']:7.0f} req/s  p50 {m['p50_ms']:5.2f} ms  "
              f"p99 {m['p99_ms']:5.2f} ms  failures {m['failures']}")
    print(f"ratio xml_curl / baseline: {measured['xml_curl']['rps'] / measured['baseline']['rps']:.2f}")
    for mode, seconds in delays.items():
        cuts = statistics.quantiles(seconds, n=100)
        print(f"publish -> worker knows ({mode} worker): p50 {cuts[49] * 1000:.2f} ms  p99 {cuts[98] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
