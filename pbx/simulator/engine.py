"""Play a call through dialplans fetched the way mod_xml_curl fetches them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import timezone
from email.utils import format_datetime
from typing import Callable
from zoneinfo import ZoneInfo

from pbx.simulator import apps, dialplan
from pbx.simulator.apps import Call, Hangup, SimulationError, Step, Transfer
from pbx.simulator.world import World

Fetch = Callable[[dict[str, str]], bytes]

MAX_HUNTS = 100
HOSTNAME = "fs1"


@dataclass
class SimulationResult:
    applications: list[dict]
    steps: list[Step]
    hangup_cause: str
    hangup_by: str
    answered: bool
    duration: float
    variables: dict[str, str]

    def trace(self) -> str:
        lines = []
        for s in self.steps:
            details = " ".join(f"{k}={v}" for k, v in s.details.items() if k != "variables")
            lines.append(f"{s.at:9.3f}s  {s.kind:<14} {details}".rstrip())
        lines.append(f"{self.duration:9.3f}s  hangup         cause={self.hangup_cause} by={self.hangup_by}")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "steps": [asdict(s) for s in self.steps]},
                          ensure_ascii=False, default=str)


def fetch_from_document(xml: bytes | str) -> Fetch:
    """A fetch that always answers with the same document."""
    body = xml.encode() if isinstance(xml, str) else xml
    return lambda form: body


def simulate(fetch: Fetch, world: World, *, context: str, destination: str | None = None,
             caller: str | None = None, variables: dict[str, str] | None = None,
             switch_timezone: str = "UTC", callcenter_conf: bytes | str | None = None,
             durations: dict[str, float] | None = None) -> SimulationResult:
    """Run the call: hunt, execute, re-hunt on every transfer, until it hangs up."""
    uuids = world.uuids()
    uuid = next(uuids)
    caller = caller or world.caller
    destination = destination or world.destination
    profile = {
        "username": caller, "dialplan": "XML", "caller_id_name": caller, "caller_id_number": caller,
        "ani": caller, "aniii": "", "network_addr": "127.0.0.1", "rdnis": "",
        "destination_number": destination, "uuid": uuid, "source": "mod_sofia",
        "context": context, "chan_name": f"sofia/internal/{caller}@127.0.0.1",
    }
    channel_vars = {"direction": "inbound", "uuid": uuid, "call_uuid": uuid,
                    "channel_name": profile["chan_name"], "sip_from_user": caller,
                    "sip_req_user": destination, "sip_to_user": destination, **(variables or {})}
    conf = apps.parse_callcenter_conf(dialplan.parse_document(callcenter_conf)) if callcenter_conf else None
    call = Call(world, channel_vars, profile, switch_timezone, durations or {}, conf, _uuids=uuids)
    runner = _Runner(call, fetch)
    call.run_extension = runner.execute_extension
    try:
        cause, by = runner.run()
    except SimulationError as error:
        error.steps = sorted(call.steps, key=lambda s: s.at)  # how far the call got, e.g. to place keys
        raise
    call.variables["hangup_cause"] = cause
    steps = sorted(call.steps, key=lambda s: s.at)  # leg steps are logged when their ring ends
    return SimulationResult(call.applications, steps, cause, by, call.answered,
                            round(call.now, 3), dict(call.variables))


class _Runner:
    def __init__(self, call: Call, fetch: Fetch):
        self.call, self.fetch, self.hunts, self.profile_index = call, fetch, 0, 0

    def run(self) -> tuple[str, str]:
        try:
            while True:
                try:
                    actions = self.hunt(self.call.profile["destination_number"], self.call.profile["context"])
                    if actions is None:
                        return "NO_ROUTE_DESTINATION", "switch"
                    for action in actions:
                        apps.run(self.call, action.application, action.data)
                    # No more applications: the core hangs up with NORMAL_CLEARING.
                    return "NORMAL_CLEARING", "switch"
                except Transfer as t:
                    self.transfer(t)
        except Hangup as h:
            return h.cause, h.by

    def hunt(self, destination: str, context: str) -> list[dialplan.Action] | None:
        self.hunts += 1
        if self.hunts > MAX_HUNTS:
            raise SimulationError(f"more than {MAX_HUNTS} dialplan hunts: transfer loop?")
        self.profile_index += 1
        call = self.call
        root = dialplan.parse_document(self.fetch(request_form(call, destination, context, self.profile_index)))
        if dialplan.is_not_found(root):
            call.step("hunt", context=context, destination=destination, result="not found")
            return None
        result = dialplan.hunt(root, context, call.channel(), self.run_inline)
        call.step("hunt", context=context, destination=destination, extensions=result.extensions,
                  actions=len(result.actions))
        return result.actions or None

    def run_inline(self, application: str, data: str) -> None:
        if application not in apps.INLINE_APPS:
            raise dialplan.UnsupportedDialplan(f"{application} cannot run inline (no SAF_ROUTING_EXEC)")
        apps.run(self.call, application, data)

    def transfer(self, t: Transfer) -> None:
        # switch_ivr_session_transfer(): new destination/context, rdnis = the old destination.
        call = self.call
        call.step("transfer", destination=t.destination, context=t.context)
        call.profile["rdnis"] = call.profile["destination_number"]
        call.profile["destination_number"] = t.destination
        call.profile["context"] = t.context
        call.variables["max_forwards"] = str(int(call.variables.get("max_forwards", "70")) - 1)

    def execute_extension(self, destination: str, context: str) -> None:
        # switch_core_session_execute_exten(): a copy of the caller profile with the new destination
        # and context for the hunt; the channel's own profile is back once the actions have run.
        saved = self.call.profile
        self.call.profile = {**saved, "destination_number": destination, "context": context}
        try:
            actions = self.hunt(destination, context) or []
        finally:
            self.call.profile = saved
        for action in actions:
            apps.run(self.call, action.application, action.data)


def request_form(call: Call, destination: str, context: str, profile_index: int) -> dict[str, str]:
    """The form mod_xml_curl POSTs for a dialplan hunt (keys as in the captured requests)."""
    now = call.instant()
    local = now.astimezone(ZoneInfo(call.switch_timezone))
    form = {
        "hostname": HOSTNAME, "section": "dialplan", "tag_name": "", "key_name": "", "key_value": "",
        "Event-Name": "REQUEST_PARAMS", "Core-UUID": "00000000-0000-4000-8000-000000000000",
        "FreeSWITCH-Hostname": HOSTNAME, "FreeSWITCH-Switchname": HOSTNAME,
        "FreeSWITCH-IPv4": "127.0.0.1", "FreeSWITCH-IPv6": "::1",
        "Event-Date-Local": local.strftime("%Y-%m-%d %H:%M:%S"),
        "Event-Date-GMT": format_datetime(now.astimezone(timezone.utc), usegmt=True),
        "Event-Date-Timestamp": str(int(now.timestamp() * 1_000_000)),
        "Event-Calling-File": "mod_dialplan_xml.c", "Event-Calling-Function": "dialplan_xml_locate",
        "Channel-State": "CS_ROUTING", "Channel-Call-State": "ACTIVE" if call.answered else "RINGING",
        "Channel-Name": call.profile["chan_name"], "Unique-ID": call.profile["uuid"],
        "Call-Direction": "inbound", "Channel-HIT-Dialplan": "true",
        "Answer-State": "answered" if call.answered else "ringing",
    }
    profile = {**call.profile, "destination_number": destination, "context": context}
    started = int(call.world.start.timestamp() * 1_000_000)
    for prefix in ("Caller", "Hunt"):
        form.update(_profile_fields(prefix, profile, profile_index, started))
    form.update({f"variable_{k}": v for k, v in call.variables.items()})
    return form


def _profile_fields(prefix: str, p: dict[str, str], index: int, started: int) -> dict[str, str]:
    names = {
        "Direction": "inbound", "Logical-Direction": "inbound", "Username": p["username"],
        "Dialplan": p["dialplan"], "Caller-ID-Name": p["caller_id_name"],
        "Caller-ID-Number": p["caller_id_number"], "Orig-Caller-ID-Name": p["caller_id_name"],
        "Orig-Caller-ID-Number": p["caller_id_number"], "Network-Addr": p["network_addr"],
        "ANI": p["ani"], "Destination-Number": p["destination_number"], "Unique-ID": p["uuid"],
        "Source": p["source"], "Context": p["context"], "Channel-Name": p["chan_name"],
        "Profile-Index": str(index), "Channel-Created-Time": str(started),
    }
    if p["rdnis"]:
        names["RDNIS"] = p["rdnis"]
    return {f"{prefix}-{k}": v for k, v in names.items()}
