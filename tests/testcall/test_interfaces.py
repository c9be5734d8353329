"""The test call and the schedule preview from the command line, over REST, and their inputs."""
from __future__ import annotations

import json
import time

import pytest
from flask import current_app

from pbx import models, scenarios, schedule_preview, testcall
from pbx.commands import schedule as schedule_command
from pbx.commands import simulate as simulate_command
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from pbx.simulator import UnsupportedApplication
from tests.conftest import sign_in


@pytest.fixture
def firma(demo):
    scenarios.publish(demo.main_numbers[0].scenario, current_app.config)
    db.session.commit()
    return demo


def cli(command, *args):
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
    people = testcall.People(firma, current_app.config)
    assert people.user("Piotr").extension == "102"
    assert people.user("katarzyna wiśniewska").extension == "103"
    assert people.user("+48 502 345 678").first_name == "Piotr"
    assert len(people.targets("Sprzedaż")) == 4   # two members, each on a mobile and a desk phone
    with pytest.raises(testcall.TestCallInputError, match="no user, group or phone"):
        people.targets("Zenon")


def test_keys_for_a_menu_that_never_comes_are_reported(firma):
    call = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", testcall.parse_at("2026-12-19T10:00", "Europe/Warsaw"),
                              "1", app=current_app._get_current_object())
    assert call.unused_keys == ["1"] and "keys never asked for: 1" in call.trace()


def test_a_dialplan_the_simulator_cannot_play_fails_loudly(firma, monkeypatch):
    from pbx.compiler import TenantBuild
    from xml_curl import dialplan

    document = (f'<document type="freeswitch/xml"><section name="dialplan"><context name="tenant_{firma.id}">'
                f'<extension name="main_1"><condition field="destination_number" expression="^main_">'
                f'<action application="lua" data="ivr.lua"/></condition></extension></context></section></document>')
    monkeypatch.setattr(dialplan, "_tenant_build", lambda tenant_id, config: TenantBuild(document.encode(), [], [None]))
    firma.dialplan_revision += 1   # a new revision: the endpoint compiles (here: the stand-in) again
    db.session.commit()
    with pytest.raises(UnsupportedApplication, match="lua"):
        testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", testcall.parse_at("2026-12-14T10:00", "Europe/Warsaw"),
                           app=current_app._get_current_object())


# ---------------------------------------------------------------- draft

def test_draft_is_played_without_storing_anything(firma):
    scenario = db.session.get(models.MainNumber, firma.main_numbers[0].id).scenario
    draft = {"name": "Zawsze zamknięte", "root": {"id": "bye", "kind": "hangup", "name": "Do widzenia"}}
    scenarios.save_draft(scenario, draft)
    db.session.commit()
    versions, revision = len(scenario.versions), firma.dialplan_revision
    at = testcall.parse_at("2026-12-14T10:00", "Europe/Warsaw")
    app = current_app._get_current_object()
    drafted = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", at, draft=True, app=app)
    live = testcall.test_call(firma, DEMO_MAIN_NUMBER, "601000999", at, app=app)
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
    assert found["applications"][:2] == [
        {"application": "export", "data": "centralka_dialled=48221000000"},  # as dialled by the carrier
        {"application": "transfer", "data": f"main_{firma.main_numbers[0].id} XML tenant_{firma.id}"}]
    assert {"application": "sched_hangup", "data": "+3600 ALLOTTED_TIMEOUT"} in found["applications"]
    assert found["hangup"]["cause"] == "NORMAL_CLEARING"


@pytest.mark.parametrize("args, message", [
    (["--at", "2026-13-01T10:00"], "not a date-time"),
    (["--at", "2026-03-29T02:30"], "does not exist"),
    (["--at", "2026-12-14T10:00", "--keys", "x"], "Keys pressed: 'x'"),
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


# ---------------------------------------------------------------- queues, folders, speaking time

def _queued(testowa):
    from tests.support.acceptance import forward, voicemail

    testowa.publish(forward("desk", {"user": testowa.users["Anna"].id}, voicemail(testowa),
                            queue={"max_wait_seconds": 150}))


def test_simulate_a_two_caller_morning(testowa):
    _queued(testowa)
    result = cli(simulate_command.command, "--number", "+48221112233", "--from", "601000999",
                 "--at", "2026-12-21T09:00", "--busy-until", "Anna=40s", "--waiting", "20s")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        "Mon 2026-12-21 09:00 Europe/Warsaw · desk queue, answered: Anna Szef answered after 5 s"
        " · announcements at 30 s, 60 s, 90 s → hang-up NORMAL_CLEARING by dialplan after 170 s")


def test_simulate_json_with_the_switchs_folders_and_speaking_time(testowa):
    _queued(testowa)
    result = cli(simulate_command.command, "--number", "+48221112233", "--from", "601000999",
                 "--at", "2026-12-21T09:00", "--speech", "25s", "--talk", "30", "--sounds-dir", "/opt/fs/sounds",
                 "--recordings-dir", "/srv/rec", "--json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found["applications"][0]) == {"application", "data"}
    common = "/opt/fs/sounds/centralka/common/pl"
    assert {"application": "playback", "data": f"file_string://{common}/position/1.wav!{common}/people_waiting.wav"
            f"!{common}/digits/0.wav"} in found["applications"]
    record = next(a["data"] for a in found["applications"] if a["application"] == "record")
    assert record.startswith(f"/srv/rec/{testowa.tenant.id}/")
    voicemail_stop = next(stop for stop in found["path"] if stop["kind"] == "voicemail")
    assert voicemail_stop["message_seconds"] == 25 + 5  # spoken, then the silence that ends the message


@pytest.mark.parametrize("args, message", [
    (["--busy-until", "Anna"], "NAME=SECONDS"),
    (["--busy-until", "Anna=soon"], "not a duration"),
    (["--busy-until", "Zenon=40s"], "Zenon"),
    (["--waiting", "-5"], "not a duration"),
    (["--speech", "long"], "not a duration"),
    (["--sounds-dir", "sounds"], "not an absolute folder path"),
    (["--recordings-dir", "/rec/${x}"], "not an absolute folder path"),
])
def test_simulate_bad_queue_and_switch_options_exit_2(testowa, args, message):
    _queued(testowa)
    result = cli(simulate_command.command, "--number", "+48221112233", "--from", "601000999",
                 "--at", "2026-12-21T09:00", *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_rest_test_call_with_callers_waiting_and_a_member_busy(testowa, client):
    _queued(testowa)
    testowa.users["Anna"].admin_level = 1
    db.session.commit()
    sign_in(client, testowa.users["Anna"])
    response = client.post("/api/test-call", json={
        "number": "+48221112233", "from": "601000999", "at": "2026-12-21T09:00", "busy_until": {"Anna": "40s"},
        "waiting": [20], "sounds_dir": "/opt/fs/sounds", "recordings_dir": "/srv/rec", "speech": 5})
    assert response.status_code == 200, response.get_json()
    steps = response.get_json()["steps"]
    assert [(s["at"], s["command"][-10:]) for s in steps if s["kind"] == "api"] == [
        (30, "1.wav aleg"), (60, "0.wav aleg"), (90, "0.wav aleg")]
    for body, message in (({"busy_until": ["Anna=40s"]}, "Busy until: an object"),
                          ({"waiting": 20}, "Waiting times: a list"), ({"waiting": [True]}, "not a duration"),
                          ({"sounds_dir": "/a b"}, "absolute folder"), ({"talk": "x"}, "Talk time")):
        response = client.post("/api/test-call", json={"number": "+48221112233", "from": "601000999",
                                                       "at": "2026-12-21T09:00", **body})
        assert response.status_code == 422 and message in response.get_json()["error"], response.get_json()
    response = client.post("/api/test-call", headers={"Accept-Language": "pl"}, json={
        "number": "+48221112233", "from": "601000999", "at": "2026-12-21T09:00", "busy_until": {"Anna": "soon"}})
    assert response.get_json()["error"] == "Zajęci do: 'soon' nie jest czasem trwania (np. 40s, 1.5m albo 90)."


def test_the_json_is_what_docs_test_call_md_shows(testowa):
    from pathlib import Path

    document = (Path(__file__).resolve().parents[2] / "docs" / "test-call.md").read_text()
    shown = json.loads(document.split("```json\n", 1)[1].split("```", 1)[0])
    _queued(testowa)
    result = cli(simulate_command.command, "--number", "+48221112233", "--from", "601000999",
                 "--at", "2026-12-21T09:00", "--keys", "2.5s:1", "--json")
    found = json.loads(result.stdout)
    assert found.keys() == shown.keys()
    assert found["hangup"].keys() == shown["hangup"].keys()
    for name in ("keys", "applications"):
        assert found[name][0].keys() == shown[name][0].keys()
    forward = next(stop for stop in found["path"] if stop["kind"] == "forward")
    assert shown["path"][0].keys() <= forward.keys()
    assert forward["announcements"][0].keys() == shown["path"][0]["announcements"][0].keys()
    api_step = next(step for step in found["steps"] if step["kind"] == "api")
    assert api_step.keys() == shown["steps"][0].keys()
    assert found["story"]["pl"]["lines"][0].keys() == shown["story"]["pl"]["lines"][0].keys()
    told = {language: [f"{line['time']} {line['text']}" for line in found["story"][language]["lines"]]
            for language in ("pl", "en")}
    assert "0:30 słyszy: Jest Pan/Pani na 1. miejscu w kolejce. Liczba osób oczekujących przed Tobą: 0" in told["pl"]
    assert "0:30 hears: You are number 1 in the queue. Number of people waiting ahead of you: 0" in told["en"]


def test_rest_test_call_shows_a_transfer_by_the_code(firma, client):
    """Tomasz answers in accounting, presses *1 102 #: the caller goes to Piotr, and the story says who did it."""
    sign_in(client, firma.users[0])
    response = client.post("/api/test-call", json={
        "number": DEMO_MAIN_NUMBER, "from": "601000999", "at": "2026-12-14T10:02", "keys": "2",
        "answer": ["Tomasz", "Piotr"], "transfers": ["40s:*1102"]}, headers={"Accept-Language": "pl"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    lines = [line["text"] for line in body["story"]["pl"]["lines"]]
    moved = next(i for i, text in enumerate(lines) if "przełącza rozmowę na 102" in text)
    assert lines[moved].startswith("Tomasz") and any("Piotr" in text and "odbiera" in text for text in lines[moved:])
    assert any("transfers the call to 102" in line["text"] for line in body["story"]["en"]["lines"])
    assert ("bind_meta_app", "1 b s execute_extension::xfer_blind XML tenant_%d" % firma.id) in [
        (a["application"], a["data"]) for a in body["applications"]]


def test_a_transfer_the_test_call_cannot_read_is_refused_naming_it(firma, client):
    sign_in(client, firma.users[0])
    response = client.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999",
                                                   "at": "2026-12-14T10:02", "transfers": ["*1102"]})
    assert response.status_code == 422 and "30s:*1103" in response.get_json()["error"]
    assert testcall.parse_transfers(["5s:refer:103", " 2.5s:*2101 "]) == [(5.0, "refer:103"), (2.5, "*2101")]


def test_rest_test_call_shows_recording_on_demand_with_the_notice(firma, client):
    """Tomasz (with the right) answers in accounting, presses *3 at 40 s and again at 70 s."""
    tomasz = next(u for u in firma.users if u.first_name == "Tomasz")
    tomasz.may_record_on_demand = True
    db.session.commit()
    sign_in(client, firma.users[0])
    response = client.post("/api/test-call", json={
        "number": DEMO_MAIN_NUMBER, "from": "601000999", "at": "2026-12-14T10:02", "keys": "2",
        "answer": ["Tomasz"], "record": ["40s", 70], "talk": 90}, headers={"Accept-Language": "pl"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    lines = [line["text"] for line in body["story"]["pl"]["lines"]]
    started = next(i for i, text in enumerate(lines) if "włącza nagrywanie rozmowy" in text)
    assert lines[started].startswith("Tomasz") and "oświadczenie" in lines[started]
    assert any(text.startswith("Tomasz") and "wyłącza nagrywanie" in text for text in lines[started:])
    assert not any(text == "Rozmowa jest nagrywana" for text in lines)  # not the whole call
    assert any("stops recording the call" in line["text"] for line in body["story"]["en"]["lines"])
    ran = [(a["application"], a["data"]) for a in body["applications"]]
    assert ("bind_meta_app", "3 b s execute_extension::record_toggle XML tenant_%d" % firma.id) in ran


def test_the_cli_test_call_refuses_record_presses_without_a_record_code(firma):
    firma.record_code = None
    db.session.commit()
    result = cli(simulate_command.command, "--number", DEMO_MAIN_NUMBER, "--from", "601000999",
                 "--at", "2026-12-14T10:02", "--record", "30s")
    assert result.exit_code == 2 and "record code" in result.output
