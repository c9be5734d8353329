"""The XML documents the endpoint answers with, built by lxml so every value is escaped."""
from __future__ import annotations

from lxml import etree

from pbx.switch_text import preprocessor_text

# FreeSWITCH's own "not found" reply: it then tries the next binding and its static XML.
NOT_FOUND = (
    b'<document type="freeswitch/xml"><section name="result">'
    b'<result status="not found"/></section></document>'
)

# Played by the fallback dialplan: the shared prompt rendered by pbx/prompts.py, in the
# tenant's language, Polish when the tenant is not known.
APOLOGY_PROMPT = "${{sounds_dir}}/centralka/common/{language}/apology.wav"
DEFAULT_LANGUAGE = "pl"


def document(section: str) -> tuple[etree._Element, etree._Element]:
    """A ``<document>`` with one ``<section>``; returns both elements."""
    root = etree.Element("document", type="freeswitch/xml")
    return root, etree.SubElement(root, "section", name=section)


# Written out rather than by lxml, which quotes it with ' where FreeSWITCH's samples use ".
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'


class PreprocessorText(ValueError):
    """A document FreeSWITCH's preprocessor would change: never sent (the safe reply goes instead)."""


def serialize(root: etree._Element) -> bytes:
    body = DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    # The last line of defence: tenant text goes through pbx.switch_text.switch_safe on its way in.
    found = preprocessor_text(body)
    if found:
        raise PreprocessorText(f"{found!r} in a {root.find('section').get('name')} document")
    return body


_COMPACT = etree.XMLParser(remove_blank_text=True, remove_comments=True, resolve_entities=False, no_network=True)


def compact(document: bytes) -> bytes:
    """The same document without indentation: every hunt sends it, and FreeSWITCH parses it."""
    return serialize(etree.fromstring(document, _COMPACT))


def params(parent: etree._Element, tag: str, values: dict[str, object], child: str = "param") -> None:
    """``<params><param name= value=/>...</params>`` (or variables/variable)."""
    holder = etree.SubElement(parent, tag)
    for name, value in values.items():
        etree.SubElement(holder, child, name=name, value=str(value))


def fallback_dialplan(context: str, tenant_id: int | None, fallback_number: str | None,
                      carrier_gateway: str, language: str = DEFAULT_LANGUAGE) -> bytes:
    """Served when the real dialplan cannot be: apologise, then try the tenant's fallback number."""
    root, section = document("dialplan")
    extension = etree.SubElement(
        etree.SubElement(section, "context", name=context), "extension", name="centralka_fallback")
    condition = etree.SubElement(extension, "condition", field="destination_number", expression="^.*$")

    def action(application: str, data: str | None = None) -> None:
        attrs = {"application": application} if data is None else {"application": application, "data": data}
        etree.SubElement(condition, "action", attrs)

    if tenant_id is not None:
        action("export", f"centralka_tenant={tenant_id}")
    action("answer")
    action("playback", APOLOGY_PROMPT.format(language=language))
    if fallback_number:
        action("set", "hangup_after_bridge=true")
        action("bridge", f"sofia/gateway/{carrier_gateway}/{fallback_number.lstrip('+')}")
    action("hangup", "NORMAL_TEMPORARY_FAILURE")
    return serialize(root)
