"""Texts for people: a message carries a stable code and its parameters where it is raised, and is
worded from the English or the Polish catalogue (``pbx.messages.en``, ``pbx.messages.pl``).

A ``Message`` is a ``str`` holding its English text, so code that passes texts along (marshmallow,
werkzeug's ``abort``) keeps working; the API words it in the request's language at the end and
adds its ``code`` and ``params`` for clients. A parameter may itself be a message (or a list of
them, joined by "; "), worded in the same language. Templates are ``str.format`` templates;
``{n:plural:one|few|many}`` writes the number and the word for it by the language's plural rules (CLDR's, from Babel), ``{x:capital}``
writes a text with its first letter in upper case, ``{x:path}`` a field's path by the fields' labels
(``:path:capital`` at the start of a sentence).
"""
from __future__ import annotations

import string
from typing import Any, Callable

from babel import Locale

from pbx.messages import en, pl

CATALOGUES = {"en": en.TEXTS, "pl": pl.TEXTS}
# Format specs a layer above words for itself: spec → words(value, language) ("path": schemas.field_words)
SPECS: dict[str, Callable[[Any, str], str]] = {}
LANGUAGES = tuple(CATALOGUES)
# CLDR's plural categories in the order a template lists their words
_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


class Message(str):
    """A text for people: ``Message("scenario.no_version", number=4)``; ``str()`` is its English text."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, /, **params):
        self = super().__new__(cls, render(code, params, "en"))
        self.code, self.params = code, params
        return self

    def __getnewargs_ex__(self):  # copies (marshmallow copies its fields' error messages) keep code and params
        return (self.code,), self.params

    def format(self, *args, **params) -> "Message":  # noqa: A003 - marshmallow formats its templates with the values
        return Message(self.code, **{**self.params, **params})

    def in_language(self, language: str) -> str:
        return render(self.code, self.params, language)

    def as_json(self) -> dict:
        return {"code": self.code, "params": {name: json_value(value) for name, value in self.params.items()}}

    @classmethod
    def from_json(cls, data: dict) -> "Message":
        """A message stored with ``as_json`` (a version's warnings)."""
        return cls(data["code"], **{name: _from_json(value) for name, value in data["params"].items()})


class _Unbound(str):
    """A parameter not given yet (marshmallow's templates get theirs when a value fails): shown as ``{name}``."""


class _Formatter(string.Formatter):
    def __init__(self, language: str):
        self.language = language

    def get_value(self, key, args, kwargs):
        return kwargs[key] if key in kwargs else _Unbound("{%s}" % key)

    def convert_field(self, value, conversion):
        if isinstance(value, _Unbound):
            return value
        if conversion == "r":  # a value the user typed, quoted as they typed it
            return repr(value)
        if conversion is None and isinstance(value, (Message, list, tuple)):
            return in_language(value, self.language)
        return super().convert_field(value, conversion)

    def format_field(self, value, spec: str) -> str:
        if isinstance(value, _Unbound):
            return value
        if spec.startswith("plural:"):
            return f"{value} {plural(int(value), spec.removeprefix('plural:').split('|'), self.language)}"
        if spec == "capital":
            return _capital(str(value))
        if spec.removesuffix(":capital") in SPECS:
            text = SPECS[spec.removesuffix(":capital")](value, self.language)
            return _capital(text) if spec.endswith(":capital") else text
        return super().format_field(value, spec)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, words: list[str], language: str) -> str:
    """The word for ``count`` among ``words`` listed in CLDR's category order (Polish: one|few|many)."""
    locale = Locale.parse(language)
    tags = [tag for tag in _CATEGORIES if tag in locale.plural_form.tags or tag == "other"]
    return words[min(tags.index(locale.plural_form(count)), len(words) - 1)]


def render(code: str, params: dict, language: str) -> str:
    return _Formatter(language).format(CATALOGUES[language][code], **params)


def in_language(value, language: str) -> str:
    """A parameter's words: messages in the language, lists joined by "; "."""
    if isinstance(value, Message):
        return value.in_language(language)
    if isinstance(value, (list, tuple)):
        return "; ".join(in_language(item, language) for item in value)
    return str(value)


def _from_json(value):
    if isinstance(value, dict) and set(value) == {"code", "params"}:
        return Message.from_json(value)
    return [_from_json(item) for item in value] if isinstance(value, list) else value


def json_value(value):
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value) if isinstance(value, str) else value
    return str(value)


def worded(messages, language: str):
    """Every text in a message structure (a str, or lists and dicts of them, as in marshmallow's
    ``normalized_messages()``) in the language; keys and other values stay as they are."""
    if isinstance(messages, str):
        return in_language(messages, language) if isinstance(messages, Message) else messages
    if isinstance(messages, dict):
        return {key: worded(value, language) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [worded(message, language) for message in messages]
    return messages


def codes(messages):
    """The same structure with each message as ``{"code", "params"}``, for API clients."""
    if isinstance(messages, Message):
        return messages.as_json()
    if isinstance(messages, dict):
        return {key: codes(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [codes(message) for message in messages]
    return Message("text.as_given", text=str(messages)).as_json()  # a text not ours (a library's)


def language_of(accept_languages) -> str:
    """The language of a request's ``accept_languages`` (werkzeug's): Polish when preferred to English."""
    return "pl" if accept_languages.best_match(LANGUAGES) == "pl" else "en"
