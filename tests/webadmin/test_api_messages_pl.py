"""Error messages in Polish for a request that prefers Polish, in English otherwise.

Each bad request is sent twice, without and with ``Accept-Language: pl``: every English message
must be one the catalogue knows, and the Polish answer must be exactly its translation.
"""
from __future__ import annotations

import io

import pytest

from pbx import models
from pbx.extensions import db
from schemas.messages_pl import CATALOGUE, translate, translate_messages

PL = {"Accept-Language": "pl"}


def _texts(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, dict):
        return [text for value in body.values() for text in _texts(value)]
    if isinstance(body, list):
        return [text for value in body for text in _texts(value)]
    return []


def _known(text: str) -> bool:
    return any(pattern.fullmatch(text) for pattern, _ in CATALOGUE)


def _ask(client, method: str, url: str, *, json=None, form=None, status: int = 422) -> dict:
    """The Polish answer, after checking it against the English one; ``form`` builds a fresh multipart body."""
    def send(headers):
        if form is not None:
            return client.open(url, method=method, headers=headers, data=form(), content_type="multipart/form-data")
        return client.open(url, method=method, headers=headers, json=json)

    english, polish = send({}), send(PL)
    assert (english.status_code, polish.status_code) == (status, status), english.get_json()
    english, polish = english.get_json(), polish.get_json()
    # the texts for people are built from the translated messages, not translated themselves
    english.pop("field_text", None)
    words = polish.pop("field_text", None)
    unknown = [text for text in _texts(english) if not _known(text)]
    assert not unknown, f"English messages the catalogue lacks: {unknown}"
    assert polish == translate_messages(english)
    untranslated = [text for text in _texts(polish) if _known(text)]
    assert not untranslated, f"still English: {untranslated}"
    return {**polish, "field_text": words} if words else polish


# ------------------------------------------------------------------ the catalogue itself

# At least one English message per pattern, as the code and marshmallow word them.
SAMPLES = [
    # the reception page
    "done", "the call is on its way to your phone", "the call was ended",
    "this call has already ended: the caller hung up or someone else took it",
    "there is no such call in your company", "the switch did not answer: try again in a moment",
    "you have neither an extension nor a phone number to take the call on",
    "choose one place to send the call: user, group, extension, number or box",
    "there is no such queue member in your company", "status is one of available, logged_out, on_break",
    "the reception page is for receptionists: an admin gives the right in the user's settings",
    "too many reception pages are open on this server: the page tries again in a moment",
    "the call was transferred to Tomasz Wójcik",
    "your phone is calling Tomasz Wójcik: introduce the caller and hang up to join them, or press # to go back to "
    "the caller", "you are not talking with this caller: pick the call up first, then announce it", "the caller is leaving a message in Poczta główna",
    "Piotr Nowak takes calls from Sprzedaż again", "Piotr Nowak is logged out of Sprzedaż",
    "Piotr Nowak is on a break from Sprzedaż", "Jan Kowal has neither an extension nor a phone number to ring",
    "group 'Sprzedaż' has no extension to transfer to", "extension '999' belongs to nobody in this company",
    "'1;2' is not a call id", "the switch refused: -ERR Invalid!", "not on every switch: -ERR Agent not found!",
    "Missing data for required field.", "Field may not be null.", "Invalid value.", "Unknown field.",
    "Invalid input type.", "Invalid type.", "Not a valid string.", "Not a valid utf-8 string.",
    "Not a valid integer.", "Number too large.", "Not a valid boolean.", "Not a valid email address.",
    "Not a valid list.",
    "'2020-01-01T10:00' is in the past: an override must end later than now",
    "'2027-03-28T02:30' does not exist in Europe/Warsaw (a clock change): choose another time",
    "'2027-10-31T02:30' happens twice in Europe/Warsaw (a clock change): choose another time",
    "choose where the calls go: user needs user_id",
    "Length must be between 1 and 120.", "Shorter than minimum length 2.", "Longer than maximum length 500.",
    "Length must be 4.",
    "Must be greater than or equal to 1 and less than or equal to 3650.",
    "Must be greater than 0 and less than 10.", "Must be greater than or equal to 5.", "Must be less than 7.",
    "Must be one of: pl, en.",
    "invalid input",
    "The browser (or proxy) sent a request that this server could not understand.",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and "
    "try again.",
    "The method is not allowed for the requested URL.",
    "The data value transmitted exceeds the capacity limit.",
    "The server encountered an internal error and was unable to complete your request. Either the server is "
    "overloaded or there is an error in the application.",
    "a phone number is required",
    "'abc' is not a phone number: letters are not allowed",
    "'12#3' is not a phone number: only digits, spaces, '-', '(' ')' and a leading '+' are allowed",
    "'+999123' is not a phone number: (0) Could not interpret numbers after plus-sign.",
    "'+48' is not a phone number: (1) The string supplied did not seem to be a phone number.",
    "'+1' is not a phone number: (2) Phone number had an IDD, but after this was not long enough to be a viable "
    "phone number.",
    "'+481' is not a phone number: (3) The string supplied is too short to be a phone number.",
    "'+4812345678901234567890' is not a phone number: (4) The string supplied is too long to be a phone number.",
    "'12345' has 5 digits: a Polish number has 9, an international one starts with + or 00",
    "'+48000000000' is not a valid number for its country (wrong length or unknown prefix)",
    "control character U+0007 is not allowed",
    "extension '1' must be 2 to 6 digits",
    "'Mars/Olympus' is not an IANA time zone (e.g. Europe/Warsaw)",
    "user 7 does not exist in this company", "MainNumber 7 does not exist in this company",
    "user 7, 8 does not exist in this company",
    "extension 101 is already used by a user", "extension 200 is already used by a group",
    "a company named 'Konkurencja' already exists",
    "+48221000000 is already a main number",
    "choose a user or a group, not both",
    "cannot always present the main number without being allowed to",
    "a user may be in a group only once",
    "'ab*' is not a number or a prefix ending in '*'",
    "'*' would match every caller: put the start of the numbers before '*' (e.g. +4822*)",
    "recording 7 expired on 2026-03-01: it is no longer available",
    "a text-to-speech announcement needs its text",
    "a voicemail box needs at least one recipient",
    "a scenario may be at most 512 KiB of JSON",
    "the file has 3000000 bytes; an announcement may have at most 2097152 (2 MB)",
    "the file is not an mp3 (HeaderNotFoundError)",
    "the mp3 has no audio",
    "an announcement may have at most 2097152 bytes (2 MB)",
    "a company always has a primary number: make another number primary instead",
    "the primary number cannot be deleted: make another number primary first",
    "'2026-13-01' is not a date like 31.12.2026 or 2026-12-31",
    "no company with id or name 'Nikt'",
    "main number +48221000000 is not a number of this company",
    "main number +48221000000 has no scenario",
    "the scenario has no draft to publish",
    "the scenario has no version 4",
    "scenario without a name (+48221000000): the scenario of this number",
    "scenario Godziny pracy (+48221000000), draft, node sales",
    "scenario Godziny pracy (+48221000000), published version 2, node sales",
    "main number +48221000000 rings this user directly",
    "main number +48221000000 rings this group directly",
    "group Księgowość: its only member; the group is used by scenario Godziny pracy (+48221000000), draft, node "
    "accounting; main number +48221000000 rings this group directly",
    "voicemail box Poczta: its only recipient",
    "voicemail box Poczta główna: its greeting",
    "group Sprzedaż: its fallback", "main number +48221000000: its fallback", "the company's default fallback",
    "voicemail box Poczta główna is used by group Sprzedaż: its fallback",
    "choose a voicemail box or a number, not both",
    "user Tomasz Wójcik is used by voicemail box Poczta: its only recipient",
    "group Sprzedaż is used by scenario Godziny pracy (+48221000000), draft, node sales",
    "announcement Zamknięte is used by voicemail box Poczta główna: its greeting",
    "voicemail box Poczta główna is used by scenario Godziny pracy (+48221000000), draft, node vm_sales",
    "number list Zastrzeżeni is used by scenario Godziny pracy (+48221000000), draft, node vip",
    "the period ends before it starts: choose 'to' on or after 'from'",
    "a report covers at most 366 days: choose a shorter period",
    "the top-callers report takes no within", "no report named 'calls': choose one of days, hours",
    "hold is true or false", "no such recording", "give the caller number (?caller=...)",
    "sign in first", "your admin rights do not allow this", "give the e-mail address or phone number you sign in with",
    "send JSON (Content-Type: application/json)", "too many sign-in attempts: wait before trying again",
    "cross-site request refused: changes are accepted only from the panel's own pages",
    "missing or wrong CSRF token: send the X-CSRF-Token header",
    "this API token is not valid (revoked, or its owner lost the rights)", "this API token is read-only",
    "give the token a name (1-80 characters)", "scope is 'read' or 'full'", "no such API token",
    "API tokens are managed in the panel, not with an API token",
    "e-mail and code are required", "wrong or expired code",
    "only an owner (level 3) grants admin rights or changes an admin's sign-in address",
    "only an owner (level 3) deletes admins", "you cannot delete yourself", "choose an mp3 file",
    "the speech synthesizer is not available; try again later", "this announcement has no sound file yet",
    "the recording cannot be read from storage now; try again later",
    "the scenario has no draft", "give the version number to roll back to", "compare version numbers or 'draft'",
    "send a JSON object",
    "the database is not available now; try again in a moment",
    "a value of this request cannot be used: a number out of range or a NUL character",
    "'9999-12-31' is outside the years 1970-2200",
    "'garbage' is not a date-time like 2026-12-24T14:00",
    "switch_timezone: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Warsaw)",
    "at: the year must be between 1970 and 2200, not 9999",
    "talk: 'x' is not a duration like 40s, 1.5m or 90", "waiting: True is not a duration like 40s, 1.5m or 90",
    "busy_until: 'Anna' is not NAME=SECONDS (e.g. Anna=40s)",
    "'Zenon' is no user, group or phone number of this company", "'Anna' names 2 people: use the full name or extension",
    "sounds_dir: '/a b' is not an absolute folder path like /var/lib/freeswitch",
    'waiting: a list of durations (e.g. [20, "45s"])',
    'busy_until: an object of names and durations (e.g. {"Anna": "40s"})',
    "'x' is not a duration like 40s, 1.5m or 90", "'Anna' is not NAME=SECONDS (e.g. Anna=40s)",
    "'/a b' is not an absolute folder path like /var/lib/freeswitch", 'a list of durations (e.g. [20, "45s"])',
    'an object of names and durations (e.g. {"Anna": "40s"})',
    "the file is not an mp3: its content is in the hls format", "the file is not an mp3: no mp3 audio found",
    "the mp3 is damaged: big_values too big", "the mp3 takes too long to decode",
    "the mp3 is cut short: its header promises 3.0 s, only 1.5 s decode",
    "only an owner (level 3) sees or renews an admin's SIP password", "no such voicemail message",
    "heard is true or false", "a voicemail under legal hold cannot be deleted: release the hold first",
    "user Jan Nowak has no extension, so no phone can sign in as them: give them one first",
    "the recording lasts over 600 s; an announcement may last at most 600 s (10 minutes)", "the year must be between 1970 and 2200, not 1",
    "the export has 150000 calls; one file holds at most 100000: choose a shorter period (from, to) "
    "or run it as a background export",
    "the last day comes before the first", "the export is not ready yet: 5000 of 120000 calls written",
    "the export cannot be read from storage now; try again later",
]


def check_catalogue(samples: list[str]) -> None:
    """Every pattern matches a sample (a typo in a pattern fails) and every sample comes out Polish."""
    assert not [pattern.pattern for pattern, _ in CATALOGUE if not any(pattern.fullmatch(s) for s in samples)]
    for sample in samples:
        polish = translate(sample)
        assert polish != sample and not _known(polish), (sample, polish)


@pytest.mark.parametrize(("english", "polish"), [
    ("Missing data for required field.", "To pole jest wymagane."),
    ("Unknown field.", "Nieznane pole."),
    ("Not a valid integer.", "To nie jest liczba całkowita."),
    ("Must be greater than or equal to 1 and less than or equal to 3650.",
     "Wartość musi być z przedziału od 1 do 3650."),
    ("Must be greater than 0 and less than 10.", "Wartość musi być większa niż 0 i mniejsza niż 10."),
    ("Must be one of: blacklist, vip.", "Dozwolone wartości: blacklist, vip."),
    ("'1 2' has 3 digits: a Polish number has 9, an international one starts with + or 00",
     "'1 2' ma 3 cyfry: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."),
    ("\"it's\" has 1 digits: a Polish number has 9, an international one starts with + or 00",
     "\"it's\" ma 1 cyfrę: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."),
    ("'12345678901' has 11 digits: a Polish number has 9, an international one starts with + or 00",
     "'12345678901' ma 11 cyfr: polski numer ma 9 cyfr, a międzynarodowy zaczyna się od + lub 00."),
    ("user 7, 8 does not exist in this company", "Użytkownicy 7, 8 nie istnieją w tej firmie."),
    ("VoicemailBox 3 does not exist in this company", "Skrzynka głosowa 3 nie istnieje w tej firmie."),
    ("the file has 2097154 bytes; an announcement may have at most 2097152 (2 MB)",
     "Plik ma 2097154 bajty; zapowiedź może mieć najwyżej 2097152 bajty (2 MB)."),
    ("the export has 3 calls; one file holds at most 2: choose a shorter period (from, to) or run it as a "
     "background export", "Eksport obejmuje 3 połączenia; jeden plik mieści najwyżej 2 wiersze: wybierz krótszy "
     "okres (od, do) albo uruchom eksport w tle."),
    ("user Tomasz Wójcik is used by group Księgowość: its only member; the group is used by scenario without a "
     "name (+48221000000), published version 2, node accounting; main number +48221000000 rings this group directly",
     "użytkownik Tomasz Wójcik jest używany przez: grupa Księgowość (jako jej jedyny członek), a ta grupa jest "
     "używana przez: scenariusz bez nazwy (+48221000000), opublikowana wersja 2, węzeł accounting; numer główny "
     "+48221000000 dzwoni bezpośrednio do tej grupy"),
])
def test_translations(english, polish):
    assert translate(english) == polish


def test_unknown_messages_and_other_values_stay_as_they_are():
    assert translate("node n1: no such announcement") == "node n1: no such announcement"
    assert translate_messages({"members": {0: {"user_id": ["Not a valid integer."]}}, "count": 3, "none": None}) == \
        {"members": {0: {"user_id": ["To nie jest liczba całkowita."]}}, "count": 3, "none": None}


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
    assert _ask(as_owner, "PATCH", "/api/users/999999", json={}, status=404) == \
        {"error": "Użytkownik 999999 nie istnieje w tej firmie."}


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
    assert _ask(as_editor, "GET", "/api/main-numbers/999999", status=404) == \
        {"error": "Numer główny 999999 nie istnieje w tej firmie."}


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
    assert _ask(as_editor, "GET", f"/api/announcements/{silent}.wav", status=404) == \
        {"error": "Ta zapowiedź nie ma jeszcze pliku dźwiękowego."}
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
    assert english == {"error": "invalid input", "fields": {
        "retention_days": ["Must be greater than or equal to 1 and less than or equal to 3650."]}}


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
        "grupa Sprzedaż jest używana przez: scenariusz Godziny pracy (+48221000000), szkic, węzeł sales",
        "grupa Sprzedaż jest używana przez: scenariusz Godziny pracy (+48221000000), opublikowana wersja 1, "
        "węzeł sales",
        "grupa Sprzedaż jest używana przez: numer główny +48221000000 dzwoni bezpośrednio do tej grupy",
    ]
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Tomasz']}")["fields"]["used_by"] == [
        "użytkownik Tomasz Wójcik jest używany przez: grupa Księgowość (jako jej jedyny członek), a ta grupa jest "
        "używana przez: scenariusz Godziny pracy (+48221000000), szkic, węzeł accounting; scenariusz Godziny pracy "
        "(+48221000000), opublikowana wersja 1, węzeł accounting",
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
    assert _ask(as_owner, "DELETE", f"/api/users/{users['Anna']}", status=409) == \
        {"error": "Nie możesz usunąć samego siebie."}
    assert db.session.get(models.Group, groups["Sprzedaż"]) is not None


def test_refused_rights_and_unknown_addresses(as_viewer):
    assert _ask(as_viewer, "POST", "/api/users", json={}, status=403) == \
        {"error": "Twoje uprawnienia administratora na to nie pozwalają."}
    assert _ask(as_viewer, "GET", "/api/nothing", status=404)["error"].startswith("Na serwerze nie ma takiego adresu")
    assert _ask(as_viewer, "DELETE", "/api/company", status=405) == \
        {"error": "Ta metoda nie jest dozwolona dla tego adresu URL."}
    english = as_viewer.post("/api/users", json={})
    assert english.get_json() == {"error": "your admin rights do not allow this"}


def test_editor_refusals(as_editor, owner):
    assert _ask(as_editor, "DELETE", f"/api/users/{owner.id}", status=403) == \
        {"error": "Tylko właściciel (poziom 3) może usuwać administratorów."}
    assert _ask(as_editor, "PATCH", f"/api/users/{owner.id}", json={"admin_level": 2}, status=403)["error"] == \
        "Tylko właściciel (poziom 3) nadaje uprawnienia administratora i zmienia adres logowania administratora."
    assert _ask(as_editor, "PATCH", "/api/company", json={"retention_days": 0}, status=403) == \
        {"error": "Twoje uprawnienia administratora na to nie pozwalają."}


def test_signed_out(client, demo):
    assert _ask(client, "GET", "/api/users", status=401) == {"error": "Najpierw się zaloguj."}
    assert _ask(client, "POST", "/api/auth/verify", json={"email": "anna.kowalska@firma-abc.example", "code": "000000"},
                status=401) == {"error": "Błędny lub wygasły kod."}
