"""Each tenant's dialplan revision as PostgreSQL announces it, so a hunt needs no query.

Every audited change commits a ``NOTIFY centralka_dialplan, '<tenant id>:<revision>'``
(pbx.audit). A daemon thread per worker process LISTENs on a connection of its own and
keeps the latest revision of each tenant it has heard of. The endpoint trusts that only
while the connection is up: when it is not, every hunt asks the database as before, and
after each reconnect everything known is forgotten, since announcements may have been missed.

One window remains: a hunt that arrives after a publish has committed but before this
worker's thread has read the announcement is served the previous document, as if it had
arrived a moment earlier. That is a fraction of a millisecond on an idle worker, and about
the GIL's 5 ms switch interval when another thread keeps the worker busy (docs/freeswitch.md).
"""
from __future__ import annotations

import logging
import os
import threading

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger("centralka.xml_curl")

CHANNEL = "centralka_dialplan"
# Greater than any revision: a company deleted stays deleted, whatever was read before.
DELETED = float("inf")
# The connection is checked this often; a silently dead network shows within this plus
# the TCP timeout below, and only then do hunts go back to asking the database.
PING_SECONDS = 1.0
RECONNECT_SECONDS = 1.0
TCP_TIMEOUT_MS = 2000


class Revisions:
    """Latest announced revision per tenant, valid only while the listener is connected."""

    def __init__(self, url: str, connect_timeout: int):
        self._conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._connect_timeout = connect_timeout
        self._latest: dict[int, float] = {}
        # Changes whenever the connection comes up or goes down: a revision read from the
        # database is kept only if no announcement can have been missed since it was read.
        self._epoch = 0
        self._connected = False
        self._lock = threading.Lock()
        self._pid = None
        self._stop = threading.Event()

    @property
    def connected(self) -> bool:
        return self._connected

    def current(self, tenant_id: int) -> float | None:
        """The tenant's latest revision, or None when it must be read from the database."""
        if self._pid != os.getpid():
            self._start()  # lazily, in the worker process (gunicorn may fork after creating the app)
        return self._latest.get(tenant_id) if self._connected else None

    def epoch(self) -> int | None:
        """Taken before reading a revision from the database; None when it cannot be kept."""
        return self._epoch if self._connected else None

    def record(self, tenant_id: int, revision: int, epoch: int | None) -> None:
        """A revision read from the database, if the listener has heard everything since."""
        with self._lock:
            if epoch is not None and epoch == self._epoch:
                self._latest[tenant_id] = max(self._latest.get(tenant_id, revision), revision)

    def announced(self, payload: str) -> None:
        tenant, _, revision = payload.partition(":")
        try:
            tenant_id, latest = int(tenant), DELETED if revision == "deleted" else int(revision)
        except ValueError:
            log.warning("xml_curl: ignoring the announcement %r on %s", payload, CHANNEL)
            return
        with self._lock:
            self._latest[tenant_id] = max(self._latest.get(tenant_id, latest), latest)

    def close(self) -> None:
        """Stop listening; the thread ends within PING_SECONDS (tests, benchmarks)."""
        self._stop.set()

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._connected, self._latest = False, {}  # what a parent process knew is not ours
            threading.Thread(target=self._listen, name="dialplan-revisions", daemon=True).start()

    def _listen(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._set_connected(True)
                    if failing:
                        log.warning("xml_curl: listening for dialplan revisions again")
                    failing = False
                    self._follow(connection)
            except Exception as error:  # the thread outlives any failure; hunts ask meanwhile
                if not failing and not self._stop.is_set():
                    log.error("xml_curl: lost the dialplan revision announcements (%s); "
                              "every hunt reads the revision from the database until they are back",
                              str(error).strip(), exc_info=not isinstance(error, psycopg.Error))
                failing = True
            finally:
                self._set_connected(False)
            self._stop.wait(RECONNECT_SECONDS)

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            self._conninfo, autocommit=True, connect_timeout=self._connect_timeout,
            application_name="centralka-dialplan-revisions", keepalives=1, keepalives_idle=5,
            keepalives_interval=1, keepalives_count=3, tcp_user_timeout=TCP_TIMEOUT_MS)

    def _follow(self, connection: psycopg.Connection) -> None:
        while not self._stop.is_set():
            for notification in connection.notifies(timeout=PING_SECONDS):
                self.announced(notification.payload)
            connection.execute("SELECT 1")

    def _set_connected(self, connected: bool) -> None:
        with self._lock:
            self._epoch += 1
            self._connected = connected
            self._latest = {}
