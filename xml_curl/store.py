"""The endpoint's own database reads: one short query per request, no ORM.

Every FreeSWITCH hunt asks us, so the hot path avoids the ORM and the pool's
pre-ping (a second round trip per request): a dead connection is instead noticed
by the query itself, discarded by SQLAlchemy, and the request served from the cache.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

# After a failed query the database is not asked again for this long: when it is down
# (or a connect hangs) only one request per interval pays for finding out.
RETRY_AFTER_SECONDS = 1.0


class DatabaseDown(Exception):
    """The database failed a moment ago; answer from memory instead of asking again."""

_TENANT = text("SELECT dialplan_revision, fallback_number FROM tenant WHERE id = :tenant_id")
_MAIN_NUMBER = text(
    "SELECT m.id, m.tenant_id, t.dialplan_revision, t.fallback_number"
    " FROM main_number m JOIN tenant t ON t.id = m.tenant_id WHERE m.number = :number"
)
_SIP_USER = text(
    'SELECT u.id, u.extension, u.sip_password, u.first_name, u.last_name, t.dialplan_revision'
    ' FROM "user" u JOIN tenant t ON t.id = u.tenant_id'
    " WHERE u.tenant_id = :tenant_id AND u.extension = :extension"
)


@dataclass(frozen=True)
class TenantState:
    tenant_id: int
    revision: int
    fallback_number: str | None


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
    revision: int


def lookup_engine(url: str, budget_ms: int) -> Engine:
    """An engine for the endpoint alone, with server-side limits inside the time budget."""
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": budget_ms / 1000})
    # libpq counts connect_timeout in whole seconds (and treats 1 as 2).
    connect_args = {"connect_timeout": max(2, math.ceil(budget_ms / 1000)),
                    "options": f"-c statement_timeout={budget_ms}"}
    return create_engine(url, pool_size=2, max_overflow=2, pool_recycle=3600, connect_args=connect_args)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._down_until = 0.0

    def _row(self, query, **values):
        if time.monotonic() < self._down_until:
            raise DatabaseDown("database failed less than a second ago")
        try:
            with self.engine.connect() as connection:
                return connection.execute(query, values).first()
        except DBAPIError:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            raise

    def tenant(self, tenant_id: int) -> TenantState | None:
        row = self._row(_TENANT, tenant_id=tenant_id)
        return TenantState(tenant_id, row[0], row[1]) if row else None

    def main_number(self, number: str) -> MainNumberState | None:
        row = self._row(_MAIN_NUMBER, number=number)
        return MainNumberState(row[0], TenantState(row[1], row[2], row[3])) if row else None

    def sip_user(self, tenant_id: int, extension: str) -> SipUser | None:
        row = self._row(_SIP_USER, tenant_id=tenant_id, extension=extension)
        if not row or not row[2]:
            return None  # a user without a SIP password has no phone to register
        return SipUser(tenant_id, row[0], row[1], row[2], f"{row[3]} {row[4]}".strip(), row[5])
