"""The panel's REST API: one-time-code sign-in and tenant scoping."""
from pbx import directory
from pbx.extensions import db
from tests.conftest import sign_in


def test_api_requires_sign_in(client, demo):
    assert client.get("/api/users").status_code == 401


def test_wrong_code_is_refused(client, demo):
    client.post("/api/auth/code", json={"email": demo.users[0].email})
    response = client.post("/api/auth/verify", json={"email": demo.users[0].email, "code": "000000x"})
    assert response.status_code == 401


def test_queries_are_scoped_to_the_signed_in_tenant(as_stranger, demo):
    client = as_stranger
    users = client.get("/api/users").get_json()
    assert [u["email"] for u in users] == ["olga@obca.example"]
    # Editing a user of another tenant looks exactly like a missing user.
    victim = demo.users[1]
    response = client.patch(f"/api/users/{victim.id}", json={"last_name": "Hacked"})
    assert response.status_code == 404
    db.session.refresh(victim)
    assert victim.last_name == "Nowak"


def test_create_user_reports_every_field_error(client, demo):
    sign_in(client, demo.users[0])
    response = client.post("/api/users", json={"first_name": "", "email": "x", "extension": "102"})
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert {"first_name", "last_name", "email", "extension"} <= set(fields)


def test_viewer_cannot_change_anything(client, demo):
    viewer = directory.add_user(demo, {"first_name": "Wiktor", "last_name": "Widz", "email": "w@firma-abc.example",
                                       "admin_level": 1})
    db.session.commit()
    sign_in(client, viewer)
    assert client.get("/api/users").status_code == 200
    assert client.post("/api/users", json={"first_name": "A", "last_name": "B", "email": "a@b.pl"}).status_code == 403


def test_csv_export_and_audit_through_the_api(client, demo):
    sign_in(client, demo.users[0])
    created = client.post("/api/users", json={"first_name": "Ewa", "last_name": "Zając", "email": "ewa@x.pl",
                                              "phone": "600700800"})
    assert created.status_code == 201 and created.get_json()["phone"] == "+48600700800"
    exported = client.get("/api/users.csv")
    assert exported.mimetype == "text/csv" and "ewa@x.pl" in exported.get_data(as_text=True)
    audit = client.get("/api/audit").get_json()
    assert audit[0]["actor"] == demo.users[0].email and audit[0]["entity"] == "User"
