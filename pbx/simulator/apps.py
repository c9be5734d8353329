"""Models of the dialplan applications a virtual PBX uses (mod_dptools, mod_callcenter, mod_sofia).

Each model advances the call's clock the way the real application blocks the channel, and sets
the channel variables FreeSWITCH 1.10.12 sets. Sources are cited where a rule is subtle.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from pbx.simulator import dialplan
from pbx.simulator.world import Leg, World


class UnsupportedApplication(Exception):
    """The dialplan runs an application (or argument form) the simulator does not model."""


class SimulationError(Exception):
    """The simulated call cannot go on (e.g. it would never end, or transfers loop)."""


class Hangup(Exception):
    def __init__(self, cause: str, by: str):
        super().__init__(f"{cause} ({by})")
        self.cause, self.by = cause, by


class Transfer(Exception):
    def __init__(self, destination: str, dialplan_name: str, context: str):
        super().__init__(f"{destination} {dialplan_name} {context}")
        self.destination, self.dialplan_name, self.context = destination, dialplan_name, context


def switch_true(value: str | None) -> bool:
    """switch_true(): yes/on/true/t/enabled/active/allow or a non-zero number."""
    if not value:
        return False
    v = value.strip().lower()
    if v in ("yes", "on", "true", "t", "enabled", "active", "allow"):
        return True
    return bool(re.fullmatch(r"[+-]?\d+", v)) and int(v) != 0


def atoi(value: str | None) -> int:
    m = re.match(r"\s*([+-]?\d+)", value or "")
    return int(m.group(1)) if m else 0


@dataclass
class Step:
    at: float
    kind: str
    details: dict = field(default_factory=dict)


@dataclass
class Call:
    """The A-leg: its variables, caller profile and a clock in seconds since the INVITE."""

    world: World
    variables: dict[str, str]
    profile: dict[str, str]
    switch_timezone: str
    durations: dict[str, float]
    callcenter: dict | None
    now: float = 0.0
    answered: bool = False
    steps: list[Step] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    globals: dict[str, str] = field(default_factory=dict)
    scheduled: list[tuple[float, str, tuple]] = field(default_factory=list)
    run_extension: Callable[[str, str], None] | None = None
    _digits: list[tuple[float, str]] = field(default_factory=list)
    _uuids: object = None

    def __post_init__(self):
        self._digits = [(t, d) for t, digits in self.world.keypresses for d in digits]

    # -- state seen by expansion and hunts
    def channel(self) -> dialplan.Channel:
        return dialplan.Channel(self.variables, self.profile, self.instant(),
                                self.switch_timezone, self.globals)

    def instant(self, at: float | None = None):
        return self.world.start + timedelta(seconds=self.now if at is None else at)

    def expand(self, text: str) -> str:
        return dialplan.expand(text, self.channel())

    def executed(self, application: str, data: str) -> None:
        """Record a CHANNEL_EXECUTE on this channel (Application, Application-Data)."""
        self.variables["current_application"] = application
        self.variables["current_application_data"] = data
        self.applications.append({"application": application, "data": data})
        self.step("execute", application=application, data=data)

    def step(self, kind: str, **details) -> None:
        self.steps.append(Step(round(self.now, 3), kind, details))

    def new_uuid(self) -> str:
        return next(self._uuids)

    def set_var(self, name: str, value: str | None) -> None:
        if value is None:
            self.variables.pop(name, None)
        else:
            self.variables[name] = value

    def deadline(self, t0: float, seconds: int) -> float:
        """When `elapsed > seconds` first holds, elapsed counted in whole epoch seconds.

        switch_ivr_originate.c compares time_t differences, so a 5 s timeout fires between
        5 and 6 s after the start depending on the sub-second phase (captured: 5.4 s).
        """
        epoch0 = self.world.start.timestamp() + t0
        return math.floor(epoch0) + seconds + 1 - self.world.start.timestamp()

    def deadline_at_least(self, t0: float, seconds: int) -> float:
        """When `elapsed >= seconds` first holds (whole epoch seconds): a whole second before
        deadline(). switch_ivr_originate.c ends a `|` group on `elapsed >= originate_timeout`."""
        return self.deadline(t0, seconds) - 1

    # -- the clock
    def _next_interrupt(self) -> tuple[float, Exception | None]:
        best: tuple[float, Exception | None] = (math.inf, None)
        if self.world.caller_hangup is not None:
            best = (self.world.caller_hangup, Hangup("NORMAL_CLEARING", "caller"))
        for at, kind, args in self.scheduled:
            if at < best[0]:
                best = (at, Hangup(args[0], "sched_hangup") if kind == "hangup" else Transfer(*args))
        return best

    def next_digit(self) -> tuple[float, str] | None:
        if not self._digits:
            return None
        t, d = self._digits[0]
        return max(t, self.now), d

    def take_digit(self) -> str:
        return self._digits.pop(0)[1]

    def advance(self, until: float, listen: Callable[[str], bool] | None = None) -> str | None:
        """Run the clock to `until`; interrupts (hang-ups, scheduled transfers) raise.

        With `listen`, each digit arriving before `until` is taken off the DTMF queue and
        offered to it; if it returns True the wait stops there and the digit is returned.
        """
        while True:
            t_int, interrupt = self._next_interrupt()
            digit = self.next_digit() if listen else None
            t_dig = digit[0] if digit else math.inf
            if t_int <= t_dig and t_int < until:
                self.now = max(self.now, t_int)
                self._fire(interrupt)
            if t_dig < until:
                self.now = t_dig
                d = self.take_digit()
                if listen(d):
                    return d
                continue
            if until == math.inf:
                raise SimulationError(f"the call never ends (stuck at {self.now:.1f} s)")
            self.now = max(self.now, until)
            return None

    def _fire(self, interrupt: Exception) -> None:
        if isinstance(interrupt, Transfer):
            self.scheduled = [s for s in self.scheduled if s[1] != "transfer"]
        raise interrupt


# ---------------------------------------------------------------- media durations

def media_duration(path: str, durations: dict[str, float]) -> float:
    """Seconds a file plays. tone_stream and silence_stream are parsed; files are looked up."""
    if path in durations:
        return durations[path]
    if path.startswith("tone_stream://"):
        return _tone_duration(path[len("tone_stream://"):])
    if path.startswith("silence_stream://"):
        ms = atoi(path[len("silence_stream://"):].split(",")[0])
        return math.inf if ms < 0 else ms / 1000
    if path.startswith("file_string://"):
        return sum(media_duration(p, durations) for p in path[len("file_string://"):].split("!"))
    if re.match(r"^[a-z_]+:", path) and not path.startswith("/"):
        raise UnsupportedApplication(f"media source not modelled: {path}")
    return durations.get("*", 3.0)


def _tone_duration(spec: str) -> float:
    loops = 1
    m = re.search(r";loops=(-?\d+)", spec)
    if m:
        loops = int(m.group(1))
    total = 0
    for on_off in re.findall(r"%\(([^)]*)\)", spec):
        parts = [atoi(p) for p in on_off.split(",")]
        total += parts[0] + (parts[1] if len(parts) > 1 else 0)
    if not total:
        raise UnsupportedApplication(f"tone_stream not modelled: {spec}")
    return math.inf if loops < 0 else total * loops / 1000


def _playback_terminators(call: Call) -> str:
    # mod_dptools on_dtmf(): playback_terminators, default "*", "any" and "none".
    value = call.variables.get("playback_terminators")
    if value is None:
        return "*"
    if value.lower() == "any":
        return "1234567890*#"
    return "" if value.lower() == "none" else value


def play(call: Call, path: str) -> str | None:
    """playback: digits are consumed; a playback terminator stops it (returned)."""
    terms = _playback_terminators(call)
    call.set_var("playback_terminator_used", "")
    stop = call.advance(call.now + media_duration(path, call.durations), listen=lambda d: d in terms)
    if stop:
        call.set_var("playback_terminator_used", stop)
    return stop


# ---------------------------------------------------------------- variables and signalling

def app_set(call: Call, data: str) -> None:
    # base_set(): "var=value" (or "var,value"); the value is expanded a second time.
    name, sep, value = data.partition("=")
    if not sep:
        name, _, value = data.partition(",")
    call.set_var(name, call.expand(value) if value else None)


def app_export(call: Call, data: str) -> None:
    # switch_channel_export_variable_var_check(): the variable is set locally under the name
    # as written (a "nolocal:" prefix included) and that name is appended to export_vars.
    name, _, value = data.partition("=")
    call.set_var(name, value or None)
    if value:
        exports = call.variables.get("export_vars")
        call.set_var("export_vars", f"{exports},{name}" if exports else name)


def app_unset(call: Call, data: str) -> None:
    call.set_var(data, None)


def app_set_global(call: Call, data: str) -> None:
    name, _, value = data.partition("=")
    if value:
        call.globals[name] = value
    else:
        call.globals.pop(name, None)


def app_answer(call: Call, data: str) -> None:
    if not call.answered:
        call.answered = True
        call.step("answered")


def app_noop(call: Call, data: str) -> None:
    """log, info, event, ring_ready, pre_answer, record_session: no effect on the call path."""


def app_sleep(call: Call, data: str) -> None:
    # sleep_function(): digits stay queued unless sleep_eat_digits is true.
    eat = switch_true(call.variables.get("sleep_eat_digits"))
    call.advance(call.now + atoi(data) / 1000, listen=(lambda d: False) if eat else None)


def app_playback(call: Call, data: str) -> None:
    start = call.now
    stopped = play(call, data)
    call.step("playback", file=data, seconds=round(call.now - start, 3), terminator=stopped)


def app_hangup(call: Call, data: str) -> None:
    raise Hangup(data.strip() or "NORMAL_CLEARING", "dialplan")


# mod_sofia: a final SIP response ends the call with the cause the code maps to.
SIP_TO_CAUSE = {
    "403": "CALL_REJECTED", "404": "UNALLOCATED_NUMBER", "480": "NO_USER_RESPONSE",
    "486": "USER_BUSY", "487": "ORIGINATOR_CANCEL", "503": "NORMAL_TEMPORARY_FAILURE",
    "600": "USER_BUSY", "603": "CALL_REJECTED", "604": "NO_ROUTE_DESTINATION",
}


def app_respond(call: Call, data: str) -> None:
    code = data.split()[0] if data.split() else ""
    if code in ("180", "183"):
        return
    if code == "200":
        app_answer(call, "")
        return
    if code not in SIP_TO_CAUSE:
        raise UnsupportedApplication(f"respond {data!r} not modelled")
    raise Hangup(SIP_TO_CAUSE[code], "dialplan")


def _transfer_target(call: Call, args: list[str]) -> Transfer:
    if not args or args[0].startswith("-"):
        raise UnsupportedApplication(f"transfer {' '.join(args)!r} not modelled")
    dp = args[1] if len(args) > 1 else "XML"
    if dp != "XML":
        raise UnsupportedApplication(f"dialplan {dp!r} not modelled")
    return Transfer(args[0], dp, args[2] if len(args) > 2 else call.profile["context"])


def app_transfer(call: Call, data: str) -> None:
    raise _transfer_target(call, data.split())


def _sched_time(call: Call, spec: str) -> float:
    if spec.startswith("+"):
        return call.now + atoi(spec[1:])
    return atoi(spec) - call.world.start.timestamp()


def app_sched_hangup(call: Call, data: str) -> None:
    # "[+]<seconds> [<cause>]": relative with "+", else an epoch time; default ALLOTTED_TIMEOUT.
    args = data.split()
    cause = args[1] if len(args) > 1 else "ALLOTTED_TIMEOUT"
    call.scheduled.append((_sched_time(call, args[0]), "hangup", (cause,)))


def app_sched_transfer(call: Call, data: str) -> None:
    args = data.split()
    target = _transfer_target(call, args[1:])
    call.scheduled.append((_sched_time(call, args[0]), "transfer",
                           (target.destination, target.dialplan_name, target.context)))


def app_execute_extension(call: Call, data: str) -> None:
    args = data.split()
    if not args:
        raise UnsupportedApplication("execute_extension without an extension")
    call.run_extension(args[0], args[2] if len(args) > 2 else call.profile["context"])


# ---------------------------------------------------------------- digit collection

def ivr_read(call: Call, min_d: int, max_d: int, prompt: str | None, var: str | None,
             timeout_ms: int, terminators: str, digit_timeout_ms: int) -> tuple[str, str]:
    """switch_ivr_read(): returns (status, digits) and sets read_result / the variable."""
    digit_timeout_ms = digit_timeout_ms or timeout_ms
    max_d = max(max_d, min_d)
    call.set_var("read_result", None)
    if var:
        call.set_var(var, None)
    buf = ""
    if prompt and prompt.lower() != "silence":
        # The first digit (already queued or arriving) stops the prompt and is kept.
        first = call.advance(call.now + media_duration(prompt, call.durations), listen=lambda d: True)
        buf = first or ""
    status, term = "success", ""
    if (min_d and len(buf) < min_d) or len(buf) < max_d:
        status, buf, term = _collect(call, buf, max_d, terminators,
                                     digit_timeout_ms if buf else timeout_ms, digit_timeout_ms)
    if term:
        call.set_var("read_terminator_used", term)
    elif terminators.startswith("="):
        status = "too_small"
    if min_d and len(buf) < min_d:
        status = "too_small"
    call.set_var("read_result", {"success": "success", "timeout": "timeout"}.get(status, "failure"))
    if max_d == 1 and len(buf) == 1 and buf in terminators:
        buf = ""
    if var and buf:
        call.set_var(var, buf)
    return status, buf


def _collect(call: Call, buf: str, max_d: int, terminators: str, first_ms: int,
             digit_ms: int) -> tuple[str, str, str]:
    """switch_ivr_collect_digits_count(): first timeout, then the inter-digit timeout."""
    for i, d in enumerate(buf):
        if d in terminators:
            return "success", buf[:i], d
    started, eff = call.now, first_ms / 1000
    while True:
        nxt = call.next_digit()
        if nxt is None or nxt[0] - started >= eff:
            call.advance(started + eff)
            return "timeout", buf, ""
        call.advance(nxt[0])
        d = call.take_digit()
        if d in terminators:
            return "success", buf, d
        buf += d
        if len(buf) >= max_d:
            return "success", buf, ""
        started, eff = call.now, digit_ms / 1000


def _split_args(data: str, limit: int) -> list[str]:
    # switch_separate_string(): the last slot keeps the rest of the string.
    parts = data.split()
    return parts[:limit - 1] + [" ".join(parts[limit - 1:])] if len(parts) > limit else parts


def app_play_and_get_digits(call: Call, data: str) -> None:
    """min max tries timeout terminators file invalid_file var regexp digit_timeout failure_ext."""
    a = _split_args(data, 11) + [""] * 11
    min_d, max_d, tries = max(atoi(a[0]), 0), atoi(a[1]), atoi(a[2])
    timeout = max(atoi(a[3]) if a[3] else 1000, 1000)  # the app raises timeouts below 1 s
    terms = a[4] or "#"
    prompt, invalid, var, regexp, on_failure = a[5], a[6], a[7] or None, a[8], a[10]
    digit_timeout = atoi(a[9])
    max_d = max(max_d, min_d)
    if regexp and var:
        call.set_var(f"{var}_invalid", None)
    for attempt in range(1, tries + 1):
        status, buf = ivr_read(call, min_d, max_d, prompt or None, var, timeout, terms, digit_timeout)
        ok = _pagd_accepts(call, status, buf, min_d, regexp, var)
        call.step("digits", attempt=attempt, digits=buf, result=call.variables.get("read_result"),
                  accepted=ok)
        if ok:
            return
        if invalid:
            # Played without input arguments: digits stay queued for the next attempt.
            call.advance(call.now + media_duration(invalid, call.durations))
    if on_failure:
        target = on_failure.split()
        call.step("digits_failed", transfer=on_failure)
        raise _transfer_target(call, target)


def _pagd_accepts(call: Call, status: str, buf: str, min_d: int, regexp: str, var: str | None) -> bool:
    # switch_play_and_get_digits() in switch_ivr_play_say.c.
    if status == "timeout" and len(buf) >= min_d:
        status = "success"
    if min_d == 0 and not buf and "read_terminator_used" in call.variables:
        return True
    if status != "success" or not buf:
        return False
    if not regexp or dialplan.compile_pcre(regexp).search(buf):
        return True
    if var:
        call.set_var(var, None)
        call.set_var(f"{var}_invalid", buf)
    return False


def app_read(call: Call, data: str) -> None:
    """read <min> <max> <file> <var> <timeout> <terminators> [<digit_timeout>]."""
    a = data.split() + [""] * 7
    min_d, max_d = atoi(a[0]), atoi(a[1])
    timeout = max(atoi(a[4]) if a[4] else 1000, 1000)
    status, buf = ivr_read(call, min_d, max_d, a[2] or None, a[3] or None,
                           timeout, a[5] or "#", atoi(a[6]))
    call.step("digits", digits=buf, result=call.variables.get("read_result"))


# ---------------------------------------------------------------- bridge

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

    def as_dict(self) -> dict:
        return {"target": self.leg.target, "uuid": self.uuid, "start": round(self.started, 3),
                "end": round(self.ended, 3), "outcome": self.outcome}


def originate_group(call: Call, group: list[DialLeg], timelimit: int) -> tuple[LegResult | None, list[LegResult], str]:
    """One `|` group: all legs ring at once; the first answer wins (switch_ivr_originate)."""
    t0 = call.now
    group_deadline = call.deadline_at_least(t0, timelimit)
    results = []
    for leg in group:
        behaviour, uuid = call.world.leg(leg.target), call.new_uuid()
        if leg.target.startswith("error/"):
            behaviour = Leg("rejected", 0.0, cause=leg.target[len("error/"):].upper())
        leg_timeout = atoi(leg.variables.get("leg_timeout"))
        leg_deadline = call.deadline(t0, leg_timeout) if leg_timeout > 0 else math.inf
        results.append(_leg_result(leg, uuid, t0, behaviour, min(leg_deadline, group_deadline), leg_deadline))
    answered = [r for r in results if r.outcome == "answered"]
    winner = min(answered, key=lambda r: r.ended) if answered else None
    end = winner.ended if winner else max(r.ended for r in results)
    for r in results:
        if r is not winner and r.ended > end:
            r.ended, r.outcome = end, "LOSE_RACE" if winner else r.outcome
    if winner:
        cause = "SUCCESS"
    elif end >= group_deadline and any(r.ended >= group_deadline and r.outcome == "NO_ANSWER" for r in results):
        cause = "NO_ANSWER"  # oglobals.idx == IDX_TIMEOUT
    else:
        cause = results[0].outcome  # the first leg (in dial order) that is down
    return winner, results, cause


def _leg_result(leg: DialLeg, uuid: str, t0: float, behaviour: Leg, deadline: float,
                leg_deadline: float) -> LegResult:
    at = t0 + behaviour.after
    if behaviour.outcome == "answer" and at < deadline:
        return LegResult(leg, uuid, t0, at, "answered", behaviour)
    if behaviour.outcome not in ("answer", "no_answer") and at < deadline:
        return LegResult(leg, uuid, t0, at, behaviour.failure_cause(leg.target), behaviour)
    # A per-leg timeout hangs the leg up with ALLOTTED_TIMEOUT; the overall one with NO_ANSWER.
    cause = "ALLOTTED_TIMEOUT" if deadline == leg_deadline else "NO_ANSWER"
    return LegResult(leg, uuid, t0, deadline, cause, behaviour)


DIALSTATUS = {"ORIGINATOR_CANCEL": "CANCEL", "USER_BUSY": "BUSY", "NO_ANSWER": "NOANSWER",
              "DESTINATION_OUT_OF_ORDER": "INVALIDARGS", "INVALID_PROFILE": "INVALIDARGS",
              "CALL_REJECTED": "DONTCALL"}


def app_bridge(call: Call, data: str) -> None:
    global_vars, groups = parse_dial_string(data)
    # call_timeout on the A-leg, overridden by {originate_timeout=}; 60 s when unset or <= 0.
    timelimit = atoi(call.variables.get("call_timeout"))
    if atoi(global_vars.get("originate_timeout")) > 0:
        timelimit = atoi(global_vars["originate_timeout"])
    timelimit = timelimit if timelimit > 0 else 60
    exports = exported_variables(call)
    # After a group's originate_timeout the later `|` groups are skipped (`to` ends the loop)
    # unless originate_continue_on_timeout is set; legs that all fail by themselves go on.
    go_on = switch_true(global_vars.get("originate_continue_on_timeout")
                        or call.variables.get("originate_continue_on_timeout"))
    cause = "NO_ANSWER"
    for group in groups:
        t0 = call.now
        winner, results, cause = originate_group(call, group, timelimit)
        _ring(call, results, winner, exports)
        if winner:
            _bridged(call, winner)
            return
        if call.now >= call.deadline_at_least(t0, timelimit) and not go_on:
            break
    _bridge_failed(call, cause)


def _ring(call: Call, results: list[LegResult], winner: LegResult | None, exports: dict) -> None:
    end = winner.ended if winner else max(r.ended for r in results)
    try:
        call.advance(end)
    except Hangup:
        for r in results:
            if r.ended > call.now:
                r.ended, r.outcome = call.now, "ORIGINATOR_CANCEL"
        call.set_var("originate_disposition", "ORIGINATOR_CANCEL")
        call.set_var("DIALSTATUS", "CANCEL")
        raise
    finally:
        for r in results:
            call.steps.append(Step(round(r.started, 3), "leg", {
                **r.as_dict(), "variables": {**exports, **r.leg.variables}}))


def _bridged(call: Call, winner: LegResult) -> None:
    call.answered = True
    for name, value in (("originate_disposition", "SUCCESS"), ("DIALSTATUS", "SUCCESS"),
                        ("last_bridge_to", winner.uuid)):
        call.set_var(name, value)
    call.step("bridged", target=winner.leg.target, uuid=winner.uuid)
    talk = winner.behaviour.talk
    call.advance(call.now + talk if talk is not None else math.inf)
    call.set_var("bridge_hangup_cause", "NORMAL_CLEARING")
    call.step("unbridged", target=winner.leg.target, by="callee", cause="NORMAL_CLEARING")
    # switch_ivr_multi_threaded_bridge(): hang up after an answered bridge if hangup_after_bridge.
    if switch_true(call.variables.get("hangup_after_bridge")):
        raise Hangup("NORMAL_CLEARING", "callee")


def _bridge_failed(call: Call, cause: str) -> None:
    call.set_var("originate_disposition", cause)
    call.set_var("DIALSTATUS", DIALSTATUS.get(cause, cause))
    call.set_var("originate_failed_cause", cause)
    call.step("bridge_failed", cause=cause)
    if not continue_on_fail(call, cause):
        raise Hangup(cause, "bridge")


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


# ---------------------------------------------------------------- callcenter

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
            return _agent_bridged(call, winner)
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
        results.append(_leg_result(dial_leg, call.new_uuid(), call.now, call.world.leg(dial_leg.target),
                                   min(leg_deadline, member_deadline), leg_deadline))
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


def _agent_bridged(call: Call, winner: tuple) -> dict:
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


# ---------------------------------------------------------------- recording

def app_record(call: Call, data: str) -> None:
    """record <path> [<limit s>] [<silence thresh>] [<silence hits s>] (mod_dptools record_function)."""
    args = data.split()
    limit = atoi(args[1].lstrip("+")) if len(args) > 1 else 0
    thresh = atoi(args[2]) if len(args) > 2 else 0
    hits = (atoi(args[3]) if len(args) > 3 else 0) or 3  # switch_ivr_record_file: 3 s default
    start = call.now
    end = start + limit if limit else math.inf
    speech = call.world.speech
    if thresh and speech is not None:
        end = min(end, start + speech + hits)  # stops after `hits` seconds of silence
    terms = _playback_terminators(call)
    stop = call.advance(end, listen=lambda d: d in terms)
    seconds = call.now - start
    call.set_var("record_seconds", str(int(min(seconds, speech) if speech is not None else seconds)))
    call.step("recorded", path=args[0] if args else "", seconds=round(seconds, 3), terminator=stop)


def app_record_session(call: Call, data: str) -> None:
    call.step("record_session", path=data)


APPS: dict[str, Callable[[Call, str], None]] = {
    "answer": app_answer, "pre_answer": app_noop, "ring_ready": app_noop,
    "set": app_set, "export": app_export, "unset": app_unset, "set_global": app_set_global,
    "log": app_noop, "info": app_noop, "event": app_noop,
    "sleep": app_sleep, "playback": app_playback,
    "play_and_get_digits": app_play_and_get_digits, "read": app_read,
    "bridge": app_bridge, "callcenter": app_callcenter,
    "record": app_record, "record_session": app_record_session,
    "hangup": app_hangup, "respond": app_respond, "transfer": app_transfer,
    "sched_hangup": app_sched_hangup, "sched_transfer": app_sched_transfer,
    "execute_extension": app_execute_extension,
}

# Applications flagged SAF_ROUTING_EXEC in mod_dptools.c: only these may run inline.
INLINE_APPS = {"set", "export", "unset", "set_global", "log", "info", "event"}


def run(call: Call, application: str, data: str) -> None:
    """switch_core_session_exec(): expand the data, report it, run the model."""
    model = APPS.get(application)
    if model is None:
        raise UnsupportedApplication(f"application {application!r} is not modelled")
    if not switch_true(call.variables.get("app_disable_expand_variables")):
        data = call.expand(data)
    call.executed(application, data)
    model(call, data)
