"""``centralka serve`` for real on loopback: every process is killed or reloaded in turn (SIGHUP to
the web servers, SIGKILL to the listener, the task worker, a web worker and a web master, a web
worker stuck past its timeout) and comes back by itself, while calls played by the fake
FreeSWITCH before, during and after still get their call records, their recordings in S3
(moto_server) and their voicemail e-mails (aiosmtpd); routing answers throughout; a stop
takes under 5 s."""
from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pbx import models
from pbx.extensions import db
from tests.conftest import SWITCH_AUTH
from tests.support.services import free_port, wait_port
from tests.support.listener import eventually
from tests.support.streams import captured_frames, moved, send

# Times whole processes' starts and stops: scripts/test.sh runs it with nothing beside it.
pytestmark = pytest.mark.alone

CENTRALKA = str(Path(sys.executable).with_name("centralka"))
CALLS_PER_ROUND, FILES_PER_ROUND, MAILS_PER_ROUND = 5, 2, 2  # the five captured calls: one recorded, one voicemail


class Served:
    """The running ``centralka serve`` and what it is made of."""

    def __init__(self, env: dict, panel_port: int, switch_port: int, log: Path):
        self.env, self.panel_port, self.switch_port, self.log = env, panel_port, switch_port, log
        self.process = subprocess.Popen([CENTRALKA, "serve", "--port", str(panel_port), "--workers", "1"],
                                        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def child(self, name: str) -> int | None:
        """The pid of a running supervised process (panel, switch-endpoint, listener, tasks-worker),
        as the supervisor logged its last start."""
        started = re.findall(rf"{name} started \(pid (\d+)\)", self.log.read_text())
        pid = int(started[-1]) if started else None
        return pid if pid and _alive(pid) else None

    def workers(self, name: str) -> list[int]:
        master = self.child(name)
        return [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                               text=True).stdout.split()] if master else []

    def dialplan(self, timeout: float = 3.0) -> int:
        """What mod_xml_curl asks for every call, with its 3 s timeout."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.switch_port}/xml_curl", data=b"section=dialplan&Hunt-Context=public"
            b"&Hunt-Destination-Number=%2B48221234567&Caller-Caller-ID-Number=601000999",
            headers={"Authorization": "Basic " + base64.b64encode(
                f"{SWITCH_AUTH['XML_CURL_USER']}:{SWITCH_AUTH['XML_CURL_PASSWORD']}".encode()).decode()})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def panel(self) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.panel_port}/", timeout=3) as response:
                return response.status
        except OSError:
            return 0


class RoutingWatch:
    """Asks for a dialplan every 50 ms in the background and keeps what came back."""

    def __init__(self, served: Served):
        self.served, self.results, self._stop = served, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.05):
            self.results.append(self.served.dialplan())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def served(ctx, box, freeswitch, bucket, smtp, recordings_dir, tmp_path):
    s3, bucket_name = bucket
    panel_port, switch_port = free_port(), free_port()
    env = {**os.environ, "CENTRALKA_DATABASE_URL": ctx.config["SQLALCHEMY_DATABASE_URI"],
           "CENTRALKA_INSTANCE": str(tmp_path / "instance"), "CENTRALKA_SECRET_KEY": "test",
           "CENTRALKA_SWITCH_ENDPOINT_BIND": f"127.0.0.1:{switch_port}", "CENTRALKA_SWITCH_ENDPOINT_TIMEOUT": "2",
           "CENTRALKA_XML_CURL_USER": SWITCH_AUTH["XML_CURL_USER"],
           "CENTRALKA_XML_CURL_PASSWORD": SWITCH_AUTH["XML_CURL_PASSWORD"],
           "CENTRALKA_ESL_SERVERS": "%s:%d:ClueCon" % freeswitch.address,
           "CENTRALKA_S3_BUCKET": bucket_name, "CENTRALKA_S3_ENDPOINT_URL": ctx.config["S3_ENDPOINT_URL"],
           "CENTRALKA_S3_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "CENTRALKA_SMTP_HOST": "127.0.0.1", "CENTRALKA_SMTP_PORT": str(smtp.port),
           "CENTRALKA_RECORDINGS_DIR": "/var/lib/freeswitch/recordings",
           "CENTRALKA_RECORDINGS_MOUNT": str(recordings_dir), "CENTRALKA_SHOW_LOGIN_CODES": "0",
           "CENTRALKA_SWITCH_SYNC_ON_COMMIT": "0", "CENTRALKA_PANEL_NICE": "0",
           "CENTRALKA_LISTENER_PROBES_BIND": f"127.0.0.1:{free_port()}",
           "CENTRALKA_WORKER_PROBES_BIND": f"127.0.0.1:{free_port()}",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    running = Served(env, panel_port, switch_port, tmp_path / "serve.log")
    try:
        wait_port(panel_port, 60)
        wait_port(switch_port, 60)
        assert freeswitch.wait_subscribed(1, timeout=60)
        yield running
    finally:
        if running.process.poll() is None:  # its children get SIGTERM when it dies
            running.process.kill()
            running.process.wait()


def test_every_process_killed_or_reloaded_comes_back_and_no_call_loses_its_record_recording_or_email(
        served, freeswitch, box, bucket, smtp, recordings_dir):
    s3, bucket_name = bucket
    frames = captured_frames(box.id)
    rounds = []

    def play(hour: int) -> None:
        """The five captured calls, as of ``hour`` hours later, with the files their recordings left."""
        day = [moved(frame, hour) for frame in frames]
        for match in {m.decode() for f in day for m in re.findall(
                rb'"Record-File-Path":"/var/lib/freeswitch/recordings/([^"]+)"', f)}:
            (recordings_dir / match).write_bytes(b"RIFF" + os.urandom(256))
        send(freeswitch, day)
        rounds.append(hour)

    def all_done() -> bool:
        stored = s3.list_objects_v2(Bucket=bucket_name).get("KeyCount", 0)
        return (_count(models.CallRecord) == CALLS_PER_ROUND * len(rounds) and stored == FILES_PER_ROUND * len(rounds)
                and len(smtp.messages) == MAILS_PER_ROUND * len(rounds))

    # Before anything happens.
    play(0)
    assert eventually(all_done, 30), served.log.read_text()[-3000:]
    listener, tasks_worker = served.child("listener"), served.child("tasks-worker")
    masters = {name: served.child(name) for name in ("panel", "switch-endpoint")}
    old_workers = set(served.workers("switch-endpoint"))

    # SIGHUP: both web servers reload gracefully; routing answers all along; a call meanwhile.
    with RoutingWatch(served) as watch:
        served.process.send_signal(signal.SIGHUP)
        play(1)
        assert eventually(lambda: set(served.workers("switch-endpoint")).isdisjoint(old_workers)
                          and len(served.workers("switch-endpoint")) == 2, 30)
    assert watch.results and set(watch.results) == {200}
    assert {name: served.child(name) for name in masters} == masters
    assert (served.child("listener"), served.child("tasks-worker")) == (listener, tasks_worker)  # untouched
    assert eventually(all_done, 30)

    # SIGKILL to the listener right after a call's events arrived: journaled, they are written
    # after the restart; the next call is recorded by the new listener.
    play(2)
    time.sleep(0.5)
    before = freeswitch.subscribed()
    os.kill(listener, signal.SIGKILL)
    assert eventually(lambda: served.child("listener") not in (None, listener), 30)
    assert eventually(lambda: [c for c in freeswitch.subscribed() if c not in before], 30)
    play(3)
    assert eventually(all_done, 40), served.log.read_text()[-3000:]

    # SIGKILL to the task worker: the uploads and e-mails of a call meanwhile wait for its return.
    os.kill(tasks_worker, signal.SIGKILL)
    play(4)
    assert eventually(lambda: served.child("tasks-worker") not in (None, tasks_worker), 30)
    assert eventually(all_done, 40), served.log.read_text()[-3000:]

    # A switch endpoint worker killed, then the other stuck past its timeout (2 s here): gunicorn
    # replaces both; routing answers meanwhile from the workers alive.
    with RoutingWatch(served) as watch:
        killed, stuck = served.workers("switch-endpoint")
        os.kill(killed, signal.SIGKILL)
        assert eventually(lambda: len(set(served.workers("switch-endpoint")) - {stuck}) == 1, 20)
    assert watch.results.count(200) >= len(watch.results) - 1, watch.results  # at most the one it held
    os.kill(stuck, signal.SIGSTOP)
    answered = [served.dialplan() for _ in range(10)]  # while it is stuck
    assert answered == [200] * 10
    assert eventually(lambda: stuck not in served.workers("switch-endpoint")
                      and len(served.workers("switch-endpoint")) == 2, 30)
    assert "WORKER TIMEOUT (pid:%d)" % stuck in served.log.read_text()

    # SIGKILL to both web masters: the supervisor starts them again.
    for name, pid in masters.items():
        os.kill(pid, signal.SIGKILL)
    assert eventually(lambda: all(served.child(name) not in (None, pid) for name, pid in masters.items()), 30)
    assert eventually(lambda: served.dialplan() == 200 and served.panel() == 200, 40)
    play(5)
    assert eventually(all_done, 30)

    # A stop: every process ends within 5 s, nothing left behind, no event left unwritten.
    children = [served.child(name) for name in ("panel", "switch-endpoint", "listener", "tasks-worker")]
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(10)
    assert time.monotonic() - started < 5.0, served.log.read_text().rpartition("SIGTERM: stopping")[2][-4000:]
    assert not [pid for pid in children if pid and Path(f"/proc/{pid}").exists()]
    assert served.process.returncode == 0
    assert sorted(m["To"] for m in smtp.messages) == sorted(["anna@example.test", "bob@example.test"] * len(rounds))
    log = served.log.read_text()
    assert "listener (pid %d) killed by SIGKILL" % listener in log
    assert "tasks-worker (pid %d) killed by SIGKILL" % tasks_worker in log


def _get(address: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=3) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def test_every_process_answers_its_probes_and_the_switch_endpoints_workers_are_counted_together(served):
    env = served.env
    addresses = {"panel": f"127.0.0.1:{served.panel_port}", "switch endpoint": f"127.0.0.1:{served.switch_port}",
                 "listener": env["CENTRALKA_LISTENER_PROBES_BIND"], "worker": env["CENTRALKA_WORKER_PROBES_BIND"]}
    for name, address in addresses.items():
        assert eventually(lambda: _get(address, "/readyz")[0] == 200, timeout=30), name
        assert _get(address, "/healthz")[0] == 200, name
    assert len(served.workers("switch-endpoint")) == 2
    for _ in range(20):
        assert served.dialplan() == 200
    for _ in range(4):  # whichever worker answers, it counts every worker's requests
        status, text = _get(addresses["switch endpoint"], "/metrics")
        assert status == 200 and 'centralka_xml_curl_seconds_count{section="dialplan"} 20.0' in text
    status, text = _get(addresses["listener"], "/metrics")
    assert status == 200 and "centralka_listener_switches_connected 1.0" in text
