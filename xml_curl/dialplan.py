"""Dialplan section: which tenant a hunt belongs to, and its compiled document from memory.

A hunt in a company's context gets only the extensions its destination can reach
(xml_curl.hunts). Each company's compile is cached per process under (tenant, dialplan
revision), the replies cut from it under (context, destination) in a bounded cache. The
revision comes from the store (announced by PostgreSQL, else read per hunt), so a publish in any process
is seen by the next hunt in every process, and compiling only happens once per revision
on the host: each compile is also kept on disk (xml_curl.last_good), where other workers,
and workers started during a database outage, find it. A tenant's compile also gives its
part of callcenter.conf (xml_curl.configuration).
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from cachetools import LRUCache
from flask import Flask
from lxml import etree

from pbx import company_dialplan, compiler, metrics

from xml_curl.asking import ASKING, Asker
from xml_curl.configuration import CompanyQueues
from xml_curl.documents import NOT_FOUND, compact, fallback_dialplan
from xml_curl.hunts import ContextReplies, EntryReplies
from xml_curl.last_good import LastGood
from xml_curl.request import CurlRequest
from xml_curl.store import MainNumberState, Store, TenantState

log = logging.getLogger("centralka.xml_curl")

TENANT_CONTEXT = re.compile(r"tenant_([1-9][0-9]{0,9})")
# Dialled main number as carriers deliver it: +48221000000, 0048221000000, 48221000000, 221000000.
DIALLED = re.compile(r"(\+|00)?([0-9]{6,15})")
NATIONAL_DIGITS = 9
# Companies whose queues one job compiles, in one database session: a session per company
# would cost more than the compile.
QUEUES_PER_JOB = 100
# Replies cut per destination kept per worker, least recently used dropped first: a call's
# hunts are a handful of destinations, an outbound call's number is seen once. About 2 KB each.
REPLIES_KEPT = 20_000


def e164(dialled: str, country_code: str) -> str | None:
    match = DIALLED.fullmatch(dialled)
    if match is None:
        return None
    prefix, digits = match.groups()
    if not prefix and len(digits) == NATIONAL_DIGITS:
        digits = country_code + digits
    return "+" + digits


class DialplanCache:
    """The last good documents (and each company's queues) and what routes without the database."""

    def __init__(self):
        self._documents: dict[tuple, tuple[tuple, object]] = {}
        # (context, destination) -> (revision, reply); not thread-safe by itself (cachetools).
        self._replies = LRUCache(maxsize=REPLIES_KEPT)
        self._replies_lock = threading.Lock()
        self._numbers: dict[str, MainNumberState] = {}
        self._tenants: dict[int, TenantState] = {}

    def get(self, key: tuple, revision: tuple):
        found = self._documents.get(key)
        return found[1] if found is not None and found[0] == revision else None

    def last_good(self, key: tuple, tenant: TenantState) -> bytes | None:
        """The newest document of this tenant, whatever its revision (not a deleted namesake's)."""
        found = self._documents.get(key)
        return found[1] if found is not None and found[0][1:] == tenant.revision[1:] else None

    def put(self, key: tuple, revision: tuple, value) -> None:
        self._documents[key] = (revision, value)

    def reply(self, context: str, destination: str, revision: tuple, replies: ContextReplies) -> bytes:
        """The reply for one hunt, cut once per revision; another revision's is cut again."""
        with self._replies_lock:
            found = self._replies.get((context, destination))
        if found is not None and found[0] == revision:
            return found[1]
        body = replies.reply(destination)
        with self._replies_lock:
            self._replies[(context, destination)] = (revision, body)
        return body

    def remember_tenant(self, state: TenantState) -> None:
        self._tenants[state.tenant_id] = state

    def remember_number(self, number: str, state: MainNumberState) -> None:
        self._numbers[number] = state
        self._tenants[state.tenant.tenant_id] = state.tenant

    def tenant(self, tenant_id: int) -> TenantState | None:
        return self._tenants.get(tenant_id)

    def number(self, number: str) -> MainNumberState | None:
        return self._numbers.get(number)


def _tenant_build(tenant_id: int, config):
    return company_dialplan.tenant_build(tenant_id, config)


def _tenant_queues(tenant_id: int, config) -> list[dict]:
    return company_dialplan.tenant_queues(tenant_id, config)


def _public_entry(tenant_id: int, main_number_id: int, context: str) -> compiler.Entry:
    return company_dialplan.public_entry(tenant_id, main_number_id, context=context)


def _on_disk(key: tuple) -> str:
    return f"{key[0]}:{key[1]}"


def _loaded(key: tuple, body: bytes):
    """A stored body as served: a company's context to cut per hunt, a main number's entry to name
    the caller in, or a whole document; None when it cannot be read (the store must never fail a request)."""
    kinds = {"hunts": ContextReplies, "entry": EntryReplies}
    if key[0] not in kinds:
        return body
    try:
        return kinds[key[0]].from_bytes(body)
    except (ValueError, etree.XMLSyntaxError) as error:
        log.error("xml_curl: the stored %s:%s cannot be read: %s", key[0], key[1], error)
        return None


def _tenant_facts(state: TenantState) -> dict:
    return {"tenant_id": state.tenant_id, "revision": list(state.revision),
            "fallback_number": state.fallback_number, "language": state.language}


def _tenant_of_facts(facts: dict) -> TenantState:
    return TenantState(facts["tenant_id"], tuple(facts["revision"]), facts["fallback_number"], facts["language"])


def last_good_path(app: Flask) -> str:
    return app.config.get("XML_CURL_LAST_GOOD_PATH") or str(Path(app.instance_path) / "last-good.sqlite3")


class Dialplans:
    """Serves the dialplan section for one app (one per worker process)."""

    def __init__(self, app: Flask, store: Store):
        self.app = app
        self.store = store
        self.cache = DialplanCache()
        self.last_good = LastGood(last_good_path(app))
        self.public_context = app.config.get("PUBLIC_CONTEXT", "public")
        self.country_code = app.config.get("COUNTRY_CODE", "48")
        self.carrier_gateway = app.config["CARRIER_GATEWAY"]
        self.budget = app.config["XML_CURL_BUDGET_MS"] / 1000
        self.asker = Asker(app.config, store.server_secret)
        # Compiles run beside the request so a slow one cannot hold the call past the budget.
        self._compiler = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dialplan-compile")
        # Companies' queues compiled for callcenter.conf alone, never ahead of a hunt's compile.
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="queues-compile")
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
            entry = self._compiled(("entry", found.main_number_id), found.tenant.revision, deadline,
                                   self._build_entry, number, found)
            return entry.reply(request.caller)
        tenant_id = self._tenant_of_context(request.context)
        if tenant_id is None:
            return NOT_FOUND
        state = self.store.tenant(tenant_id)
        if state is None:
            return NOT_FOUND
        self.cache.remember_tenant(state)
        replies = self._compiled(("hunts", tenant_id), state.revision, deadline, self._build_tenant, state)
        if ASKING.fullmatch(request.destination):
            spec = self._asks(tenant_id, state.revision).get(request.destination)
            if spec is not None:  # else the compiled `ASK` step: the node's fallback
                return self.asker.reply(spec, request, tenant_id, started=deadline - self.budget)
        return self.cache.reply(request.context, request.destination, state.revision, replies)

    def _asks(self, tenant_id: int, revision: tuple) -> dict:
        """The company's "Call a server" nodes at this revision: compiled here, else by another worker."""
        found = self.cache.get(("asks", tenant_id), revision)
        if found is None:
            stored = self.last_good.get(f"asks:{tenant_id}", revision)
            found = json.loads(stored) if stored is not None else {}
            self.cache.put(("asks", tenant_id), revision, found)
        return found

    def safe_reply(self, request: CurlRequest) -> bytes:
        """When serving failed: the last good document if any (memory, then disk), else the apology dialplan."""
        if request.context != self.public_context and self._tenant_of_context(request.context) is None:
            return NOT_FOUND
        tenant_id, key, tenant = self._known(request)
        if tenant is None:
            return fallback_dialplan(request.context, tenant_id, None, self.carrier_gateway)
        cached = self.cache.last_good(key, tenant)
        if cached is None:
            stored = self.last_good.newest(_on_disk(key))
            cached = _loaded(key, stored[1]) if stored is not None and stored[0][1:] == tenant.revision[1:] else None
        if cached is not None:
            metrics.XML_CURL_LAST_GOOD.labels("dialplan").inc()
            # a company's context is cut by destination, a main number's entry names its caller
            return cached.reply(request.destination if isinstance(cached, ContextReplies) else request.caller)
        return fallback_dialplan(request.context, tenant_id, tenant.fallback_number, self.carrier_gateway,
                                 tenant.language)

    def _known(self, request: CurlRequest) -> tuple[int | None, tuple | None, TenantState | None]:
        """The tenant, document key and tenant state of a hunt, from memory, else from disk."""
        if request.context == self.public_context:
            number = e164(request.destination, self.country_code)
            known = self.cache.number(number) if number else None
            if known is None and number:
                facts = self.last_good.routing(f"number:{number}")
                known = facts and MainNumberState(facts["main_number_id"], _tenant_of_facts(facts["tenant"]))
            if known is None:
                return None, None, None
            return known.tenant.tenant_id, ("entry", known.main_number_id), known.tenant
        tenant_id = self._tenant_of_context(request.context)
        tenant = self.cache.tenant(tenant_id)
        if tenant is None:
            facts = self.last_good.routing(f"tenant:{tenant_id}")
            tenant = facts and _tenant_of_facts(facts)
        return tenant_id, ("hunts", tenant_id), tenant

    @staticmethod
    def _tenant_of_context(context: str) -> int | None:
        match = TENANT_CONTEXT.fullmatch(context)
        return int(match[1]) if match else None

    def _compiled(self, key: tuple, revision: tuple, deadline: float, build, *args):
        cached = self.cache.get(key, revision)
        if cached is not None:
            return cached
        stored = self.last_good.get(_on_disk(key), revision)  # compiled by another worker, or before a restart
        if stored is not None and (loaded := _loaded(key, stored)) is not None:
            self.cache.put(key, revision, loaded)
            return loaded
        # TimeoutError past the budget: the compile goes on and fills the cache for the next hunt.
        return self._compile(key, revision, build, args).result(timeout=max(0.0, deadline - time.monotonic()))

    def _compile(self, key: tuple, revision: tuple, build, args: tuple) -> Future:
        """One compile per (document, revision) however many hunts wait for it."""
        with self._lock:
            future = self._pending.get((key, revision))
            if future is None:
                future = self._compiler.submit(self._in_app, build, args)
                self._pending[(key, revision)] = future
                future.add_done_callback(lambda done: self._forget([(key, revision)], done))
            return future

    def _forget(self, pending: list[tuple], future: Future) -> None:
        with self._lock:
            for key in pending:
                if self._pending.get(key) is future:
                    del self._pending[key]

    def keep(self, key: str, revision: tuple, document: bytes) -> None:
        """Store a document on disk beside the request, behind any compile of queues."""
        self._background.submit(self.last_good.put, key, revision, document)

    def settled(self) -> None:
        """Wait for what was queued behind the hunts: compiles of queues, documents to store."""
        self._background.submit(lambda: None).result()

    def _in_app(self, build, args: tuple):
        with self.app.app_context():
            return build(*args)

    def _build_tenant(self, state: TenantState) -> ContextReplies:
        """The tenant's dialplan and its part of callcenter.conf, kept in memory and on disk."""
        built = _tenant_build(state.tenant_id, self.app.config)
        replies, queues = ContextReplies(compact(built.document), built.gates), CompanyQueues.of(built.queues)
        self.cache.put(("hunts", state.tenant_id), state.revision, replies)
        self.cache.put(("queues", state.tenant_id), state.revision, queues)
        self.cache.put(("asks", state.tenant_id), state.revision, built.asks)
        self.last_good.put(f"asks:{state.tenant_id}", state.revision, json.dumps(built.asks).encode())
        self.last_good.put(f"hunts:{state.tenant_id}", state.revision, replies.to_bytes())
        self.last_good.put(f"queues:{state.tenant_id}", state.revision, queues.to_bytes())
        self.last_good.put_routing(f"tenant:{state.tenant_id}", _tenant_facts(state))
        return replies

    def _build_entry(self, number: str, found: MainNumberState) -> EntryReplies:
        built = _public_entry(found.tenant.tenant_id, found.main_number_id, self.public_context)
        entry = EntryReplies(compact(built.document), built.names)
        self.cache.put(("entry", found.main_number_id), found.tenant.revision, entry)
        self.last_good.put(f"entry:{found.main_number_id}", found.tenant.revision, entry.to_bytes())
        self.last_good.put_routing(f"number:{number}", {"main_number_id": found.main_number_id,
                                                        "tenant": _tenant_facts(found.tenant)})
        self.last_good.put_routing(f"tenant:{found.tenant.tenant_id}", _tenant_facts(found.tenant))
        return entry

    def company_queues(self, tenants: list[TenantState], deadline: float | None) -> list[CompanyQueues]:
        """Each company's queues at its revision: from memory, from a compile under way, from disk,
        else compiled. TimeoutError past the deadline (None: no deadline); the compiles go on."""
        found = {t.tenant_id: self.cache.get(("queues", t.tenant_id), t.revision) for t in tenants}
        missing = [t for t in tenants if found[t.tenant_id] is None]
        futures = {t.tenant_id: future for t in missing if (future := self._queues_compile(t)) is not None}
        unknown = [t for t in missing if t.tenant_id not in futures]
        if unknown:
            stored = self.last_good.many("queues:", {f"queues:{t.tenant_id}": t.revision for t in unknown})
            for tenant in unknown:
                if (body := stored.get(f"queues:{tenant.tenant_id}")) is not None:
                    found[tenant.tenant_id] = CompanyQueues.from_bytes(body)
                    self.cache.put(("queues", tenant.tenant_id), tenant.revision, found[tenant.tenant_id])
            unknown = [t for t in unknown if found[t.tenant_id] is None]
            for start in range(0, len(unknown), QUEUES_PER_JOB):
                futures.update(self._compile_queues(unknown[start:start + QUEUES_PER_JOB]))
        if futures:
            self._wait_for_compiles([t for t in missing if found[t.tenant_id] is None], futures, deadline, found)
        return list(found.values())

    def _wait_for_compiles(self, tenants: list[TenantState], futures: dict[int, Future], deadline: float | None,
                           found: dict) -> None:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        _, late = wait(set(futures.values()), timeout=timeout)
        if late:
            raise TimeoutError(f"the queues of {sum(f in late for f in futures.values())} companies "
                               "are still being compiled")
        for tenant in tenants:
            futures[tenant.tenant_id].result()  # a compile's error
            found[tenant.tenant_id] = self.cache.get(("queues", tenant.tenant_id), tenant.revision)
            if found[tenant.tenant_id] is None:
                raise LookupError(f"the queues of company {tenant.tenant_id} did not compile, or it changed meanwhile")

    def _queues_compile(self, tenant: TenantState) -> Future | None:
        """A compile under way that will give the tenant's queues at this revision."""
        with self._lock:
            return (self._pending.get((("hunts", tenant.tenant_id), tenant.revision))
                    or self._pending.get((("queues", tenant.tenant_id), tenant.revision)))

    def _compile_queues(self, tenants: list[TenantState]) -> dict[int, Future]:
        """The queues alone (no dialplan) of many companies in one job, behind any hunt's compile."""
        keys = [(("queues", t.tenant_id), t.revision) for t in tenants]
        with self._lock:
            future = self._background.submit(self._in_app, self._build_queues, (tenants,))
            self._pending.update(dict.fromkeys(keys, future))
            future.add_done_callback(lambda done: self._forget(keys, done))
        return dict.fromkeys((t.tenant_id for t in tenants), future)

    def _build_queues(self, tenants: list[TenantState]) -> None:
        for state in tenants:
            try:
                queues = CompanyQueues.of(_tenant_queues(state.tenant_id, self.app.config))
            except Exception:  # one company's failure must not hold back the others of the job
                log.exception("xml_curl: the queues of company %s did not compile", state.tenant_id)
                continue
            self.cache.put(("queues", state.tenant_id), state.revision, queues)
            self.last_good.put(f"queues:{state.tenant_id}", state.revision, queues.to_bytes())
