"""The listener's durable inbox: facts are on local disk before the event is considered handled.

Handlers append what an event told us (a finished leg, a queue step, a recording) to a SQLite
file in WAL mode; a committed append survives the process being killed. The dispatcher wraps
the events it took from its queue together in ``group()``: their facts go in one transaction,
committed before those events count as handled (an event still queued, or in an unfinished
group, is in the same place as one never read: FreeSWITCH's CDR post covers both). The writer thread
drains it into the database in batches and deletes entries only after that commit, so a
database outage just lets the journal grow, and a crash between the two replays entries that
the idempotent upserts absorb.
"""
from __future__ import annotations

import contextlib
import json
import pickle
import sqlite3
import threading


PROTOCOL = 5


def _load(payload: bytes | str) -> dict:
    # Text: an entry journaled as JSON by an earlier version, still waiting after an upgrade.
    return json.loads(payload) if isinstance(payload, str) else pickle.loads(payload)


class Journal:
    def __init__(self, path: str):
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL: with WAL a commit is in the OS's hands before it returns, so it survives the
        # process being killed (SIGKILL, OOM); only a power cut may lose the last commits, and
        # those legs still reach the database through FreeSWITCH's CDR post.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS entry (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                         "kind TEXT NOT NULL, payload TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS rejected (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
                         "payload TEXT NOT NULL, error TEXT NOT NULL)")
        self._lock = threading.Lock()
        self._group = threading.local()

    @contextlib.contextmanager
    def group(self):
        """Appends made by this thread inside the block are committed together when it ends."""
        self._group.rows = rows = []
        try:
            yield
        finally:
            self._group.rows = None
            self._insert(rows)

    def append(self, items: list[tuple[str, dict]]) -> None:
        """Store the facts of one event together (one transaction, or the open group's)."""
        # pickle, not JSON: encoding every fact is a large share of a handler's time, and pickle
        # is several times faster. Only this process writes the file; set-aside entries stay JSON.
        rows = [(kind, pickle.dumps(payload, PROTOCOL)) for kind, payload in items]
        grouped = getattr(self._group, "rows", None)
        if grouped is not None:
            grouped += rows
        else:
            self._insert(rows)

    def _insert(self, rows: list[tuple[str, bytes]]) -> None:
        if not rows:
            return
        with self._lock:
            if len(rows) == 1:
                self._db.execute("INSERT INTO entry (kind, payload) VALUES (?, ?)", rows[0])
            else:
                with self._db:
                    self._db.execute("BEGIN")
                    self._db.executemany("INSERT INTO entry (kind, payload) VALUES (?, ?)", rows)

    def take(self, limit: int) -> list[tuple[int, str, dict]]:
        """The oldest entries, left in place until ``remove``."""
        with self._lock:
            rows = self._db.execute("SELECT id, kind, payload FROM entry ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [(entry_id, kind, _load(payload)) for entry_id, kind, payload in rows]

    def remove(self, ids: list[int]) -> None:
        with self._lock, self._db:  # one transaction, not one per entry
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM entry WHERE id = ?", [(i,) for i in ids])

    def reject(self, entry_id: int, kind: str, payload: dict, error: str) -> None:
        """Set aside an entry the database refuses for good, so it cannot block the rest."""
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.execute("INSERT OR REPLACE INTO rejected VALUES (?, ?, ?, ?)",
                             (entry_id, kind, json.dumps(payload), error[:2000]))
            self._db.execute("DELETE FROM entry WHERE id = ?", (entry_id,))

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM entry").fetchone()[0]

    def rejected(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM rejected").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
