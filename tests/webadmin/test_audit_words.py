"""The audit log for people: who by name, what in words, the changed fields by their labels, filters."""
from __future__ import annotations

from datetime import timedelta

import pytest

from pbx import models
from pbx.extensions import db

PL = {"Accept-Language": "pl"}


def _group(demo, name):
    return next(group for group in demo.groups if group.name == name)


def test_a_change_reads_as_words_with_labels_before_and_after(as_owner, demo):
    sales = _group(demo, "Sprzedaż")
    assert as_owner.patch(f"/api/groups/{sales.id}", json={"ring_mode": "simultaneous", "record_calls": True}
                          ).status_code == 200
    entry = as_owner.get("/api/audit", headers=PL).get_json()[0]
    assert entry["who"] == "Anna Kowalska" and entry["what"] == "Zmieniono grupę 'Sprzedaż'"
    assert {(f["label"], f["before"], f["after"]) for f in entry["fields"]} == {
        ("Sposób dzwonienia", "sekwencyjnie", "jednocześnie"), ("Nagrywanie rozmów", "nie", "tak")}
    english = as_owner.get("/api/audit").get_json()[0]
    assert english["what"] == "Changed group 'Sprzedaż'" and english["entity"] == "Group"  # stored keys kept
    assert {(f["label"], f["before"], f["after"]) for f in english["fields"]} == {
        ("Ringing", "sequential", "simultaneous"), ("Record calls", "no", "yes")}
    assert english["changes"]["ring_mode"] == ["sequential", "simultaneous"]


def test_a_member_is_named_by_person_and_group_not_ids(as_owner, demo):
    sales, nowy = _group(demo, "Sprzedaż"), demo.users[3]
    members = [{"user_id": m.user_id, "ring_seconds": m.ring_seconds} for m in sales.members]
    as_owner.patch(f"/api/groups/{sales.id}", json={"members": [*members, {"user_id": nowy.id, "ring_seconds": 25}]})
    texts = str([e["what"] for e in as_owner.get("/api/audit?entity=GroupMember", headers=PL).get_json()])
    assert f"Dodano członka grupy: {nowy.full_name} → Sprzedaż" in texts


def test_publishing_shows_a_summary_and_the_diff_link_never_the_dialplan(as_owner, demo, base, draft):
    assert as_owner.post(f"{base}/publish", json={}).status_code == 201
    draft["name"] = "Nowe godziny"
    as_owner.put(f"{base}/draft", json=draft)
    assert as_owner.post(f"{base}/publish", json={}).status_code == 201
    as_owner.post(f"{base}/rollback", json={"version": 1})
    page = as_owner.get("/api/audit?entity=ScenarioVersion", headers=PL).get_json()
    assert [e["what"] for e in page] == [
        "Przywrócono wersję 1 — scenariusz numeru 22 100 00 00, wersja 3",
        "Opublikowano scenariusz numeru 22 100 00 00, wersja 2",
        "Opublikowano scenariusz numeru 22 100 00 00, wersja 1"]
    number_id = demo.main_numbers[0].id
    assert page[1]["diff"] == {"main_number_id": number_id, "from": 1, "to": 2} and "diff" not in page[2]
    shown = str([(e["what"], e["fields"]) for e in as_owner.get("/api/audit", headers=PL).get_json()])
    assert "<extension" not in shown and "compiled" not in shown and "Scenario" not in shown


def test_filters_by_person_kind_and_polish_dates(as_owner, demo, editor, client):
    sales = _group(demo, "Sprzedaż")
    as_owner.patch(f"/api/groups/{sales.id}", json={"name": "Sprzedaż B2B"})
    filters = as_owner.get("/api/audit/filters", headers=PL).get_json()
    assert {"actor": demo.users[0].email, "name": "Anna Kowalska"} in filters["people"]
    assert {"entity": "Group", "name": "Grupy"} in filters["kinds"]
    mine = as_owner.get(f"/api/audit?actor={demo.users[0].email}").get_json()
    assert mine and {e["actor"] for e in mine} == {demo.users[0].email}
    assert {e["entity"] for e in as_owner.get("/api/audit?entity=Group").get_json()} == {"Group"}
    today = as_owner.get("/api/audit?entity=Group").get_json()[0]
    day = today["at"][:10]
    polish_day = ".".join(reversed(day.split("-")))
    assert as_owner.get(f"/api/audit?entity=Group&from={polish_day}&to={polish_day}").get_json()[0]["id"] == today["id"]
    old = db.session.get(models.AuditLogEntry, today["id"])
    old.at = old.at - timedelta(days=3)
    db.session.commit()
    assert today["id"] not in [e["id"] for e in as_owner.get(f"/api/audit?from={polish_day}").get_json()]
    refused = as_owner.get("/api/audit?from=32.12.2026", headers=PL)
    assert refused.status_code == 422 and "from" in refused.get_json()["fields"]


@pytest.mark.parametrize("actor, who", [("cli:root", "wiersz poleceń (root)"),
                                        ("anna.kowalska@firma-abc.example (API token Raporty)", "Anna Kowalska (token API Raporty)")])
def test_other_actors_in_words(as_owner, demo, actor, who):
    db.session.add(models.AuditLogEntry(tenant_id=demo.id, actor=actor, action="update", entity="Tenant",
                                        entity_id=str(demo.id), changes={"retention_days": [90, 30]}))
    db.session.commit()
    entry = as_owner.get("/api/audit", headers=PL).get_json()[0]
    assert (entry["who"], entry["what"]) == (who, "Zmieniono ustawienia firmy")
    assert entry["fields"] == [{"label": "Nagrania przechowywane (dni)", "before": "90", "after": "30"}]


def test_a_deleted_person_is_still_named_and_a_draft_is_not_printed(as_owner, demo, base, draft):
    gone = demo.users[4]
    name = gone.full_name
    assert as_owner.delete(f"/api/users/{gone.id}").status_code in (200, 204)
    draft["name"] = "Nowe godziny"
    as_owner.put(f"{base}/draft", json=draft)
    page = as_owner.get("/api/audit", headers=PL).get_json()
    assert page[0]["what"] == "Zmieniono scenariusz numeru 22 100 00 00"
    assert {"label": "Szkic", "after": "zmieniono"} in page[0]["fields"] and "menu" not in str(page[0]["fields"])
    assert f"Usunięto członka grupy: {name} → Księgowość" in [e["what"] for e in page]


def _fields(entry) -> dict:
    return {f["label"]: (f.get("before"), f.get("after")) for f in entry["fields"]}


def test_choices_read_as_the_panel_labels_them_in_its_language(as_owner, demo):
    user = demo.users[4]
    assert as_owner.patch(f"/api/users/{user.id}", json={"role": "admin", "admin_level": 2}).status_code == 200
    assert as_owner.patch("/api/company", json={"language": "en"}).status_code == 200
    changed_user, changed_company = [e for e in as_owner.get("/api/audit", headers=PL).get_json()
                                     if e["entity"] in ("User", "Tenant")][1::-1]
    assert _fields(changed_user) == {"Rola": ("użytkownik", "administrator"),
                                     "Uprawnienia w panelu": ("brak", "edycja")}
    assert _fields(changed_company) == {"Język": ("polski", "angielski")}
    english = as_owner.get("/api/audit?entity=User", headers={"Accept-Language": "en"}).get_json()[0]
    assert _fields(english) == {"Role": ("user", "admin"), "Panel rights": ("none", "editor")}


def test_viewing_a_sip_password_in_words_without_the_stored_sentence(as_owner, demo):
    user = demo.users[1]
    assert as_owner.post(f"/api/users/{user.id}/sip-account/reveal").status_code == 200
    entry = as_owner.get("/api/audit", headers=PL).get_json()[0]
    assert (entry["action"], entry["what"], entry["fields"]) == (
        "view", f"Wyświetlono hasło SIP użytkownika {user.full_name}", [])
    english = as_owner.get("/api/audit").get_json()[0]
    assert english["what"] == f"Viewed the SIP password of user {user.full_name}"


def test_a_deleted_voicemail_by_caller_company_time_and_box(as_owner, demo, tmp_path):
    from datetime import datetime, timezone

    box = db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()
    wav = tmp_path / "message.wav"
    wav.write_bytes(b"RIFF....WAVEfmt message")
    left = datetime(2026, 7, 1, 6, 5, tzinfo=timezone.utc)  # 08:05 in Warsaw (summer time)
    message = models.Recording(tenant_id=demo.id, call_uuid="m1", kind="voicemail", caller="+48600100200",
                               local_path=str(wav), voicemail_box_id=box.id, created_at=left,
                               expires_at=datetime(2099, 1, 1, tzinfo=timezone.utc))
    db.session.add(message)
    db.session.commit()
    assert as_owner.delete(f"/api/voicemail-boxes/{box.id}/messages/{message.id}").status_code == 204
    entry = as_owner.get("/api/audit?entity=Recording", headers=PL).get_json()[0]
    assert entry["what"] == "Usunięto wiadomość głosową od 600 100 200"
    assert _fields(entry) == {"Dzwoniący": ("600 100 200", None), "Nagrana": ("01.07.2026 08:05", None),
                              "Skrzynka głosowa": (box.name, None)}
    assert {"entity": "Recording", "name": "Wiadomości głosowe"} in as_owner.get(
        "/api/audit/filters", headers=PL).get_json()["kinds"]


def test_an_entry_noted_before_its_facts_were_keeps_its_sentence(as_owner, demo):
    db.session.add(models.AuditLogEntry(tenant_id=demo.id, actor="system", action="delete", entity="Recording",
                                        entity_id="7", changes={"summary": "deleted the voicemail from +48600100200"}))
    db.session.commit()
    entry = as_owner.get("/api/audit", headers=PL).get_json()[0]
    assert entry["fields"] == [{"label": "Szczegóły", "before": "deleted the voicemail from +48600100200"}]


def test_a_temporary_override_in_company_time_and_the_panels_words(as_owner, demo):
    number = demo.main_numbers[0]
    response = as_owner.put(f"/api/main-numbers/{number.id}/override",
                            json={"mode": "closed", "ends_at": "2030-12-24T14:00", "reason": "Inwentaryzacja"})
    assert response.status_code == 200, response.get_json()
    entry = as_owner.get("/api/audit?entity=RoutingOverride", headers=PL).get_json()[0]
    assert entry["what"] == "Dodano tymczasową zmianę numeru 22 100 00 00"
    fields = _fields(entry)
    assert fields["Do kiedy"] == (None, "24.12.2030 14:00")  # stored in UTC, shown as the company's clock
    assert fields["Połączenia idą"] == (None, "Zamknięte (gałąź „zamknięte” harmonogramu)")
    assert fields["Powód"] == (None, "Inwentaryzacja")


def test_an_api_token_by_its_rights_in_words(as_owner, demo):
    created = as_owner.post("/api/tokens", json={"name": "Raporty", "scope": "read"})
    assert created.status_code == 201, created.get_json()
    assert as_owner.delete(f"/api/tokens/{created.get_json()['id']}").status_code in (200, 204)
    revoked, added = as_owner.get("/api/audit?entity=ApiToken", headers=PL).get_json()[:2]
    assert (added["what"], _fields(added)) == ("Dodano token API 'Raporty'",
                                               {"Nazwa": (None, "Raporty"), "Uprawnienia": (None, "Tylko odczyt")})
    assert (revoked["what"], _fields(revoked)["Uprawnienia"]) == ("Unieważniono token API 'Raporty'",
                                                                  ("Tylko odczyt", None))
