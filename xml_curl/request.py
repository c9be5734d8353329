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
    # what a "Call a server" node tells the server (xml_curl.asking)
    path: str = ""
    dialled: str = ""
    main_number: str = ""
    at: str = ""
    # directory
    action: str = ""
    purpose: str = ""
    user: str = ""
    domain: str = ""
    # configuration: the queue mod_callcenter's ``queue load`` / ``reload`` asks for
    queue: str = ""

    @property
    def directory_domain(self) -> str:
        """Domain lookups without a ``domain`` field name it in ``key_value``."""
        return self.domain or (self.key_value if self.key_name == "name" else "")


# FreeSWITCH puts the hunt fields last, after 150+ channel variables: searched from the end.
# It sends every field once; of a repeated one, these take the last, the others the first.
_AT_THE_END = frozenset({"Hunt-Context", "Hunt-Destination-Number", "Hunt-Caller-ID-Number"})


def _keys(*names: str) -> tuple[tuple[bytes, bytes, bool], ...]:
    """Per field: the key at the start of the body, the key after a '&', searched from the end."""
    return tuple((name.encode() + b"=", b"&" + name.encode() + b"=", name in _AT_THE_END) for name in names)


# Form field -> attribute, per section. Earlier fields in each tuple win over later ones:
# the hunt describes the current routing (after a transfer), the caller profile the first.
# Each miss scans the whole body, so only the asked section's fields are looked for.
_COMMON = {"section": _keys("section"), "key_name": _keys("key_name"), "key_value": _keys("key_value")}
_BY_SECTION = {
    "dialplan": {
        "context": _keys("Hunt-Context", "Caller-Context"),
        "destination": _keys("Hunt-Destination-Number", "Caller-Destination-Number"),
        "caller": _keys("Hunt-Caller-ID-Number", "Caller-Caller-ID-Number"),
        "call_uuid": _keys("Unique-ID"),
        "path": _keys("variable_centralka_path"),
        "dialled": _keys("variable_centralka_dialled"),
        "main_number": _keys("variable_centralka_main_number"),
        "at": _keys("Event-Date-Timestamp"),
    },
    "directory": {"action": _keys("action"), "purpose": _keys("purpose"), "user": _keys("user"),
                  "domain": _keys("domain")},
    "configuration": {"queue": _keys("CC-Queue")},
}
# Nothing FreeSWITCH sends in these fields is longer; longer values are not ours to read.
MAX_VALUE_LENGTH = 256
# A call's path grows with every node it passes (pbx.compiler.lower): allowed longer.
LONG_VALUES = {"path": 4096}


def _field(body: bytes, key: tuple[bytes, bytes, bool], limit: int = MAX_VALUE_LENGTH) -> str:
    """The value of one field, found by a search in C rather than splitting 200+ pairs."""
    first, inner, from_end = key
    found = body.rfind(inner) if from_end else -1
    if found >= 0:
        start = found + len(inner)
    elif body.startswith(first):
        start = len(first)
    else:
        found = -1 if from_end else body.find(inner)
        if found < 0:
            return ""
        start = found + len(inner)
    end = body.find(b"&", start)
    raw = body[start:] if end < 0 else body[start:end]
    if len(raw) > 3 * limit:
        return ""
    if b"%" in raw or b"+" in raw:
        raw = unquote_to_bytes(raw.replace(b"+", b" "))
    value = raw.decode("utf-8", "replace")
    return value if len(value) <= limit else ""


def parse_form(body: bytes) -> CurlRequest:
    """Read an application/x-www-form-urlencoded body as mod_xml_curl builds it.

    The first occurrence of a field wins and over-long values are dropped, so any
    byte string gives a request (possibly an empty one).
    """
    values = _values(body, _COMMON)
    values.update(_values(body, _BY_SECTION.get(values.get("section", ""), {})))
    return CurlRequest(**values)


def _values(body: bytes, sources: dict[str, tuple]) -> dict[str, str]:
    values = {}
    for attr, keys in sources.items():
        for key in keys:
            value = _field(body, key, LONG_VALUES.get(attr, MAX_VALUE_LENGTH))
            if value:
                values[attr] = value
                break
    return values
