"""What FreeSWITCH asks for: the few fields of a mod_xml_curl form the endpoint acts on.

A dialplan request carries the whole channel (200+ fields, 7-15 KB); only a handful
matter, so the body is split once and only those fields are percent-decoded.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote_plus


@dataclass(frozen=True)
class CurlRequest:
    section: str = ""
    tag_name: str = ""
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
    profile: str = ""

    @property
    def directory_domain(self) -> str:
        """Domain lookups without a ``domain`` field name it in ``key_value``."""
        return self.domain or (self.key_value if self.key_name == "name" else "")


# Form field -> attribute. Earlier fields in each tuple win over later ones: the hunt
# describes the current routing (after a transfer), the caller profile the first one.
_SOURCES = {
    "section": ("section",),
    "tag_name": ("tag_name",),
    "key_name": ("key_name",),
    "key_value": ("key_value",),
    "context": ("Hunt-Context", "Caller-Context"),
    "destination": ("Hunt-Destination-Number", "Caller-Destination-Number"),
    "caller": ("Hunt-Caller-ID-Number", "Caller-Caller-ID-Number"),
    "call_uuid": ("Unique-ID",),
    "action": ("action",),
    "purpose": ("purpose",),
    "user": ("user",),
    "domain": ("domain",),
    "profile": ("profile",),
}
_WANTED = frozenset(name for names in _SOURCES.values() for name in names)
# Nothing FreeSWITCH sends in these fields is longer; longer values are not ours to read.
MAX_VALUE_LENGTH = 256


def parse_form(body: bytes) -> CurlRequest:
    """Read an application/x-www-form-urlencoded body as mod_xml_curl builds it.

    The first occurrence of a field wins; malformed pairs and over-long values are
    skipped, so any byte string gives a request (possibly an empty one).
    """
    found: dict[str, str] = {}
    for pair in body.decode("utf-8", "replace").split("&"):
        name, sep, raw = pair.partition("=")
        if not sep or name not in _WANTED or name in found or len(raw) > 3 * MAX_VALUE_LENGTH:
            continue
        value = unquote_plus(raw)
        if len(value) <= MAX_VALUE_LENGTH:
            found[name] = value
    return CurlRequest(**{
        attr: next((found[name] for name in names if found.get(name)), "")
        for attr, names in _SOURCES.items()
    })
