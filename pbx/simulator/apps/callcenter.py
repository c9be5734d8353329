"""mod_callcenter: the `callcenter` application and the queues and agents of callcenter.conf.

Each model advances the call's clock the way the real application blocks the channel (mod_callcenter.c).
"""

from __future__ import annotations

import math

from pbx.simulator.apps.channel import Call, Hangup, Step, UnsupportedApplication, atoi, play
from pbx.simulator.apps.originate import (LegResult, exported_variables, leg_result, parse_dial_string,
                                          presented_number)
from pbx.simulator.apps.registry import application

AVAILABLE = ("Available", "Available (On Demand)")


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


def _queue_wait(call: Call, until: float) -> None:
    """Wait in the queue; external uuid_broadcast playbacks run on the member channel."""
    for at, path in call.world.broadcasts:
        if call.now <= at < until:
            call.advance(at)
            call.executed("playback", path)
            play(call, path)
    call.advance(until, listen=lambda d: False)


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
    t_enter = call.now
    call.step("queue_enter", queue=queue_name, agents=[a["name"] for a in agents])
    try:
        outcome = _serve_member(call, queue, strategy, agents, _queue_deadline(call, queue, agents, t_enter))
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


def _serve_member(call: Call, queue: dict, strategy: str, agents: list, deadline: tuple) -> dict:
    ready = {a["name"]: call.now for a in agents}
    while True:
        free = [a for a in agents if ready[a["name"]] <= call.now]
        if not free:
            _queue_wait(call, min([deadline[0], *ready.values()]))
            if call.now >= deadline[0]:
                return _member_timeout(call, deadline[1])
            continue
        offered = free if strategy == "ring-all" else free[:1]
        winner = _offer(call, offered, deadline[0], ready)
        if winner:
            return _agentbridged(call, winner)
        if call.now >= deadline[0]:
            return _member_timeout(call, deadline[1])


def _member_timeout(call: Call, reason: str) -> dict:
    call.set_var("cc_cause", "cancel")
    call.set_var("cc_cancel_reason", reason)
    return {"cause": "cancel", "reason": reason}


def _contact_legs(call: Call, contact: str, member_deadline: float) -> list[LegResult]:
    """An agent's contact is a whole dial string: outbound_agent_thread_run() in mod_callcenter.c
    hands it to switch_ivr_originate(), so `,` legs ring at once (each up to its leg_timeout, else
    the agent originate timeout, 60 s) and the first to answer wins the others' LOSE_RACE."""
    _, groups = parse_dial_string(contact)
    if len(groups) != 1:
        raise UnsupportedApplication(f"agent contact with `|` groups not modelled: {contact}")
    results = []
    for dial_leg in groups[0]:
        leg_deadline = call.deadline(call.now, atoi(dial_leg.variables.get("leg_timeout")) or 60)
        results.append(leg_result(dial_leg, call.new_uuid(), call.now, call.world.leg(dial_leg.target),
                                   min(leg_deadline, member_deadline), leg_deadline))
        results[-1].caller_id = presented_number(call, dial_leg)
    answered = [r for r in results if r.outcome == "answered"]
    if answered:
        first = min(answered, key=lambda r: r.ended)
        for r in results:
            if r is not first and r.ended >= first.ended:
                r.ended, r.outcome = first.ended, "LOSE_RACE"
    return results


def _offer(call: Call, offered: list[dict], member_deadline: float, ready: dict) -> tuple | None:
    legs, outcomes = [], {}
    for agent in offered:
        results = _contact_legs(call, agent["contact"], member_deadline)
        legs += [(agent, r) for r in results]
        outcomes[agent["name"]] = results[0].outcome  # the first leg in dial order, as for a bridge
    answered = [(a, r) for a, r in legs if r.outcome == "answered"]
    winner = min(answered, key=lambda ar: ar[1].ended) if answered else None
    end = winner[1].ended if winner else max(r.ended for _, r in legs)
    try:
        _queue_wait(call, end)
    finally:
        _record_agent_legs(call, legs, winner)
    for agent in offered:
        if winner is None or agent is not winner[0]:
            ready[agent["name"]] = call.now + _agent_delay(agent, outcomes[agent["name"]])
    return winner


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
