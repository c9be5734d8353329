"""Many switches as docker-compose.multi.yml lays them out, without Docker, on one PostgreSQL database:
two fake switches (the fake event socket speaking the real protocol, each on its own port with its own
channels and mod_callcenter), a listener process per switch, and two app instances (A: switch endpoint
and panel; B: switch endpoint), each web server with its own workers, plus the task worker — every
process started as its entry point (``centralka listener``, ``switch-endpoint``, ``panel``,
``tasks worker``).

Proven: calls on both switches give each its record exactly once, also when a listener is killed
mid-stream and its switch sends the stream again, and when both switch endpoints take the same call's
CDRs; switch sync puts each company's queues and agents on its home switch only (where Kamailio sends
its phones and its number's calls), again when that switch restarts; a publish on A reaches every worker of B, so B's next
dialplan reply is the new one; a switch that dies and comes back has its listener back and loses nothing.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from sqlalchemy import func, select, text

from pbx import api_tokens, directory, models
from pbx.esl.protocol import Event, FrameParser
from pbx.extensions import db
from pbx.switch_homes import company_home
from tests.conftest import SWITCH_AUTH
from tests.listener.test_listener import cdr_of
from tests.support.esl_server import FakeFreeSwitch
from tests.support.fake_callcenter import FakeCallcenter, Replies
from tests.support.listener import eventually
from tests.support.services import free_port, wait_port
from tests.support.streams import SHAPES, frames_in_box, moved, send
from tests.switch_sync.conftest import Company, _captured_config_request, publish, queue_tree
from tests.xml_curl.conftest import captured_body, with_fields

# Starts a dozen real processes on one database: scripts/test.sh runs it with nothing beside it.
pytestmark = pytest.mark.alone

CENTRALKA = str(Path(sys.executable).with_name("centralka"))
CDR_AUTH = ("cdr", "s3cret")
CAPTURED = 42  # the company of the captured calls
HUNT = captured_body("xml_curl_dialplan_transfer_menu_1.txt")
# The second company's calls: the captured ones without the voicemail left in company 42's box.
SECOND_SHAPES = [shape for shape in SHAPES if shape != "bridge_simultaneous_noanswer_then_record"]


@pytest.fixture
def postgres(ctx):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("several hosts share PostgreSQL; revisions are announced with LISTEN/NOTIFY")
    return ctx


class Switch:
    """A fake FreeSWITCH: its event socket, and a mod_callcenter that fetches callcenter.conf from
    the switch endpoint of its host, as load_queue asks (CC-Queue)."""

    def __init__(self):
        self.endpoint = ""
        self.callcenter = FakeCallcenter(self._fetch)
        self.server = FakeFreeSwitch()
        self.server.api_replies = Replies(self.server.api_replies, self.callcenter)
        self.server.start()

    @property
    def esl(self) -> str:
        return f"127.0.0.1:{self.server.port}:ClueCon"

    def _fetch(self, queue: str) -> bytes:
        body = _captured_config_request() + b"&CC-Queue=" + quote_plus(queue).encode()
        return _post(f"{self.endpoint}/xml_curl", body, (SWITCH_AUTH["XML_CURL_USER"], SWITCH_AUTH["XML_CURL_PASSWORD"]),
                     "application/x-www-form-urlencoded")[1]

    def changes(self) -> list[str]:
        """What switch sync changed here: api commands but the lists and counts."""
        return [c[4:] for c in self.server.commands_starting("api ")
                if c.startswith(("api callcenter_config", "api xml_flush_cache")) and " list" not in c
                and " count " not in c]

    def restart_empty(self) -> None:
        """The switch comes back from a restart: mod_callcenter holds nothing until synced."""
        self.callcenter.queues.clear()
        self.callcenter.agents.clear()
        self.callcenter.tiers.clear()
        self.server.start()


def _post(url: str, body: bytes, auth: tuple[str, str], content_type: str) -> tuple[int, bytes]:
    credentials = base64.b64encode(":".join(auth).encode()).decode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type,
                                                              "Authorization": f"Basic {credentials}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Cluster:
    """The processes, their logs, and what they need to be started again."""

    def __init__(self, tmp_path: Path, base_env: dict):
        self.tmp_path, self.base_env, self.running = tmp_path, base_env, {}

    def start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = (self.tmp_path / f"{name}.log").open("ab")
        process = subprocess.Popen([CENTRALKA, *args], env={**self.base_env, **env}, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.running[name] = (process, args, env)
        return process

    def restart(self, name: str) -> subprocess.Popen:
        _, args, env = self.running[name]
        return self.start(name, args, **env)

    def pid(self, name: str) -> int:
        return self.running[name][0].pid

    def workers(self, name: str) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.pid(name))], capture_output=True, text=True).stdout
        return [int(pid) for pid in found.split()]

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                         for p in sorted(self.tmp_path.glob("*.log")))

    def stop(self) -> None:
        for process, _, _ in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process, _, _ in self.running.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _company(tenant: models.Tenant, main: str) -> Company:
    """Two agents in a queued group, as tests/switch_sync's company."""
    users = {name: directory.add_user(tenant, {"first_name": name, "last_name": f"Firma{tenant.id}", "phone": phone,
                                               "extension": ext, "email": f"{name.lower()}@t{tenant.id}.example"})
             for name, phone, ext in (("Ala", f"+48501{tenant.id:04d}11", "101"),
                                      ("Bartek", f"+48501{tenant.id:04d}12", "102"))}
    group = directory.add_group(tenant, {"name": "Sprzedaż", "ring_mode": "simultaneous", "extension": "201",
                                         "members": [{"user_id": users["Ala"].id, "ring_seconds": 15},
                                                     {"user_id": users["Bartek"].id, "ring_seconds": 20}]})
    number = directory.add_main_number(tenant, {"number": main, "is_primary": True})
    db.session.commit()
    company = Company(tenant, users, group, number)
    publish(company, queue_tree(company))
    return company


def _other_home(home: int) -> int:
    """A two-digit company id (so a captured frame keeps its length) at home on the other switch."""
    return next(n for n in range(10, 100) if n != CAPTURED and company_home(n, 2) != home)


def _calls(shapes: list[str], box_id: int, hour: int, tenant: int) -> list[bytes]:
    """The captured calls of ``shapes``, ``hour`` hours later (their own UUIDs), as company ``tenant``'s."""
    frames = [moved(frame, hour) for shape in shapes for frame in frames_in_box(shape, box_id)]
    if tenant != CAPTURED:
        frames = [f.replace(b'centralka_tenant":"42"', b'centralka_tenant":"%d"' % tenant)
                  .replace(b"centralka_tenant=42", b"centralka_tenant=%d" % tenant) for f in frames]
    return frames


def _legs(frames: list[bytes]) -> list[dict]:
    """The CHANNEL_HANGUP_COMPLETE headers of these frames: what mod_json_cdr posts, one per leg."""
    events = [Event.from_frame(FrameParser().feed(frame)[0]) for frame in frames]
    return [event.headers for event in events if event.headers.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE"]


def _records() -> dict[int, dict[str, int]]:
    """Per company: each call's UUID with its number of legs."""
    db.session.rollback()
    rows = db.session.execute(select(models.CallRecord.tenant_id, models.CallRecord.call_uuid, func.count(models.CallLeg.id))
                              .join(models.CallLeg, models.CallLeg.call_id == models.CallRecord.id)
                              .group_by(models.CallRecord.id)).all()
    found: dict[int, dict[str, int]] = {}
    for tenant, call, legs in rows:
        found.setdefault(tenant, {})[call] = legs
    return found


def _by_hour() -> dict[int, dict[str, list[int]]]:
    """What was recorded, for a failure's message: per company and hour (the UUIDs' last byte), the legs of each call."""
    summary: dict[int, dict[str, list[int]]] = {}
    for tenant, calls in _records().items():
        for call, legs in sorted(calls.items()):
            summary.setdefault(tenant, {}).setdefault(call[-2:], []).append(legs)
    return summary


def _version_served(endpoint: str, company: Company) -> bytes:
    """The published version a hunt of the company's main number entry is answered with (each hunt
    gets only the extensions its destination reaches)."""
    body = with_fields(HUNT, {"Hunt-Context": f"tenant_{company.tenant.id}",
                              "Hunt-Destination-Number": f"main_{company.number.id}"})
    status, reply = _post(f"{endpoint}/xml_curl", body, (SWITCH_AUTH["XML_CURL_USER"], SWITCH_AUTH["XML_CURL_PASSWORD"]),
                          "application/x-www-form-urlencoded")
    assert status == 200, reply[:300]
    return reply


def _served_by_each(cluster: Cluster, name: str, endpoint: str, company: Company) -> list[bytes]:
    """The reply of each worker of ``name`` in turn, the others stopped meanwhile (SIGSTOP)."""
    workers, replies = cluster.workers(name), []
    assert len(workers) == 2, workers
    for worker in workers:
        others = [w for w in workers if w != worker]
        for other in others:
            os.kill(other, signal.SIGSTOP)
        try:
            replies.append(_version_served(endpoint, company))
        finally:
            for other in others:
                os.kill(other, signal.SIGCONT)
    return replies


def _seed() -> tuple[dict[int, Company], int, str]:
    """The captured company and a second one at home on the other switch, each with a queue and a
    main number; an API token of the second company's owner."""
    second = _other_home(company_home(CAPTURED, 2))
    tenant = models.Tenant(id=second, name="Druga firma", timezone="Europe/Warsaw")
    db.session.add(tenant)
    db.session.commit()
    companies = {CAPTURED: _company(db.session.get(models.Tenant, CAPTURED), "+48221000300"),
                 second: _company(tenant, "+48221000301")}
    owner = directory.add_user(tenant, {"first_name": "Olga", "last_name": "Właścicielka", "email": "olga@druga.example"})
    owner.admin_level = api_tokens.OWNER
    db.session.commit()
    token = api_tokens.create(owner, "wdrożenia", "full")[1]
    db.session.commit()
    return companies, second, token


def _environment(switches: list[Switch], smtp, recordings_dir: Path, tmp_path: Path, suffix: str) -> dict:
    """What every process is given; the hosts share the database and the task queue."""
    return {**os.environ, "CENTRALKA_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
            "CENTRALKA_SECRET_KEY": "test", "CENTRALKA_XML_CURL_USER": SWITCH_AUTH["XML_CURL_USER"],
            "CENTRALKA_XML_CURL_PASSWORD": SWITCH_AUTH["XML_CURL_PASSWORD"], "CENTRALKA_CDR_USER": CDR_AUTH[0],
            "CENTRALKA_CDR_PASSWORD": CDR_AUTH[1], "CENTRALKA_ESL_SERVERS": ",".join(s.esl for s in switches),
            "CENTRALKA_TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
            "CENTRALKA_SMTP_HOST": "127.0.0.1", "CENTRALKA_SMTP_PORT": str(smtp.port),
            "CENTRALKA_RECORDINGS_DIR": "/var/lib/freeswitch/recordings", "CENTRALKA_RECORDINGS_MOUNT": str(recordings_dir),
            "CENTRALKA_STORAGE_DIR": str(tmp_path / "storage"), "CENTRALKA_SHOW_LOGIN_CODES": "0",
            "CENTRALKA_PANEL_NICE": "0", "CENTRALKA_SIP_DOMAIN_SUFFIX": suffix}


def _start_all(running: Cluster, switches: list[Switch], tmp_path: Path) -> dict[str, str]:
    """Host a: switch endpoint, panel, task worker, listener of switch a; host b: switch endpoint,
    listener of switch b. Gives the web servers' addresses once they answer."""
    ports = {name: free_port() for name in ("endpoint-a", "endpoint-b", "panel-a")}
    host = {}
    for h in "ab":
        (tmp_path / h / "metrics").mkdir(parents=True)
        host[h] = {"CENTRALKA_INSTANCE": str(tmp_path / h), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / h / "metrics")}
    for name in ("endpoint-a", "endpoint-b"):
        running.start(name, ["switch-endpoint", "--bind", f"127.0.0.1:{ports[name]}", "--workers", "2"],
                      CENTRALKA_SWITCH_ENDPOINT_BIND=f"127.0.0.1:{ports[name]}", **host[name[-1]])
    running.start("panel-a", ["panel", "--bind", f"127.0.0.1:{ports['panel-a']}", "--workers", "1"], **host["a"])
    running.start("worker", ["tasks", "worker"], CENTRALKA_WORKER_PROBES_BIND=f"127.0.0.1:{free_port()}", **host["a"])
    addresses = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    for switch, h in zip(switches, "ab"):
        switch.endpoint = addresses[f"endpoint-{h}"]  # each switch's mod_xml_curl asks the endpoint of its host
        running.start(f"listener-{h}", ["listener"], CENTRALKA_ESL_SERVERS=switch.esl,
                      CENTRALKA_LISTENER_PROBES_BIND=f"127.0.0.1:{free_port()}", **host[h])
    for port in ports.values():
        wait_port(port, 120)  # ten processes importing the app at once on a busy machine
    assert all(s.server.wait_subscribed(1, timeout=120) for s in switches), running.logs()
    return addresses


@pytest.fixture
def cluster(postgres, box, smtp, recordings_dir, tmp_path):
    suffix = postgres.config["SIP_DOMAIN_SUFFIX"]
    companies, second, token = _seed()
    switches = [Switch(), Switch()]
    running = Cluster(tmp_path, _environment(switches, smtp, recordings_dir, tmp_path, suffix))
    try:
        addresses = _start_all(running, switches, tmp_path)
        home = company_home(CAPTURED, 2)
        yield {"homes": {CAPTURED: switches[home], second: switches[1 - home]},
               "listeners": {CAPTURED: f"listener-{'ab'[home]}", second: f"listener-{'ab'[1 - home]}"},
               "companies": companies, "second": second, "token": token, "processes": running,
               "endpoints": {h: addresses[f"endpoint-{h}"] for h in "ab"}, "panel": addresses["panel-a"]}
    finally:
        running.stop()
        for switch in switches:
            switch.server.stop()


def _only_its_own(switch: Switch, tenant: int) -> bool:
    """Every change sync made on ``switch`` names company ``tenant``: its queues, agents, tiers, users."""
    return all(f" t{tenant}_" in c or c.endswith(f" t{tenant}.pbx.local") for c in switch.changes())


def _publish(panel: str, token: str, company: Company, tree: dict) -> None:
    """What the panel's scenario editor sends, with an API token."""
    for method, path, payload in (("PUT", "draft", {"name": "Główny", "root": tree}), ("POST", "publish", {})):
        request = urllib.request.Request(f"{panel}/api/main-numbers/{company.number.id}/scenario/{path}",
                                         data=json.dumps(payload).encode(), method=method,
                                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201)


class Calls:
    """Plays the captured calls on a company's home switch; counts what was recorded against the first round."""

    def __init__(self, cluster: dict, box_id: int):
        self.homes, self.box_id = cluster["homes"], box_id
        self.shapes = {CAPTURED: list(SHAPES), cluster["second"]: SECOND_SHAPES}
        self.per_round: dict[int, list[int]] = {}

    def play(self, tenant: int, hour: int, shapes: list[str] | None = None) -> list[bytes]:
        frames = _calls(shapes or self.shapes[tenant], self.box_id, hour, tenant)
        send(self.homes[tenant].server, frames)
        return frames

    def first_round_recorded(self) -> bool:
        """Each call of the first round once (5 and 4 calls); its legs per call kept as the reference."""
        found = _records()
        self.per_round = {tenant: sorted(calls.values()) for tenant, calls in found.items()}
        return {tenant: len(calls) for tenant, calls in found.items()} == {t: len(s) for t, s in self.shapes.items()}

    def exactly(self, rounds: dict[int, int]) -> bool:
        """``rounds`` of each company's calls recorded, each call once with each of its legs once."""
        found = _records()
        return all(sorted(found.get(t, {}).values()) == sorted(self.per_round[t] * n) for t, n in rounds.items())


def _replayed_to_a_listener_killed_mid_stream(cluster: dict, calls: Calls) -> None:
    """The captured company's listener is killed (SIGKILL) right after a call; started again, it is
    sent the same stream again, then the next call."""
    running, listener, switch = cluster["processes"], cluster["listeners"][CAPTURED], cluster["homes"][CAPTURED]
    again = calls.play(CAPTURED, 2)
    time.sleep(0.3)
    os.kill(running.pid(listener), signal.SIGKILL)
    running.running[listener][0].wait(10)
    assert switch.server.wait_until(lambda: not switch.server.subscribed(), 10)
    running.restart(listener)
    assert switch.server.wait_subscribed(1, timeout=30), running.logs()
    send(switch.server, again)
    calls.play(CAPTURED, 3)


def _cdrs_through_both_endpoints(cluster: dict, calls: Calls, hour: int) -> None:
    """Both switch endpoints take the CDRs of the same calls (mod_json_cdr's fallback, through the
    load balancer), two of those calls also seen on the event socket."""
    second = cluster["second"]
    calls.play(second, hour, ["callcenter_answered", "ivr_bridge_sequential"])
    for endpoint in cluster["endpoints"].values():
        for leg in _legs(_calls(SECOND_SHAPES, calls.box_id, hour, second)):
            status, reply = _post(f"{endpoint}/cdr?uuid={leg['Unique-ID']}", json.dumps(cdr_of(leg)).encode(),
                                  CDR_AUTH, "application/json")
            assert status == 200, reply


def _publish_on_a_reaches_every_worker_of_b(cluster: dict) -> None:
    running, second, endpoint_b = cluster["processes"], cluster["second"], cluster["endpoints"]["b"]
    company = cluster["companies"][second]
    old = _version_served(endpoint_b, company)
    assert _served_by_each(running, "endpoint-b", endpoint_b, company) == [old, old]
    _publish(cluster["panel"], cluster["token"], company, queue_tree(company) | {"queue": {"max_wait_seconds": 45}})
    time.sleep(1.0)  # an announcement's way to every worker: well within a second (xml_curl.revisions)
    db.session.rollback()
    version = db.session.scalar(select(models.Scenario.published_version_id).where(
        models.Scenario.main_number_id == company.number.id))
    marker = f"centralka_version={version}".encode()
    assert marker not in old
    assert all(marker in reply for reply in _served_by_each(running, "endpoint-b", endpoint_b, company))
    # ... from the announcement each of them listens for (a worker starts listening at its first hunt;
    # A's workers have served none).
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                       "'centralka-dialplan-revisions' AND datname = current_database()")).scalar() == 2


def test_two_switches_two_listeners_two_app_instances_nothing_lost_nothing_doubled(cluster, box):
    homes, second, running = cluster["homes"], cluster["second"], cluster["processes"]
    calls = Calls(cluster, box.id)

    # Switch sync, asked for by each listener when it connected: each switch holds its own company.
    queues = {tenant: f"t{tenant}_s{company.number.scenario.id}_sales@default"
              for tenant, company in cluster["companies"].items()}
    for tenant, switch in homes.items():
        assert eventually(lambda: queues[tenant] in switch.callcenter.queues and len(switch.callcenter.agents) == 2,
                          30), running.logs()
        assert _only_its_own(switch, tenant), switch.changes()
        assert all(name.startswith(f"t{tenant}_") for name in switch.callcenter.agents)

    # Calls on both switches, each through its own listener; then a listener killed and replayed to;
    # then CDRs through both switch endpoints.
    calls.play(CAPTURED, 0)
    calls.play(second, 1)
    assert eventually(calls.first_round_recorded, 30), (_by_hour(), running.logs()[-3000:])
    _replayed_to_a_listener_killed_mid_stream(cluster, calls)
    assert eventually(lambda: calls.exactly({CAPTURED: 3, second: 1}), 30), (_by_hour(), running.logs()[-3000:])
    _cdrs_through_both_endpoints(cluster, calls, 4)
    assert eventually(lambda: calls.exactly({CAPTURED: 3, second: 2}), 30), (_by_hour(), running.logs()[-3000:])

    # A publish on app instance A (its panel) reaches every worker of instance B; it asked for a sync:
    # the company's queue changed on its switch, nothing on the other.
    _publish_on_a_reaches_every_worker_of_b(cluster)
    b = homes[second]
    assert eventually(lambda: b.callcenter.queues.get(queues[second], {}).get("max_wait_time") == "45", 30), \
        (b.changes(), running.logs()[-3000:])

    # Switch B dies right after a call and comes back empty: its listener reconnects, sync fills it again.
    calls.play(second, 5)
    time.sleep(0.3)
    b.server.stop()
    time.sleep(1.5)
    b.restart_empty()
    assert b.server.wait_subscribed(1, timeout=30), running.logs()
    assert eventually(lambda: queues[second] in b.callcenter.queues and len(b.callcenter.agents) == 2, 30), \
        running.logs()
    calls.play(second, 6)
    assert eventually(lambda: calls.exactly({CAPTURED: 3, second: 4}), 30), (_by_hour(), running.logs()[-3000:])
    assert all(_only_its_own(switch, tenant) for tenant, switch in homes.items()), [s.changes() for s in homes.values()]
