"""The last good replies on disk: shared by every worker of the host, kept across restarts.

A worker started (or reloaded) while the database is away has nothing in memory; it serves
what any worker of this host last compiled instead of the apology. One SQLite file in the
instance folder (``XML_CURL_LAST_GOOD_PATH``), written only when a new revision is compiled,
never per hunt; a worker that finds a document of the current revision here uses it instead
of compiling it again. Directory replies are not kept here: they carry SIP passwords.

Nothing here may fail a request: a store that cannot be read or written is logged and
treated as empty.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("centralka.xml_curl")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS document (key TEXT PRIMARY KEY, revision TEXT NOT NULL, body BLOB NOT NULL)",
    # What routes a call without the database: which tenant a number belongs to, its fallback number.
    "CREATE TABLE IF NOT EXISTS routing (key TEXT PRIMARY KEY, state TEXT NOT NULL)",
)
# A reader never waits for a writer (WAL); a writer waits at most this for another worker's write.
BUSY_SECONDS = 2.0
# Up to this many keys are read one by one; more, with every key of the prefix in one scan.
FEW_KEYS = 500


def revision_text(revision: tuple) -> str:
    return json.dumps(list(revision))


class LastGood:
    """Documents by key ("hunts:<id>": a company's context to cut per hunt, "entry:<main number id>",
    "queues:<id>", "callcenter.conf") with the revision they were compiled at, and routing facts by key."""

    def __init__(self, path: str):
        self.path = Path(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():  # never a connection of the parent process
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner only: the file holds dial strings and fallback numbers of every company.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                connection.execute(statement)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def _run(self, query: str, values: tuple = ()) -> list | None:
        try:
            return self._connection().execute(query, values).fetchall()
        except (sqlite3.Error, OSError) as error:
            self._local.connection = None
            log.error("xml_curl: the last good store %s failed: %s", self.path, error)
            return None

    def get(self, key: str, revision: tuple) -> bytes | None:
        """The document compiled at exactly this revision."""
        rows = self._run("SELECT body FROM document WHERE key = ? AND revision = ?", (key, revision_text(revision)))
        return bytes(rows[0][0]) if rows else None

    def newest(self, key: str) -> tuple[tuple, bytes] | None:
        """The last document stored under this key, with its revision, whatever that is."""
        rows = self._run("SELECT revision, body FROM document WHERE key = ?", (key,))
        return (tuple(json.loads(rows[0][0])), bytes(rows[0][1])) if rows else None

    def has(self, key: str) -> bool:
        """Whether any document is stored under this key (without reading it)."""
        return bool(self._run("SELECT 1 FROM document WHERE key = ?", (key,)))

    def many(self, prefix: str, revisions: dict[str, tuple]) -> dict[str, bytes]:
        """Of the keys asked, those stored at the revision asked: one read for every company."""
        wanted = {key: revision_text(revision) for key, revision in revisions.items()}
        if len(wanted) <= FEW_KEYS:
            rows = self._run(f"SELECT key, revision, body FROM document WHERE key IN ({','.join('?' * len(wanted))})",
                             tuple(wanted)) or []
        else:
            rows = self._run("SELECT key, revision, body FROM document WHERE key >= ? AND key < ?",
                             (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))) or []
        return {key: bytes(body) for key, revision, body in rows if wanted.get(key) == revision}

    def put(self, key: str, revision: tuple, body: bytes) -> None:
        self._run("INSERT OR REPLACE INTO document (key, revision, body) VALUES (?, ?, ?)",
                  (key, revision_text(revision), body))

    def routing(self, key: str) -> dict | None:
        rows = self._run("SELECT state FROM routing WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None

    def put_routing(self, key: str, state: dict) -> None:
        self._run("INSERT OR REPLACE INTO routing (key, state) VALUES (?, ?)", (key, json.dumps(state)))

    def usable(self) -> bool:
        """Whether the store can be read (a worker's readiness)."""
        return self._run("SELECT count(*) FROM routing") is not None

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()
