"""The last good store on disk: exact revisions, many companies in one read, never a failed request."""
from __future__ import annotations

import os
import stat

from xml_curl.last_good import FEW_KEYS, LastGood


def test_documents_by_key_and_revision(tmp_path):
    store = LastGood(str(tmp_path / "instance" / "last-good.sqlite3"))
    store.put("tenant:1", (3, "2026-12-01"), b"<document/>")
    assert store.get("tenant:1", (3, "2026-12-01")) == b"<document/>"
    assert store.get("tenant:1", (4, "2026-12-01")) is None
    assert store.newest("tenant:1") == ((3, "2026-12-01"), b"<document/>")
    assert store.newest("tenant:2") is None
    assert stat.S_IMODE(os.stat(tmp_path / "instance" / "last-good.sqlite3").st_mode) == 0o600


def test_many_companies_at_their_revisions_in_one_read(tmp_path):
    store = LastGood(str(tmp_path / "last-good.sqlite3"))
    for tenant in range(1, FEW_KEYS + 20):
        store.put(f"queues:{tenant}", (tenant, "c"), b"part %d" % tenant)
    store.put("tenant:1", (1, "c"), b"not a queue")
    few = {"queues:1": (1, "c"), "queues:2": (99, "c")}
    assert store.many("queues:", few) == {"queues:1": b"part 1"}
    every = {f"queues:{tenant}": (tenant, "c") for tenant in range(1, FEW_KEYS + 20)}
    assert store.many("queues:", every) == {key: b"part %d" % revision[0] for key, revision in every.items()}


def test_a_broken_store_is_empty_and_logged(tmp_path, caplog):
    path = tmp_path / "last-good.sqlite3"
    path.write_bytes(b"not a database" * 512)
    store = LastGood(str(path))
    store.put("tenant:1", (1, "c"), b"<document/>")
    assert store.get("tenant:1", (1, "c")) is None and store.newest("tenant:1") is None
    assert "last good store" in caplog.text
