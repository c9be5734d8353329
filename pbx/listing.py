"""Search and paging of a company's lists: what ``?q=`` matches, and which slice a page holds.

A search is case- and diacritics-insensitive ("lodz" finds "Łódź"; anyascii transliterates the
letters, like "ł", that Unicode does not decompose), and a number typed with spaces or dashes
finds it stored as +48....
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

_NUMBER_PUNCTUATION = re.compile(r"[\s\-().\/+]")


def fold(text: str) -> str:
    """Text as a search compares it: ASCII letters, lower case."""
    return anyascii(text).casefold()


@dataclass(frozen=True)
class Search:
    """What a person typed into a list's search box."""

    text: str

    @property
    def digits(self) -> str:
        """The query as a phone number's digits, or "" when it is not one."""
        compact = _NUMBER_PUNCTUATION.sub("", self.text)
        return compact if compact.isdigit() else ""

    def matches(self, *texts: str | None) -> bool:
        wanted = fold(self.text.strip())
        present = [t for t in texts if t]
        if any(wanted in fold(t) for t in present):
            return True
        return bool(self.digits) and any(self.digits in _NUMBER_PUNCTUATION.sub("", t) for t in present)


@dataclass(frozen=True)
class Paging:
    """Page ``page`` (from 1) of ``per_page`` rows; no ``per_page`` means every row."""

    page: int = 1
    per_page: int | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * (self.per_page or 0)

    def slice(self, rows: list) -> list:
        return rows[self.offset:self.offset + self.per_page] if self.per_page else rows
