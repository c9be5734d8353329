"""Schedule preview: which branch of each schedule node is active when, over a date range.

Each probe is a real simulated hunt of the schedule node's destination in the document the
endpoint serves (its inline `set timezone`, its time conditions, mod_dialplan_xml's order):
the hunt's `centralka_path` entry says the branch. Probes run every `step`; where two probes
disagree the change is found to the second by bisection, so a window shorter than `step`
can be missed but every reported boundary is exact.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pbx import models
from pbx.company_dialplan import aware
from pbx.messages import Message
from pbx.overrides import active
from pbx.nodes.walk import walk
from pbx.simulator import World, simulate
from pbx.testcall import DraftOverlay, Endpoint, TestCallInputError, phone_or_none, scenario_of
from schemas.fields import FIRST_YEAR, LAST_YEAR, iso_date_text, outside_years

NOT_FOUND = (b'<document type="freeswitch/xml"><section name="result">'
             b'<result status="not found"/></section></document>')
STEP_RE = re.compile(r"^(\d+)([smh])$")
# A probe is a simulated hunt (a few ms): this many per preview, over all its schedule nodes,
# keep a request within a few seconds (a year at 30 min is 17,520 per schedule).
MAX_PROBES = 500
# Where pbx/nodes/schedule.py decides "closed" by the date: a public holiday or a closed exception day.
DAY_OFF, DAY_OFF_EXTENSIONS = "/day off", ("_HOLIDAY", "_EXCEPTION_CLOSED")


@dataclass
class Interval:
    start: datetime
    end: datetime
    branch: str


def parse_step(text: str) -> timedelta:
    match = STEP_RE.fullmatch((text or "").strip())
    if not match or int(match.group(1)) == 0:
        raise TestCallInputError(Message("preview.not_a_step", value=text), "step")
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours"}[match.group(2)]: int(match.group(1))})


def parse_day(text: str, zone: str, *, end: bool = False) -> datetime:
    """A date (midnight in the tenant's zone; the whole day when it ends the range) or a date-time."""
    iso = iso_date_text(text)
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        raise TestCallInputError(Message("preview.not_a_day", value=text)) from None
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise TestCallInputError(outside_years(text))
    if len(iso) == 10:
        return datetime.combine(at.date() + timedelta(days=1 if end else 0), time(0), ZoneInfo(zone))
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(zone))


class _Prober:
    """Hunts one schedule node's destination at a given instant and reads the branch taken."""

    def __init__(self, document: bytes, context: str, destination: str, switch_timezone: str, read=None):
        self.document, self.context, self.destination = document, context, destination
        self.switch_timezone = switch_timezone
        self.read = read or _last_outcome
        self._seen: dict[datetime, str] = {}

    def branch(self, at: datetime) -> str:
        if at not in self._seen:
            self._seen[at] = self._hunt(at)
        return self._seen[at]

    def _hunt(self, at: datetime) -> str:
        hunts = []

        def fetch(form):
            hunts.append(form)
            return self.document if len(hunts) == 1 else NOT_FOUND  # stop at the branch's node

        result = simulate(fetch, World(start=at), context=self.context, destination=self.destination,
                          switch_timezone=self.switch_timezone)
        return self.read(result)


def _last_outcome(result) -> str:
    """The branch taken; "closed/day off" when a holiday or a closed exception date decided it."""
    outcome = result.variables.get("centralka_path", "").rsplit(";", 1)[-1].partition(":")[2] or "?"
    matched = [name for step in result.steps if step.kind == "hunt" for name in step.details.get("extensions", ())]
    return f"{outcome}{DAY_OFF}" if any(name.endswith(DAY_OFF_EXTENSIONS) for name in matched) else outcome


def _override_mode(result) -> str:
    """The mode of the main number's override the hunt took ("" when none)."""
    path = result.variables.get("centralka_path", "")
    return next((entry.partition(":")[2] for entry in path.split(";") if entry.startswith("override:")), "")


def _boundary(prober: _Prober, low: datetime, high: datetime) -> datetime:
    """The first second after `low` whose branch differs from low's (high's does)."""
    low_branch = prober.branch(low)
    while high - low > timedelta(seconds=1):
        middle = (low + (high - low) / 2).replace(microsecond=0)
        if prober.branch(middle) == low_branch:
            low = middle
        else:
            high = middle
    return high


def check_probes(start: datetime, end: datetime, step: timedelta, schedules: int = 1) -> None:
    needed = math.ceil((end - start) / step) * schedules
    if needed > MAX_PROBES:
        raise TestCallInputError(Message("preview.too_many_probes", needed=needed, count=schedules, most=MAX_PROBES))


def intervals(prober: _Prober, start: datetime, end: datetime, step: timedelta) -> list[Interval]:
    """Consecutive intervals of one branch each, covering [start, end)."""
    check_probes(start, end, step)
    last = end - timedelta(seconds=1)
    probes = [start + step * i for i in range(int((last - start) / step) + 1)] + [last]
    found = [Interval(start, end, prober.branch(start))]
    for low, high in zip(probes, probes[1:]):
        while prober.branch(high) != found[-1].branch:
            change = _boundary(prober, low, high)
            found[-1].end = change
            found.append(Interval(change, end, prober.branch(change)))
            low = change
    return found


def _parents(tree: dict) -> dict[str, str]:
    """node id → "<parent id>.<branch>" for every node below the root."""
    return {str(visit.data.get("id")): visit.path for visit in walk((tree or {}).get("root")) if visit.path}


def preview(tenant: models.Tenant, number: str, start: datetime, end: datetime, step: timedelta, *, app,
            draft: bool = False, switch_timezone: str = "UTC") -> dict:
    """Every schedule node of the number's scenario (published, or the draft) with its intervals, as
    ``app``'s xml_curl endpoint serves it."""
    if end <= start:
        raise TestCallInputError(Message("preview.range_reversed"))
    scenario = scenario_of(tenant, number)
    overlay = DraftOverlay(tenant, scenario, app.config) if draft else None
    if overlay is None and scenario.published_version is None:
        raise TestCallInputError(Message("preview.not_published"))
    meta, tree = (overlay.compiled.meta, scenario.draft) if overlay else \
        (scenario.published_version.compiled_meta, scenario.published_version.tree)
    context = f"tenant_{tenant.id}"
    endpoint = Endpoint(app, overlay)
    parents, zone = _parents(tree), ZoneInfo(tenant.timezone)
    nodes = {node_id: info for node_id, info in meta.get("nodes", {}).items() if info.get("kind") == "schedule"}
    override = next((o for o in active(tenant) if o.main_number_id == scenario.main_number_id), None)
    check_probes(start, end, step, len(nodes) + (override is not None))
    schedules = []
    for node_id, info in nodes.items():
        destination = f"s{scenario.id}_{node_id}"
        document = endpoint.dialplan({"section": "dialplan", "Hunt-Context": context,
                                      "Hunt-Destination-Number": destination})
        prober = _Prober(document, context, destination, switch_timezone)
        found = intervals(prober, start, end, step)
        schedules.append({"node": node_id, "label": info.get("label"), "inside": parents.get(node_id),
                          "intervals": [_local_interval(i, zone) for i in _merged(found)],
                          "days_off": [_local_interval(i, zone) for i in found if i.branch.endswith(DAY_OFF)]})
    return {"number": phone_or_none(number), "zone": tenant.timezone, "draft": draft,
            "from": start.astimezone(zone).isoformat(), "to": end.astimezone(zone).isoformat(),
            "step_seconds": int(step.total_seconds()), "schedules": schedules,
            "override": _override(endpoint, context, override, start, end, step, switch_timezone, zone)
            if override is not None else []}


def _merged(found: list[Interval]) -> list[Interval]:
    """The branches alone: a day off next to an ordinary closed time is one closed interval."""
    merged: list[Interval] = []
    for i in found:
        branch = i.branch.removesuffix(DAY_OFF)
        if merged and merged[-1].branch == branch:
            merged[-1].end = i.end
        else:
            merged.append(Interval(i.start, i.end, branch))
    return merged


def _local_interval(i: Interval, zone: ZoneInfo) -> dict:
    return {"from": i.start.astimezone(zone).isoformat(), "to": i.end.astimezone(zone).isoformat(),
            "branch": i.branch.removesuffix(DAY_OFF)}


def _override(endpoint, context, override, start, end, step, switch_timezone, zone) -> list[dict]:
    """When the main number's override applies, as the switch decides it (hunting `main_<id>`), from when
    it was set: the dialplan needs no start, as the past does not come again."""
    start = max(start, aware(override.created_at).replace(microsecond=0))
    if start >= end:
        return []
    entry = f"main_{override.main_number_id}"
    prober = _Prober(endpoint.dialplan({"section": "dialplan", "Hunt-Context": context,
                                        "Hunt-Destination-Number": entry}),
                     context, entry, switch_timezone, _override_mode)
    return [{"from": i.start.astimezone(zone).isoformat(), "to": i.end.astimezone(zone).isoformat(), "mode": i.branch}
            for i in intervals(prober, start, end, step) if i.branch]


def as_text(found: dict) -> str:
    lines = []
    for schedule in found["schedules"]:
        inside = f", inside {schedule['inside']}" if schedule["inside"] else ""
        lines.append(f"schedule {schedule['label']} ({schedule['node']}{inside}) — {found['zone']}")
        for interval in schedule["intervals"]:
            start, end = (datetime.fromisoformat(interval[k]) for k in ("from", "to"))
            lines.append(f"  {_local(start)} → {_local(end)}  {interval['branch']}")
        for interval in schedule.get("days_off", []):
            start, end = (datetime.fromisoformat(interval[k]) for k in ("from", "to"))
            lines.append(f"  day off: {_local(start)} → {_local(end)}")
    for interval in found.get("override", []):
        start, end = (datetime.fromisoformat(interval[k]) for k in ("from", "to"))
        lines.append(f"override {interval['mode']}: {_local(start)} → {_local(end)}")
    return "\n".join(lines) or "no schedule in this scenario"


def _local(at: datetime) -> str:
    return f"{at:%a %Y-%m-%d %H:%M}" + (f":{at:%S}" if at.second else "")
