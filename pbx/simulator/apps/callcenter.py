"""mod_callcenter: the `callcenter` application and the queues and agents of callcenter.conf.

Each model advances the call's clock the way the real application blocks the channel (mod_callcenter.c).
"""

from __future__ import annotations

import math

from dataclasses import dataclass

from pbx.dialplan.announcing import Announcing
from pbx.simulator.apps import commands
from pbx.simulator.apps.channel import Call, Hangup, Step, UnsupportedApplication, atoi
from pbx.simulator.apps.originate import (LegResult, exported_variables, leg_result, parse_dial_string,
                                          presented_number)
from pbx.simulator.apps.registry import application

AVAILABLE = ("Available", "Available (On Demand)")
# Strategies whose order depends on each agent's past calls, which callers ahead change.
MEMORY_STRATEGIES = ("agent-with-least-talk-time", "agent-with-fewest-calls", "round-robin")


def parse_callcenter_conf(root) -> dict:
    """Queues, agents and tiers of a callcenter.conf <configuration> document."""
    conf = root.find(".//configuration[@name='callcenter.conf']")
    if conf is None:
        raise UnsupportedApplication("document has no callcenter.conf configuration")
    queues = {q.get("name"): {p.get("name"): p.get("value") for p in q.iter("param")}
              for q in conf.iterfind("queues/queue")}
    agents = {a.get("name"): dict(a.attrib) for a in conf.iterfind("agents/agent")}
    tiers = [dict(t.attrib) for t in conf.iterfind("tiers/tier")]
    return {"queues": queues, "agents": agents, "tiers": tiers}


def _queue_agents(call: Call, queue_name: str, strategy: str) -> list[dict]:
    conf = call.callcenter
    tiers = [t for t in conf["tiers"] if t.get("queue") == queue_name]
    agents = []
    for tier in tiers:
        agent = conf["agents"].get(tier["agent"])
        status = call.world.agent_status.get(tier["agent"], (agent or {}).get("status", "Logged Out"))
        if agent and status in AVAILABLE:
            if agent.get("type", "callback") != "callback":
                raise UnsupportedApplication(f"agent type {agent.get('type')!r} not modelled")
            agents.append({**agent, "level": atoi(tier.get("level", "1")),
                           "position": atoi(tier.get("position", "1"))})
    rng = call.world.rng()
    # Fresh agents share last_bridge_end / talk_time / calls, so those orders fall back to
    # level, position (mod_callcenter.c agent_dispatch ORDER BY); random is level, random().
    keys = {"random": lambda a: (a["level"], rng.random())}
    if strategy not in ("ring-all", "longest-idle-agent", "top-down", "agent-with-least-talk-time",
                        "agent-with-fewest-calls", "sequentially-by-agent-order", "round-robin", "random"):
        raise UnsupportedApplication(f"queue strategy {strategy!r} not modelled")
    return sorted(agents, key=keys.get(strategy, lambda a: (a["level"], a["position"])))


@application("callcenter")
def app_callcenter(call: Call, data: str) -> None:
    if call.callcenter is None:
        raise UnsupportedApplication("callcenter needs a callcenter.conf document")
    queue_name = data.split()[0] if data.split() else ""
    queue = call.callcenter["queues"].get(queue_name)
    if queue is None:
        raise UnsupportedApplication(f"queue {queue_name!r} is not in callcenter.conf")
    strategy = queue.get("strategy", "longest-idle-agent")
    agents = _queue_agents(call, queue_name, strategy)
    if call.world.waiting and strategy in MEMORY_STRATEGIES:
        raise UnsupportedApplication(f"queue strategy {strategy!r} with callers already waiting not modelled")
    call.step("queue_enter", queue=queue_name, agents=[a["name"] for a in agents], ahead=len(call.world.waiting))
    try:
        outcome = _QueueRun(call, queue_name, queue, strategy, agents).serve()
    except Hangup:
        call.set_var("cc_cause", "cancel")
        call.set_var("cc_cancel_reason", "BREAK_OUT")
        call.step("queue_exit", queue=queue_name, cause="cancel", reason="BREAK_OUT")
        raise
    call.step("queue_exit", queue=queue_name, **outcome)


def _queue_deadline(call: Call, queue: dict, agents: list, t_enter: float) -> tuple[float, str]:
    # Member check: max_wait_time <= now - t_member_called, in whole epoch seconds.
    max_wait = atoi(queue.get("max-wait-time"))
    deadline = (call.deadline(t_enter, max_wait - 1), "TIMEOUT") if max_wait > 0 else (math.inf, "")
    no_agent = atoi(queue.get("max-wait-time-with-no-agent"))
    if not agents and no_agent > 0:
        grace = atoi(queue.get("max-wait-time-with-no-agent-time-reached", "5"))
        deadline = min(deadline, (t_enter + no_agent + grace, "NO_AGENT_TIMEOUT"))
    return deadline


@dataclass
class _Offer:
    """Agents ringing for one member until `end`; `winner` is the (agent, leg) that answered."""

    agents: list[dict]
    legs: list[tuple[dict, LegResult]]
    outcomes: dict[str, str]
    winner: tuple | None
    end: float


@dataclass(eq=False)
class _Member:
    uuid: str
    entered: float
    deadline: tuple[float, str]
    ours: bool = False
    offer: _Offer | None = None


class _QueueRun:
    """The queue while the call waits in it: mod_callcenter offers free agents to the members in
    join order (the longest waiting first), the callers already waiting (World.waiting) ahead of
    ours; the event listener announces each member's place on its own clock."""

    def __init__(self, call: Call, name: str, queue: dict, strategy: str, agents: list[dict]):
        self.call, self.name, self.strategy, self.agents = call, name, strategy, agents
        self.ready = {a["name"]: -math.inf for a in agents}
        self.idle_since = {a["name"]: 0.0 for a in agents}
        t_enter = call.now
        self.members = [_Member(f"waiting-{index}", t_enter - waited,
                                _queue_deadline(call, queue, agents, t_enter - waited))
                        for index, waited in enumerate(sorted(call.world.waiting, reverse=True), start=1)]
        self.ours = _Member(call.variables.get("uuid", ""), t_enter, _queue_deadline(call, queue, agents, t_enter),
                            ours=True)
        self.members.append(self.ours)
        self.now = self.members[0].entered
        self.broadcasts = sorted((at, f"uuid_broadcast {self.ours.uuid} {path} aleg")
                                 for at, path in call.world.broadcasts if at >= t_enter)  # scripted: what they tell is unknown
        listener, tenant = call.listener, atoi(call.variables.get("centralka_tenant")) or None
        # The callers ahead joined the same queue, so they hear what ours does.
        announcing = Announcing.of_channel(call.variables.get, listener.board.interval) if listener else None
        for member in self.members if listener else ():
            listener.enter(member.uuid, name, tenant, member.entered, announcing)

    def serve(self) -> dict:
        try:
            while True:
                outcome = self._settle()
                if outcome:
                    return outcome
                self._dispatch()
                self._wait(self._next_event())
        finally:
            if self.ours.offer:
                _record_agent_legs(self.call, self.ours.offer.legs, None)
            self._leave(self.ours)

    def _settle(self) -> dict | None:
        """Offers that ended and waits that ran out by now; our outcome once we are done."""
        for member in list(self.members):
            offer = member.offer
            if offer and offer.end <= self.now:
                member.offer = None
                if member.ours:
                    _record_agent_legs(self.call, offer.legs, offer.winner)
                self._free(offer)
                if offer.winner:
                    outcome = self._answered(member, offer.winner)
                    if outcome:
                        return outcome
                    continue
            if member.deadline[0] <= self.now:
                self._leave(member, "timeout")
                if member.ours:
                    return _member_timeout(self.call, member.deadline[1])
        return None

    def _answered(self, member: _Member, winner: tuple) -> dict | None:
        self._leave(member, "answered", agent=winner[0]["name"])
        if member.ours:
            return _agentbridged(self.call, winner)
        agent, leg = winner
        talk = leg.behaviour.talk
        done = leg.ended + talk + atoi(agent.get("wrap-up-time")) if talk is not None else math.inf
        self.ready[agent["name"]] = self.idle_since[agent["name"]] = done
        return None

    def _free(self, offer: _Offer) -> None:
        """Agents of an offer that is over, but the one who answered: free after their delay."""
        for agent in offer.agents:
            if offer.winner is None or agent is not offer.winner[0]:
                self.ready[agent["name"]] = self.now + _agent_delay(agent, offer.outcomes[agent["name"]])

    def _leave(self, member: _Member, cause: str = "", **details) -> None:
        if member not in self.members:
            return
        self.members.remove(member)
        if member.offer:
            self._free(member.offer)
        if self.call.listener:
            self.call.listener.leave(member.uuid)
        if not member.ours and self.now >= self.ours.entered:
            self.call.step("queue_member_left", queue=self.name, member=member.uuid, cause=cause, **details)

    def _dispatch(self) -> None:
        """Each member without an offer, in join order, gets the next free agent(s)."""
        for member in self.members:
            if member.offer or member.entered > self.now:
                continue
            free = [a for a in self.agents if self.ready[a["name"]] <= self.now]
            if self.strategy == "longest-idle-agent":
                free.sort(key=lambda a: self.idle_since[a["name"]])
            if not free:
                return
            member.offer = self._offer(member, free if self.strategy == "ring-all" else free[:1])

    def _offer(self, member: _Member, offered: list[dict]) -> _Offer:
        new_uuid = self.call.new_uuid if member.ours else (lambda: "")
        legs, outcomes = [], {}
        for agent in offered:
            results = _contact_legs(self.call, agent["contact"], self.now, member.deadline[0], new_uuid)
            legs += [(agent, r) for r in results]
            outcomes[agent["name"]] = results[0].outcome  # the first leg in dial order, as for a bridge
            self.ready[agent["name"]] = math.inf
        answered = [(a, r) for a, r in legs if r.outcome == "answered"]
        winner = min(answered, key=lambda ar: ar[1].ended) if answered else None
        return _Offer(offered, legs, outcomes, winner, winner[1].ended if winner else max(r.ended for _, r in legs))

    def _next_event(self) -> float:
        waiting = any(m.offer is None and m.entered <= self.now for m in self.members)
        return min([m.entered for m in self.members if m.entered > self.now]
                   + [m.offer.end for m in self.members if m.offer] + [m.deadline[0] for m in self.members]
                   + [r for r in self.ready.values() if waiting and self.now < r < math.inf], default=math.inf)

    def _wait(self, until: float) -> None:
        """Until the queue's next event; once our caller waits, with the broadcasts sent to them."""
        if until <= self.ours.entered:
            self.now = max(self.now, until)
            return
        call = self.call
        while (at := self._next_broadcast(until)) is not None:
            call.advance(at, listen=lambda d: False)
            for command, told in self._broadcasts_at(at):
                commands.api(call, command, told)
        call.advance(until, listen=lambda d: False)
        self.now = call.now

    def _next_broadcast(self, until: float) -> float | None:
        due = self.call.listener.next_due() if self.call.listener else None
        times = [max(due, self.call.now)] if due is not None else []
        times += [at for at, _ in self.broadcasts[:1]]
        at = min(times, default=math.inf)
        return at if at < until else None

    def _broadcasts_at(self, at: float) -> list[tuple[str, dict]]:
        sent = [(command, {}) for when, command in self.broadcasts if when <= at]
        self.broadcasts = [(when, command) for when, command in self.broadcasts if when > at]
        listener = self.call.listener
        return sent + (listener.due(at) if listener else [])


def _member_timeout(call: Call, reason: str) -> dict:
    call.set_var("cc_cause", "cancel")
    call.set_var("cc_cancel_reason", reason)
    return {"cause": "cancel", "reason": reason}


def _contact_legs(call: Call, contact: str, at: float, member_deadline: float, new_uuid) -> list[LegResult]:
    """An agent's contact is a whole dial string: outbound_agent_thread_run() in mod_callcenter.c
    hands it to switch_ivr_originate(), so `,` legs ring at once (each up to its leg_timeout, else
    the agent originate timeout, 60 s) and the first to answer wins the others' LOSE_RACE."""
    _, groups = parse_dial_string(contact)
    if len(groups) != 1:
        raise UnsupportedApplication(f"agent contact with `|` groups not modelled: {contact}")
    results = []
    for dial_leg in groups[0]:
        leg_deadline = call.deadline(at, atoi(dial_leg.variables.get("leg_timeout")) or 60)
        results.append(leg_result(dial_leg, new_uuid(), at, call.world.leg(dial_leg.target, at),
                                  min(leg_deadline, member_deadline), leg_deadline))
        results[-1].caller_id = presented_number(call, dial_leg)
    answered = [r for r in results if r.outcome == "answered"]
    if answered:
        first = min(answered, key=lambda r: r.ended)
        for r in results:
            if r is not first and r.ended >= first.ended:
                r.ended, r.outcome = first.ended, "LOSE_RACE"
    return results


def _record_agent_legs(call: Call, legs: list, winner: tuple | None) -> None:
    names = [n for n in (call.variables.get("cc_export_vars") or "").split(",") if n]
    exported = {**exported_variables(call), **{n: call.variables[n] for n in names if n in call.variables}}
    for agent, r in legs:
        if r.ended > call.now:
            r.ended, r.outcome = call.now, "ORIGINATOR_CANCEL"
        call.steps.append(Step(round(r.started, 3), "agent_leg", {
            **r.as_dict(), "agent": agent["name"],
            "variables": {**exported, "cc_agent": agent["name"], "cc_side": "agent"}}))


def _agent_delay(agent: dict, outcome: str) -> float:
    key = {"USER_BUSY": "busy-delay-time", "CALL_REJECTED": "reject-delay-time"}.get(
        outcome, "no-answer-delay-time")
    return atoi(agent.get(key, "0"))


def _agentbridged(call: Call, winner: tuple) -> dict:
    agent, leg = winner
    call.answered = True
    # mod_callcenter bridges with uuid_bridge: CHANNEL_EXECUTE on the member, no completion.
    call.executed("uuid_bridge", leg.uuid)
    call.set_var("cc_agent", agent["name"])
    call.set_var("cc_cause", "answered")
    call.step("queue_bridged", agent=agent["name"], uuid=leg.uuid)
    talk = leg.behaviour.talk
    call.advance(call.now + talk if talk is not None else math.inf)
    return {"cause": "answered", "agent": agent["name"]}
