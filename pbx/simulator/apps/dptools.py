"""Applications of mod_dptools: variables, answer and playback, digit collection, transfer, bridge, recording.

Each model advances the call's clock the way the real application blocks the channel, and sets
the channel variables FreeSWITCH 1.10.12 sets. Sources are cited where a rule is subtle.
"""

from __future__ import annotations

import math

from pbx.simulator import dialplan
from pbx.simulator.apps.channel import (Call, Hangup, Step, Transfer, UnsupportedApplication, atoi, media_duration,
                                        play, playback_terminators, switch_true)
from pbx.simulator.apps.originate import (LegResult, bridged, continue_on_fail, exported_variables, originate_group,
                                          parse_dial_string)
from pbx.simulator.apps.registry import application


# ---------------------------------------------------------------- variables and signalling

@application("set")
def app_set(call: Call, data: str) -> None:
    # base_set(): "var=value" (or "var,value"); the value is expanded a second time.
    name, sep, value = data.partition("=")
    if not sep:
        name, _, value = data.partition(",")
    call.set_var(name, call.expand(value) if value else None)


@application("export")
def app_export(call: Call, data: str) -> None:
    # switch_channel_export_variable_var_check(): the variable is set locally under the name
    # as written (a "nolocal:" prefix included) and that name is appended to export_vars.
    name, _, value = data.partition("=")
    call.set_var(name, value or None)
    if value:
        exports = call.variables.get("export_vars")
        call.set_var("export_vars", f"{exports},{name}" if exports else name)


@application("unset")
def app_unset(call: Call, data: str) -> None:
    call.set_var(data, None)


@application("set_global")
def app_set_global(call: Call, data: str) -> None:
    name, _, value = data.partition("=")
    if value:
        call.globals[name] = value
    else:
        call.globals.pop(name, None)


@application("answer")
def app_answer(call: Call, data: str) -> None:
    if not call.answered:
        call.answered = True
        call.step("answered")


@application("pre_answer", "ring_ready", "log", "info", "event")
def app_noop(call: Call, data: str) -> None:
    """log, info, event, ring_ready, pre_answer, record_session: no effect on the call path."""


@application("sleep")
def app_sleep(call: Call, data: str) -> None:
    # sleep_function(): digits stay queued unless sleep_eat_digits is true.
    eat = switch_true(call.variables.get("sleep_eat_digits"))
    call.advance(call.now + atoi(data) / 1000, listen=(lambda d: False) if eat else None)


@application("playback")
def app_playback(call: Call, data: str) -> None:
    start = call.now
    stopped = play(call, data)
    call.step("playback", file=data, seconds=round(call.now - start, 3), terminator=stopped)


@application("hangup")
def app_hangup(call: Call, data: str) -> None:
    raise Hangup(data.strip() or "NORMAL_CLEARING", "dialplan")


# mod_sofia: a final SIP response ends the call with the cause the code maps to.
SIP_TO_CAUSE = {
    "403": "CALL_REJECTED", "404": "UNALLOCATED_NUMBER", "480": "NO_USER_RESPONSE",
    "486": "USER_BUSY", "487": "ORIGINATOR_CANCEL", "503": "NORMAL_TEMPORARY_FAILURE",
    "600": "USER_BUSY", "603": "CALL_REJECTED", "604": "NO_ROUTE_DESTINATION",
}


@application("respond")
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
    bleg = bool(args) and args[0] == "-bleg"  # the partner moves (a phone's feature code, pbx.simulator.apps.phone_transfer)
    args = args[1:] if bleg else args
    if not args or args[0].startswith("-"):
        raise UnsupportedApplication(f"transfer {' '.join(args)!r} not modelled")
    dp = args[1] if len(args) > 1 else "XML"
    if dp != "XML":
        raise UnsupportedApplication(f"dialplan {dp!r} not modelled")
    return Transfer(args[0], dp, args[2] if len(args) > 2 else call.profile["context"], bleg=bleg)


@application("transfer")
def app_transfer(call: Call, data: str) -> None:
    raise _transfer_target(call, data.split())


def _sched_time(call: Call, spec: str) -> float:
    if spec.startswith("+"):
        return call.now + atoi(spec[1:])
    return atoi(spec) - call.world.start.timestamp()


@application("sched_hangup")
def app_sched_hangup(call: Call, data: str) -> None:
    # "[+]<seconds> [<cause>]": relative with "+", else an epoch time; default ALLOTTED_TIMEOUT.
    args = data.split()
    cause = args[1] if len(args) > 1 else "ALLOTTED_TIMEOUT"
    call.scheduled.append((_sched_time(call, args[0]), "hangup", (cause,)))


@application("sched_transfer")
def app_sched_transfer(call: Call, data: str) -> None:
    args = data.split()
    target = _transfer_target(call, args[1:])
    call.scheduled.append((_sched_time(call, args[0]), "transfer",
                           (target.destination, target.dialplan_name, target.context)))


@application("execute_extension")
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


@application("play_and_get_digits")
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


@application("read")
def app_read(call: Call, data: str) -> None:
    """read <min> <max> <file> <var> <timeout> <terminators> [<digit_timeout>]."""
    a = data.split() + [""] * 7
    min_d, max_d = atoi(a[0]), atoi(a[1])
    timeout = max(atoi(a[4]) if a[4] else 1000, 1000)
    status, buf = ivr_read(call, min_d, max_d, a[2] or None, a[3] or None,
                           timeout, a[5] or "#", atoi(a[6]))
    call.step("digits", digits=buf, result=call.variables.get("read_result"))


# ---------------------------------------------------------------- bridge

DIALSTATUS = {"ORIGINATOR_CANCEL": "CANCEL", "USER_BUSY": "BUSY", "NO_ANSWER": "NOANSWER",
              "DESTINATION_OUT_OF_ORDER": "INVALIDARGS", "INVALID_PROFILE": "INVALIDARGS",
              "CALL_REJECTED": "DONTCALL"}


@application("bridge")
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
            bridged(call, winner)
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


def _bridge_failed(call: Call, cause: str) -> None:
    call.set_var("originate_disposition", cause)
    call.set_var("DIALSTATUS", DIALSTATUS.get(cause, cause))
    call.set_var("originate_failed_cause", cause)
    call.step("bridge_failed", cause=cause)
    if not continue_on_fail(call, cause):
        raise Hangup(cause, "bridge")


# ---------------------------------------------------------------- recording

@application("record")
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
    terms = playback_terminators(call)
    stop = None
    try:
        stop = call.advance(end, listen=lambda d: d in terms)
    finally:  # a hang-up during the message still leaves the file, and its RECORD_STOP
        seconds = call.now - start
        call.set_var("record_seconds", str(int(min(seconds, speech) if speech is not None else seconds)))
        call.step("recorded", path=args[0] if args else "", seconds=round(seconds, 3), terminator=stop)


@application("record_session")
def app_record_session(call: Call, data: str) -> None:
    call.step("record_session", path=data)


@application("stop_record_session")
def app_stop_record_session(call: Call, data: str) -> None:
    """Ends the file `data` that record_session started on this channel; its RECORD_STOP follows."""
    call.step("record_stop", path=data)


@application("displace_session")
def app_displace_session(call: Call, data: str) -> None:
    """<file> [flags] [+ms] (mod_dptools.c displace_session_function): the file is mixed into the channel's
    media while the call goes on; `r` plays it into what the far end hears, `w` to this channel's own phone."""
    path, _, flags = data.partition(" ")
    call.step("displaced", path=path, far_end="r" in flags, own="w" in flags)
