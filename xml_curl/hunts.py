"""A company's context cut per hunt: each reply holds only the extensions its destination can reach;
a main number's entry (the carrier's first hunt) names only the call's own caller.

Every transfer of a call makes FreeSWITCH fetch and parse the context again; the whole context
of a company is tens of KB, the extensions one destination can reach a few. Which extensions
those are is the compiler's to say (pbx.compiler.hunts: one gate per extension, taken from the
IR); here the compacted document is split into its extensions once per revision, and each reply
is the document with only the extensions whose gate the destination passes.
"""
from __future__ import annotations

import json

from lxml import etree

from pbx.compiler import hunts
from pbx.dialplan import dialing
from pbx.switch_text import preprocessor_text

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class ContextReplies:
    """One compacted single-context document, ready to be cut for any destination."""

    def __init__(self, document: bytes, gates: list[str | None]):
        self.document = document
        root = etree.fromstring(document, _PARSER)
        extensions = root.findall("section/context/extension")
        if len(extensions) != len(gates):
            raise ValueError(f"{len(gates)} gates for {len(extensions)} extensions")
        self.gates = list(gates)
        self.names = [e.get("name") for e in extensions]
        self.pieces = [etree.tostring(e, encoding="UTF-8", xml_declaration=False, with_tail=False) for e in extensions]
        body = b"".join(self.pieces)
        start = document.find(body) if body else -1
        if body and start < 0:
            raise ValueError("the extensions are not written as in the document")
        # Every piece starts with "<" and ends with ">": joining some of them cannot form the
        # ${ or $${ the whole document was checked for (xml_curl.documents.serialize).
        self.head, self.tail = (document[:start], document[start + len(body):]) if body else (document, b"")

    def reply(self, destination: str) -> bytes:
        """The document for a hunt of ``destination``: what FreeSWITCH could match, in document order."""
        # The gates are read by Python's re: a destination PCRE would read otherwise (bytes of a
        # non-ASCII character, a line break against $) or none named gets the whole context.
        if not self.pieces or not destination or not (destination.isascii() and destination.isprintable()):
            return self.document
        kept = [piece for piece, gate, name in zip(self.pieces, self.gates, self.names)
                if name == destination or hunts.passes(gate, destination)]
        if len(kept) == len(self.pieces):
            return self.document
        return self.head + b"".join(kept) + self.tail

    def to_bytes(self) -> bytes:
        """For the last good store: the gates on the first line, then the document."""
        return json.dumps(self.gates).encode() + b"\n" + self.document

    @classmethod
    def from_bytes(cls, body: bytes) -> ContextReplies:
        gates, document = body.split(b"\n", 1)
        return cls(document, json.loads(gates))


# Where the switch keeps the caller's name for the legs it opens (pbx.compiler.internal.caller_names).
CALLER_NAME = "effective_caller_id_name"


class EntryReplies:
    """A main number's compacted entry document and its callers' names (neutralised, by caller key).

    The reply to the carrier's first hunt is the document, with one ``set`` of the caller's name
    ahead of its first action when the caller is named: its size does not depend on how many are.
    """

    def __init__(self, document: bytes, names: dict[str, str]):
        self.document, self.names = document, names
        self.at = document.find(b"<action ")
        if self.at < 0:
            raise ValueError("the entry has no action to name the caller before")
        # The names were neutralised by the compiler; one read from the store is checked again.
        if any(preprocessor_text(name.encode()) or "${" in name for name in names.values()):
            raise ValueError("a caller's name holds text the switch would expand")

    def reply(self, caller: str) -> bytes:
        name = self.names.get(dialing.caller_key(caller) or "")
        if name is None:
            return self.document
        action = etree.tostring(etree.Element("action", application="set", data=f"{CALLER_NAME}={name}"),
                                encoding="UTF-8", xml_declaration=False)
        return self.document[:self.at] + action + self.document[self.at:]

    def to_bytes(self) -> bytes:
        """For the last good store: the names on the first line, then the document."""
        return json.dumps(self.names, ensure_ascii=False).encode() + b"\n" + self.document

    @classmethod
    def from_bytes(cls, body: bytes) -> EntryReplies:
        if body.startswith(b"<"):  # stored before callers were named beside the document
            return cls(body, {})
        names, document = body.split(b"\n", 1)
        return cls(document, json.loads(names))
