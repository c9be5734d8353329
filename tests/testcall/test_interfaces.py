"""The test call and the schedule preview from the command line, over REST, and their inputs."""
from __future__ import annotations

import json
import time

import pytest

from pbx import models, scenarios, schedule_preview, testcall
from pbx.commands import schedule as schedule_command
from pbx.commands import simulate as simulate_command
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from pbx.simulator import UnsupportedApplication
from tests.conftest import sign_in


@pytest.fixture
def firma(demo):
    scenarios.publish(demo.main_numbers[0].scenario)
    db.session.commit()
    return demo


def cli(command, *args):
    from flask import current_app

    return current_app.test_cli_runner().invoke(command, list(args))


# ---------------------------------------------------------------- inputs

def test_keys_untimed_and_timed():
    assert testcall.parse_keys("1, 101,2.5s:9,#") == ([(2.5, "9")], ["1", "101", "#"])
    with pytest.raises(testcall.TestCallInputError, match="2s:1"):
        testcall.parse_keys("1a")


def test_local_time_that_does_not_exist_is_refused():
    with pytest.raises(testcall.TestCallInputError, match="does not exist"):
        testcall.parse_at("2026-03-29T02:30", "Europe/Warsaw")
    assert testcall.parse_at("2026-10-25T02:30+01:00", "Europe/Warsaw").utcoffset().total_seconds() == 3600
    assert testcall.parse_at("2026-12-24T14:00", "Europe/Warsaw").utcoffset().total_seconds() == 3600


def test_people_by_name_extension_and_phone(firma):
    people = testcall.People(firma)
    assert people.user("Piotr").extension == "102"
    assert people.user("katarzyna wiśniewska").extension == "103"
    assert people.user("+48 502 345 678").first_name == "Piotr"
    assert len(people.targets("Sprzedaż")) == 4   # two members, each on a mobile and a desk phone
    with pytest.raises(testcall.TestCallInputError, match="no user, group or phone"):
        people.targets("Zenon")


def test_keys_for_a_menu_that_never_comes_are_reported(firma):
    call = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", testcall.parse_at("2026-12-19T10:00", "Europe/Warsaw"),
                              "1")
    assert call.unused_keys == ["1"] and "keys never asked for: 1" in call.trace()


def test_a_dialplan_the_simulator_cannot_play_fails_loudly(firma, monkeypatch):
    from pbx.compiler import TenantBuild
    from xml_curl import dialplan

    document = (f'<document type="freeswitch/xml"><section name="dialplan"><context name="tenant_{firma.id}">'
                f'<extension name="main_1"><condition field="destination_number" expression="^main_">'
                f'<action application="lua" data="ivr.lua"/></condition></extension></context></section></document>')
    monkeypatch.setattr(dialplan, "_tenant_build", lambda tenant_id: TenantBuild(document.encode(), []))
    firma.dialplan_revision += 1   # a new revision: the endpoint compiles (here: the stand-in) again
    db.session.commit()
    with pytest.raises(UnsupportedApplication, match="lua"):
        testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", testcall.parse_at("2026-12-14T10:00", "Europe/Warsaw"))


# ---------------------------------------------------------------- draft

def test_draft_is_played_without_storing_anything(firma):
    scenario = db.session.get(models.MainNumber, firma.main_numbers[0].id).scenario
    draft = {"name": "Zawsze zamknięte", "root": {"id": "bye", "kind": "hangup", "name": "Do widzenia"}}
    scenarios.save_draft(scenario, draft)
    db.session.commit()
    versions, revision = len(scenario.versions), firma.dialplan_revision
    at = testcall.parse_at("2026-12-14T10:00", "Europe/Warsaw")
    drafted = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", at, draft=True)
    live = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", at)
    assert drafted.centralka_path == ";bye" and drafted.result.variables["centralka_version"] == "0"
    assert live.centralka_path.startswith(";hours:open")
    db.session.refresh(firma)
    assert (len(scenario.versions), firma.dialplan_revision) == (versions, revision)


# ---------------------------------------------------------------- command line

def test_simulate_prints_the_path(firma):
    result = cli(simulate_command.command, "--number", DEMO_MAIN_NUMBER,
                 "--from", "601000999", "--at", "2026-12-14T10:02", "--keys", "1", "--answer", "Katarzyna")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Mon 2026-12-14 10:02 Europe/Warsaw · schedule Godziny pracy: open")
    assert "Katarzyna Wiśniewska answered after" in result.stdout


def test_simulate_json_lists_every_application(firma):
    result = cli(simulate_command.command, "--number", DEMO_MAIN_NUMBER, "--from", "601000999",
                 "--at", "2026-12-14T10:02+01:00", "--json")
    found = json.loads(result.stdout)
    assert found["applications"][0] == {"application": "transfer",
                                        "data": f"main_{firma.main_numbers[0].id} XML tenant_{firma.id}"}
    assert {"application": "sched_hangup", "data": "+3600 ALLOTTED_TIMEOUT"} in found["applications"]
    assert found["hangup"]["cause"] == "NORMAL_CLEARING"


@pytest.mark.parametrize("args, message", [
    (["--at", "2026-13-01T10:00"], "not a date-time"),
    (["--at", "2026-03-29T02:30"], "does not exist"),
    (["--at", "2026-12-14T10:00", "--keys", "x"], "keys"),
    (["--at", "2026-12-14T10:00", "--busy", "Zenon"], "Zenon"),
])
def test_simulate_bad_input_exits_2(firma, args, message):
    result = cli(simulate_command.command, "--number", DEMO_MAIN_NUMBER, "--from", "601000999", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_schedule_preview_command(firma):
    result = cli(schedule_command.command, "preview", "--number", DEMO_MAIN_NUMBER,
                 "--from", "2026-12-21", "--to", "2026-12-21", "--step", "1h")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "  Mon 2026-12-21 00:00 → Mon 2026-12-21 08:00  closed",
        "  Mon 2026-12-21 08:00 → Mon 2026-12-21 16:00  open",
        "  Mon 2026-12-21 16:00 → Tue 2026-12-22 00:00  closed"]


# ---------------------------------------------------------------- REST

def test_rest_test_call(firma, client):
    sign_in(client, firma.users[0])
    response = client.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999",
                                                   "at": "2026-12-14T10:02", "keys": "2", "answer": ["Tomasz"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["centralka_path"] == ";hours:open;welcome;main_menu:2;accounting"
    assert body["hangup"]["by"] == "callee" and body["applications"]


def test_rest_needs_a_signed_in_admin_and_stays_in_the_company(firma, client):
    assert client.post("/api/test-call", json={}).status_code == 401
    from pbx import directory

    other = directory.create_tenant({"name": "Obca"})
    directory.add_main_number(other, {"number": "+48223330000"})
    db.session.commit()
    sign_in(client, firma.users[0])
    response = client.post("/api/test-call", json={"number": "+48223330000", "from": "601000999",
                                                   "at": "2026-12-14T10:02"})
    assert response.status_code == 422 and "not a main number of Firma ABC" in response.get_json()["error"]
    response = client.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999",
                                                   "at": "2026-12-14T10:02", "busy": [1]})
    assert response.status_code == 422


def test_rest_schedule_preview(firma, client):
    sign_in(client, firma.users[0])
    response = client.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2026-12-24", "to": "2026-12-28", "step": "1h"})
    assert response.status_code == 200, response.get_json()
    [hours] = response.get_json()["schedules"]
    assert [(i["from"][:16], i["branch"]) for i in hours["intervals"]] == [
        ("2026-12-24T00:00", "closed"), ("2026-12-28T08:00", "open"), ("2026-12-28T16:00", "closed")]
    assert client.get("/api/schedule-preview", query_string={"number": DEMO_MAIN_NUMBER}).status_code == 422


def test_a_schedule_preview_too_long_for_one_request_is_refused_at_once(firma, client):
    """A year at 30 min (17,520 probes, about a minute of work) would hold a panel thread."""
    sign_in(client, firma.users[0])
    started = time.monotonic()
    response = client.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2026-01-01", "to": "2026-12-31", "step": "30m"})
    assert response.status_code == 422
    assert "needs 17520 probes" in response.get_json()["error"]
    assert f"at most {schedule_preview.MAX_PROBES}" in response.get_json()["error"]
    assert time.monotonic() - started < 2
    assert client.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2026-12-14", "to": "2026-12-20", "step": "30m"}).status_code == 200
