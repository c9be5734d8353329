"""The reception board and the call history name a caller who is one of the company's contacts."""
from __future__ import annotations

from datetime import UTC, datetime

from pbx import contacts, models
from pbx.extensions import db


def _contact(tenant, name="Hurtownia Nowak", number="+48600100200"):
    contacts.add_contact(tenant, {"name": name, "numbers": [{"label": "biuro", "number": number}]})
    db.session.commit()


def test_a_waiting_contact_is_named_on_the_board(receptionist, waiting, demo):
    _contact(demo)
    assert receptionist.get("/api/reception").get_json()["waiting"][0]["caller_name"] == "Hurtownia Nowak"
    waiting["cid_num"] = "48600100200"  # as a carrier may send it
    assert receptionist.get("/api/reception").get_json()["waiting"][0]["caller_name"] == "Hurtownia Nowak"


def test_a_user_s_own_mobile_names_the_user_before_any_contact(receptionist, waiting, demo):
    _contact(demo, "Ktoś z książki", "+48502345678")
    waiting["cid_num"] = "+48502345678"  # Piotr Nowak's mobile
    assert receptionist.get("/api/reception").get_json()["waiting"][0]["caller_name"] == "Piotr Nowak"


def test_another_company_s_contact_names_no_one(receptionist, waiting, demo, stranger):
    _contact(db.session.get(models.Tenant, stranger.tenant_id))
    assert receptionist.get("/api/reception").get_json()["waiting"][0]["caller_name"] is None


def test_call_history_names_and_finds_a_calling_contact(as_owner, demo):
    _contact(demo)
    for caller, direction in (("0048600100200", "in"), ("+48600100999", "in")):
        db.session.add(models.CallRecord(tenant_id=demo.id, call_uuid=f"c-{caller}", direction=direction,
                                         caller=caller, destination="+48221000000", main_number="+48221000000",
                                         started_at=datetime.now(UTC), ended_at=datetime.now(UTC)))
    db.session.commit()
    calls = {c["caller"]: c["caller_name"] for c in as_owner.get("/api/calls").get_json()}
    assert calls == {"0048600100200": "Hurtownia Nowak", "+48600100999": None}
    found = as_owner.get("/api/calls?q=hurtownia").get_json()
    assert [c["caller"] for c in found] == ["0048600100200"]
