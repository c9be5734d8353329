"""Opt-in: occasional announcements on a real FreeSWITCH, compared with the simulator.

The test adds to the company of an API token a main number whose scenario is two occasional
announcements, then a hang-up: one whose dates cover the call (from a few minutes ago, in the
company's zone, to an hour ahead) and one whose dates ended yesterday. The switch must play the
first and skip the second — its time conditions, evaluated at hunt time in the company's zone,
decide — and its A-leg applications must equal the simulator's. The number is deleted afterwards.

Settings: those of test_live_switch.py, plus CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN (a
full API token of the company's owner, whose company has at least one announcement), and optionally:

    CENTRALKA_LIVE_GREETING_NUMBER=48221000933       the main number the test adds and calls
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.live.harness import (
    API, API_TOKEN, NEEDS_SWITCH, Origin, Plan, Simulation, api, assert_same_as_simulated, place_call,
)

NUMBER = os.environ.get("CENTRALKA_LIVE_GREETING_NUMBER", "48221000933")

pytestmark = [*NEEDS_SWITCH, pytest.mark.skipif(
    not (API and API_TOKEN), reason="greetings: set CENTRALKA_LIVE_API and CENTRALKA_LIVE_API_TOKEN")]


@pytest.fixture(scope="module")
def number():
    made = api("POST", "/api/main-numbers", {"number": "+" + NUMBER})
    try:
        yield made
    finally:
        api("DELETE", f"/api/main-numbers/{made['id']}")


def wall(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


def test_the_greeting_of_the_day_plays_and_an_ended_one_does_not(switch, tmp_path, number):
    recorder, switch_vars = switch
    zone = ZoneInfo(api("GET", "/api/company")["timezone"])
    prompt = api("GET", "/api/announcements")[0]["id"]
    now = datetime.now(timezone.utc)
    root = {"id": "today", "kind": "occasional", "prompt": prompt, "start": wall(now - timedelta(minutes=5), zone),
            "end": wall(now + timedelta(hours=1), zone), "next": {
                "id": "ended", "kind": "occasional", "prompt": prompt, "start": wall(now - timedelta(days=2), zone),
                "end": wall(now - timedelta(days=1), zone), "next": {"id": "bye", "kind": "hangup"}}}
    api("PUT", f"/api/main-numbers/{number['id']}/scenario/draft", {"name": "Komunikaty na żywo", "root": root})
    api("POST", f"/api/main-numbers/{number['id']}/scenario/publish")
    sim = Simulation(switch_vars, Origin(destination=NUMBER))
    plan = sim.prepare(Plan(start=datetime.now(timezone.utc)))
    placed = place_call(recorder, sim, plan, tmp_path)
    assert_same_as_simulated(placed)
    played = [data for application, data in placed.real if application == "playback"]
    assert [p.rsplit("/", 1)[-1] for p in played] == [f"{prompt}.wav"]
    path = next(e.get("variable_centralka_path", "") for e in recorder.events
                if e.name == "CHANNEL_HANGUP_COMPLETE" and e.get("Unique-ID") == placed.uuid)
    assert "today:played" in path and "ended:skipped" in path, path
