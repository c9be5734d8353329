"""Configuration section: callcenter.conf from every tenant's published queues, and
timezones.conf, the IANA zones FreeSWITCH's time conditions need (a zone missing there
makes every schedule of that zone misfire: switch_time.c logs "Timezone ... not found").

Every other module reads its static file (FreeSWITCH falls back on "not found").
Queue names are unique across tenants (``t<tenant>_s<scenario>_<node>@default``), so
one mod_callcenter serves them all; agents ring through their contact dial strings.
"""
from __future__ import annotations

import functools
import importlib.resources
import zoneinfo

from lxml import etree

from pbx.switch_text import switch_safe
from xml_curl.documents import NOT_FOUND, document, params, serialize
from xml_curl.request import CurlRequest
from xml_curl.store import Store

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


def callcenter_document(queues: list[dict]) -> bytes:
    root, section = document("configuration")
    config = etree.SubElement(section, "configuration", name="callcenter.conf", description="CallCenter")
    # Reloading replaces everything, so a queue removed by a publish disappears too.
    params(config, "settings", {"truncate-tiers-on-load": "true", "truncate-agents-on-load": "true"})
    queues_el = etree.SubElement(config, "queues")
    agents_el = etree.SubElement(config, "agents")
    tiers_el = etree.SubElement(config, "tiers")
    agents_seen: set[str] = set()
    for queue in queues:
        queue_name = switch_safe(queue["name"])  # made of ids today; kept harmless should a name ever reach it
        queue_el = etree.SubElement(queues_el, "queue", name=queue_name)
        for name, value in _queue_params(queue).items():
            etree.SubElement(queue_el, "param", name=name, value=str(value))
        for position, agent in enumerate(queue.get("agents", []), start=1):
            agent_name = switch_safe(agent["name"])
            if agent_name not in agents_seen:  # one agent may sit in several queues
                agents_seen.add(agent_name)
                etree.SubElement(agents_el, "agent", name=agent_name, type="callback",
                                 contact=_contact(agent), status="Available", **AGENT_DEFAULTS)
            etree.SubElement(tiers_el, "tier", agent=agent_name, queue=queue_name,
                             level="1", position=str(position))
    return serialize(root)


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


def _callcenter_queues() -> list[dict]:
    from pbx import compiler

    return compiler.callcenter_queues()


class Configuration:
    """Serves the configuration section for one app; keeps the last good callcenter.conf.

    Building it compiles every tenant, so it is built again only when some tenant changed.
    """

    def __init__(self, store: Store):
        self.store = store
        self._last_good = NOT_FOUND
        self._built_at: tuple | None = None

    def serve(self, request: CurlRequest, deadline: float) -> bytes:
        if request.key_value == "timezones.conf":
            return timezones_document()
        if request.key_value != "callcenter.conf":
            return NOT_FOUND
        # Read before building: a change committed meanwhile makes the next request build again.
        tenants = self.store.all_tenants()
        if tenants != self._built_at:
            self._last_good = callcenter_document(_callcenter_queues())
            self._built_at = tenants
        return self._last_good

    def safe_reply(self, request: CurlRequest) -> bytes:
        if request.key_value == "timezones.conf":
            return timezones_document()
        return self._last_good if request.key_value == "callcenter.conf" else NOT_FOUND
