"""Users and groups through the REST API."""
from __future__ import annotations

import copy
import csv
import io

from pbx import models
from pbx.extensions import db


def test_bad_user_reports_every_field_and_creates_nothing(as_editor, demo):
    response = as_editor.post("/api/users", json={"first_name": "Jan", "last_name": "", "phone": "12345",
                                                  "email": "jan@", "extension": "101"})
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"last_name", "phone", "email", "extension"}
    assert "digits" in fields["phone"][0]
    assert len(as_editor.get("/api/users").get_json()) == len(demo.users)


def test_user_is_created_normalised_updated_and_deleted(as_editor):
    created = as_editor.post("/api/users", json={"first_name": "Jan", "last_name": "Zieliński",
                                                 "phone": "600 700 800", "email": "Jan@Firma-ABC.example",
                                                 "extension": "110"})
    assert created.status_code == 201
    user = created.get_json()
    assert (user["phone"], user["email"]) == ("+48600700800", "jan@firma-abc.example")
    changed = as_editor.patch(f"/api/users/{user['id']}", json={"description": "Magazyn", "extension": "111"})
    assert changed.get_json()["extension"] == "111"
    assert as_editor.delete(f"/api/users/{user['id']}").status_code == 204
    assert user["id"] not in [u["id"] for u in as_editor.get("/api/users").get_json()]


def test_only_an_owner_grants_admin_rights(as_editor, owner, demo):
    piotr = demo.users[1]
    refused = as_editor.patch(f"/api/users/{piotr.id}", json={"admin_level": 2})
    assert refused.status_code == 403
    assert as_editor.post("/api/users", json={"first_name": "A", "last_name": "B", "email": "ab@firma-abc.example",
                                              "admin_level": 1}).status_code == 403
    # Moving an admin's sign-in codes to another mailbox would take the account over.
    assert as_editor.patch(f"/api/users/{owner.id}", json={"email": "me@evil.example"}).status_code == 403
    assert as_editor.patch(f"/api/users/{owner.id}", json={"email": owner.email, "description": "Szefowa"}).status_code == 200
    assert as_editor.delete(f"/api/users/{owner.id}").status_code == 403
    db.session.refresh(piotr)
    assert piotr.admin_level == 0


def test_owner_grants_admin_rights(as_owner, demo):
    piotr = demo.users[1]
    assert as_owner.patch(f"/api/users/{piotr.id}", json={"admin_level": 1}).get_json()["admin_level"] == 1


def test_no_one_deletes_themselves(as_owner, owner):
    assert as_owner.delete(f"/api/users/{owner.id}").status_code == 409


def test_user_a_scenario_rings_cannot_be_deleted(as_owner, demo):
    michal = demo.users[5]
    draft = copy.deepcopy(demo.main_numbers[0].scenario.draft)
    draft["root"]["open"]["next"]["no_input"]["target"] = {"user": michal.id}
    assert as_owner.put(f"/api/main-numbers/{demo.main_numbers[0].id}/scenario/draft", json=draft).status_code == 200
    response = as_owner.delete(f"/api/users/{michal.id}")
    assert response.status_code == 422
    [place] = response.get_json()["fields"]["used_by"]
    assert "+48221000000" in place and "draft" in place and "Recepcja" in place
    assert db.session.get(models.User, michal.id) is not None


def test_users_csv_export(as_viewer, demo):
    exported = as_viewer.get("/api/users.csv")
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {"Anna", "Piotr", "Wiktor"} <= {r["first_name"] for r in rows}
    assert next(r for r in rows if r["first_name"] == "Anna")["phone"] == "+48501234567"


def test_group_members_keep_their_order_and_ring_time(as_editor, demo):
    piotr, kasia, tomasz = (u.id for u in demo.users[1:4])
    created = as_editor.post("/api/groups", json={
        "name": "Serwis", "ring_mode": "sequential", "extension": "400",
        "members": [{"user_id": tomasz, "ring_seconds": 15}, {"user_id": piotr, "ring_seconds": 25}]})
    assert created.status_code == 201
    group = created.get_json()
    assert [(m["user_id"], m["ring_seconds"]) for m in group["members"]] == [(tomasz, 15), (piotr, 25)]
    reordered = as_editor.patch(f"/api/groups/{group['id']}", json={
        "ring_mode": "random", "members": [{"user_id": kasia}, {"user_id": tomasz, "ring_seconds": 15}]})
    body = reordered.get_json()
    assert body["ring_mode"] == "random"
    assert [(m["user_id"], m["ring_seconds"]) for m in body["members"]] == [(kasia, 20), (tomasz, 15)]


def test_group_input_errors(as_editor, demo, stranger):
    response = as_editor.post("/api/groups", json={
        "name": "", "ring_mode": "loudly", "extension": "101",
        "members": [{"user_id": stranger.id}, {"user_id": demo.users[1].id, "ring_seconds": 1}]})
    assert response.status_code == 422
    assert {"name", "ring_mode", "extension", "members"} <= set(response.get_json()["fields"])


def test_group_in_a_scenario_cannot_be_deleted(as_editor, demo):
    sales = demo.groups[0]
    refused = as_editor.delete(f"/api/groups/{sales.id}")
    assert refused.status_code == 422 and "node Sprzedaż" in " ".join(refused.get_json()["fields"]["used_by"])
    spare = as_editor.post("/api/groups", json={"name": "Zapas"}).get_json()
    assert as_editor.delete(f"/api/groups/{spare['id']}").status_code == 204
