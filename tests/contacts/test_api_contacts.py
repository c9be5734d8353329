"""The company's contacts through the REST API: changes, search, scoping, import and export."""
from __future__ import annotations

import csv
import io

import vobject

from pbx import models
from pbx.extensions import db

ANNA = {"name": "Anna Nowak", "company": "Hurtownia Łódź", "groups": ["VIP", "vip ", "Klienci"],
        "numbers": [{"label": "komórka", "number": "501 234 567"}, {"label": "biuro", "number": "0048 22 123 45 67"}],
        "note": "Dzwoni w sprawie faktur"}


def _code(problems) -> list[str]:
    return [p["code"] for p in problems]


def _add(client, data=None):
    response = client.post("/api/contacts", json=data or ANNA)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_contact_is_stored_normalised_changed_found_and_deleted(as_editor):
    anna = _add(as_editor)
    assert [n["number"] for n in anna["numbers"]] == ["+48501234567", "+48221234567"]
    assert anna["groups"] == ["VIP", "Klienci"]  # the same group typed twice is kept once
    changed = as_editor.patch(f"/api/contacts/{anna['id']}", json={"company": "Hurtownia Kraków"})
    assert changed.get_json()["company"] == "Hurtownia Kraków"
    for query in ("lodz", "krakow", "501-234-567", "vip", "faktur"):
        found = as_editor.get(f"/api/contacts?q={query}").get_json()
        assert [c["id"] for c in found] == ([] if query == "lodz" else [anna["id"]]), query
    assert as_editor.delete(f"/api/contacts/{anna['id']}").status_code == 204
    assert as_editor.get("/api/contacts").get_json() == []


def test_a_bad_contact_names_every_field_and_stores_nothing(as_editor):
    response = as_editor.post("/api/contacts", json={"name": " ", "numbers": [
        {"number": "+48501234567"}, {"number": "501234567"}, {"label": "x", "number": "12ab"}]})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]) == {"name", "numbers"}
    assert _code(body["field_codes"]["numbers"]["2"]["number"]) == ["phone.letters"]
    assert db.session.scalar(db.select(db.func.count()).select_from(models.Contact)) == 0


def test_contacts_are_the_company_s_own(as_editor, demo, stranger):
    from pbx import contacts

    other = db.session.get(models.Tenant, stranger.tenant_id)
    theirs = contacts.add_contact(other, {"name": "Cudzy", "numbers": [{"number": "+48600000001"}]})
    db.session.commit()
    assert as_editor.get("/api/contacts").get_json() == []
    assert as_editor.patch(f"/api/contacts/{theirs.id}", json={"name": "Mój"}).status_code == 404
    assert as_editor.delete(f"/api/contacts/{theirs.id}").status_code == 404
    assert db.session.get(models.Contact, theirs.id).name == "Cudzy"


def test_a_viewer_reads_but_does_not_change(as_viewer):
    assert as_viewer.get("/api/contacts").status_code == 200
    assert as_viewer.post("/api/contacts", json=ANNA).status_code == 403


def test_changes_are_audited_with_the_contact_s_name(as_editor, demo):
    anna = _add(as_editor)
    as_editor.delete(f"/api/contacts/{anna['id']}")
    words = [e["what"] for e in as_editor.get("/api/audit", headers={"Accept-Language": "pl"}).get_json()]
    assert "Dodano kontakt 'Anna Nowak'" in words
    assert "Usunięto kontakt 'Anna Nowak'" in words


def _upload(client, data: bytes, name: str):
    return client.post("/api/contacts/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_both_csv_dialects_go_out_and_come_back(as_editor, demo):
    _add(as_editor)
    _add(as_editor, {"name": "=HYPERLINK(\"x\")", "numbers": [{"number": "+442071234567"}]})
    for format_name in ("csv", "csv-excel"):
        exported = as_editor.get(f"/api/contacts/export?format={format_name}")
        assert exported.status_code == 200
        text = exported.get_data(as_text=True)
        if format_name == "csv-excel":
            assert text.startswith("\ufeffNazwa;Firma;Numery;Grupy;Notatka")
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
            assert rows[0]["numbers"] == "+442071234567" and rows[0]["name"].startswith("'=")  # no formula
            assert rows[1]["numbers"] == "komórka: +48501234567; biuro: +48221234567"
        db.session.execute(db.delete(models.Contact))
        db.session.commit()
        assert _upload(as_editor, text.encode(), "kontakty.csv").get_json() == {"added": 2}
        again = as_editor.get("/api/contacts").get_json()
        assert [c["name"] for c in again] == ["=HYPERLINK(\"x\")", "Anna Nowak"]
        assert again[1]["numbers"][1] == {"label": "biuro", "number": "+48221234567"}
        assert again[1]["groups"] == ["VIP", "Klienci"]


def test_an_import_with_a_bad_row_stores_nothing_and_names_the_row(as_editor):
    text = "Nazwa;Numery\r\nJan;600 100 200\r\n;600 100 201\r\nPiotr;60010\r\n".encode("cp1250")
    response = _upload(as_editor, text, "excel.csv")
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["field_codes"]["rows"]) == {"1", "2"}  # the second and third contact
    assert _code(body["field_codes"]["rows"]["2"]["numbers"]["0"]["number"]) == ["phone.digits"]
    assert body["field_text"]["rows"].startswith("line 2: name: ")  # the second contact, the header not counted
    assert as_editor.get("/api/contacts").get_json() == []


def test_a_csv_without_a_name_column_is_refused(as_editor):
    response = _upload(as_editor, b"who,phone\r\nJan,600100200\r\n", "x.csv")
    assert _code(response.get_json()["field_codes"]["file"]) == ["contact.import_no_name_column"]


def test_vcard_goes_out_and_comes_back(as_editor):
    _add(as_editor)
    exported = as_editor.get("/api/contacts/export?format=vcard")
    assert exported.mimetype == "text/vcard"
    card = vobject.readOne(exported.get_data(as_text=True))
    assert card.fn.value == "Anna Nowak" and card.org.value == ["Hurtownia Łódź"]
    assert [t.value for t in card.contents["tel"]] == ["+48501234567", "+48221234567"]
    db.session.execute(db.delete(models.Contact))
    db.session.commit()
    assert _upload(as_editor, exported.get_data(), "kontakty.vcf").get_json() == {"added": 1}
    anna = as_editor.get("/api/contacts").get_json()[0]
    assert anna["numbers"][0] == {"label": "komórka", "number": "+48501234567"}
    assert anna["groups"] == ["VIP", "Klienci"] and anna["note"] == "Dzwoni w sprawie faktur"


def test_a_vcard_from_a_phone_is_read(as_editor):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalski;Jan;;;\r\nFN:Jan Kowalski\r\nORG:Firma X;Dział\r\n"
            "TEL;TYPE=CELL,VOICE:+48 600 100 200\r\nTEL;TYPE=WORK:22 123 45 67\r\nCATEGORIES:VIP\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bez numeru\r\nTEL:12\r\nEND:VCARD\r\n")
    refused = _upload(as_editor, card.encode(), "telefon.vcf")
    assert refused.status_code == 422 and set(refused.get_json()["field_codes"]["rows"]) == {"1"}
    assert as_editor.get("/api/contacts").get_json() == []
    added = _upload(as_editor, card.split("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bez")[0].encode(), "telefon.vcf")
    assert added.get_json() == {"added": 1}
    jan = as_editor.get("/api/contacts").get_json()[0]
    assert jan["company"] == "Firma X Dział" and jan["groups"] == ["VIP"]
    assert jan["numbers"] == [{"label": "cell", "number": "+48600100200"}, {"label": "work", "number": "+48221234567"}]


def test_a_broken_file_is_refused(as_editor):
    broken = _upload(as_editor, b"BEGIN:VCARD\r\nFN Jan\r\n", "x.vcf").get_json()
    assert _code(broken["field_codes"]["file"]) == ["contact.import_not_vcard"]
    assert _code(_upload(as_editor, b"", "x.csv").get_json()["field_codes"]["file"]) == ["contact.import_empty"]


def test_a_label_cannot_smuggle_a_formula_into_the_export(as_editor):
    label = "=cmd|' /C calc'!A0"
    _add(as_editor, {"name": "Anna", "numbers": [{"label": label, "number": "+48600100200"}]})
    text = as_editor.get("/api/contacts/export?format=csv").get_data(as_text=True)
    assert list(csv.DictReader(io.StringIO(text)))[0]["numbers"].startswith("'=")
    db.session.execute(db.delete(models.Contact))
    db.session.commit()
    assert _upload(as_editor, text.encode(), "kontakty.csv").status_code == 201
    assert as_editor.get("/api/contacts").get_json()[0]["numbers"] == [{"label": label, "number": "+48600100200"}]
