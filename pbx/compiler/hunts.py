"""Hunts pass: for each extension of a context, the destination test that decides, before any
other effect, whether a hunt can get anything from it (its *gate*).

The endpoint serves each hunt only the extensions whose gate its destination passes (and those
without a gate), instead of the whole context. That reply hunts exactly as the whole context
would, by FreeSWITCH's rules (src/mod/dialplans/mod_dialplan_xml/mod_dialplan_xml.c, v1.10.12):

- dialplan_hunt walks the context's extensions in document order and stops at the first one
  whose parse_exten returns true without continue="true". An extension that returns false,
  adds no application and sets no variable changes nothing, so leaving it out changes nothing.
- parse_exten walks the top-level conditions in order. A plain condition (no regex="…", no
  time attributes) testing field="destination_number" whose expression does not match sets
  proceed to 0, runs its anti-actions (none, for a gate), then breaks (break="on-false", the
  default, or "always"): the extension returns false.
- The conditions before that one may only be plain tests without actions, anti-actions, nested
  conditions or a capture group (a match would set DP_MATCH) that break on false alone (a pass
  with break="always" would end the hunt): when one fails the extension returns false with no
  effect, when it passes nothing is left behind.
- With auto_hunt the walk starts at the extension named as the destination: those are kept.

Only expressions whose meaning is the same in PCRE and Python's `re` (ASCII) become gates; any
other extension is always served. Extensions are IR (``ir.Extension``) or <extension> elements
of a stored compile; both are read the same way.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from pbx.dialplan import ir

# Tokens whose meaning PCRE and Python's re share: anchors at the ends, (?: ) and ( ) groups,
# alternation, quantifiers, \d, escaped punctuation, simple classes and plain characters.
_TOKEN = (r"\(\?:|[()|?*+]|\{[0-9]+(?:,[0-9]*)?\}|\\d|\\[-+*.?()\[\]{}|^$#_/:@=,]"
          r"|\[\^?(?:[A-Za-z0-9_#+*.:@=,/]|\\[-+*.\]\\d]|[A-Za-z0-9]-[A-Za-z0-9])+\]|[A-Za-z0-9_#:@=,/%-]|\.")
_SHARED = re.compile(rf"\^?(?:{_TOKEN})*\$?")
_BREAKS_ON_FALSE = (None, "on-false", "always")
# A variable or caller-profile field; anything else in ${…} may call an API with side effects.
_FIELD = re.compile(r"\$\{[A-Za-z0-9_]+\}|[a-z_]+")


class _Condition(NamedTuple):
    field: str | None
    expression: str | None
    plain: bool         # no regex="…", no time attributes, no <expression> child
    acts: bool          # actions, anti-actions or nested conditions
    anti: bool          # anti-actions (or nested conditions) that run when the test fails
    break_: str | None


def gates(extensions) -> list[str | None]:
    """Per extension, in order: the expression its hunt's destination must match, or None."""
    return [gate(extension) for extension in extensions]


def gate(extension) -> str | None:
    for c in _conditions(extension):
        if not c.plain or c.break_ not in _BREAKS_ON_FALSE:
            return None
        if c.field == "destination_number" and shared(c.expression) and not c.anti:
            return c.expression
        if c.break_ == "always" or c.acts or not _quiet(c.field, c.expression):
            return None  # passing, this test may end the hunt or leave something behind (DP_MATCH, an API call)
    return None


def _quiet(field: str | None, expression: str | None) -> bool:
    """A field test without a capture group (DP_MATCH on a match) and nothing to expand but a variable."""
    return (field is not None and _FIELD.fullmatch(field) is not None
            and (not expression or ("(" not in expression and "${" not in expression)))


def passes(expression: str | None, destination: str) -> bool:
    """Whether a hunt for ``destination`` can get anything from an extension with this gate."""
    return expression is None or _compiled(expression).search(destination) is not None


def shared(expression: str | None) -> bool:
    """Whether PCRE and Python's re tell the same destinations apart with this expression."""
    if not expression or "$" in expression[:-1] or _SHARED.fullmatch(expression) is None:
        return False
    try:
        _compiled(expression)
    except re.error:  # e.g. a repeated quantifier: leave it to FreeSWITCH
        return False
    return True


@lru_cache(maxsize=4096)
def _compiled(expression: str) -> re.Pattern:
    return re.compile(expression, re.ASCII)


def _conditions(extension):
    """The top-level conditions of an IR extension or of a stored <extension> element."""
    if isinstance(extension, ir.Extension):
        for c in extension.conditions:
            yield _Condition(c.field, c.expression, not c.time and not c.any_of, bool(c.actions or c.anti_actions),
                             bool(c.anti_actions), c.break_)
        return
    for c in extension.iterchildren("condition"):
        plain = all(key in ("field", "expression", "break") for key in c.attrib) and c.find("expression") is None
        anti = c.find("anti-action") is not None or c.find("condition") is not None
        yield _Condition(c.get("field"), c.get("expression"), plain, anti or c.find("action") is not None, anti,
                         c.get("break"))
