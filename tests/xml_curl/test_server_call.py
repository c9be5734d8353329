"""Asking a company's server: a real HTTP server on 127.0.0.1 that answers, fails, stalls and lies."""
from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from pbx.server_call import Answer, Failed, check_url, post, read_answer
from tests.support.company_server import CompanyServer

KEY = "k" * 64
PAYLOAD = {"node": "router", "caller": "+48601000999", "path": ["router"]}


@pytest.fixture
def server():
    running = CompanyServer(KEY)
    yield running
    running.close()


def ask(server, deadline_seconds=1.0, **options):
    payload = {**PAYLOAD, "request_id": "r1"}
    return post(server.url, payload, KEY, time.monotonic() + deadline_seconds, loopback_http=True, **options)


def failure(server, **options) -> str:
    with pytest.raises(Failed) as failed:
        ask(server, **options)
    return failed.value.reason


def test_a_signed_request_gets_the_signed_answer(server):
    assert json.loads(ask(server)) == {"branch": "sales"}
    headers, body = server.request()  # the signature over timestamp and body checks out
    assert body == {**PAYLOAD, "request_id": "r1"}
    assert headers["Content-Type"] == "application/json"
    assert abs(int(headers["X-Centralka-Timestamp"]) - time.time()) < 5


@pytest.mark.parametrize("behave, reason", [
    ("fail", "status"), ("redirect", "redirect"), ("bad_signature", "bad_signature"), ("unsigned", "bad_signature"),
    ("huge", "too_big")])
def test_a_server_that_fails_or_lies_gives_no_answer(server, behave, reason):
    server.behave = behave
    assert failure(server) == reason


def test_a_server_that_stalls_past_the_deadline_times_out(server):
    server.behave = "stall"
    assert failure(server, deadline_seconds=0.3) == "timeout"
    assert len(server.asked) == 1


def test_a_malformed_or_wrong_answer_is_refused(server):
    server.behave = "malformed"
    with pytest.raises(Failed) as failed:
        read_answer(ask(server), {"sales"}, set(), {})
    assert failed.value.reason == "bad_json"


@pytest.mark.parametrize("answer, reason", [
    ({"branch": "support"}, "unknown_branch"), ({"branch": "SALES"}, "bad_answer"),
    ({"branch": "sales", "note": "x"}, "bad_answer"), (["sales"], "bad_answer"),
    ({"target": {"user": "101"}}, "target_not_allowed"), ({"target": {"group": "101"}}, "unknown_target"),
    ({"target": {"number": "0700 123 456"}}, "target_not_allowed"),
    ({"target": {"group": "${x}"}}, "bad_answer"), ({"target": {"user": "101", "group": "200"}}, "bad_answer")])
def test_an_answer_is_checked_strictly(answer, reason):
    with pytest.raises(Failed) as failed:
        read_answer(json.dumps(answer).encode(), {"sales"}, {"group"}, {"101": "user", "200": "group"})
    assert failed.value.reason == reason


def test_allowed_targets_are_taken():
    known = {"101": "user", "200": "group"}
    allowed = {"user", "group", "number"}
    assert read_answer(b'{"target": {"user": "101"}}', set(), allowed, known) == Answer("user", "101")
    assert read_answer(b'{"target": {"number": "+48221234567"}}', set(), allowed, known) == \
        Answer("number", "+48221234567")
    with pytest.raises(Failed):
        read_answer(b'{"target": {"number": "+48 22 123"}}', set(), allowed, known)


def test_only_https_to_public_addresses(server):
    assert check_url("http://crm.example.com/route") == "not_https"
    assert check_url("http://127.0.0.1/route") == "not_https"  # loopback over http only when allowed
    assert check_url("http://127.0.0.1/route", loopback_http=True) is None
    assert check_url("https://user:pw@crm.example.com/") == "bad_url"
    assert check_url("https://crm.example.com:99999/") == "bad_url"
    assert check_url("https://crm.example.com/route") is None
    assert check_url("https://crm.example.com/a b") == "bad_url"
    assert check_url("https://crm.example.com/route\r\nX-Injected: 1") == "bad_url"
    assert check_url("https://zażółć.example.com/") == "bad_url"
    # The loopback refused as a destination, whatever the scheme.
    with pytest.raises(Failed) as failed:
        post(server.url.replace("http:", "https:"), {**PAYLOAD, "request_id": "r"}, KEY, time.monotonic() + 1)
    assert failed.value.reason == "refused_address"
    assert server.asked == []


@pytest.mark.parametrize("address", ["10.0.0.5", "192.168.1.1", "169.254.169.254", "[::1]", "[fd00::1]", "0.0.0.0",
                                     "100.64.0.1", "[::ffff:127.0.0.1]"])
def test_private_and_link_local_addresses_are_refused(address):
    with pytest.raises(Failed) as failed:
        post(f"https://{address}/route", {**PAYLOAD, "request_id": "r"}, KEY, time.monotonic() + 1)
    assert failed.value.reason == "refused_address"


@pytest.fixture
def certificate(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl makes the certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return str(cert), str(key)


def test_https_with_a_trusted_certificate_is_answered(certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])  # trusted as if a public CA had signed it
    running = CompanyServer(KEY, tls=certificate)
    try:
        assert running.url.startswith("https://")
        assert json.loads(ask(running)) == {"branch": "sales"}
        running.request()
    finally:
        running.close()


def test_a_certificate_the_system_does_not_trust_is_refused(certificate):
    running = CompanyServer(KEY, tls=certificate)
    try:
        assert failure(running) == "tls"
        assert running.asked == []
    finally:
        running.close()
