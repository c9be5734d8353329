"""Dates typed as people in Poland write them ("31.12.2026", "31.12.2026 14:00") are read wherever a date is typed."""
from __future__ import annotations

import pytest
from flask import current_app
from marshmallow import ValidationError

from pbx import scenarios
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from pbx.nodes.schedule import ExceptionSchema
from schemas.fields import Day, iso_date_text


@pytest.fixture
def firma(demo):
    scenarios.publish(demo.main_numbers[0].scenario, current_app.config)
    db.session.commit()
    return demo


@pytest.mark.parametrize("typed, iso", [("31.12.2026", "2026-12-31"), ("1.2.2026", "2026-02-01"),
                                        ("31.12.2026 14:00", "2026-12-31T14:00"), ("31.12.2026, 9:05", "2026-12-31T09:05"),
                                        ("24.12", "12-24"), ("2026-12-31", "2026-12-31"), ("31/12/2026", "31/12/2026")])
def test_polish_dates_read_as_iso(typed, iso):
    assert iso_date_text(typed) == iso


def test_a_day_field_takes_both_and_refuses_what_is_no_day():
    assert str(Day().deserialize("31.12.2026")) == str(Day().deserialize("2026-12-31")) == "2026-12-31"
    for wrong in ("32.12.2026", "31.12.1900", "jutro"):
        with pytest.raises(ValidationError):
            Day().deserialize(wrong)


def test_schedule_exceptions_take_polish_dates():
    assert ExceptionSchema().load({"date": "24.12.2026"})["date"] == (2026, 12, 24)
    assert ExceptionSchema().load({"date": "24.12"})["date"] == (None, 12, 24)
    with pytest.raises(ValidationError, match="30.02.2026"):
        ExceptionSchema().load({"date": "30.02.2026"})


def test_call_history_and_its_export_filter_by_polish_days(as_owner):
    for url in ("/api/calls", "/api/calls.csv"):
        assert as_owner.get(f"{url}?from=1.12.2026&to=31.12.2026").status_code == 200
    refused = as_owner.get("/api/calls?from=32.12.2026")
    assert refused.status_code == 400 and "32.12.2026" in str(refused.get_json()["fields"]["from"])


def test_queue_statistics_take_a_polish_date_time(as_owner):
    assert as_owner.get("/api/queues/stats?since=1.12.2026 08:00&until=31.12.2026").status_code == 200


def test_schedule_preview_and_test_call_take_polish_dates(firma, as_owner):
    def preview(start, end):
        return as_owner.get("/api/schedule-preview", query_string={
            "number": DEMO_MAIN_NUMBER, "from": start, "to": end, "step": "1h"}).get_json()
    assert preview("24.12.2026", "28.12.2026") == preview("2026-12-24", "2026-12-28")

    def path(at):
        return as_owner.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999", "at": at,
                                                     "keys": "2", "answer": ["Tomasz"]}).get_json()["centralka_path"]
    assert path("14.12.2026 10:02") == path("2026-12-14T10:02") == ";hours:open;welcome;main_menu:2;accounting"


def test_version_notes_read_in_words(as_editor, base, draft):
    as_editor.post(f"{base}/publish", json={})
    draft["name"] = "Nowe godziny"
    as_editor.put(f"{base}/draft", json=draft)
    as_editor.post(f"{base}/publish", json={"note": "nowe menu"})
    as_editor.post(f"{base}/rollback", json={"version": 1})
    polish = as_editor.get(base, headers={"Accept-Language": "pl"}).get_json()["versions"]
    english = as_editor.get(base).get_json()["versions"]
    assert [v["note_text"] for v in polish] == ["Przywrócono wersję 1", "nowe menu", "Opublikowano"]
    assert [v["note_text"] for v in english] == ["Rolled back to version 1", "nowe menu", "Published"]
    assert polish[0]["note"] == "rollback to version 1"  # the stored note, for clients


def test_a_temporary_override_ends_at_a_polish_date_time(demo, as_owner):
    url = f"/api/main-numbers/{demo.main_numbers[0].id}/override"
    response = as_owner.put(url, json={"mode": "closed", "ends_at": "01.04.2030 10:00", "reason": "Remanent"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ends_at_utc"] == "2030-04-01T08:00:00+00:00"  # 10:00 in Warsaw, summer time
    refused = as_owner.put(url, json={"mode": "closed", "ends_at": "31.04.2030 10:00"})
    assert refused.status_code == 422 and list(refused.get_json()["fields"]) == ["ends_at"]
