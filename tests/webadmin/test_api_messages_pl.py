"""Error messages by code: each bad request is sent twice, without and with ``Accept-Language: pl``.

Both answers carry the same ``code`` and ``params`` (and ``field_codes`` for the fields); every text is
exactly its code's English or Polish catalogue text, and the Polish one is not the English one.
"""
from __future__ import annotations

import io

import pytest

from pbx import models
from pbx.extensions import db
from tests.support.messages import same_in_both_languages

PL = {"Accept-Language": "pl"}


def _ask(client, method: str, url: str, *, json=None, form=None, status: int = 422) -> dict:
    """The Polish answer, after checking it against the English one; ``form`` builds a fresh multipart body."""
    def send(headers):
        if form is not None:
            return client.open(url, method=method, headers=headers, data=form(), content_type="multipart/form-data")
        return client.open(url, method=method, headers=headers, json=json)

    english, polish = send({}), send(PL)
    assert (english.status_code, polish.status_code) == (status, status), english.get_json()
    english, polish = english.get_json(), polish.get_json()
    same_in_both_languages(english, polish)
    return polish


# ------------------------------------------------------------------ the choice of language

@pytest.mark.parametrize(("header", "text"), [
    (None, "Missing data for required field."),
    ("pl", "To pole jest wymagane."),
    ("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", "To pole jest wymagane."),
    ("en-US,en;q=0.9,pl;q=0.8", "Missing data for required field."),
    ("de-DE,de;q=0.9", "Missing data for required field."),
])
def test_language_follows_accept_language(as_editor, header, text):
    headers = {"Accept-Language": header} if header else {}
    response = as_editor.post("/api/number-lists", json={"kind": "vip"}, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["fields"]["name"] == [text]


# ------------------------------------------------------------------ every resource form

def test_user_form(as_owner, demo):
    fields = _ask(as_owner, "POST", "/api/users", json={
        "first_name": "", "last_name": "Nowak\u0007", "phone": "abc", "email": "jan@", "role": "boss",
        "description": 5, "extension": "1", "record_calls": "maybe", "admin_level": 9,
        "always_present_main_number": True, "color": "red"})["fields"]
    assert set(fields) == {"first_name", "last_name", "phone", "email", "role", "description", "extension",
                           "record_calls", "admin_level", "always_present_main_number", "color"}
    assert fields["first_name"] == ["Długość musi wynosić od 1 do 60."]
    assert fields["last_name"] == ["Znak sterujący U+0007 jest niedozwolony."]
    assert fields["phone"] == ["'abc' nie jest numerem telefonu: litery są niedozwolone."]
    assert fields["email"] == ["To nie jest poprawny adres e-mail."]
    assert fields["role"] == ["Dozwolone wartości: user, admin."]
    assert fields["extension"] == ["Numer wewnętrzny '1' musi mieć od 2 do 6 cyfr."]
    assert fields["admin_level"] == ["Wartość musi być z przedziału od 0 do 3."]
    assert fields["color"] == ["Nieznane pole."]

    body = _ask(as_owner, "POST", "/api/users", json={
        "first_name": None, "phone": "12345", "extension": "101", "admin_level": "x", "description": "x" * 501})
    assert body["error"] == "Nieprawidłowe dane."
    assert body["fields"]["first_name"] == ["To pole nie może być puste."]
    assert body["fields"]["email"] == ["To pole jest wymagane."]
    assert body["fields"]["phone"] == [
        "'12345' ma 5 cyfr: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."]
    assert body["fields"]["extension"] == ["Numer wewnętrzny 101 jest już używany przez użytkownika."]
    assert body["fields"]["description"] == ["Długość może wynosić najwyżej 500."]

    fields = _ask(as_owner, "POST", "/api/users", json={
        "first_name": "Jan", "last_name": "Nowy", "email": "jan.nowy@firma-abc.example", "extension": "200",
        "phone": "12#3"})["fields"]
    assert fields["extension"] == ["Numer wewnętrzny 200 jest już używany przez grupę."]

    piotr = demo.users[1]
    for phone in ("+999123", "+48", "+481", "+4812345678901234567890", "+48000000000"):
        _ask(as_owner, "PATCH", f"/api/users/{piotr.id}", json={"phone": phone})
    assert _ask(as_owner, "PATCH", "/api/users/999999", json={}, status=404)["error"] == \
        "Użytkownik 999999 nie istnieje w tej firmie."


def test_group_form(as_editor, demo):
    piotr = demo.users[1].id
    fields = _ask(as_editor, "POST", "/api/groups", json={
        "name": "x" * 121, "ring_mode": "loud", "extension": "200", "record_calls": None,
        "members": [{"user_id": piotr, "ring_seconds": 2}, {"ring_seconds": "a"}, "x", {"user_id": piotr, "extra": 1}],
    })["fields"]
    assert fields["ring_mode"] == ["Dozwolone wartości: sequential, random, simultaneous, longest-idle."]
    assert fields["members"] == {
        "0": {"ring_seconds": ["Wartość musi być z przedziału od 5 do 300."]},
        "1": {"user_id": ["To pole jest wymagane."], "ring_seconds": ["To nie jest liczba całkowita."]},
        "2": {"_schema": ["Nieprawidłowy typ danych."]},
        "3": {"extra": ["Nieznane pole."]},
    }
    twice = _ask(as_editor, "POST", "/api/groups", json={"name": "Nowa", "members": [{"user_id": piotr}] * 2})
    assert twice["fields"] == {"members": ["Użytkownik może należeć do grupy tylko raz."]}
    strangers = _ask(as_editor, "POST", "/api/groups", json={"name": "Nowa", "members": [{"user_id": 999998},
                                                                                       {"user_id": 999999}]})
    assert strangers["fields"] == {"members": ["Użytkownicy 999998, 999999 nie istnieją w tej firmie."]}
    _ask(as_editor, "POST", "/api/groups", json={"name": "Nowa", "members": "all"})
    _ask(as_editor, "PATCH", "/api/groups/999999", json={}, status=404)


def test_main_number_form(as_editor, demo):
    primary = demo.main_numbers[0]
    fields = _ask(as_editor, "POST", "/api/main-numbers", json={
        "number": "+48221000000", "is_primary": "perhaps", "label": "x" * 121,
        "target_user_id": demo.users[1].id, "target_group_id": demo.groups[0].id})["fields"]
    assert fields["number"] == ["Numer +48221000000 jest już numerem głównym."]
    assert fields["is_primary"] == ["To nie jest wartość logiczna (prawda lub fałsz)."]
    assert fields["label"] == ["Długość musi wynosić od 0 do 120."]
    assert fields["target_group_id"] == ["Wybierz albo użytkownika, albo grupę, nie jedno i drugie."]
    fields = _ask(as_editor, "POST", "/api/main-numbers",
                  json={"number": "+48 1234", "target_group_id": 999999})["fields"]
    assert fields["target_group_id"] == ["Grupa 999999 nie istnieje w tej firmie."]
    fields = _ask(as_editor, "POST", "/api/main-numbers", json={"number": "  ", "target_user_id": "x"})["fields"]
    assert fields["number"] == ["Numer telefonu jest wymagany."]
    _ask(as_editor, "POST", "/api/main-numbers", json={})
    _ask(as_editor, "PATCH", f"/api/main-numbers/{primary.id}", json={"is_primary": False})
    refused = _ask(as_editor, "DELETE", f"/api/main-numbers/{primary.id}")
    assert refused["fields"] == {"is_primary": [
        "Nie można usunąć numeru podstawowego: najpierw ustaw inny numer jako podstawowy."]}
    assert _ask(as_editor, "GET", "/api/main-numbers/999999", status=404)["error"] == \
        "Numer główny 999999 nie istnieje w tej firmie."


def test_number_list_form(as_editor):
    fields = _ask(as_editor, "POST", "/api/number-lists", json={
        "name": "", "kind": "grey", "patterns": ["ab*", "abc", "12#3", "123", "+999123"]})["fields"]
    assert fields["kind"] == ["Dozwolone wartości: blacklist, vip."]
    assert fields["patterns"]["0"] == ["'ab*' nie jest numerem ani prefiksem zakończonym znakiem '*'."]
    assert fields["patterns"]["4"] == ["'+999123' nie jest numerem telefonu: nieznany numer kierunkowy kraju."]
    fields = _ask(as_editor, "POST", "/api/number-lists",
                  json={"kind": "vip", "patterns": ["+4822*"] * 10001})["fields"]
    assert fields["patterns"] == ["Długość może wynosić najwyżej 10000."]
    _ask(as_editor, "POST", "/api/number-lists", json={"name": "Lista", "kind": "vip", "patterns": "+48221000000"})
    _ask(as_editor, "DELETE", "/api/number-lists/999999", status=404)


def test_voicemail_box_form(as_editor, demo):
    fields = _ask(as_editor, "POST", "/api/voicemail-boxes", json={
        "name": "Skrzynka", "recipient_ids": [999999], "extra_emails": ["nie-email"], "max_seconds": 5,
        "greeting_id": "x"})["fields"]
    assert fields["recipient_ids"] == ["Użytkownik 999999 nie istnieje w tej firmie."]
    assert fields["extra_emails"] == {"0": ["To nie jest poprawny adres e-mail."]}
    assert fields["max_seconds"] == ["Wartość musi być z przedziału od 10 do 600."]
    fields = _ask(as_editor, "POST", "/api/voicemail-boxes", json={
        "name": "Skrzynka", "recipient_ids": [], "extra_emails": []})["fields"]
    assert fields == {"recipient_ids": ["Skrzynka głosowa musi mieć co najmniej jednego odbiorcę."]}
    fields = _ask(as_editor, "POST", "/api/voicemail-boxes", json={
        "name": "Skrzynka", "recipient_ids": [demo.users[0].id], "greeting_id": 999999,
        "extra_emails": ["biuro@firma-abc.example"] * 51})["fields"]
    assert fields["greeting_id"] == ["Zapowiedź 999999 nie istnieje w tej firmie."]
    assert fields["extra_emails"] == ["Długość może wynosić najwyżej 50."]
    _ask(as_editor, "POST", "/api/voicemail-boxes", json={
        "name": "Skrzynka", "recipient_ids": ["a"], "max_seconds": None, "extra_emails": ["biuro@firma-abc.example"]})
    _ask(as_editor, "POST", "/api/voicemail-boxes", json={"name": "Skrzynka", "recipient_ids": "a"})


def test_announcement_form(as_editor, ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(ctx.config, "PROMPTS_DIR", str(tmp_path / "prompts"))
    fields = _ask(as_editor, "POST", "/api/announcements", json={
        "name": "", "text": "", "voice": "robot", "language": "de"})["fields"]
    assert fields["text"] == ["Zapowiedź czytana przez lektora musi mieć tekst."]
    assert fields["voice"] == ["Dozwolone wartości: female, male."]
    assert fields["language"] == ["Dozwolone wartości: pl, en."]
    _ask(as_editor, "POST", "/api/announcements", json={"name": "Długa", "text": "x" * 2001})

    fields = _ask(as_editor, "POST", "/api/announcements/upload", form=lambda: {"name": "", "language": "de"})["fields"]
    assert fields["file"] == ["Wybierz plik mp3."]
    fields = _ask(as_editor, "POST", "/api/announcements/upload",
                  form=lambda: {"name": "Zła", "file": (io.BytesIO(b"hello" * 100), "x.mp3")})["fields"]
    assert fields == {"file": ["To nie jest plik mp3 (HeaderNotFoundError)."]}
    monkeypatch.setitem(ctx.config, "MAX_PROMPT_UPLOAD_BYTES", 1000)
    fields = _ask(as_editor, "POST", "/api/announcements/upload",
                  form=lambda: {"name": "Duża", "file": (io.BytesIO(b"\xff" * 2000), "big.mp3")})["fields"]
    assert fields == {"file": ["Plik ma 2000 bajtów; zapowiedź może mieć najwyżej 1000 bajtów (2 MB)."]}
    fields = _ask(as_editor, "POST", "/api/announcements/upload",
                  form=lambda: {"name": "Duża", "file": (io.BytesIO(b"\xff" * 70000), "big.mp3")})["fields"]
    assert fields == {"file": ["Zapowiedź może mieć najwyżej 1000 bajtów (2 MB)."]}

    silent = db.session.scalar(db.select(models.Announcement.id).where(models.Announcement.name == "Powitanie"))
    assert _ask(as_editor, "GET", f"/api/announcements/{silent}.wav", status=404)["error"] == \
        "Ta zapowiedź nie ma jeszcze pliku dźwiękowego."
    _ask(as_editor, "PATCH", "/api/announcements/999999", json={}, status=404)


def test_company_settings_form(as_owner, stranger):
    fields = _ask(as_owner, "PATCH", "/api/company", json={
        "name": "Konkurencja", "timezone": "Mars/Olympus", "language": "de", "retention_days": 30.5,
        "fallback_number": "12345", "motto": "x"})["fields"]
    assert fields == {
        "name": ["Firma o nazwie 'Konkurencja' już istnieje."],
        "timezone": ["'Mars/Olympus' nie jest strefą czasową IANA (np. Europe/Warsaw)."],
        "language": ["Dozwolone wartości: pl, en."],
        "retention_days": ["To nie jest liczba całkowita."],
        "fallback_number": ["'12345' ma 5 cyfr: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."],
        "motto": ["Nieznane pole."],
    }
    fields = _ask(as_owner, "PATCH", "/api/company", json={"name": "", "retention_days": 0,
                                                          "fallback_number": "+48 1234"})["fields"]
    assert fields["name"] == ["Długość musi wynosić od 1 do 120."]
    assert fields["retention_days"] == ["Wartość musi być z przedziału od 1 do 3650."]
    assert fields["fallback_number"] == [
        "'+48 1234' nie jest prawidłowym numerem w swoim kraju (zła długość lub nieznany prefiks)."]
    english = as_owner.patch("/api/company", json={"retention_days": 0}).get_json()
    assert english == {
        "error": "invalid input", "code": "input.invalid_body", "params": {},
        "fields": {"retention_days": ["Must be from 1 to 3650."]},
        "field_codes": {"retention_days": [{"code": "input.range_from_to", "params": {"input": 0, "min": 1,
                                                                                     "max": 3650}}]}}


# ------------------------------------------------------------------ refusals

def test_refused_deletes_name_every_place_in_polish(as_owner, demo, published):
    users = {u.first_name: u.id for u in demo.users}
    groups = {g.name: g.id for g in demo.groups}
    primary = demo.main_numbers[0].id
    # Tomasz alone in Księgowość; the demo number rings Sprzedaż; a second number rings Michał;
    # Piotr is the only recipient of a box of his own.
    for response in (
        as_owner.patch(f"/api/groups/{groups['Księgowość']}", json={"members": [{"user_id": users["Tomasz"]}]}),
        as_owner.patch(f"/api/main-numbers/{primary}", json={"target_group_id": groups["Sprzedaż"]}),
        as_owner.post("/api/main-numbers", json={"number": "22 100 00 01", "target_user_id": users["Michał"]}),
        as_owner.post("/api/voicemail-boxes", json={"name": "Piotra", "recipient_ids": [users["Piotr"]]}),
    ):
        assert response.status_code in (200, 201), response.get_json()

    assert _ask(as_owner, "DELETE", f"/api/groups/{groups['Sprzedaż']}")["fields"]["used_by"] == [
        "grupa Sprzedaż jest używana przez: scenariusz Godziny pracy (+48221000000), szkic, węzeł Sprzedaż",
        "grupa Sprzedaż jest używana przez: scenariusz Godziny pracy (+48221000000), opublikowana wersja 1, "
        "węzeł Sprzedaż",
        "grupa Sprzedaż jest używana przez: numer główny +48221000000 dzwoni bezpośrednio do tej grupy",
    ]
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Tomasz']}")["fields"]["used_by"] == [
        "użytkownik Tomasz Wójcik jest używany przez: grupa Księgowość (jako jej jedyny członek), a ta grupa jest "
        "używana przez: scenariusz Godziny pracy (+48221000000), szkic, węzeł Księgowość; scenariusz Godziny pracy "
        "(+48221000000), opublikowana wersja 1, węzeł Księgowość",
    ]
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Michał']}")["fields"]["used_by"] == [
        "użytkownik Michał Lewandowski jest używany przez: numer główny +48221000001 dzwoni bezpośrednio do tego "
        "użytkownika",
    ]
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Piotr']}")["fields"]["used_by"] == [
        "użytkownik Piotr Nowak jest używany przez: skrzynka głosowa Piotra (jako jej jedyny odbiorca)",
    ]
    closed = db.session.scalar(db.select(models.Announcement.id).where(models.Announcement.name == "Zamknięte"))
    assert "zapowiedź Zamknięte jest używana przez: skrzynka głosowa Poczta główna (jako jej powitanie)" in \
        _ask(as_owner, "DELETE", f"/api/announcements/{closed}")["fields"]["used_by"]
    box = db.session.scalar(db.select(models.VoicemailBox.id).where(models.VoicemailBox.name == "Poczta główna"))
    assert "skrzynka głosowa Poczta główna jest używana przez: scenariusz Godziny pracy (+48221000000), szkic, " \
           "węzeł vm_sales" in _ask(as_owner, "DELETE", f"/api/voicemail-boxes/{box}")["fields"]["used_by"]
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Anna']}", status=409)["error"] == \
        "Nie możesz usunąć samego siebie."
    assert db.session.get(models.Group, groups["Sprzedaż"]) is not None


def test_report_and_list_parameters(as_viewer):
    report = "/api/reports/days"
    assert _ask(as_viewer, "GET", f"{report}?from=2026-10-26&to=2026-10-25", status=400)["fields"] == {
        "to": ["Okres kończy się przed swoim początkiem: wybierz „do” nie wcześniej niż „od”."]}
    assert _ask(as_viewer, "GET", f"{report}?from=2025-01-01&to=2026-10-25", status=400)["fields"] == {
        "to": ["Raport obejmuje najwyżej 366 dni: wybierz krótszy okres."]}
    refused = _ask(as_viewer, "GET", f"{report}?within=20&limit=5", status=400)
    assert refused["error"] == "Nieprawidłowe dane."
    assert refused["fields"] == {"limit": ["Raport days nie przyjmuje parametru limit."],
                                 "within": ["Raport days nie przyjmuje parametru within."]}
    assert _ask(as_viewer, "GET", "/api/reports/calls", status=404)["error"] == (
        "Nie ma raportu o nazwie 'calls': wybierz jeden z: days, hours, busiest-hours, outcomes, main-numbers, "
        "branches, groups, users, queues, top-callers, call-back.")
    assert _ask(as_viewer, "GET", "/api/users?page=0&per_page=201", status=400)["fields"] == {
        "page": ["Wartość musi być z przedziału od 1 do 100000."],
        "per_page": ["Wartość musi być z przedziału od 1 do 200."]}


def test_refused_rights_and_unknown_addresses(as_viewer):
    assert _ask(as_viewer, "POST", "/api/users", json={}, status=403)["error"] == \
        "Twoje uprawnienia administratora na to nie pozwalają."
    assert _ask(as_viewer, "GET", "/api/nothing", status=404)["error"].startswith("Na serwerze nie ma takiego adresu")
    assert _ask(as_viewer, "DELETE", "/api/company", status=405)["error"] == \
        "Ta metoda nie jest dozwolona dla tego adresu URL."
    english = as_viewer.post("/api/users", json={})
    assert english.get_json() == {"error": "your admin rights do not allow this", "code": "auth.rights", "params": {}}


def test_editor_refusals(as_editor, owner):
    assert _ask(as_editor, "DELETE", f"/api/users/{owner.id}", status=403)["error"] == \
        "Tylko właściciel (poziom 3) może usuwać administratorów."
    assert _ask(as_editor, "PATCH", f"/api/users/{owner.id}", json={"admin_level": 2}, status=403)["error"] == \
        "Tylko właściciel (poziom 3) nadaje uprawnienia administratora i zmienia adres logowania administratora."
    assert _ask(as_editor, "PATCH", "/api/company", json={"retention_days": 0}, status=403)["error"] == \
        "Twoje uprawnienia administratora na to nie pozwalają."


def test_signed_out(client, demo):
    assert _ask(client, "GET", "/api/users", status=401)["error"] == "Najpierw się zaloguj."
    assert _ask(client, "POST", "/api/auth/verify", json={"email": "anna.kowalska@firma-abc.example", "code": "000000"},
                status=401)["error"] == "Błędny lub wygasły kod."


def test_export_and_reception_refusals(as_viewer):
    assert _ask(as_viewer, "GET", "/api/calls/export?from=2026-10-26&to=2026-10-25", status=400)["fields"] == {
        "to": ["Ostatni dzień jest wcześniejszy niż pierwszy."]}
    assert _ask(as_viewer, "GET", "/api/reception", status=403)["error"] == \
        "Strona recepcji jest dla recepcjonistów: uprawnienie nadaje administrator w ustawieniach użytkownika."
