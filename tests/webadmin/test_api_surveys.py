"""Surveys through the REST API: the form's checks in Polish, the company's own announcements only,
a survey in use kept, every change audited, and the report's figures over the company's days."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from pbx import models, scenarios, surveys
from pbx.extensions import db
from tests.support.messages import same_in_both_languages

PL = {"Accept-Language": "pl"}


def _prompt(demo) -> int:
    return db.session.scalar(select(models.Announcement.id).where(models.Announcement.tenant_id == demo.id))


def _survey(demo, **changes) -> dict:
    prompt = _prompt(demo)
    return {"name": "Po rozmowie", "questions": [{"prompt": prompt, "keys": "12345", "label": "Uprzejmość"},
                                                 {"prompt": prompt, "keys": "12", "repeat": 1}], **changes}


def _refused(client, method, url, json) -> dict:
    english, polish = client.open(url, method=method, json=json), client.open(url, method=method, json=json, headers=PL)
    assert english.status_code == polish.status_code == 422, english.get_json()
    same_in_both_languages(english.get_json(), polish.get_json())
    return polish.get_json()["fields"]


def test_a_survey_is_added_changed_listed_and_audited(as_editor, demo):
    created = as_editor.post("/api/surveys", json=_survey(demo, comment_prompt_id=_prompt(demo)))
    assert created.status_code == 201, created.get_json()
    survey = created.get_json()
    assert survey["questions"][1] == {"prompt": _prompt(demo), "keys": "12", "repeat": 1, "label": ""}
    assert survey["timeout_seconds"] == 5 and survey["comment_seconds"] == 60
    changed = as_editor.patch(f"/api/surveys/{survey['id']}", json={"timeout_seconds": 8})
    assert changed.status_code == 200 and changed.get_json()["timeout_seconds"] == 8
    assert [s["name"] for s in as_editor.get("/api/surveys?q=rozmow").get_json()] == ["Po rozmowie"]
    entries = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "Survey").order_by(models.AuditLogEntry.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"timeout_seconds": [5, 8]}


def test_bad_input_is_named_at_its_field_in_polish(as_editor, demo, stranger):
    fields = _refused(as_editor, "POST", "/api/surveys", {"name": "", "questions": []})
    assert fields["questions"] == ["Ankieta ma od 1 do 5 pytań."]
    assert fields["name"] == ["Długość musi wynosić od 1 do 120."]
    six = _survey(demo)["questions"] * 3
    assert _refused(as_editor, "POST", "/api/surveys", _survey(demo, questions=six))["questions"] == [
        "Ankieta ma od 1 do 5 pytań."]
    bad_keys = [{"prompt": _prompt(demo), "keys": key} for key in ("1#", "112", "", "١٢")]
    fields = _refused(as_editor, "POST", "/api/surveys", _survey(demo, questions=bad_keys[:4]))
    assert all(fields["questions"][str(n)]["keys"] == ["Klawisze odpowiedzi to cyfry 0–9, każda raz, na przykład 12345."]
               for n in range(4))
    foreign = models.Announcement(tenant_id=stranger.tenant_id, name="Obca", text="x")
    db.session.add(foreign)
    db.session.commit()
    fields = _refused(as_editor, "POST", "/api/surveys", _survey(demo, questions=[{"prompt": foreign.id, "keys": "1"}]))
    assert fields["questions.0.prompt"] == [f"Zapowiedź {foreign.id} nie istnieje w tej firmie."]
    fields = _refused(as_editor, "POST", "/api/surveys", _survey(demo, timeout_seconds=0, comment_seconds=900,
                                                                 thanks_prompt_id=999999))
    assert fields["timeout_seconds"] == ["Wartość musi być z przedziału od 1 do 30."]
    assert fields["comment_seconds"] == ["Wartość musi być z przedziału od 5 do 300."]
    assert db.session.scalar(select(models.Survey.id)) is None


def test_a_survey_of_another_company_is_not_found(as_stranger, demo):
    mine = surveys.add_survey(demo, _survey(demo))
    db.session.commit()
    assert as_stranger.get(f"/api/surveys/{mine.id}").status_code == 404
    assert as_stranger.patch(f"/api/surveys/{mine.id}", json={"name": "x"}).status_code == 404
    assert as_stranger.get(f"/api/surveys/{mine.id}/report").status_code == 404
    assert as_stranger.get("/api/surveys").get_json() == []


def test_a_survey_a_forward_names_is_kept(as_editor, demo):
    survey = as_editor.post("/api/surveys", json=_survey(demo)).get_json()
    scenario = demo.main_numbers[0].scenario
    tree = copy.deepcopy(scenario.draft)
    tree["root"]["open"]["next"]["options"]["1"]["survey"] = survey["id"]
    scenarios.save_draft(scenario, tree)
    db.session.commit()
    assert _refused(as_editor, "DELETE", f"/api/surveys/{survey['id']}", None)["used_by"] == [
        "ankieta Po rozmowie jest używana przez: scenariusz Godziny pracy (+48221000000), szkic, węzeł Sprzedaż"]
    assert "ankieta Po rozmowie (w pytaniach lub komentarzu)" in " ".join(
        _refused(as_editor, "DELETE", f"/api/announcements/{_prompt(demo)}", None)["used_by"])
    tree["root"]["open"]["next"]["options"]["1"].pop("survey")
    scenarios.save_draft(scenario, tree)
    db.session.commit()
    assert as_editor.delete(f"/api/surveys/{survey['id']}").status_code == 204


def test_the_report_counts_the_answers_of_the_companys_days(as_editor, demo):
    survey = as_editor.post("/api/surveys", json=_survey(demo)).get_json()
    anna = demo.users[0]
    for call, at, answers in (("a", datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc), [5, 1]),  # 00:30 on the 3rd
                              ("b", datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc), [3, 2]),
                              ("c", datetime(2026, 3, 3, 23, 30, tzinfo=timezone.utc), [1, 1])):  # the 4th
        db.session.add(models.SurveyAnswer(tenant_id=demo.id, survey_id=survey["id"], call_uuid=call, at=at,
                                           user_id=anna.id, answers=answers))
    db.session.commit()
    body = as_editor.get(f"/api/surveys/{survey['id']}/report?from=2026-03-03&to=2026-03-03").get_json()
    assert body["calls"] == 2 and body["timezone"] == "Europe/Warsaw"
    assert body["questions"][0]["average"] == 4.0 and body["questions"][0]["distribution"] == {
        "1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert body["users"] == [{"id": anna.id, "name": anna.full_name, "calls": 2, "averages": [4.0, 1.5]}]
    assert as_editor.get(f"/api/surveys/{survey['id']}/report?from=2026-03-04&to=2026-03-01").status_code == 400


def test_the_call_history_shows_a_calls_answers(as_viewer, demo):
    at = datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc)
    db.session.add_all([
        models.CallRecord(tenant_id=demo.id, call_uuid="surveyed", caller="48600100200", started_at=at),
        models.CallRecord(tenant_id=demo.id, call_uuid="plain", caller="48600100300", started_at=at),
        models.SurveyAnswer(tenant_id=demo.id, call_uuid="surveyed", at=at, answers=[4, None])])
    db.session.commit()
    calls = {c["caller"]: c["survey"] for c in as_viewer.get("/api/calls").get_json()}
    assert calls == {"48600100200": [4, None], "48600100300": None}
