"""The signed-in company's own settings through the REST API."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from pbx import models
from pbx.extensions import db

DEMO_SETTINGS = {"name": "Firma ABC", "timezone": "Europe/Warsaw", "language": "pl", "retention_days": 90,
                 "fallback_number": None, "default_fallback_box_id": None, "default_fallback_number": None,
                 "transfer_blind_code": "*1", "transfer_attended_code": None, "record_code": "*3",
                 "recording_notice_id": None}


def _settings(tenant_id: int) -> dict:
    tenant = db.session.get(models.Tenant, tenant_id)
    db.session.refresh(tenant)
    return {"name": tenant.name, "timezone": tenant.timezone, "language": tenant.language.value,
            "retention_days": tenant.retention_days, "fallback_number": tenant.fallback_number,
            "default_fallback_box_id": tenant.default_fallback_box_id,
            "default_fallback_number": tenant.default_fallback_number,
            "transfer_blind_code": tenant.transfer_blind_code, "transfer_attended_code": tenant.transfer_attended_code,
            "record_code": tenant.record_code, "recording_notice_id": tenant.recording_notice_id}


def test_sign_in_is_needed(client, demo):
    assert client.get("/api/company").status_code == 401
    assert client.patch("/api/company", json={"retention_days": 30}).status_code == 401


def test_a_viewer_reads_the_company(as_viewer, demo):
    response = as_viewer.get("/api/company")
    assert response.status_code == 200
    assert response.get_json() == {"id": demo.id, **DEMO_SETTINGS, "server_secret_set": False}


@pytest.mark.parametrize("change, stored", [
    ({"name": "  Firma ABC sp. z o.o. "}, {"name": "Firma ABC sp. z o.o."}),
    ({"timezone": "Europe/London"}, {"timezone": "Europe/London"}),
    ({"language": "en"}, {"language": "en"}),
    ({"retention_days": 365}, {"retention_days": 365}),
    ({"fallback_number": "600 700 800"}, {"fallback_number": "+48600700800"}),
    ({"fallback_number": "0049 30 1234567"}, {"fallback_number": "+49301234567"}),
])
def test_owner_changes_each_setting(as_owner, demo, change, stored):
    response = as_owner.patch("/api/company", json=change)
    assert response.status_code == 200, response.get_json()
    expected = {**DEMO_SETTINGS, **stored}
    assert response.get_json() == {"id": demo.id, **expected, "server_secret_set": False}
    assert _settings(demo.id) == expected


@pytest.mark.parametrize("empty", ["", "  ", None])
def test_owner_clears_the_fallback_number(as_owner, demo, empty):
    assert as_owner.patch("/api/company", json={"fallback_number": "+48221112233"}).status_code == 200
    response = as_owner.patch("/api/company", json={"fallback_number": empty})
    assert response.status_code == 200
    assert response.get_json()["fallback_number"] is None
    assert _settings(demo.id)["fallback_number"] is None


@pytest.mark.parametrize("signed_in", ["as_editor", "as_viewer"])
def test_only_an_owner_changes_settings(request, demo, signed_in):
    client = request.getfixturevalue(signed_in)
    response = client.patch("/api/company", json={"retention_days": 30, "name": "Przejęta"})
    assert response.status_code == 403
    assert _settings(demo.id) == DEMO_SETTINGS


def test_bad_input_names_every_field_and_stores_nothing(as_owner, demo):
    response = as_owner.patch("/api/company", json={
        "name": "Firma\x07ABC", "timezone": "Europe/Gdansk", "language": "de", "retention_days": 0,
        "fallback_number": "12345", "dialplan_revision": 0,
    })
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid input"
    fields = body["fields"]
    assert set(fields) == {"name", "timezone", "language", "retention_days", "fallback_number", "dialplan_revision"}
    assert "control character" in fields["name"][0]
    assert "IANA" in fields["timezone"][0]
    assert "5 digits" in fields["fallback_number"][0]
    assert _settings(demo.id) == DEMO_SETTINGS


def test_one_bad_field_keeps_the_good_ones_from_being_stored(as_owner, demo):
    response = as_owner.patch("/api/company", json={"name": "Nowa nazwa", "timezone": "Europe/Berlin",
                                                    "retention_days": 3651})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"retention_days"}
    assert _settings(demo.id) == DEMO_SETTINGS


@pytest.mark.parametrize("field, value", [
    ("name", ""), ("name", "   "), ("name", "x" * 121), ("name", None), ("name", 7),
    ("timezone", ""), ("timezone", None), ("language", None), ("language", "PL"),
    ("retention_days", -5), ("retention_days", 30.5), ("retention_days", "thirty"), ("retention_days", None),
    ("retention_days", True), ("fallback_number", "+48 22 ABC"), ("fallback_number", 600700800),
])
def test_each_bad_value_is_refused(as_owner, demo, field, value):
    response = as_owner.patch("/api/company", json={field: value})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {field}
    assert _settings(demo.id) == DEMO_SETTINGS


def test_a_name_another_company_uses_is_refused(as_owner, demo, stranger):
    response = as_owner.patch("/api/company", json={"name": "Konkurencja", "retention_days": 30})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"name": ["a company named 'Konkurencja' already exists"]}
    assert _settings(demo.id) == DEMO_SETTINGS
    # Its own name is not "taken".
    assert as_owner.patch("/api/company", json={"name": "Firma ABC"}).status_code == 200


def test_another_company_never_sees_nor_changes_this_one(as_stranger, stranger, demo):
    other_id = stranger.tenant_id
    seen = as_stranger.get("/api/company").get_json()
    assert (seen["id"], seen["name"]) == (other_id, "Konkurencja")
    # The company is always the signed-in admin's: an id in the body is not a way to pick another one.
    refused = as_stranger.patch("/api/company", json={"id": demo.id, "retention_days": 7})
    assert refused.status_code == 422
    assert set(refused.get_json()["fields"]) == {"id"}
    changed = as_stranger.patch("/api/company", json={"retention_days": 7, "timezone": "Europe/Berlin"})
    assert changed.get_json()["id"] == other_id
    assert _settings(other_id)["retention_days"] == 7
    assert _settings(demo.id) == DEMO_SETTINGS


def test_a_change_is_audited_and_refreshes_served_dialplans(as_owner, owner, demo):
    before = db.session.get(models.Tenant, demo.id).dialplan_revision
    response = as_owner.patch("/api/company", json={"timezone": "Europe/London", "retention_days": 30})
    assert response.status_code == 200
    [entry] = db.session.scalars(select(models.AuditLogEntry).where(
        models.AuditLogEntry.entity == "Tenant", models.AuditLogEntry.entity_id == str(demo.id),
        models.AuditLogEntry.action == "update")).all()
    assert (entry.tenant_id, entry.actor) == (demo.id, owner.email)
    assert entry.changes == {"timezone": ["Europe/Warsaw", "Europe/London"], "retention_days": [90, 30]}
    assert _settings(demo.id)["timezone"] == "Europe/London"
    assert db.session.get(models.Tenant, demo.id).dialplan_revision == before + 1


def test_an_unchanged_save_leaves_no_trace(as_owner, demo):
    before = db.session.get(models.Tenant, demo.id).dialplan_revision
    entries = db.session.query(models.AuditLogEntry).count()
    response = as_owner.patch("/api/company", json=DEMO_SETTINGS)
    assert response.status_code == 200
    assert db.session.query(models.AuditLogEntry).count() == entries
    assert db.session.get(models.Tenant, demo.id).dialplan_revision == before


def test_owner_sets_the_default_fallback_a_box_or_a_number(as_owner, demo):
    box = db.session.scalars(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()
    assert as_owner.patch("/api/company", json={"default_fallback_number": "600 700 800"}).status_code == 200
    response = as_owner.patch("/api/company", json={"default_fallback_box_id": box.id})
    assert response.status_code == 200
    # One replaces the other: a call has one place to go.
    assert _settings(demo.id) == {**DEMO_SETTINGS, "default_fallback_box_id": box.id}
    audit = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "Tenant")
                               .order_by(models.AuditLogEntry.id.desc())).first()
    assert audit.changes["default_fallback_box_id"] == [None, box.id]


def test_a_default_fallback_box_of_another_company_or_both_at_once_is_refused(as_owner, demo, foreign):
    response = as_owner.patch("/api/company", json={"default_fallback_box_id": foreign.id})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "default_fallback_box_id": [f"voicemail box {foreign.id} does not exist in this company"]}
    own = db.session.scalars(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()
    both = as_owner.patch("/api/company", json={"default_fallback_box_id": own.id, "default_fallback_number": "600700800"},
                          headers={"Accept-Language": "pl"})
    assert both.status_code == 422
    assert both.get_json()["fields"] == {"default_fallback_number": ["Wybierz skrzynkę głosową albo numer, nie oba naraz."]}
    assert _settings(demo.id) == DEMO_SETTINGS


def test_owner_changes_the_transfer_codes_audited_and_served_to_the_switch(as_owner, owner, demo):
    from pbx.company_dialplan import tenant_document

    response = as_owner.patch("/api/company", json={"transfer_blind_code": "#4", "transfer_attended_code": "#5",
                                                    "record_code": None})
    assert response.status_code == 200, response.get_json()
    assert _settings(demo.id) == {**DEMO_SETTINGS, "transfer_blind_code": "#4", "transfer_attended_code": "#5",
                                  "record_code": None}
    entry = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "Tenant")
                               .order_by(models.AuditLogEntry.id.desc())).first()
    assert (entry.actor, entry.changes) == (owner.email, {"transfer_blind_code": ["*1", "#4"],
                                                          "transfer_attended_code": [None, "#5"],
                                                          "record_code": ["*3", None]})
    document = tenant_document(demo.id, as_owner.application.config).decode()
    assert 'data="bind_meta_key=#"' in document
    assert 'data="4 b s execute_extension::xfer_blind XML tenant_%d"' % demo.id in document


def test_announced_transfers_are_off_until_switched_on_and_a_code_switched_off_is_unbound(as_owner, demo):
    from pbx.company_dialplan import tenant_document

    document = tenant_document(demo.id, as_owner.application.config).decode()
    assert "execute_extension::xfer_blind" in document and "xfer_attended" not in document
    assert as_owner.patch("/api/company", json={"transfer_attended_code": "*2"}).status_code == 200
    assert "execute_extension::xfer_attended" in tenant_document(demo.id, as_owner.application.config).decode()
    assert as_owner.patch("/api/company", json={"transfer_blind_code": None}).status_code == 200
    assert "xfer_blind" not in tenant_document(demo.id, as_owner.application.config).decode()


@pytest.mark.parametrize("change, field, polish", [
    ({"transfer_blind_code": "*12"}, "transfer_blind_code", "Kod przełączenia to * albo # i jedna cyfra, np. *1."),
    ({"transfer_blind_code": "*1${x}"}, "transfer_blind_code", "Kod przełączenia to * albo # i jedna cyfra, np. *1."),
    ({"transfer_attended_code": "*1"}, "transfer_attended_code",
     "Oba kody przełączenia muszą zaczynać się tym samym klawiszem i różnić cyfrą (teraz *1 i *1)."),
    ({"transfer_blind_code": "#1", "transfer_attended_code": "*2"}, "transfer_attended_code",
     "Oba kody przełączenia muszą zaczynać się tym samym klawiszem i różnić cyfrą (teraz #1 i *2)."),
    ({"record_code": "3"}, "record_code", "Kod nagrywania to * albo # i jedna cyfra, np. *3."),
    ({"record_code": "*1"}, "record_code", "Kod nagrywania musi zaczynać się tym samym klawiszem co kody przełączenia "
                                           "i mieć inną cyfrę (teraz *1; kody przełączenia *1)."),
    ({"transfer_blind_code": "#1"}, "transfer_blind_code", "Kod nagrywania musi zaczynać się tym samym klawiszem co "
                                                           "kody przełączenia i mieć inną cyfrę (teraz *3; kody przełączenia #1)."),
    ({"recording_notice_id": 999999}, "recording_notice_id", "Zapowiedź 999999 nie istnieje w tej firmie."),
])
def test_a_code_the_switch_cannot_bind_is_refused_in_words(as_owner, demo, change, field, polish):
    response = as_owner.patch("/api/company", json=change, headers={"Accept-Language": "pl"})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {field: [polish]}
    assert _settings(demo.id) == DEMO_SETTINGS


def test_owner_sets_the_record_code_and_the_notice_audited_and_served_to_the_switch(as_owner, owner, demo):
    """Recording on demand: the code is bound only once a user has the right; the notice is the company's prompt."""
    from pbx.company_dialplan import tenant_document

    notice = db.session.scalars(select(models.Announcement).where(models.Announcement.tenant_id == demo.id)).first()
    response = as_owner.patch("/api/company", json={"record_code": "*7", "recording_notice_id": notice.id})
    assert response.status_code == 200, response.get_json()
    assert _settings(demo.id) == {**DEMO_SETTINGS, "record_code": "*7", "recording_notice_id": notice.id}
    entry = db.session.scalars(select(models.AuditLogEntry).where(models.AuditLogEntry.entity == "Tenant")
                               .order_by(models.AuditLogEntry.id.desc())).first()
    assert (entry.actor, entry.changes) == (owner.email, {"record_code": ["*3", "*7"],
                                                          "recording_notice_id": [None, notice.id]})
    assert "record_toggle" not in tenant_document(demo.id, as_owner.application.config).decode()
    user = db.session.scalars(select(models.User).where(models.User.tenant_id == demo.id, models.User.id != owner.id)
                              .order_by(models.User.id)).first()
    assert as_owner.patch(f"/api/users/{user.id}", json={"may_record_on_demand": True}).status_code == 200
    document = tenant_document(demo.id, as_owner.application.config).decode()
    assert 'data="7 b s execute_extension::record_toggle XML tenant_%d"' % demo.id in document
    assert f'expression="^({user.id})$"' in document
    assert f'data="${{sounds_dir}}/centralka/{demo.id}/{notice.id}.wav rw"' in document


def test_a_notice_another_company_owns_is_refused(as_owner, demo, foreign):
    other = models.Announcement(tenant_id=foreign.tenant_id, name="Obca", text="x")
    db.session.add(other)
    db.session.commit()
    response = as_owner.patch("/api/company", json={"recording_notice_id": other.id})
    assert response.status_code == 422 and "recording_notice_id" in response.get_json()["fields"]
    assert _settings(demo.id) == DEMO_SETTINGS
