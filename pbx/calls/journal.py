"""The listener's durable inbox: facts are on local disk before the event is considered handled.

Handlers append what an event told us (a finished leg, a queue step, a recording) to a SQLite
file in WAL mode; a committed append survives the process being killed. The dispatcher wraps
the events it took from its queue together in ``group()``: their facts go in one row, committed
before those events count as handled (an event still queued, or in an unfinished group, is in
the same place as one never read: FreeSWITCH's CDR post covers both). The record writer, in a
process of its own, drains it into the database in batches and deletes rows only after that
commit, so a database outage just lets the journal grow, and a crash between the two replays
facts that the idempotent upserts absorb.
"""
from __future__ import annotations

import contextlib
import json
import pickle
import sqlite3
import threading


PROTOCOL = 5
GROUP = "group"  # the kind of a row holding a list of (kind, payload) facts


def _load(kind: str, payload: bytes | str) -> list[tuple[str, dict]]:
    """The facts of one row. Text: one fact journaled as JSON by an earlier version, still waiting
    after an upgrade; a pickled single fact likewise."""
    if isinstance(payload, str):
        return [(kind, json.loads(payload))]
    value = pickle.loads(payload)
    return value if kind == GROUP else [(kind, value)]


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
        self._group.facts = facts = []
        try:
            yield
        finally:
            self._group.facts = None
            self._insert(facts)

    def append(self, facts: list[tuple[str, dict]]) -> None:
        """Store the facts of one event together (one row, or the open group's)."""
        grouped = getattr(self._group, "facts", None)
        if grouped is not None:
            grouped += facts
        else:
            self._insert(facts)

    def _insert(self, facts: list[tuple[str, dict]]) -> None:
        # One pickled row per group, not one per fact: pickle writes each repeated key once per
        # row, and SQLite's cost is per row; both were a large share of the dispatcher's time.
        # Only the listener writes the file; set-aside facts stay JSON, for people to read.
        if not facts:
            return
        payload = pickle.dumps(facts, PROTOCOL)
        with self._lock:
            self._db.execute("INSERT INTO entry (kind, payload) VALUES (?, ?)", (GROUP, payload))

    def take(self, limit: int) -> list[tuple[int, str, dict]]:
        """The oldest facts as (row id, kind, payload), whole rows until ``limit`` facts or more;
        left in place until ``remove``."""
        taken = []
        with self._lock, contextlib.closing(self._db.execute("SELECT id, kind, payload FROM entry ORDER BY id")) as rows:
            for row_id, kind, payload in rows:
                taken += [(row_id, fact_kind, fact) for fact_kind, fact in _load(kind, payload)]
                if len(taken) >= limit:
                    break
        return taken

    def remove(self, ids: list[int]) -> None:
        # IMMEDIATE: the write lock first, so the listener's appends in another process
        # (SQLite serialises writers) cannot turn this into a busy error halfway.
        with self._lock, self._db:  # one transaction, not one per row
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM entry WHERE id = ?", [(i,) for i in sorted(set(ids))])

    def reject(self, kind: str, payload: dict, error: str) -> None:
        """Set aside a fact the database refuses for good, so it cannot block the rest
        (its row goes with ``remove``, once the other facts of the batch are written)."""
        with self._lock:
            self._db.execute("INSERT INTO rejected (kind, payload, error) VALUES (?, ?, ?)",
                             (kind, json.dumps(payload), error[:2000]))

    def __len__(self) -> int:
        """Rows waiting (a row holds the facts of one group of events)."""
        with self._lock:
            return self._db.execute("SELECT count(*) FROM entry").fetchone()[0]

    def rejected(self) -> list[tuple[str, dict, str]]:
        with self._lock:
            rows = self._db.execute("SELECT kind, payload, error FROM rejected ORDER BY id").fetchall()
        return [(kind, json.loads(payload), error) for kind, payload, error in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
