"""The event listener core: routing, isolation, reconnects, the full-queue policy, stop()."""
import logging
import threading
import time

import pytest

from pbx.esl.client import ConnectionLost
from pbx.esl.listener import EventListener
from tests.support.esl_server import FakeFreeSwitch

ANSWERED = "esl_events_json_callcenter_answered.txt"


@pytest.fixture
def fake_fs():
    server = FakeFreeSwitch().start()
    yield server
    server.stop()


def make_listener(server, **options):
    options.setdefault("backoff_min", 0.02)
    options.setdefault("backoff_max", 0.1)
    return EventListener([(*server.address, options.pop("password", "ClueCon"))], **options)


def wait(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def listener_factory(fake_fs):
    started = []

    def start(**options):
        listener = make_listener(fake_fs, **options)
        started.append(listener)
        return listener
    yield start
    for listener in started:
        listener.stop(timeout=2)


def test_handlers_by_name_subclass_and_wildcard(listener_factory, fake_fs):
    listener = listener_factory()
    hangups, queue_info, every = [], [], []
    listener.on("CHANNEL_HANGUP_COMPLETE")(hangups.append)
    listener.on("CUSTOM", subclass="callcenter::info", handler=queue_info.append)
    listener.on("*", handler=every.append)
    listener.start()
    assert listener.wait_connected()
    assert fake_fs.commands_starting("event") == ["event json ALL"]
    fake_fs.replay(ANSWERED)
    assert wait(lambda: len(every) == 79)
    assert len(hangups) == 2 and len(queue_info) == 10
    assert {e.subclass for e in queue_info} == {"callcenter::info"}


def test_subscription_follows_the_handlers(listener_factory, fake_fs):
    listener = listener_factory(fmt="plain")
    seen = []
    listener.on("CHANNEL_HANGUP_COMPLETE", handler=seen.append)
    listener.on("CUSTOM", subclass="callcenter::info", handler=seen.append)
    listener.start()
    assert listener.wait_connected()
    assert fake_fs.commands_starting("event") == [
        "event plain CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info"]
    fake_fs.replay(ANSWERED)
    assert wait(lambda: len(seen) == 12)
    assert listener.stats()["received"] == 12


def test_explicit_subscription(listener_factory, fake_fs):
    listener = listener_factory(events=["CHANNEL_CREATE"], custom_subclasses=["sofia::register"])
    listener.start()
    assert listener.wait_connected()
    assert fake_fs.commands_starting("event") == ["event json CHANNEL_CREATE CUSTOM sofia::register"]


def test_a_failing_handler_does_not_stop_the_others(listener_factory, fake_fs, caplog):
    listener = listener_factory(events=["ALL"])
    good = []

    @listener.on("*")
    def broken(event):
        raise RuntimeError("handler bug")
    listener.on("*", handler=good.append)
    listener.start()
    assert listener.wait_connected()
    fake_fs.replay(ANSWERED)
    assert wait(lambda: len(good) == 79)
    stats = listener.stats()
    assert stats["handler_failures"] == 79 and stats["dispatched"] == 79
    assert list(stats["failures_by_handler"].values()) == [79]
    failures = [r for r in caplog.records if "failed" in r.getMessage() and r.exc_info]
    assert failures and failures[0].exc_info[0] is RuntimeError


def test_reconnects_after_the_server_drops(listener_factory, fake_fs):
    listener = listener_factory(events=["ALL"])
    seen = []
    listener.on("*", handler=seen.append)
    listener.start()
    assert listener.wait_connected()
    fake_fs.drop_connections()
    assert wait(lambda: listener.stats()["connects"] == 2 and listener.stats()["connected"] == 1)
    assert listener.stats()["disconnects"] == 1
    assert fake_fs.wait_subscribed()
    fake_fs.replay(ANSWERED)
    assert wait(lambda: len(seen) == 79)


def test_reconnects_after_a_restart_with_backoff(listener_factory, fake_fs):
    listener = listener_factory(events=["ALL"])
    listener.start()
    assert listener.wait_connected()
    fake_fs.stop()
    assert wait(lambda: listener.stats()["connect_failures"] >= 3)
    fake_fs.start()
    assert listener.wait_connected(timeout=3)
    assert listener.stats()["connects"] == 2


def test_bad_password_keeps_retrying_without_connecting(listener_factory, fake_fs):
    listener = listener_factory(password="wrong")
    listener.start()
    assert wait(lambda: listener.stats()["connect_failures"] >= 3)
    assert listener.stats()["connected"] == 0
    assert set(fake_fs.commands_starting("auth")) == {"auth wrong"}


def test_backoff_grows_to_the_maximum(fake_fs):
    fake_fs.stop()
    listener = make_listener(fake_fs, backoff_min=0.05, backoff_max=0.2, backoff_jitter=0.0)
    listener.start()
    time.sleep(0.6)  # attempts at 0, 0.05, 0.15, 0.35, 0.55 if it doubles up to 0.2
    listener.stop()
    assert 3 <= listener.stats()["connect_failures"] <= 6


def test_full_queue_drops_the_oldest_and_keeps_reading(listener_factory, fake_fs):
    listener = listener_factory(events=["ALL"], queue_size=5, group_size=5, put_timeout=0.001)
    gate, seen = threading.Event(), []

    def slow(event):
        gate.wait(5)
        seen.append(event)
    listener.on("*", handler=slow)
    listener.start()
    assert listener.wait_connected()
    fake_fs.replay(ANSWERED)
    # The reader drains the socket although the handler is stuck.
    assert wait(lambda: listener.stats()["received"] == 79)
    stats = listener.stats()
    # At most a queue and a group (the one stuck in the handler) are held; the rest is dropped.
    assert stats["queue_depth"] <= 5 and stats["dropped"] >= 79 - 5 - 5
    gate.set()
    assert wait(lambda: listener.stats()["dispatched"] == 79 - listener.stats()["dropped"])
    assert seen[-1].sequence == max(e.sequence for e in seen)  # the newest events survived


def test_api_passthrough(listener_factory, fake_fs):
    fake_fs.api_replies["uuid_broadcast 00592f20 tone_stream://%(200,0,800) aleg"] = \
        "+OK Message sent\n"
    listener = listener_factory(events=["ALL"])
    with pytest.raises(ConnectionLost):
        listener.api("status")
    listener.start()
    assert listener.wait_connected()
    assert listener.api("uuid_broadcast 00592f20 tone_stream://%(200,0,800) aleg") == \
        "+OK Message sent\n"


def test_lag_and_queue_stats_are_measured_and_logged(listener_factory, fake_fs, caplog):
    caplog.set_level(logging.INFO, logger="pbx.esl.listener")
    listener = listener_factory(events=["ALL"], stats_interval=0.05)
    listener.start()
    assert listener.wait_connected()
    fake_fs.replay(ANSWERED)
    assert wait(lambda: listener.stats()["dispatched"] == 79)
    stats = listener.stats()
    # The captured events are stamped 2026-11-22 02:03; lag is "now" minus that.
    assert stats["lag_last"] == pytest.approx(time.time() - 1795313036.5, abs=120)
    assert stats["queue_peak"] >= 1 and stats["wait_max"] >= 0
    assert wait(lambda: any("ESL listener stats" in r.getMessage() for r in caplog.records))


def test_stop_closes_connections_and_threads(fake_fs):
    listener = make_listener(fake_fs, events=["ALL"])
    listener.start()
    assert listener.wait_connected()
    threads = list(listener._threads)
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 2
    assert not any(t.is_alive() for t in threads)
    assert fake_fs.wait_until(lambda: fake_fs.commands_starting("exit") == ["exit"])
    assert listener.stats()["connected"] == 0


def test_on_connected_is_told_of_every_connection():
    server = FakeFreeSwitch().start()
    seen = []
    listener = EventListener([(*server.address, "ClueCon")], events=["HEARTBEAT"], backoff_min=0.05,
                             on_connected=seen.append)
    try:
        listener.start()
        assert listener.wait_connected(timeout=5)
        server.drop_connections()
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert seen == [(*server.address, "ClueCon")] * 2
    finally:
        listener.stop()
        server.stop()
