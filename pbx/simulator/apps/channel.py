"""The simulated channel the applications act on: its clock, variables, keypad and media.

Also the signals an application raises (hang-up, transfer) and the rules of FreeSWITCH's core
every application shares (switch_true, atoi, media durations, playback and its terminators).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from pbx.simulator import dialplan
from pbx.simulator.world import World


class UnsupportedApplication(Exception):
    """The dialplan runs an application (or argument form) the simulator does not model."""


class SimulationError(Exception):
    """The simulated call cannot go on (e.g. it would never end, or transfers loop)."""


class Hangup(Exception):
    def __init__(self, cause: str, by: str):
        super().__init__(f"{cause} ({by})")
        self.cause, self.by = cause, by


class Transfer(Exception):
    """``bleg``: `transfer -bleg`, which moves the partner of the channel running it (mod_dptools.c)."""

    def __init__(self, destination: str, dialplan_name: str, context: str, bleg: bool = False):
        super().__init__(f"{destination} {dialplan_name} {context}")
        self.destination, self.dialplan_name, self.context = destination, dialplan_name, context
        self.bleg = bleg


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
    listener: object | None = None  # the event listener's queue announcements, if the world has them
    meta_bindings: dict[str, str] = field(default_factory=dict)  # "*1" → the bound application (bind_meta_app)
    on_leg: str | None = None  # the uuid of another leg whose applications run now (a feature code), if any
    _digits: list[tuple[float, str]] = field(default_factory=list)
    _uuids: object = None

    def __post_init__(self):
        self._digits = [(t, d) for t, digits in self.world.keypresses for d in digits]
        self.listener = self.world.listener() if self.world.listener else None

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
        self.step("execute", application=application, data=data, **({"leg": self.on_leg} if self.on_leg else {}))

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


def playback_terminators(call: Call) -> str:
    # mod_dptools on_dtmf(): playback_terminators, default "*", "any" and "none".
    value = call.variables.get("playback_terminators")
    if value is None:
        return "*"
    if value.lower() == "any":
        return "1234567890*#"
    return "" if value.lower() == "none" else value


def play(call: Call, path: str) -> str | None:
    """playback: digits are consumed; a playback terminator stops it (returned)."""
    terms = playback_terminators(call)
    call.set_var("playback_terminator_used", "")
    stop = call.advance(call.now + media_duration(path, call.durations), listen=lambda d: d in terms)
    if stop:
        call.set_var("playback_terminator_used", stop)
    return stop
