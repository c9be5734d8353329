"""Whatever a tenant types, no document we serve lets FreeSWITCH's preprocessor or expander act on it.

FreeSWITCH runs its preprocessor over the raw bytes of every xml_curl reply: ``$${name}`` becomes
a global variable, and a line holding ``X-PRE-PROCESS`` is a command or is dropped whole.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pbx.switch_text import preprocessor_text, switch_safe
from tests.support.acceptance import MAIN, Company, build_company
from tests.xml_curl.conftest import captured_body, post, with_fields

SIP_AUTH = captured_body("xml_curl_directory.txt")
DIALPLAN = captured_body("xml_curl_dialplan.txt")
CALLCENTER = captured_body("xml_curl_configuration_callcenter.txt")
PREPROCESSED = re.compile(rb"\$\$\{|x-pre-process", re.IGNORECASE)

PIECES = ["$${hostname}", "$${sound_prefix}", "${api(system ls)}", "${uuid}", "$$", "$", "{", "}",
          "X-PRE-PROCESS", "x-Pre-Process", '<X-PRE-PROCESS cmd="exec" data="id"/>', "<!--#set a=b-->", "-->",
          "<?xml", "<include>", '"', "'", "<", ">", "&", "&amp;", "&#36;", "]]>", "\n", "\r", "\t", "\x01", "\x7f",
          "\u202e", "Żółć", "\U0001f4de", " "]
# PostgreSQL text cannot hold NUL, so stored text never has it (switch_safe is tested with it below).
STORED_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
HOSTILE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(STORED_CHARS, max_size=4)), min_size=1, max_size=6) \
    .map(lambda parts: "".join(parts)[:50])


def as_the_panel_accepts(text: str) -> str:
    """Node names go through the schema, which refuses control and format characters."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}).strip()


def every_node_kind(company: Company, name) -> dict:
    """A tree with every kind of node, each named by ``name(kind)``."""
    def hangup(node_id):
        return {"id": node_id, "kind": "hangup", "name": name("hangup"), "prompt": company.prompts["Błąd"].id}

    voicemail = {"id": "vm", "kind": "voicemail", "name": name("voicemail"), "box": company.box.id}
    queued = {"id": "queued", "kind": "forward", "name": name("forward"), "queue": {"max_wait_seconds": 60},
              "target": {"group": company.groups["sequential"].id}, "no_answer": voicemail}
    menu = {"id": "menu", "kind": "menu", "name": name("menu"), "prompt": company.prompts["Menu"].id,
            "direct_dial": True, "options": {"1": queued,
                        "2": {"id": "anna", "kind": "forward", "name": name("forward"),
                              "target": {"user": company.users["Anna"].id}, "no_answer": hangup("h2")},
                        "3": {"id": "back", "kind": "goto", "name": name("goto"), "target": "menu"}}}
    hours = {"id": "hours", "kind": "schedule", "name": name("schedule"),
             "week": {day: [["08:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
             "open": {"id": "welcome", "kind": "announcement", "name": name("announcement"),
                      "prompt": company.prompts["Powitanie"].id, "next": menu},
             "closed": hangup("h1")}
    vip = {"id": "vip", "kind": "caller_condition", "name": name("caller_condition"), "list": company.vip.id,
           "match": {"id": "to_piotr", "kind": "forward", "name": name("forward"),
                     "target": {"user": company.users["Piotr"].id}, "no_answer": hangup("h3")},
           "otherwise": hours}
    return {"id": "spam", "kind": "caller_condition", "name": name("caller_condition"), "list": company.blacklist.id,
            "otherwise": vip}


def type_everywhere(company: Company, texts) -> None:
    """Every field a tenant types, written as stored (the API would refuse control characters)."""
    from pbx.extensions import db

    company.tenant.name = next(texts)
    for user in company.users.values():
        user.first_name, user.last_name, user.description = next(texts), next(texts), next(texts)
    for group in company.groups.values():
        group.name = next(texts)
    for prompt in company.prompts.values():
        prompt.name, prompt.text = next(texts), next(texts)
    company.box.name = next(texts)
    company.vip.name = company.blacklist.name = next(texts)
    for number in company.tenant.main_numbers:
        number.label = next(texts)
    db.session.commit()


def documents(client, company: Company) -> dict[str, bytes]:
    """Every document the switch may ask for about this company."""
    tenant_id = company.tenant.id
    domain = f"t{tenant_id}.pbx.local"
    found = {f"directory {user.extension}": post(client, with_fields(
        SIP_AUTH, {"key_value": domain, "domain": domain, "user": user.extension})).data
        for user in company.users.values()}
    found["main number"] = post(client, with_fields(
        DIALPLAN, {"Hunt-Context": "public", "Hunt-Destination-Number": MAIN})).data
    found["transfers"] = post(client, with_fields(
        DIALPLAN, {"Hunt-Context": f"tenant_{tenant_id}", "Hunt-Destination-Number": "201"})).data
    found["callcenter.conf"] = post(client, CALLCENTER).data
    return found


def expansions(document: bytes) -> set[str]:
    """Attribute values that FreeSWITCH expands (``${...}``), numbers blurred: ids and versions vary."""
    return {re.sub(r"\d+", "N", value) for value in etree.fromstring(document).xpath("//@*") if "${" in value}


@pytest.fixture
def company(client):
    built = build_company()
    built.publish(every_node_kind(built, lambda kind: kind))
    return built


@pytest.fixture
def plain(client, company) -> dict[str, set[str]]:
    """The expansions in the dialplans and callcenter.conf of the company with plain names."""
    return {name: expansions(doc) for name, doc in documents(client, company).items() if name[:9] != "directory"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(texts=st.lists(HOSTILE, min_size=40, max_size=40))
def test_hostile_text_in_every_field_reaches_no_document(client, company, plain, texts):
    from pbx.extensions import db

    typed = iter(texts * 2)
    type_everywhere(company, typed)
    company.publish(every_node_kind(company, lambda kind: as_the_panel_accepts(next(typed))),
                    name=as_the_panel_accepts(next(typed))[:100] or "x")
    db.session.expire_all()

    for name, document in documents(client, company).items():
        assert not PREPROCESSED.search(document), (name, document)
        root = etree.fromstring(document)  # still parses
        if name in plain:
            assert root.xpath("//section/@name")[0] in {"dialplan", "configuration"}, (name, document)
            # The only expansions are the compiler's own: none is made of what the tenant typed.
            assert expansions(document) <= plain[name], (name, document)
    for user in company.users.values():
        root = etree.fromstring(documents(client, company)[f"directory {user.extension}"])
        (entry,) = root.xpath(f"//user[@id='{user.extension}']")  # the user is not blanked
        caller_name = entry.xpath("variables/variable[@name='effective_caller_id_name']/@value")[0]
        assert caller_name == switch_safe(f"{user.first_name} {user.last_name}".strip())
        assert "$" not in caller_name and not re.search(r"[\x00-\x1f\"'<>&]", caller_name)


# ------------------------------------------------------------------ the reviewer's findings, one by one

def _user_through_the_api(client, first_name: str, extension: str) -> dict:
    response = client.post("/api/users", json={"first_name": first_name, "last_name": "Nowak", "extension": extension,
                                               "email": f"n{extension}@firma-abc.example", "phone": "+48600100200"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _directory(client, tenant_id: int, extension: str) -> bytes:
    domain = f"t{tenant_id}.pbx.local"
    return post(client, with_fields(SIP_AUTH, {"key_value": domain, "domain": domain, "user": extension})).data


def test_a_global_variable_in_a_name_is_not_expanded(as_editor, demo):
    stored = _user_through_the_api(as_editor, "$${hostname}|$${sound_prefix}", "170")
    assert stored["first_name"] == "$${hostname}|$${sound_prefix}"  # kept as typed
    reply = _directory(as_editor, demo.id, "170")
    assert b"$${" not in reply and b"$" not in reply.split(b"dial-string")[1].split(b"/>", 1)[1]
    name = etree.fromstring(reply).xpath("//variable[@name='effective_caller_id_name']/@value")[0]
    assert name == "\uff04\uff04{hostname}|\uff04\uff04{sound_prefix} Nowak"


@pytest.mark.parametrize("first_name", ["X-PRE-PROCESS", "x-pre-process", "<X-PRE-PROCESS cmd=\"set\" data=\"a=b\"/>"])
def test_a_preprocessor_command_in_a_name_does_not_blank_the_user(as_editor, demo, first_name):
    _user_through_the_api(as_editor, first_name, "171")
    reply = _directory(as_editor, demo.id, "171")
    assert not re.search(rb"x-pre-process", reply, re.IGNORECASE)
    assert etree.fromstring(reply).xpath("//user/@id") == ["171"]


@pytest.mark.parametrize("typed,shown", [
    ("$${hostname}", "\uff04\uff04{hostname}"),
    ("${api(system ls)}", "\uff04{api(system ls)}"),
    ("X-Pre-Process", "X\u2011Pre\u2011Process"),
    ("O'Brien \"Bob\" <b> & co", "O\u2019Brien \u201dBob\u201d \uff1cb\uff1e \uff06 co"),
    ("a\nb\rc\td\x00e\x1bf\x85g\u2028h", "a b c d e f g h"),
    ("\ud800", "\ufffd"),
    ("Łukasz Żółć-Wąs 📞", "Łukasz Żółć-Wąs 📞"),
    (None, ""),
])
def test_switch_safe(typed, shown):
    assert switch_safe(typed) == shown


@given(st.text())
def test_switch_safe_leaves_nothing_for_the_switch(text):
    safe = switch_safe(text)
    assert not re.search(r"[$\"'<>&\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", safe)
    assert not re.search("x-pre-process", safe, re.IGNORECASE | re.ASCII)
    assert len(safe) == len(text)


def test_a_document_the_preprocessor_would_change_is_never_sent(client, demo, monkeypatch, caplog):
    """The last line of defence: were tenant text ever to slip through unneutralised, the safe reply goes."""
    from pbx.extensions import db
    from xml_curl import directory

    monkeypatch.setattr(directory, "switch_safe", lambda text: text)
    # An earlier test's reply for the same user id would be this one's safe reply.
    monkeypatch.setattr(client.application.extensions["xml_curl"].sections["directory"], "_last_good", {})
    demo.users[0].first_name = "$${hostname}"
    db.session.commit()
    reply = _directory(client, demo.id, demo.users[0].extension)
    assert b"$${" not in reply and b"hostname" not in reply
    assert "PreprocessorText: '$${' in a directory document" in caplog.text


@pytest.mark.parametrize("document,found", [
    (b'<a b="$${x}"/>', "$${"), (b'<a b="X-Pre-Process"/>', "x-pre-process"), (b'<a b="${x} $ {"/>', None),
    ('<a b="X\u2011PRE\u2011PROCESS \uff04\uff04{x}"/>'.encode(), None),
])
def test_what_the_last_line_of_defence_looks_for(document, found):
    assert preprocessor_text(document) == found
