"""Input errors for people: list items counted from 1 and fields by label, beside marshmallow's 0-based structure."""
from __future__ import annotations

PL = {"Accept-Language": "pl"}


def test_a_list_error_names_the_line_as_people_count_it(as_editor):
    patterns = ["+48221000000", "+48221000001", "abc"]
    english = as_editor.post("/api/number-lists", json={"name": "Lista", "kind": "vip", "patterns": patterns})
    polish = as_editor.post("/api/number-lists", json={"name": "Lista", "kind": "vip", "patterns": patterns}, headers=PL)
    assert english.get_json()["fields"]["patterns"] == {"2": ["'abc' is not a phone number: letters are not allowed"]}
    assert english.get_json()["field_text"] == {"patterns": "line 3: 'abc' is not a phone number: letters are not allowed"}
    assert polish.get_json()["field_text"]["patterns"].startswith("wiersz 3: 'abc' nie jest numerem telefonu")


def test_a_nested_field_is_named_by_its_label(as_editor, demo):
    members = [{"user_id": demo.users[1].id, "ring_seconds": 2}, "x"]
    body = as_editor.post("/api/groups", json={"name": "", "members": members}, headers=PL).get_json()
    assert body["fields"]["members"]["0"] == {"ring_seconds": ["Wartość musi być z przedziału od 5 do 300."]}
    assert body["field_text"]["members"] == ("wiersz 1: czas dzwonienia: Wartość musi być z przedziału od 5 do 300.; "
                                             "wiersz 2: Nieprawidłowy typ danych.")
    assert body["fields"]["name"] and "name" not in body["field_text"]  # a flat error reads as it is


def test_a_scenario_field_path_reads_in_words(as_viewer, base):
    tree = {"name": "x", "root": {"id": "hours", "kind": "schedule", "exceptions": [{"date": "2026-02-30"}],
                                  "open": {"id": "a", "kind": "hangup"}, "closed": {"id": "b", "kind": "hangup"}}}
    polish = as_viewer.post(f"{base}/check", json=tree, headers=PL).get_json()
    assert [p["message"] for p in polish["errors"]] == ["Wyjątek 1: data: '2026-02-30' nie jest istniejącą datą."]
    assert polish["errors"][0]["params"]["field"] == "exceptions.0.date"  # the path stays for API clients
