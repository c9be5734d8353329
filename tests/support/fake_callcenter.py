"""A small in-memory mod_callcenter behind FakeFreeSwitch's ``api``, modelled on mod_callcenter.c.

It answers ``callcenter_config queue|agent|tier ...`` and ``xml_flush_cache`` in the real reply
formats (headers as in the captured esl_api_callcenter_setup.txt). ``queue load`` / ``reload``
fetch callcenter.conf from ``config()`` and, like ``load_queue``, import every agent of the
document and every tier (a tier of a queue not loaded yet loads that queue too).
"""
from __future__ import annotations

import shlex

from lxml import etree

QUEUE_COLUMNS = ("name|strategy|moh_sound|time_base_score|tier_rules_apply|tier_rule_wait_second|"
                 "tier_rule_wait_multiply_level|tier_rule_no_agent_no_wait|discard_abandoned_after|"
                 "abandoned_resume_allowed|max_wait_time|max_wait_time_with_no_agent|"
                 "max_wait_time_with_no_agent_time_reached|record_template|calls_answered|calls_abandoned|"
                 "ring_progressively_delay|skip_agents_with_external_calls|agent_no_answer_status").split("|")
AGENT_COLUMNS = ("name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|"
                 "busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|last_offered_call|"
                 "last_status_change|no_answer_count|calls_answered|talk_time|ready_time|"
                 "external_calls_count").split("|")
TIER_COLUMNS = ["queue", "agent", "state", "level", "position"]
# queue_set_config() defaults
QUEUE_DEFAULTS = {"strategy": "longest-idle-agent", "moh_sound": "", "time_base_score": "queue",
                  "tier_rules_apply": "false", "tier_rule_wait_second": "0", "tier_rule_wait_multiply_level": "false",
                  "tier_rule_no_agent_no_wait": "true", "discard_abandoned_after": "60",
                  "abandoned_resume_allowed": "false", "max_wait_time": "0", "max_wait_time_with_no_agent": "0",
                  "max_wait_time_with_no_agent_time_reached": "5", "record_template": "", "calls_answered": "0",
                  "calls_abandoned": "0", "ring_progressively_delay": "0",
                  "skip_agents_with_external_calls": "true", "agent_no_answer_status": "On Break"}
AGENT_KEYS = {"status", "state", "contact", "uuid", "type", "max_no_answer", "wrap_up_time", "ready_time",
              "reject_delay_time", "busy_delay_time", "no_answer_delay_time"}
STATUSES = {"Logged Out", "Available", "Available (On Demand)", "On Break"}
OK = "+OK\n"


def _table(columns, rows) -> str:
    if not rows:
        return OK
    return "\n".join(["|".join(columns)] + ["|".join(str(row[c]) for c in columns) for row in rows]) + "\n" + OK


class FakeCallcenter:
    def __init__(self, config=None):
        self.config = config  # (queue name) -> callcenter.conf as load_queue fetches it (CC-Queue)
        self.queues: dict[str, dict] = {}
        self.agents: dict[str, dict] = {}
        self.tiers: dict[tuple[str, str], dict] = {}
        self.waiting: dict[str, int] = {}  # callers waiting per queue
        self.flushed: list[tuple[str, str]] = []
        self.double_loads = 0  # load_queue over a loaded queue leaks the old one

    # -- the api --------------------------------------------------------------------------
    def api(self, command: str) -> str:
        verb, _, rest = command.partition(" ")
        if verb == "xml_flush_cache":
            _, user, domain = rest.split(" ")
            self.flushed.append((user, domain))
            return "+OK cleared 1 entry\n"
        # switch_separate_string(mydata, ' ', argv, 8), which keeps a '...' quoted word whole ('Logged Out')
        argv = shlex.split(rest) if "'" in rest else rest.split(" ", 7)
        handler = getattr(self, f"_{argv[0]}_{argv[1]}", None) if len(argv) > 1 else None
        return handler(*argv[2:]) if handler else "-ERR Invalid!\n"

    # -- queues ---------------------------------------------------------------------------
    def _document(self, queue):
        root = etree.fromstring(self.config(queue))
        return root.find("section/configuration")

    def _load_queue(self, name, with_agents_and_tiers):
        config = self._document(name)
        queue = config.find(f"queues/queue[@name='{name}']") if config is not None else None
        if queue is None:
            return False
        if name in self.queues:
            self.double_loads += 1
        params = {p.get("name").replace("-", "_"): p.get("value") for p in queue.iterfind("param")}
        self.queues[name] = {**QUEUE_DEFAULTS, **{k: v for k, v in params.items() if k in QUEUE_DEFAULTS}, "name": name}
        if with_agents_and_tiers:
            for agent in config.iterfind("agents/agent"):
                self._load_agent(agent)
            for tier in config.iterfind("tiers/tier"):
                self._load_tier(tier.get("queue"), tier.get("agent"), tier.get("level"), tier.get("position"))
        return True

    def _load_agent(self, element):
        name = element.get("name")
        if name not in self.agents:
            self._agent_add(name, element.get("type"))
        for attribute, value in element.attrib.items():
            key = attribute.replace("-", "_")
            if key in AGENT_KEYS:
                self._agent_set(key, name, value)

    def _load_tier(self, queue, agent, level, position):
        if (queue, agent) in self.tiers:
            self.tiers[(queue, agent)].update(level=level, position=position)
        else:
            self._tier_add(queue, agent, level, position)

    def _get_queue(self, name):
        return name in self.queues or self._load_queue(name, False)

    def _queue_load(self, name):
        return OK if self._load_queue(name, True) else "-ERR Invalid Queue not found!\n"

    def _queue_unload(self, name):
        self.queues.pop(name, None)
        return OK

    def _queue_reload(self, name):
        self.queues.pop(name, None)
        return self._queue_load(name)

    def _queue_list(self, *args):
        if args:
            return "-ERR Invalid!\n"
        return "\n".join(["|".join(QUEUE_COLUMNS)] + ["|".join(q[c] for c in QUEUE_COLUMNS)
                                                      for q in self.queues.values()]) + "\n" + OK

    def _queue_count(self, what, name):
        return f"{self.waiting.get(name, 0)}\n" if what == "members" else "-ERR Invalid!\n"

    # -- agents ---------------------------------------------------------------------------
    def _agent_add(self, name, kind):
        if kind.lower() not in ("callback", "uuid-standby"):
            return "-ERR Agent type invalid!\n"
        if name in self.agents:
            return "-ERR Agent already exist!\n"
        self.agents[name] = {c: "0" for c in AGENT_COLUMNS} | {
            "name": name, "instance_id": "single_box", "uuid": "", "type": kind, "contact": "",
            "status": "Logged Out", "state": "Waiting"}
        return OK

    def _agent_set(self, key, name, value):
        if name not in self.agents:
            return "-ERR Agent not found!\n"
        if key not in AGENT_KEYS:
            return "-ERR Invalid Agent Update KEY!\n"
        if key == "status" and value not in STATUSES:
            return "-ERR Invalid Agent Status!\n"
        self.agents[name][key] = value
        return OK

    def _agent_del(self, name):
        self.agents.pop(name, None)
        self.tiers = {k: v for k, v in self.tiers.items() if k[1] != name}
        return OK

    def _agent_list(self, *args):
        return _table(AGENT_COLUMNS, list(self.agents.values()))

    # -- tiers ----------------------------------------------------------------------------
    def _tier_add(self, queue, agent, level="1", position="1"):
        if not self._get_queue(queue):
            return "-ERR Queue not found!\n"
        if agent not in self.agents:
            return "-ERR Agent not found!\n"
        if (queue, agent) in self.tiers:
            return "-ERR Tier already exist!\n"
        self.tiers[(queue, agent)] = {"queue": queue, "agent": agent, "state": "Ready",
                                      "level": str(int(level)), "position": str(int(position))}
        return OK

    def _tier_set(self, key, queue, agent, value):
        if (queue, agent) not in self.tiers or key not in ("state", "level", "position"):
            return "-ERR Invalid Tier Update KEY!\n"
        self.tiers[(queue, agent)][key] = value
        return OK

    def _tier_del(self, queue, agent):
        self.tiers.pop((queue, agent), None)
        return OK

    def _tier_list(self, *args):
        rows = sorted(self.tiers.values(), key=lambda t: (int(t["level"]), int(t["position"])))
        return _table(TIER_COLUMNS, rows)


class Replies(dict):
    """FakeFreeSwitch.api_replies that sends the commands starting with ``prefixes`` to a model's ``api``
    (callcenter_config and xml_flush_cache to a FakeCallcenter unless told otherwise)."""

    PREFIXES = ("callcenter_config ", "xml_flush_cache ")

    def __init__(self, canned, model, prefixes=PREFIXES):
        super().__init__(canned)
        self.model, self.prefixes = model, prefixes

    def get(self, command, default=None):
        if command.startswith(self.prefixes):
            return self.model.api
        return super().get(command, default)
