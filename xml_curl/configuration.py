"""Configuration section: callcenter.conf from every tenant's published queues, and
timezones.conf, the IANA zones FreeSWITCH's time conditions need (a zone missing there
makes every schedule of that zone misfire: switch_time.c logs "Timezone ... not found").

Every other module reads its static file (FreeSWITCH falls back on "not found").
callcenter.conf is joined from each company's part, compiled with its dialplan; a queue load
(mod_callcenter names the queue in ``CC-Queue``) gets its company's part alone.
Queue names are unique across tenants (``t<tenant>_s<scenario>_<node>@default``), so
one mod_callcenter serves them all; agents ring through their contact dial strings.
"""
from __future__ import annotations

import functools
import importlib.resources
import json
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Protocol

from lxml import etree

from pbx import metrics
from pbx.switch_text import preprocessor_text, switch_safe
from xml_curl.documents import NOT_FOUND, PreprocessorText, document, params, serialize
from xml_curl.request import CurlRequest
from xml_curl.last_good import LastGood
from xml_curl.store import Store, TenantState


# Our queue names, ``t<tenant>_...`` (pbx.switch_sync.OURS): the company a queue load asks for.
QUEUE_COMPANY = re.compile(r"t([0-9]+)_")
# Product ring modes and mod_callcenter's own strategy names, to mod_callcenter's names.
STRATEGIES = {
    "sequential": "top-down", "random": "random", "simultaneous": "ring-all",
    "longest-idle": "longest-idle-agent",
    "top-down": "top-down", "ring-all": "ring-all", "longest-idle-agent": "longest-idle-agent",
    "round-robin": "round-robin", "agent-with-least-talk-time": "agent-with-least-talk-time",
    "agent-with-fewest-calls": "agent-with-fewest-calls", "sequentially-by-agent-order": "sequentially-by-agent-order",
    "ring-progressively": "ring-progressively",
}
AGENT_DEFAULTS = {"max-no-answer": "0", "wrap-up-time": "0", "reject-delay-time": "5",
                  "busy-delay-time": "5", "no-answer-delay-time": "5"}


class CompanyQueues:
    """One company's queues, as data and as its part of callcenter.conf (its queue, agent and
    tier elements): compiled with its dialplan, once per revision."""

    # Stored as NUL-separated fields (XML and ASCII JSON hold no NUL): loading 10,000 companies'
    # parts must fit in the request's budget, and JSON-escaped XML decodes ten times slower.
    SEPARATOR = b"\0"

    def __init__(self, first: str, xml: tuple[bytes, bytes, bytes], queues: list[dict] | None = None,
                 stored: bytes = b"[]"):
        self.first = first  # the first queue's name: companies are joined in that order
        self.xml = xml
        self._queues, self._stored = queues, stored

    @classmethod
    def of(cls, queues: list[dict]) -> CompanyQueues:
        xml = tuple(b"".join(etree.tostring(child, encoding="UTF-8") for child in parent)
                    for parent in _elements(queues))
        return cls(queues[0]["name"] if queues else "", xml, queues)

    @property
    def queues(self) -> list[dict]:
        if self._queues is None:
            self._queues = json.loads(self._stored)  # only the switch sync reads them as data
        return self._queues

    def to_bytes(self) -> bytes:
        return self.SEPARATOR.join((self.first.encode(), *self.xml, json.dumps(self.queues).encode()))

    @classmethod
    def from_bytes(cls, stored: bytes) -> CompanyQueues:
        first, queues, agents, tiers, data = stored.split(cls.SEPARATOR)
        return cls(first.decode(), (queues, agents, tiers), stored=data)


def _elements(queues: list[dict]) -> tuple[etree._Element, etree._Element, etree._Element]:
    """The <queues>, <agents> and <tiers> of callcenter.conf for these queues."""
    queues_el, agents_el, tiers_el = (etree.Element(tag) for tag in ("queues", "agents", "tiers"))
    content = callcenter_content(queues)
    for name, values in content.queues.items():
        queue_el = etree.SubElement(queues_el, "queue", name=name)
        for param, value in values.items():
            etree.SubElement(queue_el, "param", name=param, value=value)
    for name, values in content.agents.items():
        etree.SubElement(agents_el, "agent", name=name, **values)
    for (queue, agent), values in content.tiers.items():
        etree.SubElement(tiers_el, "tier", agent=agent, queue=queue, **values)
    return queues_el, agents_el, tiers_el


@dataclass
class CallcenterContent:
    """callcenter.conf as data, in its attribute names: queues and agents by name, tiers by (queue, agent)."""

    queues: dict[str, dict[str, str]] = field(default_factory=dict)
    agents: dict[str, dict[str, str]] = field(default_factory=dict)
    tiers: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def callcenter_content(queues: list[dict]) -> CallcenterContent:
    """What mod_callcenter loads for these queues, in document order."""
    content = CallcenterContent()
    for queue in queues:
        queue_name = switch_safe(queue["name"])  # made of ids today; kept harmless should a name ever reach it
        content.queues[queue_name] = {name: str(value) for name, value in _queue_params(queue).items()}
        for position, agent in enumerate(queue.get("agents", []), start=1):
            agent_name = switch_safe(agent["name"])
            # one agent may sit in several queues: the first one describes it
            content.agents.setdefault(agent_name, {"type": "callback", "contact": _contact(agent),
                                                   "status": "Available", **AGENT_DEFAULTS})
            content.tiers[(queue_name, agent_name)] = {"level": "1", "position": str(position)}
    return content


def callcenter_document(queues: list[dict]) -> bytes:
    """callcenter.conf for these queues (sorted by name)."""
    return assemble([CompanyQueues.of(queues)])


def assemble(companies: list[CompanyQueues]) -> bytes:
    """callcenter.conf from each company's part; queue names start with the company's
    ``t<id>_``, so companies in the order of their first queue give queues in name order."""
    companies = sorted((c for c in companies if c.first), key=lambda c: c.first)
    root, section = document("configuration")
    config = etree.SubElement(section, "configuration", name="callcenter.conf", description="CallCenter")
    # Reloading replaces everything, so a queue removed by a publish disappears too.
    params(config, "settings", {"truncate-tiers-on-load": "true", "truncate-agents-on-load": "true"})
    for tag in ("queues", "agents", "tiers"):
        etree.SubElement(config, tag)
    # Joined as bytes: parsing and re-serialising 10,000 companies' parts would take most of the budget.
    head, tail = serialize(root).split(b"<queues/><agents/><tiers/>")
    pieces = [head]
    for index, tag in enumerate((b"queues", b"agents", b"tiers")):
        parts = [company.xml[index] for company in companies if company.xml[index]]
        pieces += [b"<%s>" % tag, *parts, b"</%s>" % tag] if parts else [b"<%s/>" % tag]
    reply = b"".join([*pieces, tail])
    # The parts did not pass through serialize's last line of defence: the whole reply does here.
    found = preprocessor_text(reply)
    if found:
        raise PreprocessorText(f"{found!r} in callcenter.conf")
    return reply


def _queue_params(queue: dict) -> dict[str, object]:
    return {
        "strategy": STRATEGIES.get(queue.get("strategy", ""), "longest-idle-agent"),
        "moh-sound": queue.get("moh_sound") or "local_stream://moh",
        "time-base-score": "system",
        # 0 would mean "wait forever": a queue always hands the caller back to the scenario.
        "max-wait-time": max(1, int(queue.get("max_wait_seconds") or 300)),
        "max-wait-time-with-no-agent": 0,
        "max-wait-time-with-no-agent-time-reached": 5,
        "tier-rules-apply": "false",
        "discard-abandoned-after": 60,
        "abandoned-resume-allowed": "false",
    }


def _contact(agent: dict) -> str:
    contact = agent["contact"]
    ring = agent.get("ring_seconds")
    if ring and "leg_timeout=" not in contact:
        return f"[leg_timeout={int(ring)}]{contact}"
    return contact


def _posix_rule(zone: str) -> str | None:
    """The POSIX TZ rule that ends every TZif v2+ file, e.g. CET-1CEST,M3.5.0,M10.5.0/3 (RFC 8536)."""
    try:
        data = (importlib.resources.files("tzdata.zoneinfo") / zone).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError):
        return None
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    return footer if footer and data.startswith(b"TZif") and not footer.startswith("TZif") else None


@functools.cache
def timezones_document() -> bytes:
    """Every IANA zone with its rule, in the layout of FreeSWITCH's stock timezones.conf.xml."""
    root, section = document("configuration")
    config = etree.SubElement(section, "configuration", name="timezones.conf", description="Timezones")
    zones = etree.SubElement(config, "timezones")
    for zone in sorted(zoneinfo.available_timezones()):
        rule = _posix_rule(zone)
        if rule:
            etree.SubElement(zones, "zone", name=zone, value=rule)
    return serialize(root)


class CompiledCompanies(Protocol):
    """What callcenter.conf is assembled from: the dialplan section (``xml_curl.dialplan.Dialplans``),
    which compiles each company's queues with its dialplan and keeps the last good documents."""

    store: Store
    last_good: LastGood

    def company_queues(self, tenants: list, deadline: float | None) -> list[CompanyQueues]: ...

    def keep(self, key: str, revision: tuple, document: bytes) -> None: ...


class Configuration:
    """Serves the configuration section for one app.

    callcenter.conf is assembled from each company's part, compiled with its dialplan once per
    revision (``Dialplans.company_queues``): a change recompiles that company alone. Within the
    request's deadline, else the last good callcenter.conf (memory, then disk) while the
    compiles go on. While none is kept, the request waits ``first_extra_seconds`` longer, since
    "not found" would leave the switch without queues.
    """

    def __init__(self, dialplans: CompiledCompanies, first_extra_seconds: float = 0.0):
        self.dialplans = dialplans
        self.first_extra_seconds = first_extra_seconds
        self._document: bytes | None = None
        self._assembled_for: tuple | None = None

    def serve(self, request: CurlRequest, deadline: float) -> bytes:
        if request.key_value == "timezones.conf":
            return timezones_document()
        if request.key_value != "callcenter.conf":
            return NOT_FOUND
        # Read before assembling: a change committed meanwhile makes the next request assemble again.
        rows = self.dialplans.store.tenant_rows()
        company = QUEUE_COMPANY.match(request.queue)
        if company:
            return self._of_company(int(company[1]), rows, deadline)
        if rows != self._assembled_for:
            tenants = [TenantState.of(row) for row in rows]
            if not self._kept():
                deadline += self.first_extra_seconds
            document = assemble(self.dialplans.company_queues(tenants, deadline))
            self._document, self._assembled_for = document, rows
            self.dialplans.keep("callcenter.conf", (len(rows),), document)
        return self._document

    def _of_company(self, tenant_id: int, rows: list[tuple], deadline: float) -> bytes:
        """A queue load imports every agent and tier of the reply (mod_callcenter.c ``load_queue``),
        so it gets only its company's part: a switch never holds another company's agents."""
        tenants = [tenant for tenant in map(TenantState.of, rows) if tenant.tenant_id == tenant_id]
        return assemble(self.dialplans.company_queues(tenants, deadline))

    def _kept(self) -> bool:
        return self._document is not None or self.dialplans.last_good.has("callcenter.conf")

    def safe_reply(self, request: CurlRequest) -> bytes:
        if request.key_value == "timezones.conf":
            return timezones_document()
        if request.key_value != "callcenter.conf":
            return NOT_FOUND
        stored = self._document
        if stored is None:
            newest = self.dialplans.last_good.newest("callcenter.conf")
            stored = newest[1] if newest is not None else None
        if stored is None:
            return NOT_FOUND
        metrics.XML_CURL_LAST_GOOD.labels("configuration").inc()
        return stored

    def queues(self) -> list[dict]:
        """Every company's queues as the endpoint serves them, waiting for any compile (switch sync)."""
        companies = self.dialplans.company_queues(self.dialplans.store.every_tenant(), None)
        return sorted((queue for company in companies for queue in company.queues), key=lambda q: q["name"])
