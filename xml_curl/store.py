"""The endpoint's own database reads: at most one short query per request, no ORM.

Every FreeSWITCH hunt asks us, so a query goes over one autocommit DB-API connection
and cursor per thread as a single (server-prepared) statement: no ORM, no pool
check-out, no pre-ping and no BEGIN/ROLLBACK round trips (about 50 µs instead of
200-350 µs on PostgreSQL). On PostgreSQL a tenant's state is not read again while the
revision announcements (xml_curl.revisions) say it has not changed; SQLite, local and
cheap, is asked at every hunt.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from xml_curl.revisions import Revisions

# After a failed query the database is not asked again for this long: when it is down
# (or a connect hangs) only one request per interval pays for finding out.
RETRY_AFTER_SECONDS = 1.0

# Creation time as text: cheaper to load than a datetime, and only ever compared.
_TENANT = ("SELECT id, dialplan_revision, CAST(created_at AS TEXT), fallback_number, language"
           " FROM tenant WHERE id = {p}")
_MAIN_NUMBER = (
    "SELECT m.id, t.id, t.dialplan_revision, CAST(t.created_at AS TEXT), t.fallback_number, t.language"
    " FROM main_number m JOIN tenant t ON t.id = m.tenant_id WHERE m.number = {p}"
)
_SERVER_SECRET = "SELECT server_secret FROM tenant WHERE id = {p}"
_EVERY_TENANT = ("SELECT id, dialplan_revision, CAST(created_at AS TEXT), fallback_number, language"
                 " FROM tenant ORDER BY id")
_SIP_USER = (
    'SELECT u.id, u.extension, u.sip_password, u.first_name, u.last_name'
    ' FROM "user" u WHERE u.tenant_id = {p} AND u.extension = {p}'
)


class DatabaseDown(Exception):
    """The database cannot answer now; the request is served from memory."""


@dataclass(frozen=True)
class TenantState:
    tenant_id: int
    # (dialplan revision, creation time): SQLite may give a deleted tenant's id to a new one.
    revision: tuple
    fallback_number: str | None
    language: str = "pl"

    @classmethod
    def of(cls, row: tuple) -> TenantState:
        """From (id, dialplan revision, creation time, fallback number, language)."""
        return cls(row[0], (row[1], row[2]), row[3], row[4])


@dataclass(frozen=True)
class MainNumberState:
    main_number_id: int
    tenant: TenantState


@dataclass(frozen=True)
class SipUser:
    tenant_id: int
    user_id: int
    extension: str
    sip_password: str
    full_name: str


def lookup_engine(url: str, budget_ms: int, threads: int) -> Engine:
    """An engine for the endpoint alone, with server-side limits inside the time budget.

    Each of the worker's ``threads`` keeps its own connection (Store._cursor), so the pool holds one
    per thread: a smaller pool left the other threads waiting 30 s (the pool's default) for one
    that is never given back, while the switch gives up after 3 s.
    """
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": budget_ms / 1000})
    connect_args = {"connect_timeout": connect_timeout(budget_ms), "options": f"-c statement_timeout={budget_ms}"}
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_size=threads, max_overflow=0,
                         pool_timeout=budget_ms / 1000, connect_args=connect_args)


def connect_timeout(budget_ms: int) -> int:
    # libpq counts connect_timeout in whole seconds (and treats 1 as 2).
    return max(2, math.ceil(budget_ms / 1000))


class Store:
    def __init__(self, engine: Engine, revisions: Revisions | None = None):
        self.engine = engine
        self.revisions = revisions
        self._local = threading.local()
        self._down_until = 0.0
        # What was last read, kept while the announced revision is the same.
        self._tenants: dict[int, TenantState] = {}
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._tenant, self._main_number, self._sip_user, self._every_tenant, self._server_secret = (
            query.format(p=mark) for query in (_TENANT, _MAIN_NUMBER, _SIP_USER, _EVERY_TENANT, _SERVER_SECRET))

    def _row(self, query: str, *values) -> tuple | None:
        return self._cursor(query, values).fetchone()

    def _cursor(self, query: str, values: tuple):
        if time.monotonic() < self._down_until:
            raise DatabaseDown("the database failed less than a second ago")
        connection = getattr(self._local, "connection", None)
        try:
            if connection is None:
                connection = self._local.connection = self.engine.raw_connection()
                self._local.cursor = connection.driver_connection.cursor()
            cursor = self._local.cursor
            cursor.execute(query, values)
            return cursor
        except (DBAPIError, self.engine.dialect.loaded_dbapi.Error) as error:
            self._local.connection = None
            if connection is not None:
                connection.invalidate()  # never reuse a connection that failed
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            raise DatabaseDown(str(error).strip()) from error

    def close(self) -> None:
        """Stop listening, give back this thread's connection and close the pool (tests, benchmarks)."""
        if self.revisions is not None:
            self.revisions.close()
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()
        self.engine.dispose()

    def _unchanged(self, state: TenantState | None) -> bool:
        return (state is not None and self.revisions is not None
                and self.revisions.current(state.tenant_id) == state.revision[0])

    def _epoch(self) -> int | None:
        return self.revisions.epoch() if self.revisions is not None else None

    def _remember(self, state: TenantState, epoch: int | None) -> None:
        if self.revisions is not None:
            self._tenants[state.tenant_id] = state
            self.revisions.record(state.tenant_id, state.revision[0], epoch)

    def tenant(self, tenant_id: int) -> TenantState | None:
        known = self._tenants.get(tenant_id)
        if self._unchanged(known):
            return known
        epoch = self._epoch()  # before the read: an announcement after it is not missed
        row = self._row(self._tenant, tenant_id)
        if row is None:
            self._tenants.pop(tenant_id, None)
            return None
        state = TenantState.of(row)
        self._remember(state, epoch)
        return state

    def main_number(self, number: str) -> MainNumberState | None:
        # Asked every time (once per call): which tenant owns a number is the database's to say,
        # even after a change no announcement names, such as a company deleted by hand.
        epoch = self._epoch()
        row = self._row(self._main_number, number)
        if row is None:
            return None
        state = MainNumberState(row[0], TenantState.of(row[1:]))
        self._remember(state.tenant, epoch)
        return state

    def tenant_rows(self) -> list[tuple]:
        """Every company with its revision, as rows for ``TenantState.of`` (callcenter.conf): one query."""
        return [tuple(row) for row in self._cursor(self._every_tenant, ()).fetchall()]

    def every_tenant(self) -> list[TenantState]:
        return [TenantState.of(row) for row in self.tenant_rows()]

    def sip_user(self, tenant_id: int, extension: str) -> SipUser | None:
        row = self._row(self._sip_user, tenant_id, extension)
        if not row or not row[2]:
            return None  # a user without a SIP password has no phone to register
        return SipUser(tenant_id, row[0], row[1], row[2], f"{row[3]} {row[4]}".strip())

    def server_secret(self, tenant_id: int) -> str | None:
        """The key a company's "Call a server" nodes sign with; read per ask, never kept on disk."""
        row = self._row(self._server_secret, tenant_id)
        return row[0] if row else None
