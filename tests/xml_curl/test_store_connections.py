"""The endpoint's store keeps one database connection per request thread: all its threads get one at once."""
from __future__ import annotations

import threading
import time

import pytest

from xml_curl.store import Store, lookup_engine


def test_every_thread_of_a_worker_holds_its_own_connection_at_once(ctx, demo):
    if ctx.config["BACKEND"] == "sqlite":
        pytest.skip("SQLite has no connection pool to run out of")
    threads = 12  # more than the 8 connections the pool once had
    store = Store(lookup_engine(ctx.config["SQLALCHEMY_DATABASE_URI"], 800, threads))
    tenant_id, together = demo.id, threading.Barrier(threads)
    found, took = [], []

    def hunt():
        together.wait()
        started = time.monotonic()
        found.append(store.tenant(tenant_id))
        took.append(time.monotonic() - started)
        together.wait()  # each thread keeps its connection while the others ask

    workers = [threading.Thread(target=hunt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
    try:
        assert [state.tenant_id for state in found] == [tenant_id] * threads
        assert max(took) < 0.8, f"a thread waited {max(took):.1f} s for a connection"
    finally:
        together.abort()
        store.engine.dispose()
