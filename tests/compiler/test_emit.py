"""The text emitter writes exactly what lxml would serialise for the same elements."""
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pbx.compiler import emit
from pbx.dialplan import ir
from pbx.dialplan.ir import Action, Condition, Extension, Regex
from tests.compiler.golden_trees import TREES
from tests.support.compiler import compiled, snapshot, tenant_xml


def reference(context_name: str, extensions) -> bytes:
    """The same document built as lxml elements, indented and serialised by lxml."""
    root = etree.Element("document", {"type": "freeswitch/xml"})
    section = etree.SubElement(root, "section", {"name": "dialplan", "description": "centralka"})
    context = etree.SubElement(section, "context", {"name": context_name})
    for extension in extensions:
        if not isinstance(extension, ir.Extension):
            context.append(etree.fromstring(etree.tostring(extension)))
            continue
        element = etree.SubElement(context, "extension", {"name": extension.name, **(
            {"continue": "true"} if extension.continue_ else {})})
        for cond in extension.conditions:
            attrs = {"field": cond.field, "expression": cond.expression or ""} if cond.field is not None else {}
            attrs.update(cond.time)
            attrs.update({"regex": "any"} if cond.any_of else {})
            attrs.update({"break": cond.break_} if cond.break_ else {})
            condition = etree.SubElement(element, "condition", attrs)
            for regex in cond.any_of:
                field = {"field": regex.field, "expression": regex.expression or ""} if regex.field is not None else {}
                etree.SubElement(condition, "regex", {**field, **regex.time})
            for tag, actions in (("action", cond.actions), ("anti-action", cond.anti_actions)):
                for action in actions:
                    etree.SubElement(condition, tag, {"application": action.application, **(
                        {"data": action.data} if action.data else {}), **({"inline": "true"} if action.inline else {}),
                        **({"loop": str(action.loop)} if action.loop > 1 else {})})
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def extensions_of(xml: bytes) -> list:
    return list(etree.fromstring(xml).iterfind("section/context/extension"))


def test_every_golden_tree_and_a_whole_tenant_document_as_lxml_writes_them():
    from pbx.compiler import _lowered

    for root in TREES.values():
        _, _, extensions = _lowered({"root": root}, snapshot(), 5, 8, 1)
        assert emit.emit("tenant_3", extensions) == reference("tenant_3", extensions)
    stored = extensions_of(compiled(TREES["menu"]).xml)
    assert emit.document("tenant_3", stored) == reference("tenant_3", stored)
    assert tenant_xml(TREES["forward"]) == reference("tenant_3", extensions_of(tenant_xml(TREES["forward"])))
    assert emit.document("tenant_3", []) == reference("tenant_3", [])


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(data=XML_TEXT, expression=XML_TEXT, name=XML_TEXT)
def test_any_text_is_escaped_as_lxml_escapes_it_or_refused_as_lxml_refuses_it(data, expression, name):
    extension = Extension(name, [Condition("destination_number", expression, break_="never",
                                           any_of=[Regex(time={"wday": "2"}), Regex(field="x", expression=data)],
                                           actions=[Action("set", data, inline=True, loop=2)],
                                           anti_actions=[Action("hangup")]), Condition()])
    try:
        expected = reference("c", [extension])
    except ValueError:
        try:
            emit.document("c", [extension])
        except ValueError:
            return
        raise AssertionError("lxml refuses this text, the emitter wrote it")
    assert emit.document("c", [extension]) == expected
