"""Originating the legs of a bridge (switch_ivr_originate.c): dial strings, ringing, the answered leg.

Shared by mod_dptools' bridge and mod_callcenter's agent offers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pbx.simulator.apps import phone_transfer
from pbx.simulator.apps.channel import Call, Hangup, UnsupportedApplication, atoi, switch_true
from pbx.simulator.world import Leg


@dataclass
class DialLeg:
    target: str
    variables: dict[str, str]


def _parse_vars(body: str) -> dict[str, str]:
    if body.startswith("^^"):
        raise UnsupportedApplication(f"custom variable delimiter not modelled: {body}")
    out = {}
    for item in re.findall(r"(?:[^,']|'[^']*')+", body):
        name, _, value = item.partition("=")
        out[name.strip()] = value.strip().strip("'")
    return out


def _split_outside_brackets(text: str, separator: str) -> list[str]:
    """Split at ``separator`` except inside ``[...]``: switch_ivr_originate.c escapes the
    separators within per-leg variable blocks before it splits the dial string."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def parse_dial_string(data: str) -> tuple[dict[str, str], list[list[DialLeg]]]:
    """{global}a,[per-leg]b|c  ->  global variables and `|` groups of `,` legs."""
    global_vars: dict[str, str] = {}
    m = re.match(r"^\{([^}]*)\}", data)
    if m:
        global_vars, data = _parse_vars(m.group(1)), data[m.end():]
    if any(c in data for c in "{<>") or ":_:" in data:
        raise UnsupportedApplication(f"dial string form not modelled: {data}")
    groups = []
    for group in _split_outside_brackets(data, "|"):
        legs = []
        for leg in _split_outside_brackets(group, ","):
            leg = leg.strip()
            m = re.match(r"^\[([^\]]*)\]", leg)
            leg_vars = _parse_vars(m.group(1)) if m else {}
            target = leg[m.end():] if m else leg
            if not target:
                raise UnsupportedApplication(f"empty leg in dial string {data!r}")
            legs.append(DialLeg(target, {**global_vars, **leg_vars}))
        groups.append(legs)
    return global_vars, groups


def exported_variables(call: Call) -> dict[str, str]:
    """switch_channel_process_export(): what the B-legs inherit through export_vars."""
    out = {}
    for name in filter(None, (call.variables.get("export_vars") or "").split(",")):
        value = call.variables.get(name)
        if value is not None:
            out[re.sub(r"^(nolocal:|_nolocal_)", "", name)] = value
    return out


@dataclass
class LegResult:
    leg: DialLeg
    uuid: str
    started: float
    ended: float
    outcome: str  # "answered" or a hangup cause
    behaviour: Leg
    caller_id: str = ""  # the number the callee is shown

    def as_dict(self) -> dict:
        return {"target": self.leg.target, "uuid": self.uuid, "start": round(self.started, 3),
                "end": round(self.ended, 3), "outcome": self.outcome, "caller_id": self.caller_id}


def presented_number(call: Call, leg: DialLeg) -> str:
    """The caller ID number a new leg is shown: `origination_caller_id_number` of the dial string
    ({} or []), else the caller's `effective_caller_id_number`, else its own (switch_ivr_originate.c,
    switch_core_session_outgoing_channel; mod_callcenter passes the same two as its override)."""
    return (leg.variables.get("origination_caller_id_number") or call.variables.get("effective_caller_id_number")
            or call.profile["caller_id_number"])


def originate_group(call: Call, group: list[DialLeg], timelimit: int) -> tuple[LegResult | None, list[LegResult], str]:
    """One `|` group: all legs ring at once; the first answer wins (switch_ivr_originate)."""
    t0 = call.now
    group_deadline = call.deadline_at_least(t0, timelimit)
    results = []
    for leg in group:
        behaviour, uuid = call.world.leg(leg.target, t0), call.new_uuid()
        if leg.target.startswith("error/"):
            behaviour = Leg("rejected", 0.0, cause=leg.target[len("error/"):].upper())
        leg_timeout = atoi(leg.variables.get("leg_timeout"))
        leg_deadline = call.deadline(t0, leg_timeout) if leg_timeout > 0 else math.inf
        results.append(leg_result(leg, uuid, t0, behaviour, min(leg_deadline, group_deadline), leg_deadline))
        results[-1].caller_id = presented_number(call, leg)
    answered = [r for r in results if r.outcome == "answered"]
    winner = min(answered, key=lambda r: r.ended) if answered else None
    end = winner.ended if winner else max(r.ended for r in results)
    for r in results:
        # A leg answering in the same instant as the winner loses the race too: one call, one answer.
        if r is not winner and (r.ended > end or r.outcome == "answered"):
            r.ended, r.outcome = end, "LOSE_RACE" if winner else r.outcome
    if winner:
        cause = "SUCCESS"
    elif end >= group_deadline and any(r.ended >= group_deadline and r.outcome == "NO_ANSWER" for r in results):
        cause = "NO_ANSWER"  # oglobals.idx == IDX_TIMEOUT
    else:
        cause = results[0].outcome  # the first leg (in dial order) that is down
    return winner, results, cause


def leg_result(leg: DialLeg, uuid: str, t0: float, behaviour: Leg, deadline: float,
                leg_deadline: float) -> LegResult:
    at = t0 + behaviour.after
    if behaviour.outcome == "answer" and at < deadline:
        return LegResult(leg, uuid, t0, at, "answered", behaviour)
    if behaviour.outcome not in ("answer", "no_answer") and at < deadline:
        return LegResult(leg, uuid, t0, at, behaviour.failure_cause(leg.target), behaviour)
    # A per-leg timeout hangs the leg up with ALLOTTED_TIMEOUT; the overall one with NO_ANSWER.
    cause = "ALLOTTED_TIMEOUT" if deadline == leg_deadline else "NO_ANSWER"
    return LegResult(leg, uuid, t0, deadline, cause, behaviour)


def bridged(call: Call, winner: LegResult) -> None:
    call.answered = True
    for name, value in (("originate_disposition", "SUCCESS"), ("DIALSTATUS", "SUCCESS"),
                        ("last_bridge_to", winner.uuid)):
        call.set_var(name, value)
    call.step("bridged", target=winner.leg.target, uuid=winner.uuid)
    _pre_execute(call, winner)
    talk = winner.behaviour.talk
    end = call.now + talk if talk is not None else math.inf
    phone_transfer.during_bridge(call, _leg_of(call, winner), end)
    call.advance(end)
    call.set_var("bridge_hangup_cause", "NORMAL_CLEARING")
    call.step("unbridged", target=winner.leg.target, by="callee", cause="NORMAL_CLEARING")
    # switch_ivr_multi_threaded_bridge(): hang up after an answered bridge if hangup_after_bridge.
    if switch_true(call.variables.get("hangup_after_bridge")):
        raise Hangup("NORMAL_CLEARING", "callee")


def _leg_of(call: Call, winner: LegResult) -> dict:
    """The answering leg as the bridge logged it (its step's variables are the leg's own)."""
    logged = next(s for s in reversed(call.steps) if s.kind == "leg" and s.details.get("uuid") == winner.uuid)
    return {"uuid": winner.uuid, "target": winner.leg.target, "variables": logged.details["variables"]}


def _pre_execute(call: Call, winner: LegResult) -> None:
    """`bridge_pre_execute_aleg_app` / `_bleg_app` (with `_data`): as the bridge starts, each leg runs
    its application asynchronously (switch_ivr_bridge.c), so the talk time runs on meanwhile."""
    for side in ("aleg", "bleg"):
        app = call.variables.get(f"bridge_pre_execute_{side}_app")
        if not app:
            continue
        if app != "playback":
            raise UnsupportedApplication(f"bridge_pre_execute_{side}_app={app} not modelled")
        data = call.expand(call.variables.get(f"bridge_pre_execute_{side}_data", ""))
        if side == "aleg":
            call.executed(app, data)
        else:
            call.step("peer_execute", target=winner.leg.target, uuid=winner.uuid, application=app, data=data)


# Numeric Q.850 values for the causes a bridge can end with (continue_on_fail accepts both).
Q850 = {"NO_ANSWER": 19, "USER_BUSY": 17, "CALL_REJECTED": 21, "NO_USER_RESPONSE": 18,
        "ALLOTTED_TIMEOUT": 602, "ORIGINATOR_CANCEL": 487, "NORMAL_TEMPORARY_FAILURE": 41,
        "USER_NOT_REGISTERED": 606, "UNALLOCATED_NUMBER": 1, "NO_ROUTE_DESTINATION": 3,
        "DESTINATION_OUT_OF_ORDER": 27, "NORMAL_CLEARING": 16, "LOSE_RACE": 502,
        "RECOVERY_ON_TIMER_EXPIRE": 102, "NETWORK_OUT_OF_ORDER": 38, "SUBSCRIBER_ABSENT": 20}


def continue_on_fail(call: Call, cause: str) -> bool:
    """switch_channel_handle_cause() in switch_channel.c."""
    if call.variables.get("transfer_on_fail"):
        raise UnsupportedApplication("transfer_on_fail not modelled")
    names = {cause.lower(), str(Q850.get(cause, ""))}
    cof, failure_causes = call.variables.get("continue_on_fail"), call.variables.get("failure_causes")
    if cof is None and failure_causes is None:
        # Unset: NO_ANSWER, NO_USER_RESPONSE and ORIGINATOR_CANCEL always continue.
        return cause in ("NO_ANSWER", "NO_USER_RESPONSE", "ORIGINATOR_CANCEL")
    if failure_causes is not None:
        if not names & {c.strip().lower() for c in failure_causes.split(",")}:
            return True
    if cof is not None:
        # "false" is not a list of causes either: it never continues.
        return switch_true(cof) or bool(names & {c.strip().lower() for c in cof.split(",")})
    return False
