"""What a "Call a server" node's hunt costs the switch endpoint beyond the server's own time: the
ASK reply (resolve and check the address, sign, connect, send, read, check the signature and the
answer, build the extension) against a server on 127.0.0.1 that answers at once, measured against
a bare POST of the same request to the same server with http.client, in the same run. Both are
repeated; the medians are compared.

    .venv/bin/python bench/server_call.py [--rounds 500]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def median_seconds(run, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500)
    rounds = parser.parse_args().rounds

    import http.client
    import json
    from urllib.parse import urlsplit

    from tests.support.company_server import CompanyServer
    from tests.support.compiler import compiled, hangup
    from xml_curl.asking import Asker
    from xml_curl.asking import payload
    from xml_curl.request import CurlRequest

    key = "k" * 64
    server = CompanyServer(key)
    try:
        root = {"id": "router", "kind": "server", "url": server.url, "timeout_ms": 2000,
                "answers": {"sales": hangup("to_sales")}, "fallback": hangup("no_server")}
        built = compiled(root)
        spec = built.meta["asks"][0]
        asker = Asker({"SERVER_CALL_LIMIT_MS": 2500, "SERVER_CALL_LOOPBACK_HTTP": True}, lambda _: key)
        asked = CurlRequest(section="dialplan", context="tenant_3", destination=spec["ask"], caller="48601000999",
                            call_uuid="bench", path=";router")
        parts = urlsplit(server.url)
        body = json.dumps(payload(spec, asked)).encode()

        def bare():
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("POST", parts.path, body, {"Content-Type": "application/json"})
            connection.getresponse().read()
            connection.close()

        bare_time = median_seconds(bare, rounds)
        ask = median_seconds(lambda: asker.reply(spec, asked, 3, time.monotonic()), rounds)
    finally:
        server.close()
    print(f"ASK hunt (server on 127.0.0.1 answering at once): median {ask * 1000:.2f} ms over {rounds} rounds")
    print(f"bare POST of the same request to the same server: median {bare_time * 1000:.2f} ms")
    print(f"ratio ASK / bare POST: {ask / bare_time:.2f}")


if __name__ == "__main__":
    main()
