"""The test call told for people: who answers, who is busy (until when), in the panel's language."""
from __future__ import annotations

import pytest

from pbx import directory, scenarios
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from tests.conftest import sign_in


@pytest.fixture
def signed_in(demo, client, monkeypatch, tmp_path):
    # No rendered prompt files: every prompt lasts 3 s, so the story's times are known.
    monkeypatch.setitem(client.application.config, "PROMPTS_DIR", str(tmp_path))
    scenarios.publish(demo.main_numbers[0].scenario, client.application.config)
    db.session.commit()
    sign_in(client, demo.users[0])
    return client


def _call(client, language="pl", **body):
    return client.post("/api/test-call", headers={"Accept-Language": language}, json={
        "number": DEMO_MAIN_NUMBER, "from": "601000999", "at": "2026-12-14T10:02", **body})


def _lines(body, language):
    return [f"{line['time']} {line['text']}" for line in body["story"][language]["lines"]]


def test_the_story_names_who_was_rung_and_who_answered_in_polish_and_english(signed_in):
    response = _call(signed_in, keys="1", busy=["Piotr Nowak"], answer=["Katarzyna Wiśniewska"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["story"]["pl"]["title"] == "poniedziałek 14.12.2026, 10:02 (Europe/Warsaw)"
    assert _lines(body, "pl") == [
        "0:00 Harmonogram „Godziny pracy”: otwarte", "0:00 Zapowiedź „Powitanie”", "0:03 Menu „Menu główne”",
        "0:06 Menu „Menu główne”: wciśnięto 1", "0:06 Przekierowanie „Sprzedaż”", "0:06 Dzwoni telefon: Piotr Nowak",
        "0:06 Piotr Nowak ma zajęte", "0:06 Dzwoni telefon: Katarzyna Wiśniewska", "0:11 Katarzyna Wiśniewska odbiera",
        "1:11 Rozmówca kończy rozmowę"]
    assert _lines(body, "en")[-2:] == ["0:11 Katarzyna Wiśniewska answers", "1:11 The person called hangs up"]
    # Added beside what existing clients read, which stays as it was.
    assert body["centralka_path"] == ";hours:open;welcome;main_menu:1;sales" and "Katarzyna" in body["trace"]


def test_busy_until_a_moment_written_as_minutes_and_seconds(signed_in):
    # Nobody presses a key: reception (Anna Kowalska) is rung at 0:19.
    answered = _lines(_call(signed_in, busy_until={"Anna Kowalska": "0:10"}).get_json(), "pl")
    assert answered[-3:] == ["0:19 Dzwoni telefon: Anna Kowalska", "0:24 Anna Kowalska odbiera",
                             "1:24 Rozmówca kończy rozmowę"]
    busy = _lines(_call(signed_in, busy_until={"Anna Kowalska": "1:00"}).get_json(), "pl")
    assert "0:19 Anna Kowalska ma zajęte" in busy and "0:19 Poczta głosowa „Poczta główna”" in busy


def test_a_name_of_nobody_in_the_company_is_refused_naming_it(signed_in):
    response = _call(signed_in, answer=["Zenon Nieznany"])
    assert response.status_code == 422
    assert response.get_json()["error"] == "'Zenon Nieznany': w tej firmie nie ma takiej osoby, grupy ani numeru telefonu."
    response = _call(signed_in, "en", busy_until={"Zenon": "0:40"})
    assert response.status_code == 422
    assert response.get_json()["error"] == "'Zenon' is no user, group or phone number of this company"


def test_a_first_name_two_people_share_is_refused_in_polish(signed_in, demo):
    directory.add_user(demo, {"first_name": "Anna", "last_name": "Zielińska", "email": "anna.z@firma-abc.example"})
    db.session.commit()
    response = _call(signed_in, busy=["Anna"])
    assert response.status_code == 422
    assert response.get_json()["error"] == "'Anna' pasuje do 2 osób: podaj imię i nazwisko albo numer wewnętrzny."


def test_when_a_whole_group_answers_one_person_takes_the_call(signed_in):
    # Księgowość rings both members at once; both would pick up after 5 s, the switch bridges one.
    body = _call(signed_in, keys="2", answer=["Księgowość"]).get_json()
    assert _lines(body, "pl")[-3:] == ["0:11 Tomasz Wójcik odbiera",
                                       "0:11 Magdalena Kamińska: dzwonienie przerwane (odebrano gdzie indziej)",
                                       "1:11 Rozmówca kończy rozmowę"]
    assert [leg["cause"] for leg in body["path"][-1]["legs"]] == ["answered", "LOSE_RACE"]


def test_a_contact_of_a_contact_group_takes_its_branch_and_is_named_on_the_phone(signed_in, demo):
    from pbx import contacts

    contacts.add_contact(demo, {"name": "Jan Kowalski", "groups": ["VIP"], "numbers": [{"number": "601 000 999"}]})
    scenario = demo.main_numbers[0].scenario
    anna = demo.users[0]
    scenario.draft = {"name": "VIP", "root": {
        "id": "vip", "kind": "caller_condition", "contact_group": "vip", "name": "Klienci VIP",
        "match": {"id": "to_anna", "kind": "forward", "target": {"user": anna.id}, "ring_seconds": 20,
                  "no_answer": {"id": "bye", "kind": "hangup"}},
        "otherwise": {"id": "others", "kind": "hangup"}}}
    db.session.commit()
    body = _call(signed_in, draft=True, answer=[anna.full_name]).get_json()
    assert body["centralka_path"] == ";vip:match;to_anna", body
    assert _lines(body, "pl")[0] == "0:00 Grupa kontaktów „vip”: dzwoniący jest kontaktem z tej grupy"
    executed = [(s["application"], s["data"]) for s in body["steps"] if s["kind"] == "execute"]
    named = executed.index(("set", "effective_caller_id_name=Jan Kowalski"))
    assert named < next(i for i, (application, _) in enumerate(executed) if application == "bridge")
    stranger = _call(signed_in, draft=True, **{"from": "601000998"}).get_json()
    assert stranger["centralka_path"] == ";vip:otherwise;others"
