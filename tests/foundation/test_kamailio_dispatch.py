"""kamailio/kamailio.cfg run by a real Kamailio in front of two fake switches: each company's
registrations and calls land on one switch, the same one every time, and when a switch goes
silent its companies' new requests go to the other while the other's companies stay."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from pbx.switch_homes import home_index

REPO = Path(__file__).resolve().parents[2]
SWITCHES = {"a": "127.0.0.1", "b": "127.0.0.2"}
PHONES, CARRIER = 15060, 15080  # Kamailio's ports here, for 5060 and 5080
PROFILE_PORTS = {5060: 25060, 5080: 25080}  # each fake switch's internal and external profile

pytestmark = pytest.mark.skipif(not shutil.which("kamailio"), reason="needs Debian's kamailio package")


class FakeSwitch:
    """Answers 200 to every request on both profile ports, noting what reached it; silent on demand."""

    def __init__(self, name: str, address: str):
        self.name, self.silent, self.stopped, self.received = name, False, False, []
        self.sockets, self.threads = [], []
        for port in PROFILE_PORTS.values():
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((address, port))
            sock.settimeout(0.2)
            self.sockets.append(sock)
            self.threads.append(threading.Thread(target=self._serve, args=(sock,), daemon=True))
            self.threads[-1].start()

    def _serve(self, sock):
        while not self.stopped:
            try:
                data, sender = sock.recvfrom(65535)
            except socket.timeout:
                continue
            text = data.decode(errors="replace")
            if self.silent:
                continue
            if not text.startswith("OPTIONS"):
                self.received.append((sock.getsockname()[1], re.search(r"(?im)^To:.*?sip:([^>;\s]+)", text).group(1)))
            head = text.split("\r\n\r\n")[0].split("\r\n")
            kept = [line for line in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq):", line)]
            sock.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(kept) + "\r\nContent-Length: 0\r\n\r\n").encode(), sender)

    def close(self):
        self.stopped = True
        for thread, sock in zip(self.threads, self.sockets):
            thread.join()
            sock.close()


def kamailio_config(folder: Path) -> Path:
    """The shipped configuration with this test's addresses: local ports, the fake switches in the
    dispatcher list, its control socket in ``folder``, probes every second instead of ten."""
    entries = (REPO / "kamailio/dispatcher.list").read_text()
    for service, name in (("freeswitch-b", "b"), ("freeswitch", "a")):
        entries = entries.replace(f"sip:{service}:", f"sip:{SWITCHES[name]}:")
    for port, fake in PROFILE_PORTS.items():
        entries = entries.replace(f":{port} ", f":{fake} ")
    (folder / "dispatcher.list").write_text(entries)
    config = (REPO / "kamailio/kamailio.cfg").read_text()
    substitutions = [
        (r"listen=udp:0\.0\.0\.0:5060", f"listen=udp:127.0.0.1:{PHONES}"),
        (r"listen=udp:0\.0\.0\.0:5080", f"listen=udp:127.0.0.1:{CARRIER}"),
        (r"listen=tcp:.*\n", ""),
        (r"\$Rp == 5080", f"$Rp == {CARRIER}"),
        (r"/etc/kamailio/dispatcher\.list", str(folder / "dispatcher.list")),
        (r'"ds_ping_interval", 10', '"ds_ping_interval", 1'),
        (r'loadmodule "ctl.so"', f'loadmodule "ctl.so"\nmodparam("ctl", "binrpc", "unix:{folder}/ctl")'),
    ]
    for pattern, replacement in substitutions:
        config, count = re.subn(pattern, replacement, config)
        assert count, pattern
    (folder / "kamailio.cfg").write_text(config)
    return folder / "kamailio.cfg"


class Phone:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(2)

    def send(self, method: str, target: str, port: int) -> str:
        call_id, own = uuid.uuid4().hex, self.sock.getsockname()[1]
        self.sock.sendto((
            f"{method} sip:{target} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{own};branch=z9hG4bK{call_id[:12]};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:100@phone>;tag={call_id[:8]}\r\nTo: <sip:{target}>\r\n"
            f"Call-ID: {call_id}\r\nCSeq: 1 {method}\r\nContact: <sip:100@127.0.0.1:{own}>\r\n"
            "Content-Length: 0\r\n\r\n").encode(), ("127.0.0.1", port))
        try:
            while (reply := self.sock.recv(65535).decode()).startswith("SIP/2.0 1"):
                pass
            return reply.split("\r\n")[0]
        except socket.timeout:
            return "no answer"


COMPANIES = [f"t{n}.pbx.local" for n in range(1, 21)]
NUMBERS = ["48221000001", "48221000002", "48221000003", "48221000004"]


def homes(phone: Phone, switches: dict) -> dict:
    """Each company's switch(es) for one round: a registration and a call per company, a carrier
    call per main number. Only answered requests count."""
    for switch in switches.values():
        switch.received.clear()
    for domain in COMPANIES:
        for method in ("REGISTER", "INVITE"):
            phone.send(method, f"100@{domain}", PHONES)
    for number in NUMBERS:
        phone.send("INVITE", f"{number}@carrier", CARRIER)
    found = {}
    for name, switch in switches.items():
        for port, target in switch.received:
            user, _, domain = target.partition("@")
            found.setdefault(domain if domain.endswith("pbx.local") else user, set()).add((name, port))
    return found


@pytest.fixture
def kamailio(tmp_path):
    switches = {name: FakeSwitch(name, address) for name, address in SWITCHES.items()}
    process = subprocess.Popen(["kamailio", "-DD", "-E", "-f", str(kamailio_config(tmp_path))],
                               stdout=subprocess.DEVNULL, stderr=(tmp_path / "log").open("w"))
    phone = Phone()
    try:
        deadline = time.monotonic() + 60
        while phone.send("OPTIONS", "100@t1.pbx.local", PHONES) == "no answer":
            assert process.poll() is None, (tmp_path / "log").read_text()
            assert time.monotonic() < deadline, "Kamailio did not start"
        yield phone, switches
    finally:
        process.terminate()
        process.wait(timeout=30)
        for switch in switches.values():
            switch.close()


def test_each_company_has_one_home_switch_and_moves_when_it_goes_silent(kamailio):
    phone, switches = kamailio
    first = homes(phone, switches)
    assert set(first) == set(COMPANIES) | set(NUMBERS)
    assert all(len(found) == 1 for found in first.values()), first
    # Phones reach a switch's internal profile, the carrier its external one.
    assert {port for found in first.values() for _, port in found} == set(PROFILE_PORTS.values())
    assert {name for found in first.values() for name, _ in found} == set(SWITCHES), "both switches take companies"
    assert homes(phone, switches) == first, "the same switch every time"
    # Switch sync loads each company's queues where Kamailio sends its phones (pbx.switch_homes),
    # the switches numbered in dispatcher.list's order.
    order = list(SWITCHES)
    for domain in COMPANIES:
        assert first[domain] == {(order[home_index(domain, len(order))], PROFILE_PORTS[5060])}, domain

    switches["a"].silent = True
    deadline, now = time.monotonic() + 180, None
    while time.monotonic() < deadline:
        now = homes(phone, switches)
        if set(now) == set(first):
            break
    assert set(now) == set(first), "every company answered again after the failover"
    for company, found in first.items():
        [(name, port)] = found
        assert now[company] == {("b", port)}, company
