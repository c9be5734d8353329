"""A number-list pattern that would match every caller is refused, by name; real patterns keep working."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize("pattern", ["*", " * ", "+*", "00*", "- *", "+ *"])
def test_a_pattern_matching_every_caller_is_refused(as_editor, pattern):
    response = as_editor.post("/api/number-lists", json={"name": "Spam", "kind": "blacklist",
                                                         "patterns": ["+48666000666", pattern]})
    assert response.status_code == 422
    assert response.get_json()["fields"]["patterns"]["1"] == [
        f"{pattern!r} would match every caller: put the start of the numbers before '*' (e.g. +4822*)"]
    assert as_editor.get("/api/number-lists").get_json() == []  # nothing half-stored


def test_the_refusal_in_polish(as_editor):
    response = as_editor.post("/api/number-lists", json={"name": "Spam", "kind": "blacklist", "patterns": ["*"]},
                              headers={"Accept-Language": "pl"})
    assert response.get_json()["fields"]["patterns"]["0"] == [
        "'*' pasowałby do każdego dzwoniącego: przed '*' wpisz początek numerów (np. +4822*)."]


def test_a_pattern_matching_every_caller_cannot_be_patched_in_either(as_editor):
    created = as_editor.post("/api/number-lists", json={"name": "Spam", "kind": "blacklist", "patterns": ["+48666*"]})
    assert created.status_code == 201
    response = as_editor.patch(f"/api/number-lists/{created.get_json()['id']}", json={"patterns": ["*"]})
    assert response.status_code == 422
    assert as_editor.get("/api/number-lists").get_json()[0]["patterns"] == ["+48666*"]


@pytest.mark.parametrize("typed,stored", [
    ("+4822*", "+4822*"), ("22*", "+4822*"), ("0048 22*", "+4822*"), ("+44*", "+44*"), ("+48*", "+48*"),
    ("601 100 200", "+48601100200"), ("+48 601-100-200", "+48601100200"),
])
def test_real_patterns_keep_working(as_editor, typed, stored):
    response = as_editor.post("/api/number-lists", json={"name": "VIP", "kind": "vip", "patterns": [typed]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["patterns"] == [stored]


HOSTILE_PATTERNS = st.lists(st.one_of(
    st.sampled_from(["$${hostname}", "${api(system ls)}", "X-PRE-PROCESS", "*", "+", "00", "48", "'", '"', "<", ">",
                     "&", "\n", "\r", "|", "$", "^", "(", ")", ".", " ", "-", "1", "22", "600100200"]),
    st.text(max_size=3)), min_size=1, max_size=5).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pattern=HOSTILE_PATTERNS)
def test_a_stored_pattern_is_digits_and_at_most_a_final_star(as_editor, pattern):
    """Number-list entries reach the dialplan's caller-id expressions: only digits get there."""
    response = as_editor.post("/api/number-lists", json={"name": "Lista", "kind": "blacklist", "patterns": [pattern]})
    if response.status_code == 422:
        assert response.get_json()["fields"]["patterns"]["0"]
        return
    assert response.status_code == 201, response.get_json()
    (stored,) = response.get_json()["patterns"]
    assert re.fullmatch(r"\+[0-9]{1,15}\*?", stored), stored
    assert as_editor.delete(f"/api/number-lists/{response.get_json()['id']}").status_code == 204
