"""The message catalogues: every code the code base uses has an English and a Polish text with the same
parameters, and every text of the catalogues is used.

The code base is read, not run: each ``Message("<code>", ...)`` call names a code and its parameters,
and each code-shaped text (``"<area>.<name>"`` of an area the catalogues have) names a code used
indirectly (marshmallow's messages, the nouns of missing objects, the branch words).
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from pbx.messages import CATALOGUES, Message, plural
from pbx.messages import en, pl

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pbx", "webadmin", "schemas", "xml_curl")
EN, PL = en.TEXTS, pl.TEXTS


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not {"messages", "migrations"} & set(path.parts):  # the catalogues; table names in migrations
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _message_calls() -> list[tuple[str, str, set[str] | None]]:
    """(where, code, keyword names or None when some come as **mapping) of every Message("...") call."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Message"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = {k.arg for k in node.keywords}
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value,
                              None if None in names else names))
    return found


def _code_texts() -> set[str]:
    """Every text in the code base shaped like a code of an area the catalogues have."""
    areas = "|".join(sorted({code.split(".")[0] for code in EN}))
    shape = re.compile(rf"(?:{areas})\.[a-z0-9_]+")
    return {child.value for _, tree in _modules() for node in ast.walk(tree) if not isinstance(node, ast.BinOp)
            for child in ast.iter_child_nodes(node)  # a file name joined to a path is no code, nor a
            if isinstance(child, ast.Constant) and isinstance(child.value, str) and shape.fullmatch(child.value)
            and not (isinstance(node, ast.Call) and node.args[:1] == [child])}  # column in ForeignKey("user.id")


def _parameters(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _plural_words(template: str) -> list[int]:
    return [len(spec.removeprefix("plural:").split("|")) for _, _, spec, _ in string.Formatter().parse(template)
            if spec and spec.startswith("plural:")]


def test_the_scan_finds_the_messages_it_checks():
    calls = _message_calls()
    assert len(calls) > 150
    assert {"auth.rights", "scenario.no_version", "lint.never_open", "diff.changed"} <= {code for _, code, _ in calls}
    assert {"noun.user", "input.required", "http.404", "phone.not_a_number", "in_use.group"} <= _code_texts()


def test_every_code_used_has_an_english_and_a_polish_text():
    used = {code for _, code, _ in _message_calls()} | _code_texts()
    assert sorted(used - set(EN)) == [], "codes without an English text"
    assert sorted(used - set(PL)) == [], "codes without a Polish text"


def test_both_catalogues_have_the_same_codes_and_parameters_and_every_text_is_used():
    assert set(EN) == set(PL)
    assert {code: _parameters(EN[code]) for code in EN} == {code: _parameters(PL[code]) for code in PL}
    used = {code for _, code, _ in _message_calls()} | _code_texts()
    assert sorted(set(EN) - used) == [], "texts no code uses"


def test_each_message_is_given_the_parameters_its_texts_name():
    wrong = [(where, code, sorted(names), sorted(_parameters(EN[code])))
             for where, code, names in _message_calls()
             if names is not None and code in EN and names != _parameters(EN[code])
             and not code.startswith("input.")]  # marshmallow's: their values come when a value fails
    assert wrong == []


def test_plurals_list_a_word_for_each_plural_form_of_the_language():
    assert {code: _plural_words(EN[code]) for code in EN if _plural_words(EN[code])} == \
        {code: [2] * len(_plural_words(EN[code])) for code in EN if _plural_words(EN[code])}
    assert {code: _plural_words(PL[code]) for code in PL if _plural_words(PL[code])} == \
        {code: [3] * len(_plural_words(PL[code])) for code in PL if _plural_words(PL[code])}


@pytest.mark.parametrize(("count", "word"), [(1, "bajt"), (2, "bajty"), (4, "bajty"), (5, "bajtów"), (12, "bajtów"),
                                             (14, "bajtów"), (22, "bajty"), (25, "bajtów"), (101, "bajtów")])
def test_polish_plurals(count, word):
    assert plural(count, ["bajt", "bajty", "bajtów"], "pl") == word
    assert Message("mp3.upload_too_big", limit=count).in_language("pl") == \
        f"Zapowiedź może mieć najwyżej {count} {word} (2 MB)."


def test_nested_messages_and_lists_are_worded_in_the_same_language():
    place = Message("place.only_member", name="Księgowość", places=[
        Message("place.draft_node", scenario=Message("scenario.without_name"), number="+48221000000", node="Sprzedaż"),
        Message("place.rings_group", number="+48221000000")])
    message = Message("in_use.user", name="Tomasz Wójcik", place=place)
    assert message == ("user Tomasz Wójcik is used by group Księgowość: its only member; the group is used by scenario "
                       "without a name (+48221000000), draft, node Sprzedaż; main number +48221000000 rings this group "
                       "directly")
    assert message.in_language("pl") == (
        "użytkownik Tomasz Wójcik jest używany przez: grupa Księgowość (jako jej jedyny członek), a ta grupa jest "
        "używana przez: scenariusz bez nazwy (+48221000000), szkic, węzeł Sprzedaż; numer główny +48221000000 "
        "dzwoni bezpośrednio do tej grupy")
    assert Message.from_json(message.as_json()).in_language("pl") == message.in_language("pl")


def test_every_language_has_a_catalogue():
    assert set(CATALOGUES) == {"en", "pl"}
