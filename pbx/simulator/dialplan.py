"""Hunt evaluation: which actions mod_dialplan_xml (FreeSWITCH 1.10.12) picks for a channel.

Every rule here follows src/mod/dialplans/mod_dialplan_xml/mod_dialplan_xml.c (parse_exten,
dialplan_hunt), src/switch_xml.c (switch_xml_std_datetime_check), src/switch_utils.c
(switch_number_cmp, switch_dow_cmp, switch_tod_cmp, switch_fulldate_cmp, switch_str_time) and
src/switch_regex.c (switch_regex_perform, switch_perform_substitution) at tag v1.10.12.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree


class UnsupportedDialplan(Exception):
    """The document uses something the simulator does not model (or FreeSWITCH rejects)."""


# Caller-profile fields a condition may name (switch_caller_get_field_by_name).
PROFILE_FIELDS = (
    "dialplan", "username", "caller_id_name", "ani", "aniii", "caller_id_number",
    "network_addr", "rdnis", "destination_number", "uuid", "source", "context", "chan_name",
)

CONDITION_ATTRS = {
    "field", "expression", "break", "regex", "require-nested", "date-time", "year", "yday",
    "mon", "mday", "week", "mweek", "wday", "hour", "minute", "minute-of-day", "time-of-day",
    "tz-offset", "dst",
}
TIME_ATTRS = CONDITION_ATTRS - {"field", "expression", "break", "regex", "require-nested"}
ACTION_ATTRS = {"application", "data", "inline", "loop"}
BREAKS = {"on-true", "on-false", "always", "never"}


@dataclass
class Channel:
    """What a hunt reads: channel variables, caller profile, globals and the hunt instant."""

    variables: dict[str, str]
    profile: dict[str, str]
    now: datetime
    switch_timezone: str = "UTC"
    globals: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        # switch_channel_get_variable_dup: channel variables, then profile fields, then globals.
        if name in self.variables:
            return self.variables[name]
        if name in self.profile:
            return self.profile[name]
        return self.globals.get(name)


@dataclass
class Action:
    application: str
    data: str
    extension: str


@dataclass
class HuntResult:
    actions: list[Action]
    extensions: list[str]


InlineRunner = Callable[[str, str], None]


# ---------------------------------------------------------------- variable expansion

def expand(text: str, channel: Channel) -> str:
    """switch_channel_expand_variables: ${name} -> value, unset -> "", inner ${} first."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("${", i):
            end = _closing_brace(text, i + 2)
            name = expand(text[i + 2:end], channel)
            if any(c in name for c in "( :"):
                raise UnsupportedDialplan(f"API or substring expansion not modelled: ${{{name}}}")
            out.append(channel.get(name) or "")
            i = end + 1
        elif text.startswith("$${", i):
            raise UnsupportedDialplan(f"pre-processor variable left in a fetched document: {text}")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for j in range(start, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise UnsupportedDialplan(f"unterminated ${{ in {text!r}")


# ---------------------------------------------------------------- PCRE

_UNSUPPORTED_PCRE = [
    (r"\\[pPXhHvVRKzCGN]", "PCRE escape"), (r"\\Q", r"\Q...\E quoting"),
    (r"\(\?\|", "branch reset"), (r"\(\?R\)|\(\?[0-9+-]|\(\?&|\(\?P>", "recursion"),
    (r"\\g\{?-?\d|\\g<", r"\g back-reference"), (r"\(\*[A-Z]", "PCRE verb"),
    (r"\[\[:[a-z]+:\]", "POSIX class"), (r"\(\?C", "callout"),
]


def compile_pcre(expression: str) -> re.Pattern[str]:
    """Translate a FreeSWITCH regex (PCRE) to Python `re`, refusing what would differ."""
    flags = re.ASCII  # PCRE without UCP: \d \w \s are ASCII only
    if expression.startswith("_"):
        raise UnsupportedDialplan(f"Asterisk-style pattern not modelled: {expression}")
    if expression.startswith("/"):
        # switch_regex_perform: "/pattern/opts", only i and s are honoured.
        body, sep, opts = expression[1:].rpartition("/")
        if not sep:
            raise UnsupportedDialplan(f"regex missing ending '/': {expression}")
        expression = body
        flags |= (re.IGNORECASE if "i" in opts else 0) | (re.DOTALL if "s" in opts else 0)
    for pattern, what in _UNSUPPORTED_PCRE:
        if re.search(pattern, expression):
            raise UnsupportedDialplan(f"{what} not supported in {expression!r}")
    translated = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", expression)
    translated = translated.replace("(?P<=", "(?<=").replace("(?P<!", "(?<!")
    try:
        return re.compile(translated, flags)
    except re.error as exc:
        raise UnsupportedDialplan(f"regex {expression!r} does not compile: {exc}") from exc


def substitute(data: str, match: re.Match[str] | None) -> str:
    """switch_perform_substitution: $N / ${N} become capture N ("" when unset)."""
    def group(n: int) -> str:
        if match is None or n > (match.re.groups or 0):
            return ""
        return match.group(n) or ""

    out, i = [], 0
    while i < len(data):
        m = re.match(r"\$(\d+)|\$\{(\d+)\}", data[i:])
        if m:
            out.append(group(int(m.group(1) or m.group(2))))
            i += m.end()
        else:
            out.append(data[i])
            i += 1
    return "".join(out)


def _dp_match(match: re.Match[str]) -> str:
    # switch_capture_regex pushes every capture; more than one value is stored as an ARRAY.
    values = [match.group(0)] + [g or "" for g in match.groups()]
    count = 1 + _highest_set_group(match)
    values = values[:count]
    return values[0] if len(values) == 1 else "ARRAY::" + "|:".join(values)


def _highest_set_group(match: re.Match[str]) -> int:
    highest = 0
    for n in range(1, (match.re.groups or 0) + 1):
        if match.group(n) is not None:
            highest = n
    return highest


# ---------------------------------------------------------------- time conditions

def _number_cmp(exp: str, val: int) -> bool:
    # switch_number_cmp: "a,b-c"; inclusive ranges; a reversed range wraps ("18-8").
    for part in exp.split(","):
        m = re.match(r"\s*([+-]?\d*)(?:-([+-]?\d*))?", part)
        a = int(m.group(1)) if m.group(1) not in ("", "+", "-") else 0
        if m.group(2) is None:
            if a == val:
                return True
            continue
        b = int(m.group(2)) if m.group(2) not in ("", "+", "-") else 0
        if (a <= val <= b) if a <= b else (val >= a or val <= b):
            return True
    return False


_DOW = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def _dow_cmp(exp: str, val: int) -> bool:
    # switch_dow_cmp: 1=Sunday..7=Saturday or names, "-" ranges (wrapping) and "," lists.
    tokens = re.findall(r"[1-7]|[a-zA-Z]{3}|-|,|.", exp)
    prev, range_start = None, None
    for tok in tokens:
        if tok == ",":
            prev = None
            continue
        if tok == "-":
            range_start = prev
            continue
        if tok.isdigit():
            cur = int(tok)
        elif tok.lower() in _DOW:
            cur = _DOW.index(tok.lower()) + 1
        else:
            raise UnsupportedDialplan(f"wday {exp!r}: cannot parse {tok!r}")
        if range_start is not None:
            if (range_start <= val <= cur) if range_start <= cur else (val >= range_start or val <= cur):
                return True
            range_start = None
        elif val == cur:
            return True
        prev = cur
    return False


def _tod_cmp(exp: str, val: int) -> bool:
    # switch_tod_cmp: "hh:mm[:ss]-hh:mm[:ss]" list; both ends inclusive; wraps past midnight.
    for part in exp.split(","):
        m = re.fullmatch(r"\s*(\d+):(\d+)(?::(\d+))?-(\d+):(\d+)(?::(\d+))?\s*", part)
        if not m:
            raise UnsupportedDialplan(f"time-of-day {exp!r}: cannot parse {part!r}")
        h1, m1, s1, h2, m2, s2 = (int(g or 0) for g in m.groups())
        start, end = h1 * 3600 + m1 * 60 + s1, h2 * 3600 + m2 * 60 + s2
        if (start <= val <= end) if start <= end else (val >= start or val <= end):
            return True
    return False


def _fulldate_cmp(exp: str, now: datetime, switch_zone: ZoneInfo) -> bool:
    # switch_fulldate_cmp: "start~end" list, start inclusive, end exclusive. switch_str_time
    # reads both in the switch's own local zone, not the channel's `timezone`.
    for part in exp.split(","):
        if "~" not in part:
            continue
        start, end = (_str_time(s, switch_zone) for s in part.split("~", 1))
        if start <= now < end:
            return True
    return False


def _str_time(text: str, zone: ZoneInfo) -> datetime:
    m = re.match(r"^(\d+)-(\d+)-(\d+)\s*(\d*):?(\d*):?(\d*)", text.strip())
    if not m:
        raise UnsupportedDialplan(f"date-time {text!r} is not YYYY-MM-DD hh:mm[:ss]")
    y, mo, d, h, mi, s = (int(g or 0) for g in m.groups())
    return datetime(y, mo, d, h, mi, s, tzinfo=zone)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnsupportedDialplan(f"unknown time zone {name!r}") from exc


def channel_local_time(channel: Channel) -> datetime:
    """check_tz(): a numeric tod_tz_offset (whole hours) wins over `timezone`, else switch zone."""
    offset = channel.get("tod_tz_offset")
    if offset and re.fullmatch(r"[+-]?\d+(\.\d+)?", offset):
        return channel.now.astimezone(timezone(timedelta(hours=int(float(offset)))))
    name = channel.get("timezone")
    if name:
        return channel.now.astimezone(_zone(name))
    return channel.now.astimezone(_zone(channel.switch_timezone))


def datetime_check(node: etree._Element, channel: Channel) -> int:
    """switch_xml_std_datetime_check: -1 no time attributes, 1 match, 0 no match."""
    attrs = {k: v for k, v in node.attrib.items() if k in TIME_ATTRS}
    if not attrs:
        return -1
    tm = channel_local_time(channel)
    switch_zone = _zone(channel.switch_timezone)
    if "tz-offset" in attrs:
        current = int(tm.utcoffset().total_seconds() // 3600)
        if int(attrs["tz-offset"]) != current:
            return 0
    if "dst" in attrs:
        # Compares the switch's own local DST flag, not the channel zone's.
        local = channel.now.astimezone(switch_zone)
        if not (bool(local.dst()) and attrs["dst"].lower() in ("true", "yes", "on", "1")):
            return 0
    yday = tm.timetuple().tm_yday - 1
    wday = (tm.weekday() + 1) % 7  # struct tm: 0 = Sunday
    first_dow = (7 - (tm.day - (wday + 1)) % 7) % 7
    checks = [
        ("date-time", lambda e: _fulldate_cmp(e, channel.now, switch_zone)),
        ("year", lambda e: _number_cmp(e, tm.year)),
        ("yday", lambda e: _number_cmp(e, yday + 1)),
        ("mon", lambda e: _number_cmp(e, tm.month)),
        ("mday", lambda e: _number_cmp(e, tm.day)),
        ("week", lambda e: _number_cmp(e, yday // 7 + 1)),
        ("mweek", lambda e: _number_cmp(e, math.ceil((tm.day + first_dow) / 7.0))),
        ("wday", lambda e: _dow_cmp(e, wday + 1)),
        ("hour", lambda e: _number_cmp(e, tm.hour)),
        ("minute", lambda e: _number_cmp(e, tm.minute)),
        # minute-of-day is 1-based: 00:00 is minute 1.
        ("minute-of-day", lambda e: _number_cmp(e, tm.hour * 60 + tm.minute + 1)),
        ("time-of-day", lambda e: _tod_cmp(e, tm.hour * 3600 + tm.minute * 60 + tm.second)),
    ]
    for name, check in checks:
        if name in attrs and not check(attrs[name]):
            return 0
    return 1


# ---------------------------------------------------------------- conditions

@dataclass
class _Eval:
    """Outcome of one condition's test, mirroring parse_exten's locals."""

    matched: bool          # anti_action == FALSE
    proceed: int
    field_present: bool
    expression: str | None
    match: re.Match[str] | None


def _field_data(field_name: str, channel: Channel) -> str:
    if "$" in field_name:
        return expand(field_name, channel)
    if field_name not in PROFILE_FIELDS:
        raise UnsupportedDialplan(f"condition field {field_name!r} is not a caller-profile field")
    return channel.profile.get(field_name, "")


def _expression(node: etree._Element, channel: Channel) -> tuple[str, bool]:
    child = node.find("expression")
    raw = (child.text or "") if child is not None else node.get("expression", "")
    expanded = expand(raw, channel)
    return expanded, expanded != raw


def _evaluate_plain(cond, channel: Channel, time_match: int, proceed: int) -> _Eval:
    matched = time_match == 1
    if time_match in (0, 1):
        proceed = time_match
    expression, _ = _expression(cond, channel)
    field_name = cond.get("field")
    match = None
    if field_name is not None:
        match = compile_pcre(expression).search(_field_data(field_name, channel))
        proceed = int(match is not None)
        # A time match already cleared anti_action: a failing field regex does not restore it.
        matched = matched or match is not None
    elif time_match == -1:
        matched, proceed = True, 1
    return _Eval(matched, proceed, field_name is not None, expression, match)


def _evaluate_regex_rule(cond, channel: Channel, time_match: int, proceed: int) -> _Eval:
    rule = cond.get("regex").lower()
    every, xor = rule == "all", rule == "xor"
    if rule not in ("all", "any", "xor"):
        raise UnsupportedDialplan(f"regex={rule!r}")
    matched = time_match == 1
    if time_match in (0, 1):
        proceed = time_match
    for name in [v for v in channel.variables if v.startswith("DP_REGEX_MATCH")]:
        del channel.variables[name]
    passed = failed = total = 0
    current: tuple = (None, None, None)
    saved: tuple | None = None
    for xregex in cond.findall("regex"):
        _check_attrs(xregex, CONDITION_ATTRS - {"regex", "break", "require-nested"}, "regex")
        regex_time = datetime_check(xregex, channel)
        expression, was_expanded = _expression(xregex, channel)
        total += 1
        field_name = xregex.get("field")
        match = None
        if field_name is not None:
            match = compile_pcre(expression).search(_field_data(field_name, channel))
            proceed = int(match is not None)
            # After the loop parse_exten drops an expression pointer that was expanded.
            current = (field_name, None if was_expanded else expression, match)
            if match:
                passed += 1
                if not every and not xor:
                    break
            else:
                failed += 1
                if every and not xor:
                    break
        elif regex_time in (-1, 1):
            passed, proceed = passed + 1, 1
            current = (None, None, None)
            if not every and not xor:
                break
        else:
            failed += 1
            if every:
                break
        if field_name is not None and "(" in expression:
            if match:
                channel.variables[f"DP_REGEX_MATCH_{total}"] = _dp_match(match)
            saved = (field_name, expression, match, proceed)
    matched = matched or (passed == 1 if xor else ((every and not failed) or (not every and passed)))
    if saved:
        field_name, expression, match, proceed = saved
    else:
        field_name, expression, match = current
    return _Eval(bool(matched), proceed, field_name is not None, expression, match)


def _check_attrs(node, allowed: set[str], what: str) -> None:
    unknown = set(node.attrib) - allowed
    if unknown:
        raise UnsupportedDialplan(f"<{what}> attribute(s) not modelled: {sorted(unknown)}")


def _check_break(cond) -> str:
    value = cond.get("break", "on-false").lower()
    # parse_exten silently treats an unknown break value as on-false; we refuse it.
    if value not in BREAKS:
        raise UnsupportedDialplan(f"break={value!r}")
    return value


class _Hunter:
    def __init__(self, channel: Channel, run_inline: InlineRunner):
        self.channel = channel
        self.run_inline = run_inline
        self.actions: list[Action] = []

    def parse_exten(self, node, name: str, recur: int) -> int:
        """parse_exten(): returns `proceed` (true means the extension matched)."""
        if recur > 100:
            raise UnsupportedDialplan("nested conditions deeper than 100 levels")
        req_nest = True
        if recur:
            req_nest = node.get("require-nested", "true").lower() in ("true", "yes", "on", "1", "enabled")
        proceed = 0
        for cond in node.iterchildren("condition"):
            proceed, stop = self._condition(cond, name, recur, proceed)
            if stop:
                break
        return 1 if not req_nest else proceed

    def _condition(self, cond, name: str, recur: int, proceed: int) -> tuple[int, bool]:
        _check_attrs(cond, CONDITION_ATTRS, "condition")
        for child in cond:
            if isinstance(child.tag, str) and child.tag not in ("action", "anti-action", "condition", "regex", "expression"):
                raise UnsupportedDialplan(f"<{child.tag}> inside <condition> is not modelled")
        do_break = _check_break(cond)
        time_match = datetime_check(cond, self.channel)
        if cond.get("regex") is not None:
            ev = _evaluate_regex_rule(cond, self.channel, time_match, proceed)
        else:
            ev = _evaluate_plain(cond, self.channel, time_match, proceed)
        proceed = ev.proceed
        if not ev.matched:
            for xaction in cond.iterchildren("anti-action"):
                self._add(xaction, name, lambda data: data)
                proceed = 1
        else:
            capturing = ev.field_present and ev.expression is not None and "(" in ev.expression
            if capturing and ev.match is not None:
                self.channel.variables["DP_MATCH"] = _dp_match(ev.match)
            if capturing and not proceed and any(True for _ in cond.iterchildren("action")):
                raise UnsupportedDialplan(
                    f"extension {name}: time matched but the capturing field regex did not; "
                    "FreeSWITCH substitutes into a zero-length buffer here")
            subst = (lambda data: substitute(data, ev.match)) if capturing else (lambda data: data)
            for xaction in cond.iterchildren("action"):
                self._add(xaction, name, subst)
        if (ev.matched and do_break == "on-true") or (not ev.matched and do_break == "on-false") \
                or do_break == "always":
            return proceed, True
        if proceed and cond.find("condition") is not None:
            proceed = self.parse_exten(cond, name, recur + 1)
            if not proceed and do_break != "never":
                return proceed, True
        return proceed, False

    def _add(self, xaction, name: str, subst: Callable[[str], str]) -> None:
        _check_attrs(xaction, ACTION_ATTRS, xaction.tag)
        app = xaction.get("application", "")
        data = xaction.text if xaction.text else xaction.get("data", "")
        data = subst(data)
        inline = xaction.get("inline", "").lower() in ("true", "yes", "on", "1", "enabled")
        loops = int(xaction.get("loop")) if xaction.get("loop") else 1
        for _ in range(loops):
            if inline:
                self.run_inline(app, data)
            else:
                self.actions.append(Action(app, data, name))


def parse_document(xml: bytes | str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    data = xml.encode() if isinstance(xml, str) else xml
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsupportedDialplan(f"document does not parse: {exc}") from exc


def is_not_found(root: etree._Element) -> bool:
    result = root.find("section/result")
    return result is not None and result.get("status") == "not found"


def hunt(root: etree._Element, context: str, channel: Channel,
         run_inline: InlineRunner | None = None) -> HuntResult:
    """dialplan_hunt(): walk the context's extensions in document order."""
    section = root.find("section[@name='dialplan']")
    if section is None:
        raise UnsupportedDialplan("document has no dialplan section")
    contexts = {c.get("name"): c for c in section.iterchildren("context")}
    xcontext = contexts.get(context, contexts.get("global"))
    if xcontext is None:
        return HuntResult([], [])

    def refuse_inline(app: str, data: str) -> None:
        raise UnsupportedDialplan(f"inline {app} needs a runner")

    hunter = _Hunter(channel, run_inline or refuse_inline)
    extensions = list(xcontext.iterchildren("extension"))
    if (channel.get("auto_hunt") or "").lower() in ("true", "yes", "on", "1"):
        dest = channel.profile.get("destination_number")
        named = [i for i, x in enumerate(extensions) if x.get("name") == dest]
        extensions = extensions[named[0]:] if named else extensions
    matched: list[str] = []
    for xexten in extensions:
        _check_attrs(xexten, {"name", "continue"}, "extension")
        name = xexten.get("name") or "UNKNOWN"
        before = len(hunter.actions)
        proceed = hunter.parse_exten(xexten, name, 0)
        if proceed or len(hunter.actions) > before:
            matched.append(name)
        if proceed and xexten.get("continue", "").lower() not in ("true", "yes", "on", "1", "enabled"):
            break
    return HuntResult(hunter.actions, matched)
