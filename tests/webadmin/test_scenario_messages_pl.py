"""The scenario editor's checker by code: errors, warnings, the publish refusal, version warnings, the diff.

Each tree is checked twice, without and with ``Accept-Language: pl``: both answers carry the same codes
and parameters, and each text is exactly its code's English or Polish catalogue text.
"""
from __future__ import annotations

import copy

import pytest

from pbx import models
from pbx.extensions import db
from pbx.messages import Message
from pbx.nodes.base import branch_words
from tests.support.messages import same_in_both_languages

PL = {"Accept-Language": "pl"}


def _same_in_polish(english: list[dict], polish: list[dict]) -> None:
    """Problems (or diff lines) in both languages: the same codes, each text its catalogue's."""
    for found_en, found_pl in zip(english, polish, strict=True):
        same_in_both_languages({**found_en, "error": found_en["message"]}, {**found_pl, "error": found_pl["message"]})


def _check(client, base: str, tree: dict) -> tuple[dict, dict]:
    """The English and the Polish check of a tree, after comparing them."""
    english = client.post(f"{base}/check", json=tree).get_json()
    polish = client.post(f"{base}/check", json=tree, headers=PL).get_json()
    assert polish["ok"] == english["ok"]
    for key in ("errors", "warnings"):
        assert [p["node_id"] for p in polish[key]] == [p["node_id"] for p in english[key]]
        _same_in_polish(english[key], polish[key])
    return english, polish


def _chain(length: int, prompt: int, last: dict | None = None) -> dict:
    """Announcements one below the other, `length` of them."""
    node = last
    for index in reversed(range(length)):
        node = {"id": f"a{index}", "kind": "announcement", "prompt": prompt, **({"next": node} if node else {})}
    return node


# ------------------------------------------------------------------ the words of the checker

@pytest.mark.parametrize(("code", "params", "polish"), [
    ("check.branch_missing", {"branch": "otherwise"}, "Brak gałęzi „pozostali”: połączenie nie miałoby dokąd trafić."),
    ("check.too_many_nodes", {"nodes": 502, "max": 500}, "Scenariusz ma 502 węzły; dozwolonych jest najwyżej 500."),
    ("check.too_deep", {"levels": 30}, "Węzły można zagnieżdżać najwyżej na głębokość 30 poziomów."),
    ("input.in_field", {"field": "week.mon.value", "message": Message("schedule.end_before_start", start="10:00",
                                                                      end="09:00")},
     "Godziny otwarcia: poniedziałek: 10:00-09:00: koniec musi być później niż początek."),
    ("input.in_field", {"field": "exceptions.0.date", "message": Message("schedule.not_a_calendar_date",
                                                                         value="2026-02-30")},
     "Wyjątek 1: data: '2026-02-30' nie jest istniejącą datą."),
])
def test_polish_words(code, params, polish):
    if code == "check.branch_missing":
        params = {"branch": branch_words(params["branch"])}
    assert Message(code, **params).in_language("pl") == polish


# ------------------------------------------------------------------ the checker through the API

def test_shape_errors_of_every_kind(as_viewer, base):
    tree = {"name": "Zepsuty", "root": {
        "id": "hours", "kind": "schedule", "holidays": "de",
        "week": {"monday": [["08:00", "16:00"]], "tue": [["8:00", "16:00"]], "wed": [["10:00", "09:00"]],
                 "thu": "x", "fri": [["08:00"]], "sat": [["08:00", "09:00"]] * 13},
        "exceptions": [{"date": "2026-02-30"}, {"date": "24.12"}, {"hours": []}],
        "open": {"id": "Welcome!", "kind": "announcement", "prompt": "x", "repeat": 11, "color": "red",
                 "next": {"id": "main_menu", "kind": "menu", "prompt": 0, "timeout_seconds": 99,
                          "direct_dial": "maybe", "options": {"x": {}, "1": {"id": "bye", "kind": "hangup"}},
                          "no_input": "x", "invalid": {"id": "back", "kind": "goto", "target": "Main Menu"}}},
        "closed": {"id": "closed", "kind": "menu", "prompt": 3, "options": "none",
                   "no_input": {"id": "both", "kind": "forward", "target": {"user": 1, "group": 1},
                                "queue": {"max_wait_seconds": 5}, "no_answer": {"id": "vm", "kind": "voicemail"}},
                   "invalid": {"id": "phone", "kind": "forward", "target": {"number": "abc"}, "ring_seconds": "x",
                               "no_answer": {"id": "list", "kind": "caller_condition", "list": None,
                                             "otherwise": {"id": "bye", "kind": "hangup", "prompt": -1},
                                             "match": {"id": "odd", "kind": "ivr"}}}},
    }}
    english, polish = _check(as_viewer, base, tree)
    assert english["ok"] is False and len(english["errors"]) >= 20
    errors = {(p["node_id"], p["message"]) for p in polish["errors"]}
    assert ("hours", "Godziny otwarcia: pole monday: klawisz: Dozwolone wartości: mon, tue, wed, thu, fri, sat, sun.") in errors
    assert ("hours", "Godziny otwarcia: środa: 10:00-09:00: koniec musi być później niż początek.") in errors
    assert ("hours", "Wyjątek 1: data: '2026-02-30' nie jest istniejącą datą.") in errors
    assert ("main_menu", "Klawisze: pole x: klawisz: Opcja 'x' nie jest żadnym z klawiszy 0-9, * ani #.") in errors
    assert ("main_menu.no_input", "Węzeł musi być obiektem JSON.") in errors
    assert ("both", "Cel: Wybierz dokładnie jedno: użytkownika, grupę albo numer.") in errors
    assert ("bye", "Ten identyfikator ma już inny węzeł.") in errors
    assert ("odd", "Nieznany rodzaj węzła 'ivr' (dostępne rodzaje: announcement, caller_condition, fax, forward, goto, "
                   "hangup, menu, occasional, personal, schedule, server, voicemail).") in errors

    _check(as_viewer, base, {"root": {"id": "a", "kind": "schedule", "exceptions": [{"date": "12-24"}] * 2,
                                      "open": {"kind": None}, "closed": {"id": "c", "kind": "hangup"}}})
    _check(as_viewer, base, {"root": "hangup"})
    _check(as_viewer, base, {"name": 5, "root": {"id": "bye", "kind": "hangup"}})
    assert _check(as_viewer, base, {"root": _chain(70, 1)})[1]["errors"][0]["message"] == \
        "Scenariusz jest za duży, by go odczytać."


def test_directory_errors_and_warnings_of_every_kind(as_editor, base, demo, draft):
    tenant = demo.main_numbers[0].tenant_id
    english_prompt = models.Announcement(tenant_id=tenant, name="Welcome", language=models.Language.EN)
    db.session.add(english_prompt)
    db.session.commit()
    made = [as_editor.post(path, json=data).get_json()["id"] for path, data in (
        ("/api/groups", {"name": "Pusta", "members": []}),
        ("/api/number-lists", {"name": "Pusta VIP", "kind": "vip", "patterns": []}),
        ("/api/number-lists", {"name": "Spam", "kind": "blacklist", "patterns": ["+48221111111"]}),
        ("/api/voicemail-boxes", {"name": "Cicha", "recipient_ids": [demo.users[0].id]}),
        ("/api/users", {"first_name": "Jan", "last_name": "Bez", "email": "jan.bez@firma-abc.example"}),
    )]
    empty_group, vip, spam, silent_box, unreachable = made
    menu_prompt, closed_prompt = draft["root"]["open"]["next"]["prompt"], draft["root"]["closed"]["prompt"]
    hang_up = {"id": "bye", "kind": "hangup"}
    tree = {"root": {
        "id": "hours", "kind": "schedule", "week": {},
        "open": {"id": "welcome", "kind": "announcement", "prompt": english_prompt.id, "next": {
            "id": "main_menu", "kind": "menu", "prompt": 999999, "invalid_prompt": 999998, "options": {
                "1": {"id": "ghost_user", "kind": "forward", "target": {"user": 999999}, "no_answer": {
                    "id": "vm_missing", "kind": "voicemail", "box": 999999}},
                "2": {"id": "ghost_group", "kind": "forward", "target": {"group": 999999}},
                "3": {"id": "nobody", "kind": "forward", "target": {"user": unreachable}, "no_answer": {
                    "id": "vm_silent", "kind": "voicemail", "box": silent_box}},
                "4": {"id": "outside", "kind": "forward", "target": {"number": "+48221234567"},
                      "queue": {"max_wait_seconds": 60}, "no_answer": {**hang_up, "id": "bye4"}},
                "5": {"id": "empty", "kind": "forward", "target": {"group": empty_group},
                      "queue": {"max_wait_seconds": 20}, "no_answer": {**hang_up, "id": "bye5"}},
                "6": {"id": "no_list", "kind": "caller_condition", "list": 999999,
                      "otherwise": {**hang_up, "id": "bye6"}},
                "7": {"id": "spam", "kind": "caller_condition", "list": spam, "match": {**hang_up, "id": "bye7"},
                      "otherwise": {**hang_up, "id": "bye8"}},
                "8": {"id": "vip", "kind": "caller_condition", "list": vip, "otherwise": {
                    "id": "jump", "kind": "goto", "target": "nowhere"}},
                "0": {"id": "no_fallback", "kind": "forward", "target": {"group": empty_group}},
                "9": {"id": "no_keys", "kind": "menu", "prompt": menu_prompt, "no_input": {**hang_up, "id": "bye9"},
                      "invalid": {**hang_up, "id": "bye10", "prompt": 999999}},
            }}},
        "closed": {"id": "closed", "kind": "announcement", "prompt": closed_prompt},
    }}
    english, polish = _check(as_editor, base, tree)
    assert len(english["errors"]) == 14 and len(english["warnings"]) == 12
    errors = {(p["node_id"], p["message"]) for p in polish["errors"]}
    assert ("no_fallback", "Brak gałęzi „brak odpowiedzi”, a ani grupa, ani firma nie mają ustawionego miejsca na "
                           "nieodebrane połączenia: połączenie nie miałoby dokąd trafić.") in errors
    assert ("vm_missing", "Skrzynka głosowa 999999 nie istnieje w tej firmie.") in errors
    assert ("no_list", "Lista numerów 999999 nie istnieje w tej firmie.") in errors
    assert ("spam", "Połączenia od dzwoniących z czarnej listy są odrzucane: usuń gałąź „na liście”.") in errors
    assert ("jump", "Cel skoku 'nowhere' nie jest węzłem tego scenariusza.") in errors
    warnings = {(p["node_id"], p["message"]) for p in polish["warnings"]}
    assert ("hours", "Harmonogram nigdy nie jest otwarty: każde połączenie trafi do gałęzi „zamknięte”.") in warnings
    assert ("welcome", "Zapowiedź Welcome jest po angielsku, a firma mówi po polsku: brak zapowiedzi w języku "
                       "firmy.") in warnings
    assert ("vm_silent", "Skrzynka głosowa Cicha nie ma powitania: dzwoniący usłyszą tylko sygnał.") in warnings
    assert ("vip", "Lista numerów Pusta VIP jest pusta: każde połączenie trafi do gałęzi „pozostali”.") in warnings
    assert ("empty", "Grupa Pusta nie ma członka, do którego można zadzwonić: połączenia od razu trafią do gałęzi "
                     "zapasowej.") in warnings
    assert ("empty", "Dzwoniący opuszczają kolejkę po 20 s, przed pierwszym komunikatem (co 30 s): nie usłyszą "
                     "żadnego.") in warnings
    assert ("nobody", "Użytkownik Jan Bez nie ma ani numeru telefonu, ani numeru wewnętrznego, na który można "
                      "zadzwonić.") in errors


def test_limits_of_the_tree(as_viewer, base, draft):
    prompt = draft["root"]["open"]["next"]["prompt"]
    english, polish = _check(as_viewer, base, {"root": _chain(31, prompt, {"id": "bye", "kind": "hangup"})})
    assert polish["errors"] == [{"node_id": "a30", "message": "Węzły można zagnieżdżać najwyżej na głębokość 30 "
                                 "poziomów.", "code": "check.too_deep", "params": {"levels": 30}}]
    leaves = {key: _chain(3, prompt, {"id": "bye", "kind": "hangup"}) for key in "123456789*#0"}
    menus = {key: {"id": f"m{key}", "kind": "menu", "prompt": prompt, "options": {
        k: copy.deepcopy(leaf) for k, leaf in leaves.items()}} for key in "123456789*#0"}
    _check(as_viewer, base, {"root": {"id": "top", "kind": "menu", "prompt": prompt, "options": menus}})


# ------------------------------------------------------------------ publishing, versions and the diff

def test_publish_refusal_in_polish(as_editor, base, draft):
    draft["root"]["open"]["next"]["options"]["1"]["target"] = {"group": 999999}
    draft["root"]["closed"]["next"]["box"] = 424242
    assert as_editor.put(f"{base}/draft", json=draft).status_code == 200
    english = as_editor.post(f"{base}/publish")
    polish = as_editor.post(f"{base}/publish", headers=PL)
    assert (english.status_code, polish.status_code) == (422, 422)
    english, polish = english.get_json(), polish.get_json()
    assert english["error"] == "the scenario has errors" and polish["error"] == "Scenariusz zawiera błędy."
    same_in_both_languages(english, polish)
    _same_in_polish(english["problems"], polish["problems"])
    assert polish["fields"] == {"sales": ["Grupa 999999 nie istnieje w tej firmie."],
                                "vm_closed": ["Skrzynka głosowa 424242 nie istnieje w tej firmie."]}


def test_draft_with_a_broken_shape_is_refused_in_polish(as_editor, base):
    response = as_editor.put(f"{base}/draft", json={"name": "x", "root": {"kind": "menu"}}, headers=PL)
    assert response.status_code == 422
    assert response.get_json() == {"error": "Nieprawidłowe dane.", "code": "input.invalid_body", "params": {},
                                   "fields": {"root": {"id": ["To pole jest wymagane."]}},
                                   "field_codes": {"root": {"id": [{"code": "input.required", "params": {}}]}},
                                   "field_text": {"root": "identyfikator węzła: To pole jest wymagane."}}


def test_version_warnings_and_diff_in_polish(as_editor, base, draft):
    del draft["root"]["open"]["next"]["invalid"]
    as_editor.put(f"{base}/draft", json=draft)
    assert as_editor.post(f"{base}/publish").status_code == 201
    english = as_editor.get(base).get_json()["versions"][0]["warnings"]
    polish = as_editor.get(base, headers=PL).get_json()["versions"][0]["warnings"]
    assert english == ["main_menu: no “invalid” branch: a caller who presses a wrong key is hung up"]
    assert polish == ["main_menu: Brak gałęzi „błędny wybór”: dzwoniący, który naciśnie niewłaściwy klawisz, "
                      "zostanie rozłączony."]
    assert as_editor.get(f"{base}/versions/1", headers=PL).get_json()["warnings"] == polish

    menu = draft["root"]["open"]["next"]
    menu["options"]["3"] = {"id": "bye", "kind": "hangup"}
    menu["options"]["1"]["ring_seconds"] = 25
    menu["options"]["1"]["queue"] = {"max_wait_seconds": 60}
    menu["options"]["1"]["name"] = "Handel to my"
    del draft["root"]["open"]["name"]
    draft["root"]["closed"]["next"] = menu["no_input"]["no_answer"]
    menu["no_input"]["no_answer"] = {"id": "vm_new", "kind": "voicemail", "box": menu["no_input"]["no_answer"]["box"]}
    as_editor.put(f"{base}/draft", json=draft)
    english = as_editor.get(f"{base}/diff?from=1&to=draft").get_json()
    polish = as_editor.get(f"{base}/diff?from=1&to=draft", headers=PL).get_json()
    assert english["codes"] == polish["codes"]
    _same_in_polish([{"message": line, **code} for line, code in zip(english["lines"], english["codes"])],
                    [{"message": line, **code} for line, code in zip(polish["lines"], polish["codes"])])
    english, polish = english["lines"], polish["lines"]
    assert polish == [
        "Dodano węzeł „Rozłączenie” bye do gałęzi „klawisz 3” węzła Menu główne",
        "Dodano węzeł „Poczta głosowa” vm_new do gałęzi „brak odpowiedzi” węzła Recepcja",
        "Usunięto węzeł „Poczta głosowa” vm_closed",
        'Węzeł Powitanie: usunięto nazwa (było "Powitanie")',
        "Węzeł Menu główne: zmieniono klawisze z 1, 2 na 1, 2, 3",
        'Węzeł Handel to my: zmieniono nazwa z "Sprzedaż" na "Handel to my"',
        'Węzeł Handel to my: ustawiono kolejka na {"max_wait_seconds": 60}',
        "Węzeł Handel to my: zmieniono czas dzwonienia z 40 na 25",
        "Przeniesiono węzeł vm_reception z gałęzi „brak odpowiedzi” węzła Recepcja do gałęzi „dalej” węzła Zamknięte"]
    assert english[-1] == ("moved node vm_reception from the “no answer” branch of Recepcja to the “next” branch of "
                           "Zamknięte")
