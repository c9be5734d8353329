"""The endpoint's store keeps one database connection per request thread: all its threads get one at once."""
from __future__ import annotations

import threading

import pytest

from xml_curl.store import Store, lookup_engine


def test_every_thread_of_a_worker_holds_its_own_connection_at_once(ctx, demo):
    if ctx.config["BACKEND"] == "sqlite":
        pytest.skip("SQLite has no connection pool to run out of")
    threads = 12  # more than the 8 connections the pool once had
    store = Store(lookup_engine(ctx.config["SQLALCHEMY_DATABASE_URI"], 800, threads))
    tenant_id, together, held = demo.id, threading.Barrier(threads), []
    all_asked = threading.Barrier(threads, action=lambda: held.append(store.engine.pool.checkedout()))
    found = []

    def hunt():
        together.wait()
        found.append(store.tenant(tenant_id))
        all_asked.wait()  # each thread keeps its connection while the others ask

    workers = [threading.Thread(target=hunt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
    try:
        assert [state.tenant_id for state in found] == [tenant_id] * threads
        assert held == [threads]
    finally:
        together.abort()
        all_asked.abort()
        store.engine.dispose()
