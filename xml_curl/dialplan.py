"""Dialplan section: which tenant a hunt belongs to, and its compiled document from memory.

Documents are cached per process under (tenant, dialplan revision). The revision comes
from the store (announced by PostgreSQL, else read per hunt), so a publish in any process
is seen by the next hunt in every process, and compiling only happens once per revision.
"""
from __future__ import annotations

import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask

from xml_curl.documents import NOT_FOUND, compact, fallback_dialplan
from xml_curl.request import CurlRequest
from xml_curl.store import MainNumberState, Store, TenantState

TENANT_CONTEXT = re.compile(r"tenant_([1-9][0-9]{0,9})")
# Dialled main number as carriers deliver it: +48221000000, 0048221000000, 48221000000, 221000000.
DIALLED = re.compile(r"(\+|00)?([0-9]{6,15})")
NATIONAL_DIGITS = 9


def e164(dialled: str, country_code: str) -> str | None:
    match = DIALLED.fullmatch(dialled)
    if match is None:
        return None
    prefix, digits = match.groups()
    if not prefix and len(digits) == NATIONAL_DIGITS:
        digits = country_code + digits
    return "+" + digits


class DialplanCache:
    """The last good documents and what is needed to route without the database."""

    def __init__(self):
        self._documents: dict[tuple, tuple[tuple, bytes]] = {}
        self._numbers: dict[str, MainNumberState] = {}
        self._tenants: dict[int, TenantState] = {}

    def get(self, key: tuple, revision: tuple) -> bytes | None:
        found = self._documents.get(key)
        return found[1] if found is not None and found[0] == revision else None

    def last_good(self, key: tuple, tenant: TenantState) -> bytes | None:
        """The newest document of this tenant, whatever its revision (not a deleted namesake's)."""
        found = self._documents.get(key)
        return found[1] if found is not None and found[0][1:] == tenant.revision[1:] else None

    def put(self, key: tuple, revision: tuple, document: bytes) -> None:
        self._documents[key] = (revision, document)

    def remember_tenant(self, state: TenantState) -> None:
        self._tenants[state.tenant_id] = state

    def remember_number(self, number: str, state: MainNumberState) -> None:
        self._numbers[number] = state
        self._tenants[state.tenant.tenant_id] = state.tenant

    def tenant(self, tenant_id: int) -> TenantState | None:
        return self._tenants.get(tenant_id)

    def number(self, number: str) -> MainNumberState | None:
        return self._numbers.get(number)


def _tenant_document(tenant_id: int) -> bytes:
    from pbx import compiler

    return compiler.tenant_document(tenant_id)


def _public_entry(tenant_id: int, main_number_id: int, context: str) -> bytes:
    from pbx import compiler

    return compiler.public_entry(tenant_id, main_number_id, context=context)


class Dialplans:
    """Serves the dialplan section for one app (one per worker process)."""

    def __init__(self, app: Flask, store: Store):
        self.app = app
        self.store = store
        self.cache = DialplanCache()
        self.public_context = app.config.get("PUBLIC_CONTEXT", "public")
        self.country_code = app.config.get("COUNTRY_CODE", "48")
        self.carrier_gateway = app.config["CARRIER_GATEWAY"]
        # Compiles run beside the request so a slow one cannot hold the call past the budget.
        self._compiler = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dialplan-compile")
        self._pending: dict[tuple, Future] = {}
        # Re-entrant: a future that is already done runs its callback inside _compile.
        self._lock = threading.RLock()

    def serve(self, request: CurlRequest, deadline: float) -> bytes:
        if request.context == self.public_context:
            number = e164(request.destination, self.country_code)
            if number is None:
                return NOT_FOUND
            found = self.store.main_number(number)
            if found is None:
                return NOT_FOUND
            self.cache.remember_number(number, found)
            tenant_id, entry_id = found.tenant.tenant_id, found.main_number_id
            return self._compiled(("entry", entry_id), found.tenant.revision, deadline,
                                  _public_entry, tenant_id, entry_id, self.public_context)
        tenant_id = self._tenant_of_context(request.context)
        if tenant_id is None:
            return NOT_FOUND
        state = self.store.tenant(tenant_id)
        if state is None:
            return NOT_FOUND
        self.cache.remember_tenant(state)
        return self._compiled(("tenant", tenant_id), state.revision, deadline, _tenant_document, tenant_id)

    def safe_reply(self, request: CurlRequest) -> bytes:
        """When serving failed: the last good document if any, else the apology dialplan."""
        if request.context != self.public_context and self._tenant_of_context(request.context) is None:
            return NOT_FOUND
        tenant_id, key = self._known(request)
        tenant = self.cache.tenant(tenant_id) if tenant_id is not None else None
        cached = self.cache.last_good(key, tenant) if tenant is not None else None
        if cached is not None:
            return cached
        if tenant is None:
            return fallback_dialplan(request.context, tenant_id, None, self.carrier_gateway)
        return fallback_dialplan(request.context, tenant_id, tenant.fallback_number, self.carrier_gateway,
                                 tenant.language)

    def _known(self, request: CurlRequest) -> tuple[int | None, tuple | None]:
        """The tenant and document key of a hunt, from memory only."""
        if request.context == self.public_context:
            number = e164(request.destination, self.country_code)
            known = self.cache.number(number) if number else None
            return (known.tenant.tenant_id, ("entry", known.main_number_id)) if known else (None, None)
        tenant_id = self._tenant_of_context(request.context)
        return tenant_id, ("tenant", tenant_id)

    @staticmethod
    def _tenant_of_context(context: str) -> int | None:
        match = TENANT_CONTEXT.fullmatch(context)
        return int(match[1]) if match else None

    def _compiled(self, key: tuple, revision: tuple, deadline: float, build, *args) -> bytes:
        cached = self.cache.get(key, revision)
        if cached is not None:
            return cached
        # TimeoutError past the budget: the compile goes on and fills the cache for the next hunt.
        return self._compile(key, revision, build, args).result(timeout=max(0.0, deadline - time.monotonic()))

    def _compile(self, key: tuple, revision: tuple, build, args: tuple) -> Future:
        """One compile per (document, revision) however many hunts wait for it."""
        with self._lock:
            future = self._pending.get((key, revision))
            if future is None:
                future = self._compiler.submit(self._build, key, revision, build, args)
                self._pending[(key, revision)] = future
                future.add_done_callback(lambda _: self._forget(key, revision))
            return future

    def _forget(self, key: tuple, revision: tuple) -> None:
        with self._lock:
            self._pending.pop((key, revision), None)

    def _build(self, key: tuple, revision: tuple, build, args: tuple) -> bytes:
        with self.app.app_context():
            document = compact(build(*args))
        self.cache.put(key, revision, document)
        return document
