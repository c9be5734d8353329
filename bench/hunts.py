"""What each dialplan hunt costs: the whole company context per hunt against the extensions its
destination can reach (xml_curl.hunts), in bytes and in serving time, measured in the same run.

One company as bench/xml_curl.py makes them (a published 50-node scenario, 8 users, a group, a
voicemail box) in a temporary SQLite database. Calls are played by the simulator through the
endpoint, hunt by hunt, as FreeSWITCH would fetch them: the bytes of every reply are summed per
call, against the whole context at every hunt (what was served before). Then the same hunts are
posted to the endpoint again and again, alternately served per destination and whole, and the
median times compared. No FreeSWITCH runs here: what its XML parser saves is not measured.

    .venv/bin/python bench/hunts.py [--rounds 7] [--requests 400]
"""
from __future__ import annotations

import argparse
import importlib.util
import logging
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FORM = "application/x-www-form-urlencoded"
FIXTURES = REPO / "tests" / "fixtures" / "freeswitch"
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
SUNDAY_10 = datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
# (label, moment, keys pressed): the scenario's main paths.
CALLS = [("option 1, a user", MONDAY_10, [(3.0, "1")]), ("option 8, the group", MONDAY_10, [(3.0, "8")]),
         ("sub-menu 9, option 2", MONDAY_10, [(3.0, "9"), (9.0, "2")]), ("no key", MONDAY_10, []),
         ("direct dial 103", MONDAY_10, [(3.0, "103")]), ("closed: voicemail", SUNDAY_10, [])]


def captured_body(name: str) -> bytes:
    """The first request of a capture file, as FreeSWITCH posted it."""
    return (FIXTURES / name).read_bytes().split(b"--- RAW BODY", 1)[1].split(b"\n", 2)[1]


def with_fields(body: bytes, changes: dict[str, str]) -> bytes:
    for name, value in changes.items():
        body = re.sub(rb"(^|&)" + re.escape(name.encode()) + rb"=[^&]*",
                      lambda m: m.group(1) + name.encode() + b"=" + quote_plus(value).encode(), body)
    return body


def bench_companies():
    """bench/xml_curl.py's company maker (loaded by path: its name is also our xml_curl package's)."""
    spec = importlib.util.spec_from_file_location("bench_xml_curl", REPO / "bench" / "xml_curl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_app(folder: str):
    from flask_migrate import upgrade

    from pbx.app import create_app
    from pbx.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                      "TASK_QUEUE_URL": "memory", "SHOW_LOGIN_CODES": False, "SECRET_KEY": "bench",
                      "XML_CURL_USER": "", "XML_CURL_PASSWORD": "", "SWITCH_SYNC_ON_COMMIT": False,
                      "XML_CURL_LAST_GOOD_PATH": f"{folder}/last-good.sqlite3", "XML_CURL_BUDGET_MS": 5000})
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' progress
        upgrade()
        logging.disable(logging.NOTSET)
        bench_companies().add_company(0)
        db.session.commit()
    return app


def play(client, moment, keys) -> list[tuple[str, str, int]]:
    """One carrier call through the endpoint: (context, destination, reply bytes) per hunt."""
    from pbx.simulator import World, simulate

    hunts = []

    def fetch(form):
        response = client.post("/xml_curl", data=urlencode(form), content_type=FORM)
        hunts.append((form["Hunt-Context"], form["Hunt-Destination-Number"], len(response.data)))
        return response.data

    world = World(start=moment, destination="48222000000", keypresses=list(keys))
    queues = client.post("/xml_curl", data=captured_body("xml_curl_configuration_callcenter.txt"), content_type=FORM)
    simulate(fetch, world, context="public", callcenter_conf=queues.data)
    return hunts


def whole_context(app, tenant_hunts) -> int:
    context, destination, _ = tenant_hunts[0]
    dialplans = app.extensions["xml_curl"].sections["dialplan"]
    tenant_id = int(context.removeprefix("tenant_"))
    return len(dialplans.cache.get(("hunts", tenant_id), dialplans.store.tenant(tenant_id).revision).document)


def timed(client, bodies: list[bytes]) -> float:
    """Median microseconds per request over the bodies."""
    times = []
    for body in bodies:
        start = time.perf_counter()
        client.post("/xml_curl", data=body, content_type=FORM)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def serving_times(client, hunts, rounds: int, requests: int) -> tuple[float, float, float]:
    """Median µs per request: per destination, whole context (as before), and a cut that is not cached."""
    from xml_curl.dialplan import DialplanCache

    transfer = captured_body("xml_curl_dialplan_transfer_menu_1.txt")
    bodies = [with_fields(transfer, {"Hunt-Context": c, "Hunt-Destination-Number": d}) for c, d, _ in hunts]
    bodies = (bodies * (requests // len(bodies) + 1))[:requests]
    cut = DialplanCache.reply
    per_destination, whole = [], []
    for _ in range(rounds):
        per_destination.append(timed(client, bodies))
        # What every hunt got before: the company's whole compiled context, from memory.
        DialplanCache.reply = lambda self, context, destination, revision, replies: replies.document
        try:
            whole.append(timed(client, bodies))
        finally:
            DialplanCache.reply = cut
    return statistics.median(per_destination), statistics.median(whole), uncached_cut(client, hunts)


def uncached_cut(client, hunts) -> float:
    """Median µs to cut one reply from the company's context (the first hunt of a destination)."""
    dialplans = client.application.extensions["xml_curl"].sections["dialplan"]
    context = hunts[0][0]
    tenant_id = int(context.removeprefix("tenant_"))
    replies = dialplans.cache.get(("hunts", tenant_id), dialplans.store.tenant(tenant_id).revision)
    times = []
    for _ in range(50):
        for _, destination, _ in hunts:
            start = time.perf_counter()
            replies.reply(destination)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        client = app.test_client()
        every = []
        print(f"{'call':<24}{'hunts':>6}{'per destination':>17}{'whole context':>15}{'ratio':>7}")
        for label, moment, keys in CALLS:
            hunts = [h for h in play(client, moment, keys) if h[0] != "public"]
            whole = whole_context(app, hunts) * len(hunts)
            served = sum(size for _, _, size in hunts)
            every += hunts
            print(f"{label:<24}{len(hunts):>6}{served:>15} B{whole:>13} B{served / whole:>7.3f}")
        document = whole_context(app, every)
        sizes = sorted(size for _, _, size in every)
        print(f"\nwhole context {document} B per hunt; replies per destination: median {statistics.median(sizes):.0f} B,"
              f" largest {sizes[-1]} B, over {len(every)} tenant hunts of {len(CALLS)} calls")
        cut, whole, uncached = serving_times(client, every, args.rounds, args.requests)
        print(f"serving a tenant hunt (Flask test client, median of {args.rounds} rounds × {args.requests}):"
              f" per destination {cut:.0f} µs, whole context {whole:.0f} µs, ratio {cut / whole:.2f};"
              f" cutting a reply not yet cached {uncached:.0f} µs")


if __name__ == "__main__":
    main()
