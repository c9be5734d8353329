"""A temporary override over REST: set, audited, honoured by the test call and the schedule preview to the
exact second in the company's zone (across the spring DST change), ended now, refused when it cannot be."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask import current_app
from sqlalchemy import select

from pbx import models, scenarios
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from tests.conftest import sign_in

UNTIL = "2030-04-01T10:00"  # Monday after the change to summer time (2030-03-31)


@pytest.fixture
def firma(demo):
    scenarios.publish(demo.main_numbers[0].scenario, current_app.config)
    db.session.commit()
    return demo


@pytest.fixture
def admin(firma, client):
    sign_in(client, firma.users[0])
    return client


def _number(firma):
    return firma.main_numbers[0]


def _path(client, at: str) -> str:
    response = client.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999", "at": at,
                                                   "answer": ["Tomasz"]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["centralka_path"]


def test_closed_until_applies_to_the_second_and_ends_by_itself(firma, admin):
    url = f"/api/main-numbers/{_number(firma).id}/override"
    revision = firma.dialplan_revision
    response = admin.put(url, json={"mode": "closed", "ends_at": UNTIL, "reason": "Inwentaryzacja"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["ends_at"], body["ends_at_utc"], body["reason"]) == (UNTIL, "2030-04-01T08:00:00+00:00",
                                                                       "Inwentaryzacja")
    assert admin.get("/api/overrides").get_json() == [body]
    db.session.refresh(firma)
    assert firma.dialplan_revision > revision
    [entry] = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "RoutingOverride"))
    assert entry.action == "create" and entry.changes["reason"] == "Inwentaryzacja"

    assert _path(admin, "2030-03-29T10:00").startswith(";override:closed;hours:closed")  # a Friday, usually open
    assert _path(admin, "2030-04-01T09:59:59").startswith(";override:closed")
    assert _path(admin, "2030-04-01T10:00:00").startswith(";hours:open")


def test_the_schedule_preview_shows_the_override_where_the_switch_applies_it(firma, admin):
    response = admin.put(f"/api/main-numbers/{_number(firma).id}/override", json={"mode": "user", "ends_at": UNTIL,
                                                                                  "user_id": firma.users[1].id})
    assert response.get_json()["target_name"] == firma.users[1].full_name
    response = admin.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2030-03-30", "to": "2030-04-01", "step": "1h"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["override"] == [
        {"from": "2030-03-30T00:00:00+01:00", "to": "2030-04-01T10:00:00+02:00", "mode": "user"}]
    # Not before it was set, though its time condition alone would match the past too.
    db.session.scalar(select(models.RoutingOverride)).created_at = datetime(2030, 3, 31, 12, 0, 0, 250, timezone.utc)
    db.session.commit()
    response = admin.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2030-03-30", "to": "2030-04-01", "step": "1h"})
    assert response.get_json()["override"] == [
        {"from": "2030-03-31T14:00:00+02:00", "to": "2030-04-01T10:00:00+02:00", "mode": "user"}]


def test_end_now(firma, admin):
    url = f"/api/main-numbers/{_number(firma).id}/override"
    admin.put(url, json={"mode": "number", "ends_at": UNTIL, "number": "600700800"})
    assert _path(admin, "2030-03-29T10:00") == ";override:number"
    assert admin.delete(url).status_code == 204
    assert admin.get(url).get_json() is None
    assert _path(admin, "2030-03-29T10:00").startswith(";hours:open")
    actions = db.session.scalars(select(models.AuditLogEntry.action)
                                 .where(models.AuditLogEntry.entity == "RoutingOverride")).all()
    assert sorted(actions) == ["create", "delete"]


@pytest.mark.parametrize("data, field, message", [
    ({"mode": "closed", "ends_at": "2020-01-01T10:00"}, "ends_at", "już minęło"),
    ({"mode": "closed", "ends_at": "2030-03-31T02:30"}, "ends_at", "nie istnieje w strefie Europe/Warsaw"),
    ({"mode": "closed", "ends_at": "2030-10-27T02:30"}, "ends_at", "występuje dwa razy"),
    ({"mode": "closed", "ends_at": "jutro"}, "ends_at", "nie jest datą i godziną"),
    ({"mode": "user", "ends_at": UNTIL}, "user_id", "Wybierz, dokąd"),
    ({"mode": "group", "ends_at": UNTIL, "group_id": 999999}, "group_id", "nie istnieje w tej firmie"),
    ({"mode": "holiday", "ends_at": UNTIL}, "mode", ""),
])
def test_refused_with_a_polish_message(firma, admin, data, field, message):
    response = admin.put(f"/api/main-numbers/{_number(firma).id}/override", json=data,
                         headers={"Accept-Language": "pl"})
    assert response.status_code == 422
    assert message in " ".join(response.get_json()["fields"][field])
    assert db.session.scalar(select(models.RoutingOverride)) is None


def test_only_an_editor_of_the_company(firma, client, viewer):
    sign_in(client, viewer)
    response = client.put(f"/api/main-numbers/{_number(firma).id}/override", json={"mode": "closed", "ends_at": UNTIL})
    assert response.status_code == 403


def test_the_preview_tells_days_off_from_ordinary_closed_hours(firma, admin):
    response = admin.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2026-12-23", "to": "2026-12-28", "step": "1h"})
    [hours] = response.get_json()["schedules"]
    assert [(i["from"][:16], i["to"][:16]) for i in hours["days_off"]] == [("2026-12-24T00:00", "2026-12-27T00:00")]
    assert [(i["from"][:16], i["branch"]) for i in hours["intervals"]] == [
        ("2026-12-23T00:00", "closed"), ("2026-12-23T08:00", "open"), ("2026-12-23T16:00", "closed"),
        ("2026-12-28T08:00", "open"), ("2026-12-28T16:00", "closed")]
    assert response.get_json()["override"] == []


def test_the_draft_of_an_unpublished_scenario_honours_the_override_too(demo, client):
    sign_in(client, demo.users[0])
    client.put(f"/api/main-numbers/{_number(demo).id}/override", json={"mode": "closed", "ends_at": UNTIL})
    response = client.post("/api/test-call", json={"number": DEMO_MAIN_NUMBER, "from": "601000999",
                                                    "at": "2030-03-29T10:00", "draft": True})
    assert response.get_json()["centralka_path"].startswith(";override:closed;hours:closed")
    response = client.get("/api/schedule-preview", query_string={
        "number": DEMO_MAIN_NUMBER, "from": "2030-03-30", "to": "2030-04-01", "step": "1h", "draft": "1"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["override"][0]["to"] == "2030-04-01T10:00:00+02:00"


def test_the_audit_log_names_the_override_in_words(firma, admin):
    admin.put(f"/api/main-numbers/{_number(firma).id}/override",
              json={"mode": "user", "ends_at": UNTIL, "user_id": firma.users[1].id, "reason": "Urlop"})
    entry = admin.get("/api/audit", headers={"Accept-Language": "pl"}).get_json()[0]
    assert entry["what"].startswith("Dodano tymczasową zmianę numeru ")
    labels = {f["label"]: f["after"] for f in entry["fields"]}
    assert labels["Powód"] == "Urlop" and labels["Użytkownik"] == firma.users[1].full_name
    assert "Do kiedy" in labels and "main_number_id" not in str(entry["fields"])
