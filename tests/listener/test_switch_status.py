"""The listener writes what the dashboard shows of each switch: connected since, last event, queue sync."""
import functools
import time

import pytest
from sqlalchemy import select

from pbx import models
from pbx.app import create_app
from pbx.extensions import db
from pbx.listener_app import ListenerService
from tests.support.listener import eventually
from tests.support.streams import stream_file


def status(freeswitch):
    db.session.rollback()  # the listener writes from its own threads and sessions
    return db.session.scalar(select(models.SwitchStatus).where(
        models.SwitchStatus.server == f"127.0.0.1:{freeswitch.port}"))


@pytest.fixture
def listening(ctx, company, freeswitch, tmp_path):
    """A listener on the fake switch; ``listening(status_every)`` starts it, it is stopped afterwards."""
    started = []

    def start(status_every):
        ctx.config["STORAGE_DIR"] = str(tmp_path / "storage")
        service = ListenerService(ctx, functools.partial(create_app, dict(ctx.config)),
                                  servers=[(*freeswitch.address, "ClueCon")],
                                  journal_path=str(tmp_path / "journal.sqlite3"), status_every=status_every,
                                  backoff_min=0.05, backoff_max=0.2)
        started.append(service.start())
        assert freeswitch.wait_subscribed(1)
        return service

    yield start
    for service in started:
        service.stop()


def test_connect_events_disconnect_and_stop_are_written(listening, freeswitch):
    service = listening(status_every=0.1)
    assert eventually(lambda: status(freeswitch) is not None and status(freeswitch).connected)
    first = status(freeswitch)
    # Connecting asks for a queue sync; this switch is not in the app's ESL_SERVERS, so none runs.
    assert (first.sync_state, first.last_event_at, first.reported_at is not None) == ("requested", None, True)
    freeswitch.replay(stream_file("callcenter_answered", "json").name)
    assert eventually(lambda: status(freeswitch).last_event_at is not None)

    freeswitch.stop()
    assert eventually(lambda: not status(freeswitch).connected)
    lost = status(freeswitch)
    assert lost.since >= first.since
    freeswitch.start()
    assert freeswitch.wait_subscribed(1, timeout=10)
    assert eventually(lambda: status(freeswitch).connected)
    assert status(freeswitch).since >= lost.since

    service.stop()
    assert not status(freeswitch).connected


def test_event_times_are_written_at_most_once_an_interval(listening, freeswitch):
    listening(status_every=3600)
    assert eventually(lambda: status(freeswitch) is not None and status(freeswitch).connected)
    freeswitch.replay(stream_file("callcenter_answered", "json").name, repeat=3)
    time.sleep(0.5)
    # The first write was before these events; the next is an hour away. Connects are written at once.
    assert status(freeswitch).last_event_at is None


class QuietListener:
    """An EventListener's view of its switches, with nothing connected and no events."""

    def server_states(self):
        return {}


def test_a_connect_the_database_missed_is_written_once_it_is_back(ctx, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from pbx import switch_status

    save = switch_status._save
    away = [OperationalError("INSERT", {}, Exception("database is away"))]

    def flaky_save(server, **values):
        if away:
            raise away.pop()
        save(server, **values)

    monkeypatch.setattr(switch_status, "_save", flaky_save)
    keeper = switch_status.StatusKeeper(ctx, events_every=0.05)
    keeper.connected(("10.0.0.5", 8021, "secret"))
    assert db.session.scalar(select(models.SwitchStatus)) is None
    keeper.start(QuietListener())
    try:
        assert eventually(lambda: db.session.rollback() or db.session.scalar(select(models.SwitchStatus)) is not None)
        assert db.session.scalar(select(models.SwitchStatus.connected)) is True
    finally:
        keeper.stop()
    assert db.session.rollback() or db.session.scalar(select(models.SwitchStatus.connected)) is False
