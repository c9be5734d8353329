"""The development supervisor (``centralka serve``) and the split of the app into its two servers."""
import logging
import signal
import sys
import threading
import time

import pytest

from pbx import server


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(server, "FIRST_DELAY", 0.1)
    monkeypatch.setattr(server, "LONGEST_DELAY", 0.4)
    monkeypatch.setattr(server, "TICK", 0.02)


def run_until(supervisor: server.Supervisor, done, timeout=20.0) -> bool:
    """Run the supervisor in this thread (it installs signal handlers) until ``done()``."""
    reached = []

    def watch():
        deadline = time.monotonic() + timeout
        while not reached and time.monotonic() < deadline:
            if done():
                reached.append(True)
            time.sleep(0.02)
        supervisor._on_stop(signal.SIGTERM, None)

    watcher = threading.Thread(target=watch)
    watcher.start()
    supervisor.run()
    watcher.join()
    return bool(reached)


def test_a_child_is_restarted_on_any_exit_with_growing_delays_and_a_reason(quick, caplog):
    failing = server.Child("failing", python("raise SystemExit(3)"))
    clean = server.Child("clean", python("pass"))
    caplog.set_level(logging.WARNING, "centralka.serve")
    assert run_until(server.Supervisor([failing, clean]), lambda: failing.restarts >= 4 and clean.restarts >= 4)
    assert failing.delay == 0.4  # 0.1, 0.2, 0.4, then capped
    assert "failing (pid" in caplog.text and "exited with code 3" in caplog.text
    assert "exited with code 0" in caplog.text  # a clean exit is restarted too


def test_a_killed_child_is_named_by_its_signal_and_a_steady_one_restarts_after_the_first_delay(quick, caplog):
    child = server.Child("victim", python("import time; time.sleep(60)"))
    child.delay = 0.4
    supervisor = server.Supervisor([child])
    caplog.set_level(logging.WARNING, "centralka.serve")

    def killed_once():
        process = child.process
        if process is not None and child.restarts == 0 and time.monotonic() - child.started_at > 0.3:
            child.started_at -= server.STEADY_AFTER  # as if it had run a minute
            process.send_signal(signal.SIGKILL)
        return child.restarts == 1 and child.process is not None

    assert run_until(supervisor, killed_once)
    assert "killed by SIGKILL" in caplog.text
    assert "restarting in 0 s" in caplog.text  # back to FIRST_DELAY (0.1 s), not 0.4 s


def test_sighup_reaches_the_web_servers_only(quick, tmp_path):
    hup_aware = ("import signal, sys, time\n"
                 "signal.signal(signal.SIGHUP, lambda *_: open(sys.argv[1], 'a').write('hup\\n'))\n"
                 "open(sys.argv[1], 'a').write('ready\\n')\n"
                 "while True: time.sleep(0.05)\n")
    web, other = tmp_path / "web", tmp_path / "other"
    children = [server.Child("web", [*python(hup_aware), str(web)], reloads_on_hup=True),
                server.Child("other", [*python(hup_aware), str(other)])]
    supervisor = server.Supervisor(children)

    def reloaded():
        ready = all(p.exists() and "ready" in p.read_text() for p in (web, other))
        if ready and "hup" not in web.read_text() and not supervisor._reload:
            supervisor._on_hup(signal.SIGHUP, None)
        return web.exists() and "hup" in web.read_text()

    assert run_until(supervisor, reloaded)
    assert "hup" not in other.read_text()
    assert [c.restarts for c in children] == [0, 0]


def test_stop_ends_every_child_within_the_limit_even_one_ignoring_sigterm(quick):
    stubborn = server.Child("stubborn", python(
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"))
    polite = server.Child("polite", python("import time; time.sleep(60)"))
    supervisor = server.Supervisor([stubborn, polite])
    processes = []
    for child in supervisor.children:
        child.start()
        processes.append(child.process)
    time.sleep(0.5)
    started = time.monotonic()
    supervisor.stop()
    took = time.monotonic() - started
    assert all(p.poll() is not None for p in processes)
    assert processes[0].returncode == -signal.SIGKILL and processes[1].returncode == -signal.SIGTERM
    assert took < 5.0


def test_a_command_that_cannot_start_is_tried_again_and_the_others_run(quick, caplog, tmp_path):
    missing = server.Child("missing", [str(tmp_path / "no-such-program")])
    running = server.Child("running", python("import time; time.sleep(60)"))
    caplog.set_level(logging.ERROR, "centralka.serve")
    assert run_until(server.Supervisor([missing, running]), lambda: caplog.text.count("could not start") >= 3
                     and running.process is not None)
    assert running.restarts == 0


def test_exit_reasons():
    assert server.exit_reason(2) == "exited with code 2"
    assert server.exit_reason(-9) == "killed by SIGKILL"


def test_serve_runs_each_process_as_its_own_command():
    names = {c.name: c.command[1:] for c in server.children("127.0.0.1", 8000, 2, switch_bind="127.0.0.1:8001",
                                                              switch_workers=3)}
    assert names == {"panel": ["panel", "--bind", "127.0.0.1:8000", "--workers", "2"],
                     "switch-endpoint": ["switch-endpoint", "--bind", "127.0.0.1:8001", "--workers", "3"],
                     "listener": ["listener"], "tasks-worker": ["tasks", "worker"]}


def test_each_instance_has_its_own_control_socket_and_pid_files(tmp_path):
    from pbx.web_server import runtime_paths

    first, second = runtime_paths("panel", str(tmp_path / "a")), runtime_paths("panel", str(tmp_path / "b"))
    assert first["control_socket"] != second["control_socket"]
    assert first["control_socket"].startswith(str(tmp_path / "a"))


def _app(tmp_path, role):
    from pbx.app import create_app
    from tests.conftest import SWITCH_AUTH

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", "TESTING": True,
                       "SWITCH_SYNC_ON_COMMIT": False, **SWITCH_AUTH}, role=role)


def _dialplan(client):
    from tests.conftest import SWITCH_AUTH

    return client.post("/xml_curl", data={"section": "dialplan"},
                       auth=(SWITCH_AUTH["XML_CURL_USER"], SWITCH_AUTH["XML_CURL_PASSWORD"]))


def test_the_switch_endpoint_app_serves_only_what_freeswitch_calls(tmp_path):
    app = _app(tmp_path, "switch")
    assert _dialplan(app.test_client()).status_code == 200
    assert app.test_client().get("/").status_code == 404
    # and what the operator's probes and Prometheus ask (docs/operations.md)
    assert {rule.rule for rule in app.url_map.iter_rules()} - {"/static/<path:filename>"} == {
        "/xml_curl", "/cdr", "/healthz", "/readyz", "/metrics"}


def test_the_panel_server_refuses_xml_curl_which_its_app_still_answers_in_process(tmp_path, monkeypatch):
    from werkzeug.test import Client

    from pbx import wsgi

    app = _app(tmp_path, "panel")
    monkeypatch.setattr(wsgi, "create_app", lambda role: app)
    served = Client(wsgi.panel())
    refused = _dialplan(served)
    assert refused.status_code == 404 and "CENTRALKA_SWITCH_ENDPOINT_BIND" in refused.get_json()["error"]
    assert served.get("/").status_code == 200
    assert _dialplan(app.test_client()).status_code == 200  # test calls


def test_the_switch_endpoint_command_refuses_an_open_endpoint_beyond_loopback(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from pbx import cli, web_server
    from pbx.config import Config

    started = []
    monkeypatch.setattr(web_server, "run_switch_endpoint", lambda *args: started.append(args))
    monkeypatch.setattr(Config, "INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(Config, "XML_CURL_PASSWORD", "")
    refused = CliRunner().invoke(cli.main, ["switch-endpoint", "--bind", "0.0.0.0:8001"])
    assert refused.exit_code == 2 and "CENTRALKA_XML_CURL_PASSWORD" in refused.output and started == []
    assert CliRunner().invoke(cli.main, ["switch-endpoint", "--bind", "127.0.0.1:8001"]).exit_code == 0
    assert started == [("127.0.0.1:8001", Config.SWITCH_ENDPOINT_WORKERS)]
