"""Testowa, a company to publish scenarios for, and calls played through the real endpoint."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import current_app

from pbx import directory, models, scenarios, testcall
from pbx.extensions import db

MAIN = "+48221112233"
CALLER = "+48601000999"
VIP_CALLER = "+48600111222"
SPAMMER = "+48666000666"
WORKWEEK = {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@dataclass
class Company:
    """Testowa sp. z o.o.: its people, groups, prompts, box and lists, by product name."""

    tenant: models.Tenant
    users: dict[str, models.User]
    groups: dict[str, models.Group]
    prompts: dict[str, models.Announcement]
    box: models.VoicemailBox
    vip: models.NumberList
    blacklist: models.NumberList

    def publish(self, root: dict, name: str = "Test") -> models.ScenarioVersion:
        number = next(n for n in self.tenant.main_numbers if n.number == MAIN)
        scenario = scenarios.save_draft(scenarios.scenario_for(self.tenant, number, create=True),
                                        {"name": name, "root": root})
        version = scenarios.publish(scenario, current_app.config)
        db.session.commit()
        return version

    def call(self, at: datetime, keys: str | None = None, *, caller: str = CALLER, number: str = MAIN, **kw):
        return testcall.test_call(self.tenant, number, caller, at, keys, app=current_app._get_current_object(), **kw)


def _user(tenant, first, last, phone, ext, **extra):
    return directory.add_user(tenant, {"first_name": first, "last_name": last, "phone": phone,
                                       "email": f"{first.lower()}@testowa.example", "extension": ext, **extra})


def build_company() -> Company:
    tenant = directory.create_tenant({"name": "Testowa", "timezone": "Europe/Warsaw", "language": "pl"})
    users = {
        "Anna": _user(tenant, "Anna", "Szef", "+48501000001", "101", role="admin", may_present_main_number=True),
        "Piotr": _user(tenant, "Piotr", "Handel", "+48501000002", "102"),
        "Kasia": _user(tenant, "Kasia", "Handel", "+48501000003", "103"),
        "Tomek": _user(tenant, "Tomek", "Nagrany", "+48501000004", "104", record_calls=True),
        "Ewa": _user(tenant, "Ewa", "Biurko", None, "105"),
    }
    sales = [users[n].id for n in ("Piotr", "Kasia", "Ewa")]
    groups = {mode: directory.add_group(tenant, {
        "name": f"Grupa {mode}", "ring_mode": mode, "extension": ext,
        "members": [{"user_id": uid, "ring_seconds": 15 + 5 * i} for i, uid in enumerate(sales)]})
        for mode, ext in (("sequential", "201"), ("simultaneous", "202"), ("random", "203"), ("longest-idle", "204"))}
    prompts = {name: directory.add_announcement(tenant, {"name": name, "text": name})
               for name in ("Powitanie", "Menu", "Zamknięte", "Błąd")}
    box = directory.add_voicemail_box(tenant, {"name": "Poczta Testowa", "greeting_id": prompts["Zamknięte"].id,
                                               "recipient_ids": [users["Anna"].id],
                                               "extra_emails": ["biuro@testowa.example"]})
    vip = directory.add_number_list(tenant, {"name": "VIP", "kind": "vip", "patterns": [VIP_CALLER]})
    blacklist = directory.add_number_list(tenant, {"name": "Spam", "kind": "blacklist", "patterns": [SPAMMER]})
    directory.add_main_number(tenant, {"number": MAIN, "is_primary": True})
    db.session.commit()
    return Company(tenant, users, groups, prompts, box, vip, blacklist)


# ---------------------------------------------------------------- scenario pieces

def hangup(node_id: str, name: str = "") -> dict:
    return {"id": node_id, "kind": "hangup", "name": name or node_id}


def schedule(node_id: str, week: dict, open_: dict, closed: dict, **extra) -> dict:
    return {"id": node_id, "kind": "schedule", "name": node_id, "week": week, "open": open_, "closed": closed,
            **extra}


def voicemail(company: Company, node_id: str = "vm") -> dict:
    return {"id": node_id, "kind": "voicemail", "box": company.box.id}


def forward(node_id: str, target: dict, no_answer: dict, **extra) -> dict:
    return {"id": node_id, "kind": "forward", "name": node_id, "target": target, "no_answer": no_answer, **extra}


def path_of(call) -> list[str]:
    """centralka_path as a list: ["hours:open", "welcome", ...]."""
    return [entry for entry in call.centralka_path.split(";") if entry]


def applications(call, name: str) -> list[str]:
    return [a["data"] for a in call.result.applications if a["application"] == name]


def legs(call) -> list[dict]:
    return [leg for stop in call.path for leg in stop.get("legs", [])]
