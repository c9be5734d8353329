"""Emit pass: IR extensions → dialplan XML bytes, deterministically (same IR, same bytes)."""
from __future__ import annotations

from lxml import etree

from pbx.compiler import ir


def _action(parent, tag: str, action: ir.Action) -> None:
    attrs = {"application": action.application}
    if action.data:
        attrs["data"] = action.data
    if action.inline:
        attrs["inline"] = "true"
    if action.loop > 1:
        attrs["loop"] = str(action.loop)
    etree.SubElement(parent, tag, attrs)


def _condition(parent, cond: ir.Condition) -> None:
    attrs = {}
    if cond.field is not None:
        attrs["field"] = cond.field
        attrs["expression"] = cond.expression or ""
    attrs.update(cond.time)
    if cond.any_of:
        attrs["regex"] = "any"
    if cond.break_:
        attrs["break"] = cond.break_
    element = etree.SubElement(parent, "condition", attrs)
    for regex in cond.any_of:
        regex_attrs = dict(regex.time)
        if regex.field is not None:
            regex_attrs = {"field": regex.field, "expression": regex.expression or "", **regex_attrs}
        etree.SubElement(element, "regex", regex_attrs)
    for action in cond.actions:
        _action(element, "action", action)
    for action in cond.anti_actions:
        _action(element, "anti-action", action)


def extension_element(extension: ir.Extension) -> etree._Element:
    attrs = {"name": extension.name}
    if extension.continue_:
        attrs["continue"] = "true"
    element = etree.Element("extension", attrs)
    for cond in extension.conditions:
        _condition(element, cond)
    return element


def context_element(name: str, extensions) -> etree._Element:
    """A <context>; items may be IR extensions or already built <extension> elements."""
    context = etree.Element("context", {"name": name})
    for item in extensions:
        context.append(item if isinstance(item, etree._Element) else extension_element(item))
    return context


def document(context: etree._Element) -> bytes:
    """A whole `freeswitch/xml` document holding one dialplan context."""
    root = etree.Element("document", {"type": "freeswitch/xml"})
    section = etree.SubElement(root, "section", {"name": "dialplan", "description": "centralka"})
    section.append(context)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def emit(context_name: str, extensions: list[ir.Extension]) -> bytes:
    return document(context_element(context_name, extensions))
