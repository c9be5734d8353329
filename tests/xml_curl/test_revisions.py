"""Revision announcements: a worker serves a publish without a query per hunt, never a stale one."""
from __future__ import annotations

import time

from flask import current_app
import pytest
from sqlalchemy import text

from tests.xml_curl.conftest import (
    ANNOUNCED_WITHIN_SECONDS, NOT_FOUND, captured_body, post, served_after_commit, store_of, with_fields,
)

TRANSFER = captured_body("xml_curl_dialplan_transfer_menu_1.txt")


def hunt(tenant, destination: str = "101") -> bytes:
    return with_fields(TRANSFER, {"Hunt-Context": f"tenant_{tenant.id}", "Hunt-Destination-Number": destination})


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.01)


@pytest.fixture
def postgres(ctx):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("revisions are announced by PostgreSQL")
    return ctx


@pytest.fixture
def worker(postgres, make_app):
    """Another worker process' app, listening for announcements, with a revision already read."""
    application = make_app()
    revisions = store_of(application).revisions
    revisions.current(0)  # what the first hunt does: start listening
    wait_until(lambda: revisions.connected)
    return application


def kill_listeners(application) -> None:
    """What a failover or an idle-connection reaper does to the listening connection."""
    from pbx.extensions import db

    with application.app_context(), db.engine.connect() as conn:
        killed = conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'centralka-dialplan-revisions' AND datname = current_database()")).all()
    assert killed


def test_a_publish_in_one_app_is_served_by_another_without_a_query_per_hunt(
        postgres, demo, published, worker, queries):
    from pbx import scenarios
    from pbx.extensions import db

    # The main number's entry names the published version.
    client, ask = worker.test_client(), hunt(demo, f"main_{demo.main_numbers[0].id}")
    first = post(client, ask).data
    sent = queries(worker)
    assert all(post(client, ask).data == first for _ in range(20))
    assert sent == []
    version = scenarios.rollback(published, 1, current_app.config)
    db.session.commit()
    published_at = time.monotonic()
    marker = f"centralka_version={version.id}".encode()
    second = served_after_commit(client, ask, lambda reply: marker in reply)
    assert marker in second and time.monotonic() - published_at < ANNOUNCED_WITHIN_SECONDS + 0.5
    assert len(sent) == 1  # the tenant read once, when its announced revision moved on
    assert all(post(client, ask).data == second for _ in range(20))
    assert len(sent) == 1


def test_sqlite_asks_at_every_hunt(ctx, demo, compiler, queries):
    if ctx.config["BACKEND"] != "sqlite":
        pytest.skip("PostgreSQL announces revisions")
    client = ctx.test_client()
    post(client, hunt(demo))
    sent = queries(ctx)
    for _ in range(5):
        post(client, hunt(demo))
    assert len(sent) == 5


def test_a_deleted_company_is_not_served_from_memory(postgres, demo, worker, compiler):
    from pbx.extensions import db

    client = worker.test_client()
    assert b"rev_" in post(client, hunt(demo)).data
    asked = hunt(demo)
    db.session.delete(demo)
    db.session.commit()
    assert served_after_commit(client, asked, lambda reply: reply == NOT_FOUND) == NOT_FOUND


def test_without_the_listener_every_hunt_asks_the_database(postgres, demo, worker, compiler, queries):
    from pbx import directory
    from pbx.extensions import db

    client, ask = worker.test_client(), hunt(demo)
    post(client, ask)
    kill_listeners(worker)
    wait_until(lambda: not store_of(worker).revisions.connected)
    sent = queries(worker)
    directory.update_user(demo, demo.users[0].id, {"description": "Recepcja po awarii"})
    db.session.commit()
    revision = db.session.get(type(demo), demo.id).dialplan_revision
    assert f'rev_{revision}"'.encode() in post(client, ask).data  # at once, with no announcement
    post(client, ask)
    assert len(sent) == 2


def test_a_change_missed_while_reconnecting_is_served_after_it(postgres, demo, worker, compiler, queries):
    from pbx import directory
    from pbx.extensions import db

    client, ask = worker.test_client(), hunt(demo)
    post(client, ask)
    revisions = store_of(worker).revisions
    kill_listeners(worker)
    wait_until(lambda: not revisions.connected)
    directory.update_user(demo, demo.users[0].id, {"description": "Zmiana w czasie przerwy"})
    db.session.commit()  # announced to nobody
    revision = db.session.get(type(demo), demo.id).dialplan_revision
    wait_until(lambda: revisions.connected)
    sent = queries(worker)
    assert all(f'rev_{revision}"'.encode() in post(client, ask).data for _ in range(5))
    assert len(sent) == 1  # what it knew before was forgotten: read once again, then announced


def test_an_earlier_read_never_overrides_an_announcement(postgres, worker):
    revisions = store_of(worker).revisions
    epoch = revisions.epoch()
    revisions.announced("7:5")
    revisions.record(7, 4, epoch)
    assert revisions.current(7) == 5
    revisions.announced("8:deleted")
    revisions.record(8, 9, epoch)
    assert revisions.current(8) != 9


def test_a_read_from_before_a_reconnect_is_not_kept(postgres, worker):
    revisions = store_of(worker).revisions
    epoch = revisions.epoch()
    kill_listeners(worker)
    wait_until(lambda: not revisions.connected)
    assert revisions.epoch() is None and revisions.current(7) is None
    wait_until(lambda: revisions.connected)
    revisions.record(7, 4, epoch)  # announcements may have been missed since it was read
    assert revisions.current(7) is None
    revisions.record(7, 4, revisions.epoch())
    assert revisions.current(7) == 4


def test_announcements_are_sent_only_on_commit(postgres, demo, worker):
    from pbx import directory
    from pbx.extensions import db

    revisions = store_of(worker).revisions
    before = db.session.get(type(demo), demo.id).dialplan_revision
    revisions.record(demo.id, before, revisions.epoch())
    directory.update_user(demo, demo.users[0].id, {"description": "Nigdy nie zapisane"})
    db.session.flush()
    time.sleep(0.2)
    assert revisions.current(demo.id) == before
    db.session.rollback()
    time.sleep(0.2)
    assert revisions.current(demo.id) == before
    directory.update_user(demo, demo.users[0].id, {"description": "Zapisane"})
    db.session.commit()
    wait_until(lambda: revisions.current(demo.id) == before + 1, ANNOUNCED_WITHIN_SECONDS)
