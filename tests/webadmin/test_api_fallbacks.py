"""Fallbacks of groups and main numbers through the API, in the company's dialplan, and guarding their boxes."""
from __future__ import annotations

from flask import current_app
from lxml import etree
from sqlalchemy import select

from pbx import models
from pbx.company_dialplan import tenant_document
from pbx.extensions import db

PL = {"Accept-Language": "pl"}


def _box(demo) -> models.VoicemailBox:
    return db.session.scalars(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).one()


def _actions(tenant_id: int, extension: str) -> list[tuple[str, str]]:
    root = etree.fromstring(tenant_document(tenant_id, current_app.config))
    return [(a.get("application"), a.get("data", "")) for a in root.iterfind(f".//extension[@name='{extension}']//action")]


def test_a_groups_fallback_reaches_its_extension_and_forwards_without_their_own(as_editor, demo, base, draft):
    sales, box = demo.groups[0], _box(demo)
    response = as_editor.patch(f"/api/groups/{sales.id}", json={"fallback_box_id": box.id})
    assert response.status_code == 200
    assert response.get_json()["fallback_box_id"] == box.id and response.get_json()["fallback_number"] is None
    assert ("record", f"${{recordings_dir}}/{demo.id}/vm_{box.id}_${{uuid}}.wav 180 200 5") in _actions(
        demo.id, f"fallback_group_{sales.id}")
    assert ("transfer", f"fallback_group_{sales.id} XML tenant_{demo.id}") in _actions(demo.id, "ext_200")
    # The scenario's sales forward may now go without its own voicemail.
    del draft["root"]["open"]["next"]["options"]["1"]["no_answer"]
    assert as_editor.put(f"{base}/draft", json=draft).status_code == 200
    assert as_editor.post(f"{base}/publish", json={}).status_code == 201
    audit = db.session.scalars(select(models.AuditLogEntry).where(
        models.AuditLogEntry.entity == "Group", models.AuditLogEntry.entity_id == str(sales.id))
        .order_by(models.AuditLogEntry.id.desc())).first()
    assert audit.changes["fallback_box_id"] == [None, box.id]


def test_a_main_number_ringing_a_group_directly_gets_a_fallback_number(as_editor, demo):
    created = as_editor.post("/api/main-numbers", json={
        "number": "+48221000009", "target_group_id": demo.groups[1].id, "fallback_number": "600 700 800"})
    assert created.status_code == 201, created.get_json()
    number = created.get_json()
    assert number["fallback_number"] == "+48600700800" and number["fallback_box_id"] is None
    main = _actions(demo.id, f"main_{number['id']}")
    assert main[-1] == ("transfer", f"fallback_main_{number['id']} XML tenant_{demo.id}")
    assert ("bridge", "{originate_timeout=30}[leg_timeout=30]sofia/gateway/carrier/48600700800") in _actions(
        demo.id, f"fallback_main_{number['id']}")
    # Choosing a box replaces the number.
    changed = as_editor.patch(f"/api/main-numbers/{number['id']}", json={"fallback_box_id": _box(demo).id})
    assert changed.get_json()["fallback_number"] is None and changed.get_json()["fallback_box_id"] == _box(demo).id


def test_a_fallback_box_of_another_company_or_a_box_and_a_number_at_once_are_refused(as_editor, demo, foreign):
    sales = demo.groups[0]
    refused = as_editor.patch(f"/api/groups/{sales.id}", json={"fallback_box_id": foreign.id}, headers=PL)
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {"fallback_box_id": [f"Skrzynka głosowa {foreign.id} nie istnieje w tej firmie."]}
    both = as_editor.patch(f"/api/groups/{sales.id}", json={"fallback_box_id": _box(demo).id, "fallback_number": "600700800"})
    assert both.status_code == 422
    assert both.get_json()["fields"] == {"fallback_number": ["choose a voicemail box or a number, not both"]}
    db.session.refresh(sales)
    assert sales.fallback_box_id is None and sales.fallback_number is None


def test_a_box_that_is_a_fallback_cannot_be_deleted(as_owner, demo, base, draft):
    box = _box(demo)
    draft["root"]["closed"]["next"] = {"id": "bye", "kind": "hangup"}
    for forward in (*draft["root"]["open"]["next"]["options"].values(), draft["root"]["open"]["next"]["no_input"]):
        del forward["no_answer"]
    assert as_owner.patch("/api/company", json={"default_fallback_box_id": box.id}).status_code == 200
    assert as_owner.put(f"{base}/draft", json=draft).status_code == 200
    assert as_owner.patch(f"/api/groups/{demo.groups[0].id}", json={"fallback_box_id": box.id}).status_code == 200
    refused = as_owner.delete(f"/api/voicemail-boxes/{box.id}")
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["used_by"] == [
        "voicemail box Poczta główna is used by group Sprzedaż: its fallback",
        "voicemail box Poczta główna is used by the company's default fallback"]
    assert db.session.get(models.VoicemailBox, box.id) is not None
