"""One company's reception board: who waits where, which calls ring and talk with whom, each user's state.

Only channels of the company are shown: a caller's channel hunts in ``tenant_<id>`` after its
first hunt, and a leg to a SIP phone shows the company's SIP domain in its presence id; the other
legs of a call follow the caller through the channels' ``call_uuid``.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

from sqlalchemy import select

from pbx import models
from pbx.audit_words import phone_words
from pbx.contacts import Book
from pbx.esl.commands import AGENT
from pbx.extensions import db
from pbx.nodes.walk import nodes_by_id
from pbx.queues import waiting_now
from pbx.reception.switches import Live
from pbx.tenancy import scoped, sip_domain

# Channel call states (switch_channel.c CALLSTATE_CHART) seen as ringing and as talking.
RINGING = {"DOWN", "DIALING", "RINGING", "EARLY", "RING_WAIT"}
TALKING = {"ACTIVE", "HELD", "UNHELD"}
IN_QUEUE = "callcenter"  # the application a caller waiting in mod_callcenter runs
SCENARIO_QUEUE = re.compile(r"t\d+_s(?P<scenario>\d+)_(?P<node>[a-z][a-z0-9_]*)@default")
GROUP_QUEUE = re.compile(r"t\d+_g(?P<group>\d+)@default")
NODE_DESTINATION = re.compile(r"s(?P<scenario>\d+)_(?P<node>[a-z][a-z0-9_]*)")
AGENT_PARTS = re.compile(r"(?P<queue>t(?P<tenant>\d+)_(?:s\d+_[a-z][a-z0-9_]*|g\d+))_u(?P<user>\d+)@default")
# mod_callcenter's agent statuses as the page names them.
AGENT_STATUS = {"Available": "available", "Available (On Demand)": "available", "Logged Out": "logged_out",
                "On Break": "on_break"}


def _digits(number: str | None) -> str:
    return "".join(ch for ch in number or "" if ch.isdigit())


class Company:
    """The names a board shows, read once per board: users, groups, main numbers, scenario nodes."""

    def __init__(self, tenant_id: int, sip_suffix: str):
        self.tenant_id, self.context = tenant_id, f"tenant_{tenant_id}"
        self.domain = sip_domain(tenant_id, sip_suffix)
        self.users = list(db.session.scalars(
            scoped(models.User, tenant_id).order_by(models.User.last_name, models.User.first_name, models.User.id)))
        self.groups = {g.id: g for g in db.session.scalars(scoped(models.Group, tenant_id))}
        self.numbers = list(db.session.scalars(scoped(models.MainNumber, tenant_id)))
        self._trees: dict[int, dict] = {}

    def owns(self, row: dict) -> bool:
        presence = row.get("presence_id") or ""
        return row.get("context") == self.context or presence.endswith(f"@{self.domain}")

    def user_by_number(self, number: str | None) -> models.User | None:
        digits = _digits(number)
        return next((u for u in self.users if u.phone and digits and _digits(u.phone).endswith(digits)
                     and len(digits) >= 9), None)

    @functools.cached_property
    def book(self) -> Book:
        """The company's contacts, read only for a board that has a caller to name."""
        return Book(self.tenant_id)

    def caller_name(self, number: str | None) -> str | None:
        """Who calls: a user of the company by their mobile, else a contact of its address book."""
        known = self.user_by_number(number)
        return known.full_name if known else self.book.name(number)

    def user_of_leg(self, row: dict) -> models.User | None:
        """The user a leg rings: a SIP phone by its presence id, a mobile by the number dialled."""
        extension, _, domain = (row.get("presence_id") or "").partition("@")
        if domain == self.domain:
            found = next((u for u in self.users if u.extension and u.extension == extension), None)
            if found:
                return found
        return self.user_by_number(row.get("dest")) or self.user_by_number(row.get("callee_num"))

    def main_number(self, row: dict) -> str | None:
        """The company's main number the caller dialled (the carrier may drop the + or the country code)."""
        dialled = _digits(row.get("initial_dest"))
        if len(dialled) < 9:
            return None
        return next((n.number for n in self.numbers if _digits(n.number).endswith(dialled)), None)

    def node_name(self, scenario_id: int, node_id: str) -> str | None:
        if scenario_id not in self._trees:
            scenario = db.session.get(models.Scenario, scenario_id)
            live = scenario.published_version if scenario is not None and scenario.tenant_id == self.tenant_id else None
            self._trees[scenario_id] = nodes_by_id(live.tree.get("root")) if live is not None else {}
        node = self._trees[scenario_id].get(node_id)
        return (node.get("name") or node_id) if node else None

    def branch(self, row: dict) -> str | None:
        """Where in the scenario the caller is: the node their channel hunted last."""
        match = NODE_DESTINATION.match(row.get("dest") or "")
        return self.node_name(int(match["scenario"]), match["node"]) if match else None

    def queue_name(self, queue: str) -> str:
        if match := SCENARIO_QUEUE.fullmatch(queue):
            return self.node_name(int(match["scenario"]), match["node"]) or match["node"]
        if (match := GROUP_QUEUE.fullmatch(queue)) and int(match["group"]) in self.groups:
            return self.groups[int(match["group"])].name
        return queue.partition("@")[0]


def _since(row: dict) -> str | None:
    epoch = row.get("created_epoch")
    return datetime.fromtimestamp(int(epoch), timezone.utc).isoformat() if str(epoch or "").isdigit() else None


def _calls_of(company: Company, live: Live) -> dict[str, list[dict]]:
    """The company's channels by call: the caller's leg first."""
    calls: dict[str, list[dict]] = {}
    for row in live.channels:
        calls.setdefault(row.get("call_uuid") or row.get("uuid"), []).append(row)
    ours = {}
    for key, legs in calls.items():
        if any(company.owns(leg) for leg in legs):
            legs.sort(key=lambda leg: (leg.get("direction") != "inbound", leg.get("created_epoch") or ""))
            ours[key] = legs
    return ours


def _caller(company: Company, row: dict) -> dict:
    main = company.main_number(row)
    return {"call": row.get("uuid"), "caller": phone_words(row.get("cid_num")),
            "caller_name": company.caller_name(row.get("cid_num")), "main_number": phone_words(main) if main else None,
            "branch": company.branch(row)}


def _call(company: Company, legs: list[dict]) -> dict | None:
    caller, others = legs[0], legs[1:]
    if not others:
        return None  # in the scenario or waiting: the waiting list shows it
    talking = caller.get("callstate") in TALKING and any(leg.get("callstate") in TALKING for leg in others)
    shown = [leg for leg in others if leg.get("callstate") in (TALKING if talking else RINGING)]
    if not shown:
        return None
    people = [(company.user_of_leg(leg), leg) for leg in shown]
    return {**_caller(company, caller), "state": "talking" if talking else "ringing", "since": _since(caller),
            "with": [user.full_name if user else phone_words(leg.get("dest")) for user, leg in people],
            "user_ids": [user.id for user, _ in people if user]}


def _waiting(company: Company, live: Live, channels: dict[str, dict]) -> list[dict]:
    """The database's waiting callers still in a queue on the switch (all of them when a switch did not answer),
    queue by queue."""
    positions: dict[str, int] = {}
    waiting = []
    for entry in waiting_now(company.tenant_id):
        row = channels.get(entry["call_uuid"])
        if live.complete and (row is None or row.get("application") != IN_QUEUE):
            continue  # hung up, or taken out of the queue: the listener's row follows
        positions[entry["queue"]] = positions.get(entry["queue"], 0) + 1
        facts = _caller(company, row) if row else {"call": entry["call_uuid"], "caller": entry["caller"],
                                                   "caller_name": company.caller_name(entry["caller"]),
                                                   "main_number": None, "branch": None}
        if not facts["caller"]:
            facts["caller"] = phone_words(entry["caller"])
            facts["caller_name"] = company.caller_name(entry["caller"])
        waiting.append({**facts, "queue": company.queue_name(entry["queue"]), "since": entry["since"],
                        "position": positions[entry["queue"]]})
    return sorted(waiting, key=lambda caller: (caller["queue"], caller["position"]))  # per queue, in line


def _users(company: Company, live: Live, calls: list[dict]) -> list[dict]:
    busy = {user_id: call["state"] for call in calls for user_id in call["user_ids"]}
    agents: dict[int, list[dict]] = {}
    for name, agent in sorted(live.agents.items()):
        parts = AGENT_PARTS.fullmatch(name)
        if parts and int(parts["tenant"]) == company.tenant_id and AGENT.fullmatch(name):
            agents.setdefault(int(parts["user"]), []).append({
                "agent": name, "queue": company.queue_name(f"{parts['queue']}@default"),
                "status": AGENT_STATUS.get(agent.get("status"), "logged_out")})
    return [{"id": user.id, "name": user.full_name, "extension": user.extension,
             "state": _user_state(company, live, user, busy), "queues": agents.get(user.id, [])}
            for user in company.users]


def _user_state(company: Company, live: Live, user: models.User, busy: dict[int, str]) -> str:
    if user.id in busy:
        return "on_call" if busy[user.id] == "talking" else "ringing"
    if user.phone or (user.extension and f"{user.extension}@{company.domain}" in live.registered):
        return "available"
    return "not_reachable" if live.complete else "unknown"


def board(tenant_id: int, live: Live, sip_suffix: str) -> dict:
    """The page's content for one company; the same facts give the same board (no clock in it)."""
    company = Company(tenant_id, sip_suffix)
    legs = _calls_of(company, live)
    channels = {rows[0].get("uuid"): rows[0] for rows in legs.values()}
    calls = [call for call in (_call(company, rows) for rows in legs.values()) if call]
    calls.sort(key=lambda call: call["since"] or "")
    return {"waiting": _waiting(company, live, channels), "calls": calls, "users": _users(company, live, calls),
            "boxes": [{"id": box_id, "name": name} for box_id, name in db.session.execute(
                select(models.VoicemailBox.id, models.VoicemailBox.name)
                .where(models.VoicemailBox.tenant_id == tenant_id).order_by(models.VoicemailBox.name))],
            "groups": [{"id": g.id, "name": g.name, "extension": g.extension}
                       for g in sorted(company.groups.values(), key=lambda g: g.name) if g.extension],
            "unreachable": live.unreachable}


def own_leg(company: Company, live: Live, call: str, user_id: int) -> str | None:
    """The channel on which ``user_id`` talks with the caller of ``call``, None when they do not."""
    legs = next((rows for rows in _calls_of(company, live).values() if rows[0].get("uuid") == call), [])
    return next((leg["uuid"] for leg in legs[1:] if leg.get("callstate") in TALKING
                 and getattr(company.user_of_leg(leg), "id", None) == user_id), None)


def caller_of(live: Live, uuid: str) -> str:
    """The caller number of a channel, for the audit log."""
    return next((row.get("cid_num") or "" for row in live.channels if row.get("uuid") == uuid), "")
