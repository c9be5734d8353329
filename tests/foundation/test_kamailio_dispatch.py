"""kamailio/kamailio.cfg run by a real Kamailio in front of two fake switches and on the test
PostgreSQL: each company's registrations and calls, and the carrier's calls to any of its main
numbers in any form carriers send, land on one switch, the one pbx.switch_homes names, every time;
when a switch goes silent its companies' new requests go to the other while the other's stay; while
the database is away the carrier's calls follow the last answer it gave."""
from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from pbx import directory
from pbx.extensions import db
from pbx.switch_homes import company_home, home_index

REPO = Path(__file__).resolve().parents[2]
SWITCHES = {"a": "127.0.0.1", "b": "127.0.0.2"}


def free_udp_port(taken: tuple = ()) -> int:
    """A UDP port free on both switch addresses, so that several runs of this test can share a machine."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
                    other.bind(("127.0.0.2", port))
            except OSError:
                continue
        if port not in taken:
            return port


PHONES = free_udp_port()  # Kamailio's ports here, for 5060 and 5080
CARRIER = free_udp_port((PHONES,))
# Each fake switch's internal and external profile.
PROFILE_PORTS = {5060: free_udp_port((PHONES, CARRIER))}
PROFILE_PORTS[5080] = free_udp_port((PHONES, CARRIER, PROFILE_PORTS[5060]))

pytestmark = pytest.mark.skipif(
    not shutil.which("kamailio") or not glob.glob("/usr/lib/*/kamailio/modules/db_postgres.so"),
    reason="needs Debian's kamailio and kamailio-postgres-modules packages")


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


class Forwarder:
    """A TCP relay to PostgreSQL that can be cut: the database, as Kamailio sees it, goes away and
    comes back."""

    def __init__(self, target_port: int):
        self.target_port, self.open, self.port = target_port, [], 0
        self.resume()

    def resume(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self.port = self.listener.getsockname()[1]
        self.listener.settimeout(0.2)
        self.serving = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.serving:
            try:
                client, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if not self.serving:
                client.close()
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """Connections reset, new ones refused."""
        self.serving = False
        self.listener.close()
        for sock in self.open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


FORMS = {  # how carriers send +48221000001 (xml_curl/dialplan.py, e164)
    "e164": lambda number: number, "bare": lambda number: number[1:],
    "00": lambda number: "00" + number[1:], "national": lambda number: number[3:]}


@dataclass
class Company:
    tenant_id: int
    domain: str
    numbers: list[str]


@pytest.fixture
def companies(ctx) -> list[Company]:
    """Twenty companies on the test PostgreSQL, two main numbers each."""
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("Kamailio reads PostgreSQL")
    made = []
    for n in range(20):
        tenant = directory.create_tenant({"name": f"Firma {n}"})
        numbers = [f"+4822{n:03d}{k:04d}" for k in (1, 2)]
        for number in numbers:
            directory.add_main_number(tenant, {"number": number, "is_primary": number == numbers[0]})
        made.append(tenant)
    db.session.commit()
    return [Company(t.id, f"t{t.id}.pbx.local", [m.number for m in t.main_numbers]) for t in made]


def homes(phone: Phone, switches: dict, companies: list[Company], phones: bool = True,
          unknown: tuple = ()) -> dict:
    """Where each company's requests of one round landed: a registration and a call of its phones,
    a carrier call to each of its numbers in each form, as {tenant id: {(switch, port)}}; and where
    each of the ``unknown`` numbers went. Only answered requests count."""
    for switch in switches.values():
        switch.received.clear()
    owner = {}
    for company in companies:
        if phones:
            for method in ("REGISTER", "INVITE"):
                phone.send(method, f"100@{company.domain}", PHONES)
        owner[company.domain] = company.tenant_id
        for number in company.numbers:
            for form in FORMS.values():
                phone.send("INVITE", f"{form(number)}@carrier", CARRIER)
                owner[form(number)] = company.tenant_id
    for number in unknown:
        phone.send("INVITE", f"{number}@carrier", CARRIER)
    found = {}
    for name, switch in switches.items():
        for port, target in switch.received:
            user, _, domain = target.partition("@")
            key = domain if domain.endswith("pbx.local") else user
            found.setdefault(owner.get(key, key), set()).add((name, port))
    return found


def start_kamailio(folder: Path, database_port: int, dbname: str) -> subprocess.Popen:
    environment = {**os.environ, "KAMAILIO_DB_URL": f"postgres://postgres@127.0.0.1:{database_port}/{dbname}"}
    environment.pop("CENTRALKA_COUNTRY_CODE", None)
    return subprocess.Popen(["kamailio", "-DD", "-E", "-f", str(kamailio_config(folder))], env=environment,
                            stdout=subprocess.DEVNULL, stderr=(folder / "log").open("w"))


@pytest.fixture
def database_at_start() -> str:
    return "up"


@pytest.fixture
def kamailio(tmp_path, companies, ctx, database_at_start):
    """Kamailio reading the test database through a ``Forwarder`` (cut before it starts when
    ``database_at_start`` is "away"); gives (phone, switches, forwarder)."""
    switches = {name: FakeSwitch(name, address) for name, address in SWITCHES.items()}
    url = db.engine.url
    forwarder = Forwarder(url.port or 5432)
    if database_at_start == "away":
        forwarder.cut()
    process = start_kamailio(tmp_path, forwarder.port, url.database)
    phone = Phone()
    try:
        deadline = time.monotonic() + 60
        while phone.send("OPTIONS", f"100@{companies[0].domain}", PHONES) == "no answer":
            assert process.poll() is None, (tmp_path / "log").read_text()
            assert time.monotonic() < deadline, "Kamailio did not start"
        yield phone, switches, forwarder
    finally:
        process.terminate()
        process.wait(timeout=30)
        forwarder.cut()
        for switch in switches.values():
            switch.close()
        db.session.remove()  # Kamailio's connections are gone before the tables are emptied


def test_each_company_has_one_home_switch_for_its_phones_and_numbers_and_moves_when_it_goes_silent(
        kamailio, companies):
    phone, switches, _ = kamailio
    order = list(SWITCHES)  # dispatcher.list's order, as ESL_SERVERS lists the switches
    unknown = ("+48229990001", "48229990002")
    first = homes(phone, switches, companies, unknown=unknown)
    for company in companies:
        home = order[company_home(company.tenant_id, len(order))]
        # Phones reach the home's internal profile, the carrier its external one.
        assert first[company.tenant_id] == {(home, PROFILE_PORTS[5060]), (home, PROFILE_PORTS[5080])}, company
    assert {name for company in companies for name, _ in first[company.tenant_id]} == set(SWITCHES)
    # A number of no company is hashed as it is (E.164 with '+').
    for number in unknown:
        assert first[number] == {(order[home_index("+" + number.lstrip("+"), 2)], PROFILE_PORTS[5080])}
    assert homes(phone, switches, companies, unknown=unknown) == first, "the same switch every time"

    switches["a"].silent = True
    deadline, now = time.monotonic() + 180, None
    while time.monotonic() < deadline:
        now = homes(phone, switches, companies)
        if all(len(now.get(company.tenant_id, ())) == 2 for company in companies):  # both sets moved
            break
    for company in companies:
        assert now[company.tenant_id] == {("b", PROFILE_PORTS[5060]), ("b", PROFILE_PORTS[5080])}, company


def test_while_the_database_is_away_the_carriers_calls_follow_its_last_answer_until_it_is_back(
        kamailio, companies):
    phone, switches, forwarder = kamailio
    order = list(SWITCHES)
    known, never_asked = companies[:10], companies[10:]
    homes(phone, switches, known, phones=False)
    forwarder.cut()
    away = homes(phone, switches, companies, phones=False)
    for company in known:
        assert away[company.tenant_id] == {(order[company_home(company.tenant_id, 2)], PROFILE_PORTS[5080])}
    # Numbers it never answered for are hashed as they are, each form to its own E.164 number's switch.
    for company in never_asked:
        assert away[company.tenant_id] == {(order[home_index(number, 2)], PROFILE_PORTS[5080])
                                           for number in company.numbers}
    forwarder.resume()
    back = homes(phone, switches, never_asked, phones=False)
    for company in never_asked:
        assert back[company.tenant_id] == {(order[company_home(company.tenant_id, 2)], PROFILE_PORTS[5080])}


@pytest.mark.parametrize("database_at_start", ["away"])
def test_started_while_the_database_is_away_it_routes_by_the_number_then_by_the_company_once_back(
        kamailio, companies):
    phone, switches, forwarder = kamailio
    order = list(SWITCHES)
    away = homes(phone, switches, companies, phones=False)
    for company in companies:
        assert away[company.tenant_id] == {(order[home_index(number, 2)], PROFILE_PORTS[5080])
                                           for number in company.numbers}
    forwarder.resume()
    back = homes(phone, switches, companies, phones=False)
    for company in companies:
        assert back[company.tenant_id] == {(order[company_home(company.tenant_id, 2)], PROFILE_PORTS[5080])}
