"""The switch endpoint (``centralka switch-endpoint``, real gunicorn on loopback) under clients
that trickle their request bodies: each is cut off after the body deadline with a 408, an
oversized body gets a 413, and dialplan requests are answered meanwhile."""
from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import SWITCH_AUTH
from tests.support.services import free_port, wait_port

# Times real servers' answers under slow clients: scripts/test.sh runs it with nothing beside it.
pytestmark = pytest.mark.alone

CENTRALKA = str(Path(sys.executable).with_name("centralka"))
DIALPLAN = b"section=dialplan&Hunt-Context=public&Hunt-Destination-Number=%2B48221234567"
CREDENTIALS = base64.b64encode(f"{SWITCH_AUTH['XML_CURL_USER']}:{SWITCH_AUTH['XML_CURL_PASSWORD']}".encode()).decode()


def post(port: int, body: bytes, headers: str = "", timeout: float = 3.0) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(f"POST /xml_curl HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic {CREDENTIALS}\r\n"
                     f"Content-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(body)}\r\n{headers}\r\n".encode() + body)
        reply = b""
        while data := conn.recv(65536):
            reply += data
    return int(reply.split(b" ", 2)[1]), reply.partition(b"\r\n\r\n")[2]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("switch-endpoint")
    port = free_port()
    env = {**os.environ, "CENTRALKA_INSTANCE": str(folder), "CENTRALKA_SWITCH_ENDPOINT_BODY_SECONDS": "1",
           "CENTRALKA_SWITCH_ENDPOINT_MAX_BODY": "65536",
           "CENTRALKA_XML_CURL_USER": SWITCH_AUTH["XML_CURL_USER"],
           "CENTRALKA_XML_CURL_PASSWORD": SWITCH_AUTH["XML_CURL_PASSWORD"]}
    subprocess.run([CENTRALKA, "db", "upgrade"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([CENTRALKA, "switch-endpoint", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, 60)
        yield port, folder
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)


def trickle(port: int, outcome: list) -> None:
    """A client announcing 10,000 bytes and sending one every 0.2 s."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"POST /xml_curl HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n")
        reply = b""
        try:
            while not reply:
                conn.sendall(b"a")
                conn.settimeout(0.2)
                try:
                    reply = conn.recv(65536)
                except TimeoutError:
                    continue
        except OSError:
            pass
    outcome.append((reply.split(b" ", 2)[1] if reply else b"", time.monotonic() - started))


def test_trickling_clients_are_cut_off_while_dialplans_are_answered(endpoint):
    port, folder = endpoint
    outcomes = []
    # More trickling clients than the one worker has threads would be needed to block it.
    clients = [threading.Thread(target=trickle, args=(port, outcomes)) for _ in range(24)]
    for client in clients:
        client.start()
    time.sleep(0.3)
    answered = []
    for _ in range(10):  # each within mod_xml_curl's 3 s timeout (post's socket timeout)
        answered.append(post(port, DIALPLAN))
    for client in clients:
        client.join(15)
    assert [status for status, _ in answered] == [200] * 10
    assert all(b'<document type="freeswitch/xml">' in body for _, body in answered)
    assert len(outcomes) == 24
    assert {status for status, _ in outcomes} == {b"408"}
    assert max(took for _, took in outcomes) < 5  # 1 s deadline here (2 s by default)
    assert (folder / "run" / "switch-endpoint.ctl").exists()  # this instance's own control socket


def test_an_oversized_body_is_refused_before_it_is_read(endpoint):
    port, _ = endpoint
    status, body = post(port, b"x" * 70000)
    assert status == 413 and b"over 65536 bytes" in body
    status, _ = post(port, DIALPLAN)
    assert status == 200
