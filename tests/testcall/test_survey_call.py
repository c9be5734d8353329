"""A test call through a forward with a survey: the questions asked after the call, the keys and the comment."""
from __future__ import annotations

import copy

import pytest

from pbx import scenarios, surveys
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def surveyed(demo, client, monkeypatch, tmp_path):
    """Firma ABC's sales forward asks the survey "Po rozmowie" (two questions and a comment); every prompt lasts 3 s."""
    monkeypatch.setitem(client.application.config, "PROMPTS_DIR", str(tmp_path))
    scenario = demo.main_numbers[0].scenario
    prompt = scenario.draft["root"]["open"]["prompt"]
    survey = surveys.add_survey(demo, {"name": "Po rozmowie", "comment_prompt_id": prompt, "questions": [
        {"prompt": prompt, "keys": "12345"}, {"prompt": prompt, "keys": "12", "repeat": 1}]})
    tree = copy.deepcopy(scenario.draft)
    tree["root"]["open"]["next"]["options"]["1"]["survey"] = survey.id
    scenarios.save_draft(scenario, tree)
    scenarios.publish(scenario, client.application.config)
    db.session.commit()
    sign_in(client, demo.users[0])
    return client


def _call(client, language="pl", **body):
    return client.post("/api/test-call", headers={"Accept-Language": language}, json={
        "number": DEMO_MAIN_NUMBER, "from": "601000999", "at": "2026-12-14T10:02", **body})


def test_the_test_call_shows_the_questions_and_the_keys_pressed(surveyed):
    # 1 at the menu, then each key at the next question: 4, then 2; 10 s spoken as a comment.
    response = _call(surveyed, keys="1,4,2", answer=["Piotr Nowak"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    lines = [f'{line["time"]} {line["text"]}' for line in body["story"]["pl"]["lines"]]
    assert lines[-6:] == [
        "0:11 Piotr Nowak odbiera", "1:11 Rozmówca kończy rozmowę, dzwoniący odpowiada na ankietę",
        "1:11 Ankieta, pytanie 1: klawisz 4", "1:12 Ankieta, pytanie 2: klawisz 2",
        "1:29 Ankieta: nagrano komentarz (13 s)",  # 10 s spoken, then 3 s of silence end it
        "1:29 Centrala kończy połączenie"]
    (stop,) = [stop for stop in body["path"] if stop.get("survey")]
    assert [(a["question"], a["tries"], a["answer"]) for a in stop["survey"]] == [(1, ["4"], "4"), (2, ["2"], "2")]
    assert stop["text"].endswith("; survey: 1→4, 2→2")
    assert body["centralka_path"].endswith(";main_menu:1;sales:survey")


def test_a_caller_hanging_up_after_the_first_answer_is_shown_so(surveyed):
    response = _call(surveyed, "en", keys="1,5", answer=["Piotr Nowak"], hangup_after=80)
    lines = [line["text"] for line in response.get_json()["story"]["en"]["lines"]]
    assert "Survey, question 1: key 5" in lines and "Survey, question 2: no answer" in lines
