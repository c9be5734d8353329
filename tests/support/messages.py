"""Checks of answers that carry messages by code (pbx.messages)."""
from __future__ import annotations

from pbx.messages import Message


def _pairs(texts, codes):
    """(text, {"code", "params"}) for every message of a body's ``fields`` and their ``field_codes``."""
    if isinstance(texts, dict):
        return [pair for key in texts for pair in _pairs(texts[key], codes[key])]
    if isinstance(texts, list):
        return [pair for text, code in zip(texts, codes, strict=True) for pair in _pairs(text, code)]
    return [(texts, codes)]


def same_in_both_languages(english: dict, polish: dict) -> None:
    """The same codes in both answers, each text its code's catalogue text in the answer's language."""
    english_pairs = [(english["error"], english)] + _pairs(english.get("fields", {}), english.get("field_codes", {}))
    polish_pairs = [(polish["error"], polish)] + _pairs(polish.get("fields", {}), polish.get("field_codes", {}))
    assert [(c["code"], c["params"]) for _, c in english_pairs] == [(c["code"], c["params"]) for _, c in polish_pairs]
    for (text_en, found), (text_pl, _) in zip(english_pairs, polish_pairs):
        assert found["code"] != "text.as_given", f"a message without a code of its own: {text_en}"
        message = Message.from_json({"code": found["code"], "params": found["params"]})
        assert (text_en, text_pl) == (message.in_language("en"), message.in_language("pl"))
        assert text_pl != text_en, f"not worded in Polish: {found['code']}"
