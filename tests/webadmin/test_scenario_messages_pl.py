"""The scenario editor's checker in Polish: errors, warnings, the publish refusal, version warnings, the diff.

Each tree is checked twice, without and with ``Accept-Language: pl``: every English message must be
one the catalogue knows, and the Polish answer must be exactly its translation.
"""
from __future__ import annotations

import copy

import pytest

from pbx import models
from pbx.extensions import db
from schemas.messages_pl import translate
from tests.webadmin.test_api_messages_pl import SAMPLES as FORM_SAMPLES
from tests.webadmin.test_api_messages_pl import _known, check_catalogue

PL = {"Accept-Language": "pl"}


def _same_in_polish(english: list[str], polish: list[str]) -> None:
    unknown = [text for text in english if not _known(text)]
    assert not unknown, f"English messages the catalogue lacks: {unknown}"
    assert polish == [translate(text) for text in english]
    untranslated = [text for text in polish if _known(text)]
    assert not untranslated, f"still English: {untranslated}"


def _messages(problems: list[dict]) -> list[str]:
    return [p["message"] for p in problems]


def _check(client, base: str, tree: dict) -> tuple[dict, dict]:
    """The English and the Polish check of a tree, after comparing them."""
    english = client.post(f"{base}/check", json=tree).get_json()
    polish = client.post(f"{base}/check", json=tree, headers=PL).get_json()
    assert polish["ok"] == english["ok"]
    for key in ("errors", "warnings"):
        assert [p["node_id"] for p in polish[key]] == [p["node_id"] for p in english[key]]
        _same_in_polish(_messages(english[key]), _messages(polish[key]))
    return english, polish


def _chain(length: int, prompt: int, last: dict | None = None) -> dict:
    """Announcements one below the other, `length` of them."""
    node = last
    for index in reversed(range(length)):
        node = {"id": f"a{index}", "kind": "announcement", "prompt": prompt, **({"next": node} if node else {})}
    return node


# ------------------------------------------------------------------ the catalogue itself

# At least one English message per pattern the scenario checker and the diff add, as the code words them.
SAMPLES = [
    "Not a valid mapping type.",
    "the scenario has errors",
    "a scenario is an object with a `root` node",
    "`name` must be text",
    "the scenario is too large to read",
    "a node must be a JSON object",
    "this id is used by another node",
    "unknown kind None (one of: announcement, caller_condition, forward, goto, hangup, menu, schedule, voicemail)",
    "unknown kind 'ivr' (one of: announcement, caller_condition, forward, goto, hangup, menu, schedule, voicemail)",
    "a node id is a lowercase letter then up to 39 of a-z, 0-9, '_'",
    "the scenario has 589 nodes; at most 500 are allowed",
    "nodes may be nested at most 30 levels deep",
    "the `no_answer` branch is missing: the call would end nowhere",
    "main number 7 does not exist in this company",
    "announcement 7 does not exist in this company",
    "announcement 4 is in 'en', the company's language is 'pl': no prompt for the company's language",
    "'8:00' is not a time HH:MM (00:00 to 23:59)",
    '10:00-09:00: the end must be after the start',
    'hours are a list of ["HH:MM", "HH:MM"] pairs',
    'hours are a list of at most 12 ["HH:MM", "HH:MM"] pairs',
    "'24.12' is not a date YYYY-MM-DD or MM-DD",
    "'2026-02-30' is not a calendar date",
    "each exception date may appear once",
    "the schedule is never open: every call takes the `closed` branch",
    "dead end: the call is hung up after the announcement (add `next` or a hangup node)",
    "option 'x' is not one of 0-9, * or #",
    "a menu needs at least one option or direct dial",
    "no `no_input` branch: a caller who presses nothing is hung up",
    "no `invalid` branch: a caller who presses a wrong key is hung up",
    "name exactly one of user, group or number",
    "user 7 has neither a phone number nor an extension to ring",
    "only a user or a group can answer a queue, not an external number",
    "group 3 has no member to ring: calls go straight to the fallback",
    "the queue has no real fallback: callers are hung up after the maximum wait",
    "callers leave the queue after 20 s, before the first announcement (every 30 s): they hear none",
    "voicemail box 7 does not exist in this company",
    "voicemail box 2 has no greeting: callers hear only the beep",
    "number list 7 does not exist in this company",
    "callers on a blacklist are rejected: remove the `match` branch",
    "a VIP list needs a `match` branch for the callers on it",
    "number list 2 is empty: every caller takes `otherwise`",
    "goto target 'sales' is not a node of this scenario",
    "a loop without a keypress or a time limit: Powitanie (top) → back → Powitanie (top): put a menu in it, "
    "or a forward with ringing",
    "the `no_answer` branch is missing and neither the group nor the company has a fallback: the call would end nowhere",
    "week.mon.value: 10:00-09:00: the end must be after the start",
    "added hangup node bye under the top",
    "added hangup node bye under main_menu.3",
    "removed voicemail node vm_closed",
    "moved node vm_closed from closed.next to the top",
    "node sales: queue set to {\"max_wait_seconds\": 60}",
    "node welcome: name removed (was \"Powitanie\")",
    "node sales: name changed from \"Sprzedaż to dział\" to \"Handel\"",
    "the preview needs 17520 probes (1 schedule(s) × the range ÷ step); at most 500: shorten the range or use a longer step",
]


def test_every_pattern_has_a_sample_that_comes_out_polish():
    check_catalogue(FORM_SAMPLES + SAMPLES)


@pytest.mark.parametrize(("english", "polish"), [
    ("the `otherwise` branch is missing: the call would end nowhere",
     "Brak gałęzi `otherwise`: połączenie nie miałoby dokąd trafić."),
    ("the scenario has 502 nodes; at most 500 are allowed", "Scenariusz ma 502 węzły; dozwolonych jest najwyżej 500."),
    ("nodes may be nested at most 30 levels deep", "Węzły można zagnieżdżać najwyżej na głębokość 30 poziomów."),
    ("voicemail box 424242 does not exist in this company", "Skrzynka głosowa 424242 nie istnieje w tej firmie."),
    ("goto target 'sales' is not a node of this scenario", "Cel skoku 'sales' nie jest węzłem tego scenariusza."),
    ("a loop without a keypress or a time limit: Powitanie (top) → back → Powitanie (top): put a menu in it, "
     "or a forward with ringing",
     "Pętla bez naciśnięcia klawisza i bez limitu czasu: Powitanie (top) → back → Powitanie (top): "
     "dodaj do niej menu albo przekierowanie z dzwonieniem."),
    ("week.mon.value: 10:00-09:00: the end must be after the start",
     "Godziny otwarcia: poniedziałek: 10:00-09:00: koniec musi być później niż początek."),
    ("target._schema: name exactly one of user, group or number",
     "Cel: Podaj dokładnie jedno z pól: user, group albo number."),
    ("moved node vm_closed from closed.next to the top",
     "Przeniesiono węzeł vm_closed z gałęzi closed.next do początku scenariusza"),
    ("node sales: name changed from \"Sprzedaż to dział\" to \"Handel to my\"",
     "Węzeł sales: zmieniono name z \"Sprzedaż to dział\" na \"Handel to my\""),
])
def test_translations(english, polish):
    assert translate(english) == polish


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
    assert ("both", "Cel: Podaj dokładnie jedno z pól: user, group albo number.") in errors
    assert ("bye", "Ten identyfikator ma już inny węzeł.") in errors
    assert ("odd", "Nieznany rodzaj węzła 'ivr' (dostępne rodzaje: announcement, caller_condition, forward, goto, "
                   "hangup, menu, schedule, voicemail).") in errors

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
                      "queue": {"max_wait_seconds": 60}, "no_answer": {**hang_up, "id": "bye5"}},
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
    assert len(english["errors"]) == 14 and len(english["warnings"]) == 11
    errors = {(p["node_id"], p["message"]) for p in polish["errors"]}
    assert ("no_fallback", "Brak gałęzi `no_answer`, a ani grupa, ani firma nie mają ustawionego miejsca na "
                           "nieodebrane połączenia: połączenie nie miałoby dokąd trafić.") in errors
    assert ("vm_missing", "Skrzynka głosowa 999999 nie istnieje w tej firmie.") in errors
    assert ("no_list", "Lista numerów 999999 nie istnieje w tej firmie.") in errors
    assert ("spam", "Połączenia od dzwoniących z czarnej listy są odrzucane: usuń gałąź `match`.") in errors
    assert ("jump", "Cel skoku 'nowhere' nie jest węzłem tego scenariusza.") in errors
    warnings = {(p["node_id"], p["message"]) for p in polish["warnings"]}
    assert ("hours", "Harmonogram nigdy nie jest otwarty: każde połączenie trafi do gałęzi `closed`.") in warnings
    assert ("welcome", f"Zapowiedź {english_prompt.id} jest w języku 'en', a język firmy to 'pl': brak zapowiedzi "
                       "w języku firmy.") in warnings
    assert ("vm_silent", f"Skrzynka głosowa {silent_box} nie ma powitania: dzwoniący usłyszą tylko sygnał.") in warnings
    assert ("vip", f"Lista numerów {vip} jest pusta: każde połączenie trafi do gałęzi `otherwise`.") in warnings


def test_limits_of_the_tree(as_viewer, base, draft):
    prompt = draft["root"]["open"]["next"]["prompt"]
    english, polish = _check(as_viewer, base, {"root": _chain(31, prompt, {"id": "bye", "kind": "hangup"})})
    assert polish["errors"] == [{"node_id": "a30", "message":
                                 "Węzły można zagnieżdżać najwyżej na głębokość 30 poziomów."}]
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
    assert polish["fields"] == {node: [translate(m) for m in messages] for node, messages in english["fields"].items()}
    _same_in_polish(_messages(english["problems"]), _messages(polish["problems"]))
    assert polish["fields"] == {"sales": ["Grupa 999999 nie istnieje w tej firmie."],
                                "vm_closed": ["Skrzynka głosowa 424242 nie istnieje w tej firmie."]}


def test_draft_with_a_broken_shape_is_refused_in_polish(as_editor, base):
    response = as_editor.put(f"{base}/draft", json={"name": "x", "root": {"kind": "menu"}}, headers=PL)
    assert response.status_code == 422
    assert response.get_json() == {"error": "Nieprawidłowe dane.",
                                   "fields": {"root": {"id": ["To pole jest wymagane."]}},
                                   "field_text": {"root": "id: To pole jest wymagane."}}


def test_version_warnings_and_diff_in_polish(as_editor, base, draft):
    del draft["root"]["open"]["next"]["invalid"]
    as_editor.put(f"{base}/draft", json=draft)
    assert as_editor.post(f"{base}/publish").status_code == 201
    english = as_editor.get(base).get_json()["versions"][0]["warnings"]
    polish = as_editor.get(base, headers=PL).get_json()["versions"][0]["warnings"]
    assert english == ["main_menu: no `invalid` branch: a caller who presses a wrong key is hung up"]
    assert polish == ["main_menu: Brak gałęzi `invalid`: dzwoniący, który naciśnie niewłaściwy klawisz, "
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
    english = as_editor.get(f"{base}/diff?from=1&to=draft").get_json()["lines"]
    polish = as_editor.get(f"{base}/diff?from=1&to=draft", headers=PL).get_json()["lines"]
    _same_in_polish(english, polish)
    assert len(english) >= 7
    assert "Dodano węzeł hangup bye w gałęzi main_menu.3" in polish
    assert "Usunięto węzeł voicemail vm_closed" in polish
    assert "Dodano węzeł voicemail vm_new w gałęzi reception.no_answer" in polish
    assert "Przeniesiono węzeł vm_reception z gałęzi reception.no_answer do gałęzi closed.next" in polish
    assert 'Węzeł sales: ustawiono queue na {"max_wait_seconds": 60}' in polish
    assert "Węzeł sales: zmieniono ring_seconds z 40 na 25" in polish
    assert 'Węzeł sales: zmieniono name z "Sprzedaż" na "Handel to my"' in polish
    assert 'Węzeł welcome: usunięto name (było "Powitanie")' in polish
