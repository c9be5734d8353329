"""Opt-in: fallbacks and shared targets on a real FreeSWITCH, compared with the simulator.

The test adds to the company of an API token a voicemail box, a user whose mobile (rung through
the carrier) never answers, a group of that user, and a main number, and deletes them all
afterwards (the company's default fallback is put back). Calls come from the carrier to that
number:

* the number rings the group directly, nobody answers: the group's fallback (the box) records;
* the number rings the user directly, with only the company's default fallback set: the box records;
* a scenario whose menu sends both `no_input` and `invalid` by `goto` to one receptionist (an
  outside number that answers): once a wrong key, once no key;
* a temporary override of that number ("to the receptionist until …", 45 s ahead): a call during
  it goes straight to the receptionist, a call after its end takes the menu again, with no job run.

Each call's A-leg applications must equal the simulator's; then what the far end got is checked
(the carrier's INVITEs, the voicemail recording the switch made).

Settings: those of test_live_switch.py, plus CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN (a
full API token of the company's owner), and optionally:

    CENTRALKA_LIVE_FALLBACK_NUMBER=48221000911       the main number the test adds and calls
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.live.harness import (
    API, API_TOKEN, CALLER, GATEWAY, NEEDS_SWITCH, Origin, Plan, Simulation, api, assert_same_as_simulated, digits,
    place_call, received_invites,
)

NUMBER = os.environ.get("CENTRALKA_LIVE_FALLBACK_NUMBER", "48221000911")
MEMBER_PHONE = "+48501000911"      # rings through the carrier, never answered
RECEPTION_PHONE = "+48501000922"   # the shared target: answers

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN), reason="fallbacks: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


class Setup:
    """What the test adds to the company, removed in reverse order afterwards."""

    def __init__(self):
        self.company = api("GET", "/api/company")
        self.created: list[str] = []
        self.box = self._add("/api/voicemail-boxes", {"name": "Poczta testu zastępstw",
                                                      "extra_emails": ["zastepstwa@live.example"], "max_seconds": 10})
        self.member = self._add("/api/users", {"first_name": "Zastępstwo", "last_name": "Testowe",
                                               "phone": MEMBER_PHONE, "email": "zastepstwo@live.example"})
        self.group = self._add("/api/groups", {"name": "Grupa testu zastępstw", "ring_mode": "sequential",
                                               "members": [{"user_id": self.member["id"], "ring_seconds": 10}],
                                               "fallback_box_id": self.box["id"]})
        self.number = self._add("/api/main-numbers", {"number": "+" + NUMBER, "target_group_id": self.group["id"]})

    def _add(self, path: str, body: dict) -> dict:
        made = api("POST", path, body)
        self.created.append(f"{path}/{made['id']}")
        return made

    def remove(self):
        api("PATCH", "/api/company", {"default_fallback_box_id": self.company["default_fallback_box_id"],
                                      "default_fallback_number": self.company["default_fallback_number"]})
        for path in reversed(self.created):
            api("DELETE", path)


@pytest.fixture(scope="module")
def setup():
    made = Setup()
    try:
        yield made
    finally:
        made.remove()


def call(switch, folder, keys=(), answer=False):
    recorder, switch_vars = switch
    sim = Simulation(switch_vars, Origin(destination=NUMBER))
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc), keys=list(keys), answer_first_carrier_leg=answer))
    placed = place_call(recorder, sim, plan, folder)
    return placed, plan


def voicemail_recorded(recorder, call, box: dict) -> list[str]:
    stops = [e.get("Record-File-Path", "") for e in recorder.events
             if e.name == "RECORD_STOP" and e.get("Unique-ID") == call.uuid]
    assert [p for p in stops if f"/vm_{box['id']}_{call.uuid}." in p], f"no recording into box {box['name']}: {stops}"
    return stops


def path_of(recorder, call) -> str:
    return next(e.get("variable_centralka_path", "") for e in recorder.events
                if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("Unique-ID") == call.uuid)


def test_a_group_rung_directly_falls_back_to_its_voicemail(switch, tmp_path, setup):
    placed, _ = call(switch, tmp_path)
    assert_same_as_simulated(placed)
    assert received_invites(tmp_path, "uas") == [{"to": digits(MEMBER_PHONE), "from": CALLER}]
    voicemail_recorded(switch[0], placed, setup.box)
    assert f"fallback_group_{setup.group['id']}" in path_of(switch[0], placed)


def test_a_user_rung_directly_falls_back_to_the_company_default(switch, tmp_path, setup):
    api("PATCH", f"/api/main-numbers/{setup.number['id']}", {"target_group_id": None,
                                                             "target_user_id": setup.member["id"]})
    api("PATCH", "/api/company", {"default_fallback_box_id": setup.box["id"]})
    placed, _ = call(switch, tmp_path)
    assert_same_as_simulated(placed)
    assert [i["to"] for i in received_invites(tmp_path, "uas")] == [digits(MEMBER_PHONE)]
    voicemail_recorded(switch[0], placed, setup.box)
    assert "fallback_company" in path_of(switch[0], placed)


@pytest.mark.parametrize("keys,branch", [(["9"], "invalid"), ([], "no_input")])
def test_no_input_and_invalid_reach_one_shared_receptionist(switch, tmp_path, setup, keys, branch):
    root = {"id": "menu", "kind": "menu", "prompt": 2, "repeat": 2, "timeout_seconds": 3, "options": {
        "1": {"id": "team", "kind": "forward", "target": {"group": setup.group["id"]}, "ring_seconds": 10},
        "2": {"id": "reception", "kind": "forward", "target": {"number": RECEPTION_PHONE}, "ring_seconds": 20,
              "no_answer": {"id": "bye", "kind": "hangup"}}},
        "no_input": {"id": "quiet", "kind": "goto", "target": "reception"},
        "invalid": {"id": "wrong", "kind": "goto", "target": "reception"}}
    number_id = setup.number["id"]
    api("PUT", f"/api/main-numbers/{number_id}/scenario/draft", {"name": "Wspólna recepcja", "root": root})
    api("POST", f"/api/main-numbers/{number_id}/scenario/publish")
    placed, plan = call(switch, tmp_path, keys, answer=True)
    assert_same_as_simulated(placed)
    assert plan.answering == [GATEWAY + digits(RECEPTION_PHONE)], plan.answering
    assert [i["to"] for i in received_invites(tmp_path, "uas")] == [digits(RECEPTION_PHONE)]
    assert f"menu:{branch}" in path_of(switch[0], placed)
    assert placed.cause == "NORMAL_CLEARING"


def test_an_override_lasts_until_its_end_and_then_ends_by_itself(switch, tmp_path, setup):
    number_id, zone = setup.number["id"], ZoneInfo(setup.company["timezone"])
    ends = datetime.now(timezone.utc) + timedelta(seconds=45)
    api("PUT", f"/api/main-numbers/{number_id}/override", {
        "mode": "number", "number": RECEPTION_PHONE, "reason": "test na żywo",
        "ends_at": ends.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")})
    (tmp_path / "during").mkdir()
    (tmp_path / "after").mkdir()
    try:
        during, plan = call(switch, tmp_path / "during", answer=True)
        assert_same_as_simulated(during)
        assert plan.answering == [GATEWAY + digits(RECEPTION_PHONE)], plan.answering
        assert "override:number" in path_of(switch[0], during)
        assert not [app for app, _ in during.real if app == "read"]  # no menu on the way
        time.sleep(max(0.0, (ends - datetime.now(timezone.utc)).total_seconds()) + 2)
        after, _ = call(switch, tmp_path / "after", ["9"], answer=True)
        assert_same_as_simulated(after)
        assert "override" not in path_of(switch[0], after)
        assert "menu:invalid" in path_of(switch[0], after)
    finally:
        api("DELETE", f"/api/main-numbers/{number_id}/override")
