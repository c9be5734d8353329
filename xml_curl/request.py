"""What FreeSWITCH asks for: the few fields of a mod_xml_curl form the endpoint acts on.

A dialplan request carries the whole channel (200+ fields, 7-15 KB); only a handful
matter, so only those are looked up and percent-decoded.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_to_bytes


@dataclass(frozen=True)
class CurlRequest:
    section: str = ""
    key_name: str = ""
    key_value: str = ""
    # dialplan
    context: str = ""
    destination: str = ""
    caller: str = ""
    call_uuid: str = ""
    # directory
    action: str = ""
    purpose: str = ""
    user: str = ""
    domain: str = ""

    @property
    def directory_domain(self) -> str:
        """Domain lookups without a ``domain`` field name it in ``key_value``."""
        return self.domain or (self.key_value if self.key_name == "name" else "")


# Form field -> attribute, per section. Earlier fields in each tuple win over later ones:
# the hunt describes the current routing (after a transfer), the caller profile the first.
# Each miss scans the whole body, so only the asked section's fields are looked for.
_COMMON = {"section": ("section",), "key_name": ("key_name",), "key_value": ("key_value",)}
_BY_SECTION = {
    "dialplan": {
        "context": ("Hunt-Context", "Caller-Context"),
        "destination": ("Hunt-Destination-Number", "Caller-Destination-Number"),
        "caller": ("Hunt-Caller-ID-Number", "Caller-Caller-ID-Number"),
        "call_uuid": ("Unique-ID",),
    },
    "directory": {"action": ("action",), "purpose": ("purpose",), "user": ("user",), "domain": ("domain",)},
}
# FreeSWITCH puts the hunt fields last, after 150+ channel variables: searched from the end.
# It sends every field once; of a repeated one, these take the last, the others the first.
_AT_THE_END = frozenset({"Hunt-Context", "Hunt-Destination-Number", "Hunt-Caller-ID-Number"})
# Nothing FreeSWITCH sends in these fields is longer; longer values are not ours to read.
MAX_VALUE_LENGTH = 256


def _field(body: bytes, name: str) -> str:
    """The value of ``name``, found by a search in C rather than splitting 200+ pairs."""
    key = name.encode() + b"="
    at_start = body.startswith(key)
    if at_start and name not in _AT_THE_END:
        start = len(key)
    else:
        found = (body.rfind if name in _AT_THE_END else body.find)(b"&" + key)
        if found < 0 and not at_start:
            return ""
        start = found + 1 + len(key) if found >= 0 else len(key)
    end = body.find(b"&", start)
    raw = body[start:] if end < 0 else body[start:end]
    if len(raw) > 3 * MAX_VALUE_LENGTH:
        return ""
    if b"%" in raw or b"+" in raw:
        raw = unquote_to_bytes(raw.replace(b"+", b" "))
    value = raw.decode("utf-8", "replace")
    return value if len(value) <= MAX_VALUE_LENGTH else ""


def parse_form(body: bytes) -> CurlRequest:
    """Read an application/x-www-form-urlencoded body as mod_xml_curl builds it.

    The first occurrence of a field wins and over-long values are dropped, so any
    byte string gives a request (possibly an empty one).
    """
    values = _values(body, _COMMON)
    values.update(_values(body, _BY_SECTION.get(values.get("section", ""), {})))
    return CurlRequest(**values)


def _values(body: bytes, sources: dict[str, tuple[str, ...]]) -> dict[str, str]:
    values = {}
    for attr, names in sources.items():
        for name in names:
            value = _field(body, name)
            if value:
                values[attr] = value
                break
    return values
