"""A company with a group, a fake FreeSWITCH whose mod_callcenter fetches callcenter.conf from our
endpoint, and the task queue on an SQLite file (as in production), run by ``tasks.run_pending``."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus
from datetime import datetime, timedelta, timezone

from flask import current_app
import pytest

from pbx.switch_homes import company_home
from tests.support.esl_server import FakeFreeSwitch
from tests.support.captured import read_fixture
from tests.support.fake_callcenter import FakeCallcenter, Replies


def _captured_config_request() -> bytes:
    """The form FreeSWITCH posted for callcenter.conf (xml_curl_configuration_callcenter.txt)."""
    text = read_fixture("xml_curl_configuration_callcenter.txt")
    return text.split(b"--- RAW BODY", 1)[1].split(b"\n", 2)[1]


@dataclass
class Switch:
    server: FakeFreeSwitch
    callcenter: FakeCallcenter

    @property
    def name(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def sent(self) -> list[str]:
        """API commands received, list and count commands left out."""
        return [c[4:] for c in self.server.commands_starting("api ")
                if " list" not in c and " count " not in c]


def _start_switch(app) -> Switch:
    body = _captured_config_request()

    def fetch_config(queue: str) -> bytes:
        """As mod_callcenter's load_queue asks: the module's form plus the queue's name."""
        with app.test_client() as client:
            return client.post("/xml_curl", data=body + b"&CC-Queue=" + quote_plus(queue).encode(),
                               content_type="application/x-www-form-urlencoded",
                               auth=(app.config["XML_CURL_USER"], app.config["XML_CURL_PASSWORD"])).data

    callcenter = FakeCallcenter(fetch_config)
    server = FakeFreeSwitch()
    server.api_replies = Replies(server.api_replies, callcenter)
    return Switch(server.start(), callcenter)


@pytest.fixture
def switches(ctx, company):
    """Two fake switches, both in ESL_SERVERS; the first of them is the company's home (pbx.switch_homes),
    wherever its position in ESL_SERVERS."""
    started = [_start_switch(ctx), _start_switch(ctx)]
    home = company_home(company.tenant.id, len(started))
    listed = started if home == 0 else started[::-1]
    saved = ctx.config["ESL_SERVERS"]
    ctx.config["ESL_SERVERS"] = ",".join(f"{s.name}:ClueCon" for s in listed)
    yield started
    ctx.config["ESL_SERVERS"] = saved
    for switch in started:
        switch.server.stop()


@pytest.fixture
def switch(switches):
    """The company's home switch."""
    return switches[0]


def report_of(switch: Switch, reports: list):
    [report] = [r for r in reports if r.server == switch.name]
    return report


@pytest.fixture
def task_queue(ctx, tmp_path):
    from pbx import tasks

    tasks.bind(ctx)
    tasks.configure(f"sqlite:///{tmp_path / 'tasks.sqlite3'}", str(tmp_path))
    ctx.config["SWITCH_SYNC_ON_COMMIT"] = True
    yield tasks
    ctx.config["SWITCH_SYNC_ON_COMMIT"] = False
    tasks.configure("memory", str(tmp_path))


def later(seconds: float) -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=seconds)


@dataclass
class Company:
    tenant: object
    users: dict
    group: object
    number: object


@pytest.fixture
def company(ctx) -> Company:
    from pbx import directory
    from pbx.extensions import db

    tenant = directory.create_tenant({"name": "Kolejkowa"})
    users = {name: directory.add_user(tenant, {"first_name": name, "last_name": "Kolejka", "phone": phone,
                                               "extension": ext, "email": f"{name.lower()}@kolejkowa.example"})
             for name, phone, ext in (("Ala", "+48501000011", "101"), ("Bartek", "+48501000012", "102"),
                                      ("Celina", None, "103"))}
    group = directory.add_group(tenant, {"name": "Sprzedaż", "ring_mode": "simultaneous", "extension": "201",
                                         "members": [{"user_id": users["Ala"].id, "ring_seconds": 15},
                                                     {"user_id": users["Bartek"].id, "ring_seconds": 20}]})
    number = directory.add_main_number(tenant, {"number": "+48221000300", "is_primary": True})
    db.session.commit()
    return Company(tenant, users, group, number)


def queue_tree(company: Company) -> dict:
    return {"id": "sales", "kind": "forward", "name": "sales", "target": {"group": company.group.id},
            "queue": {"max_wait_seconds": 120}, "no_answer": {"id": "bye", "kind": "hangup", "name": "bye"}}


def hangup_tree() -> dict:
    return {"id": "bye", "kind": "hangup", "name": "bye"}


def publish(company: Company, root: dict):
    from pbx import scenarios
    from pbx.extensions import db

    scenario = scenarios.scenario_for(company.tenant, company.number, create=True)
    scenarios.save_draft(scenario, {"name": "Główny", "root": root})
    version = scenarios.publish(scenario, current_app.config)
    db.session.commit()
    return scenario, version
