"""Field types shared by every schema: phone numbers, extensions, zones, safe text."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from zoneinfo import available_timezones

import phonenumbers
from marshmallow import ValidationError, fields, validate

from pbx.messages import Message

_PHONE_PUNCTUATION = re.compile(r"[\s\-().\/]")
_ZONES = frozenset(available_timezones())
EXTENSION_RE = re.compile(r"^[0-9]{2,6}$")
# The dates the product reads: a call's clock crosses every zone and runs for hours, so these
# stay far from datetime's limits (years 1 and 9999).
FIRST_YEAR, LAST_YEAR = 1970, 2200
# As people in Poland write a date: "31.12.2026", "31.12.2026 14:00", "24.12" (every year).
_POLISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?(?:,?[ T]+(\d{1,2}:\d{2}(?::\d{2})?))?")


# phonenumbers' NumberParseException by its error type
_NOT_A_PHONE = {0: "phone.unknown_country", 1: "phone.not_a_number", 2: "phone.too_short_after_idd",
                3: "phone.too_short", 4: "phone.too_long"}


def outside_years(text: str) -> Message:
    return Message("date.outside_years", value=text, first=FIRST_YEAR, last=LAST_YEAR)


def iso_date_text(text: str) -> str:
    """A Polish date as ISO ("31.12.2026 9:00" → "2026-12-31T09:00", "24.12" → "12-24"); others stay as typed."""
    match = _POLISH_DATE.fullmatch(text.strip())
    if match is None:
        return text.strip()
    day, month, year, clock = match.groups()
    iso = f"{year + '-' if year else ''}{int(month):02d}-{int(day):02d}"
    return f"{iso}T{'0' * (clock.index(':') == 1)}{clock}" if clock else iso


def normalise_phone(text: str) -> str:
    """Any Polish mobile or landline, or an international number, as E.164 ("+48221000000")."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(Message("phone.required"))
    compact = _PHONE_PUNCTUATION.sub("", text.strip())
    if any(ch.isalpha() for ch in compact):
        raise ValidationError(Message("phone.letters", value=text))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not re.fullmatch(r"\+?[0-9]+", compact):
        raise ValidationError(Message("phone.characters", value=text))
    if not compact.startswith("+"):
        if len(compact) == 9:
            compact = "+48" + compact  # Polish national number
        elif len(compact) == 11 and compact.startswith("48"):
            compact = "+" + compact  # as carriers deliver it, without '+'
        else:
            raise ValidationError(Message("phone.digits", value=text, digits=len(compact)))
    try:
        parsed = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(Message(_NOT_A_PHONE.get(exc.error_type, "phone.not_a_number"), value=text)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(Message("phone.not_valid", value=text))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Reject control characters: names end up in call records, e-mails and logs."""
    for ch in value:
        if ch in "\n\r\t" and multiline:
            continue
        if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"}:
            raise ValidationError(Message("text.control_character", character=f"{ord(ch):04X}"))
    return value.strip()


class PhoneNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_phone(super()._deserialize(value, attr, data, **kwargs))


class OptionalPhoneNumber(PhoneNumber):
    """A phone number, or an empty field meaning none."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class Extension(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not EXTENSION_RE.fullmatch(text):
            raise ValidationError(Message("extension.digits", value=text))
        return text


class TimeZone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text not in _ZONES:
            raise ValidationError(Message("zone.unknown", value=text))
        return text


class Name(fields.String):
    """A human name or label: trimmed, 1..max characters, no control characters."""

    def __init__(self, max_length=120, min_length=1, **kwargs):
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs))


class FreeText(fields.String):
    def __init__(self, max_length=500, **kwargs):
        super().__init__(validate=validate.Length(max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_text(super()._deserialize(value, attr, data, **kwargs), multiline=True)


class ParametersInvalid(ValidationError):
    """Query parameters (``?from=...``) that cannot be used: a 400 naming each, where a body gets a 422."""


class DateText(fields.String):
    """A date or date-time as typed, in ISO form: ISO, or as people in Poland write it (iso_date_text)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return iso_date_text(super()._deserialize(value, attr, data, **kwargs))


class Day(DateText):
    """A calendar day within the product's years: "2026-12-31" or "31.12.2026"."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            day = date.fromisoformat(super()._deserialize(value, attr, data, **kwargs))
        except ValueError:
            raise ValidationError(Message("date.not_a_day", value=value)) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(outside_years(value))
        return day
