"""The reports through the REST API: JSON and CSV, the company's own calls only, bad parameters refused."""
from __future__ import annotations

import csv
import io

import pytest

DAY = "from=2026-10-25&to=2026-10-25"


def test_a_report_as_json_names_its_period_and_columns(as_viewer, reported_calls):
    body = as_viewer.get(f"/api/reports/outcomes?{DAY}").get_json()
    assert body["from"] == body["to"] == "2026-10-25" and body["timezone"] == "Europe/Warsaw"
    assert body["columns"][:2] == ["calls", "answered"]
    assert body["rows"] == [{"calls": 5, "answered": 2, "missed": 1, "abandoned": 1, "voicemail": 1,
                             "wait_average": 20.0, "wait_p90": 30}]


def test_every_report_answers(as_viewer, reported_calls):
    for name in ("days", "hours", "busiest-hours", "outcomes", "main-numbers", "branches", "groups", "users",
                 "queues", "top-callers", "call-back"):
        response = as_viewer.get(f"/api/reports/{name}?{DAY}")
        assert response.status_code == 200, name
        assert all(set(row) <= set(response.get_json()["columns"]) for row in response.get_json()["rows"]), name


def test_the_csv_in_polish_has_polish_titles_and_weekdays(as_viewer, reported_calls):
    response = as_viewer.get(f"/api/reports/busiest-hours?{DAY}&format=csv&limit=1",
                             headers={"Accept-Language": "pl"})
    assert response.mimetype == "text/csv"
    assert "busiest-hours_2026-10-25_2026-10-25.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["Dzień tygodnia", "Godzina", "Połączenia"], ["niedziela", "2", "2"]]
    english = as_viewer.get(f"/api/reports/call-back?{DAY}&format=csv&language=en", headers={"Accept-Language": "pl"})
    assert list(csv.reader(io.StringIO(english.get_data(as_text=True)))) == [
        ["Caller", "Attempts", "Last call", "Outcome"],
        ["+48600000009", "1", "2026-10-25T09:00:00+00:00", "missed"],
        ["+48600000002", "1", "2026-10-25T00:30:00+00:00", "voicemail"]]


def test_the_service_level_threshold_comes_from_the_request(as_viewer, reported_calls):
    def level(within):
        return as_viewer.get(f"/api/reports/queues?{DAY}&within={within}").get_json()["rows"][0]["service_level"]
    assert (level(20), level(30)) == (25.0, 50.0)


def test_a_main_number_of_the_company_narrows_the_report(as_viewer, reported_calls):
    number = reported_calls.main_numbers[0].id
    assert as_viewer.get(f"/api/reports/outcomes?{DAY}&main_number={number}").get_json()["rows"][0]["calls"] == 5


def test_another_companys_number_and_calls_stay_out(as_stranger, reported_calls):
    number = reported_calls.main_numbers[0].id
    assert as_stranger.get(f"/api/reports/outcomes?{DAY}&main_number={number}").status_code == 404
    assert as_stranger.get(f"/api/reports/outcomes?{DAY}").get_json()["rows"][0]["calls"] == 0
    assert as_stranger.get(f"/api/reports/call-back?{DAY}").get_json()["rows"] == []


@pytest.mark.parametrize("query, field", [
    ("from=yesterday", "from"), ("to=2026-02-30", "to"), ("from=2026-10-26&to=2026-10-25", "to"),
    ("from=2025-01-01&to=2026-10-25", "to"), ("within=0", "within"), ("limit=abc", "limit"),
    ("format=pdf", "format"), ("language=de", "language"), ("colour=red", "colour"), ("main_number=-1", "main_number"),
])
def test_bad_parameters_are_refused_naming_them(as_viewer, reported_calls, query, field):
    response = as_viewer.get(f"/api/reports/top-callers?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


def test_a_report_refuses_an_option_it_does_not_take_in_polish_too(as_viewer, reported_calls):
    response = as_viewer.get(f"/api/reports/days?{DAY}&within=20", headers={"Accept-Language": "pl"})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"within": ["Raport days nie przyjmuje parametru within."]}
    period = as_viewer.get("/api/reports/days?from=2026-10-26&to=2026-10-25", headers={"Accept-Language": "pl"})
    assert period.get_json()["fields"]["to"] == ["Okres kończy się przed swoim początkiem: wybierz „do” nie wcześniej "
                                                  "niż „od”."]


def test_an_unknown_report_is_not_found(as_viewer, reported_calls):
    response = as_viewer.get("/api/reports/calls")
    assert response.status_code == 404 and "choose one of days" in response.get_json()["error"]


def test_reports_need_sign_in_and_take_an_api_token(client, reported_calls, owner):
    from pbx import api_tokens
    from pbx.extensions import db

    assert client.get(f"/api/reports/days?{DAY}").status_code == 401
    token = api_tokens.create(owner, "raporty", "read")[1]
    db.session.commit()
    response = client.get(f"/api/reports/days?{DAY}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["rows"][0]["calls"] == 5
