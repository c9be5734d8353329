"""The listener's and the task worker's health, readiness and metrics on their own small ports,
and the e-mails that failed, counted as it happens."""
from __future__ import annotations

import functools
import json
import os
import urllib.error
import urllib.request

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from pbx import models
from pbx.app import create_app
from pbx.extensions import db
from pbx.listener_app import ListenerService
from tests.listener.test_listener import ALL_SHAPES, replay
from tests.listener.test_voicemail import new_voicemail, voicemail_box
from tests.support.listener import eventually, start_service

ANY_PORT = "127.0.0.1:0"


def get(server, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def gauge(server, name: str) -> float:
    status, text = get(server, "/metrics")
    assert status == 200
    values = {sample.name: sample.value for family in text_string_to_metric_families(text.decode())
              for sample in family.samples}
    return values[name]


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def probes_of():
    started = []

    def start(server):
        started.append(server.start())
        return server
    yield start
    for server in started:
        server.stop()


def test_a_listener_without_a_switch_is_alive_but_not_ready_and_shows_its_journal(ctx, tmp_path, probes_of):
    service = ListenerService(ctx, functools.partial(create_app, dict(ctx.config)), servers=[("127.0.0.1", 1, "x")],
                              journal_path=str(tmp_path / "journal.sqlite3"))
    service.journal.append([("leg", {"leg_uuid": "a"})])
    service.journal.append([("leg", {"leg_uuid": "b"})])
    probes = probes_of(service.probes(ANY_PORT))
    assert get(probes, "/healthz")[0] == 200
    status, body = get(probes, "/readyz")
    assert status == 503 and json.loads(body)["checks"] == {"switch_connected": "unavailable"}
    assert gauge(probes, "centralka_listener_journal_depth") == 2
    assert gauge(probes, "centralka_listener_switches_connected") == 0
    service.journal.close()


def test_a_connected_listener_is_ready_and_counts_events_lag_and_reconnects(
        ctx, company, freeswitch, tmp_path, recordings_dir, probes_of):
    ctx.config["STORAGE_DIR"] = str(tmp_path / "storage")
    service = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3")
    try:
        probes = probes_of(service.probes(ANY_PORT))
        assert eventually(lambda: get(probes, "/readyz")[0] == 200)  # once its connection is up
        events, lags = value("centralka_listener_events_total"), value("centralka_listener_lag_seconds_count")
        reconnects = value("centralka_listener_reconnects_total")
        replay(freeswitch, ALL_SHAPES[:2])
        assert eventually(lambda: value("centralka_listener_events_total") > events)
        assert value("centralka_listener_lag_seconds_count") > lags
        freeswitch.stop()
        assert eventually(lambda: get(probes, "/readyz")[0] == 503)
        freeswitch.start()
        assert freeswitch.wait_subscribed(1, timeout=10)
        assert eventually(lambda: get(probes, "/readyz")[0] == 200)
        assert value("centralka_listener_reconnects_total") == reconnects + 1
    finally:
        service.stop()


def test_metrics_of_the_listener_need_the_token_when_one_is_set(ctx, tmp_path, probes_of, monkeypatch):
    monkeypatch.setitem(ctx.config, "METRICS_TOKEN", "s3cret-metrics-token")
    service = ListenerService(ctx, functools.partial(create_app, dict(ctx.config)), servers=[("127.0.0.1", 1, "x")],
                              journal_path=str(tmp_path / "journal.sqlite3"))
    probes = probes_of(service.probes(ANY_PORT))
    assert get(probes, "/metrics")[0] == 403
    request = urllib.request.Request(f"http://127.0.0.1:{probes.port}/metrics",
                                     headers={"Authorization": "Bearer s3cret-metrics-token"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and b"centralka_listener_journal_depth 0.0" in response.read()
    service.journal.close()


def test_the_worker_shows_its_queue_and_pending_uploads_and_is_ready_with_its_queue(
        ctx, company, task_queue, recordings_dir, probes_of):
    box = voicemail_box("anna@example.test")
    new_voicemail(ctx, box, b"RIFF" + os.urandom(100))
    task_queue.enqueue_all([task_queue.upload_recording.s(1), task_queue.upload_recording.s(2)])
    probes = probes_of(task_queue.probe_server(ctx, ANY_PORT))
    status, body = get(probes, "/readyz")
    assert status == 200 and json.loads(body)["checks"] == {"database": "ok", "task_queue": "ok"}
    assert gauge(probes, "centralka_task_queue_depth") == 2
    assert gauge(probes, "centralka_recording_uploads_pending") == db.session.query(models.Recording).count() == 1
    task_queue.configure("redis://127.0.0.1:1/0", ctx.instance_path)  # a broker that is not there
    status, body = get(probes, "/readyz")
    assert status == 503 and json.loads(body)["checks"]["task_queue"] == "unavailable"
    # The metrics still answer: without the queue's depth, with what the database knows.
    assert gauge(probes, "centralka_recording_uploads_pending") == 1
    with pytest.raises(KeyError):
        gauge(probes, "centralka_task_queue_depth")


def test_a_voicemail_the_smtp_server_refuses_counts_as_a_failed_email(ctx, company, smtp, task_queue, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(recordings_dir.parent / "storage")
    failed = value("centralka_emails_failed_total", kind="voicemail")
    ids = new_voicemail(ctx, voicemail_box("anna@example.test", "bob@example.test"), b"RIFF" + os.urandom(100))
    smtp.stop()
    task_queue.after_saved([], ids)
    task_queue.run_pending()
    assert value("centralka_emails_failed_total", kind="voicemail") == failed + 2
    smtp.start()
