"""Caller names from the company's contacts and users: kept beside the carrier's first hunt, one set per
call for its own caller, so a SIP phone shows the name with no database read while the call hunts and
no reply grows with the address book."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from pbx.compiler import Published, compile_tree, public_entry, tenant_build
from pbx.dialplan import dialing
from pbx.dialplan.snapshot import ContactInfo, UserInfo
from pbx.simulator import World, simulate
from tests.support.compiler import WARSAW, applications, snapshot, tree
from xml_curl.documents import compact
from xml_curl.hunts import EntryReplies

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
FORWARD = {"id": "fwd", "kind": "forward", "target": {"user": 4}, "ring_seconds": 20,
           "no_answer": {"id": "bye", "kind": "hangup"}}
HOSTILE = "${system(reboot)} $${carrier_password} X-PRE-PROCESS <b> & \"co\"\n"
CONTACTS = {7: ContactInfo(7, "Anna Nowak", ("+48600100200", "+442071234567"), ("VIP",)),
            8: ContactInfo(8, "Drugi z tym samym", ("+48600100200", "+48600100300")),
            9: ContactInfo(9, HOSTILE, ("+48600100400",)),
            10: ContactInfo(10, "Kontakt z numerem pracownika", ("+48501234567",))}
USERS = [UserInfo(1, "101", "+48501234567", name="Jan Kowalski")]


def entry(contacts=CONTACTS.values(), users=USERS) -> EntryReplies:
    """The entry as the endpoint keeps it: compacted, its names beside it."""
    built = public_entry(3, 1, "+48221000000", "public", contacts, users)
    return EntryReplies(compact(built.document), built.names)


def _documents(snap) -> dict:
    version = compile_tree(tree(FORWARD), snap, scenario_id=5, version_id=8, main_number_id=1)
    published = Published(5, "test", 1, 8, 1, tree(FORWARD), version.xml.decode(), version.meta)
    return {"public": entry(snap.contacts.values()), "tenant_3": tenant_build(snap, [published]).document}


def _bridge(documents: dict, caller: str):
    """A call from the carrier: the public hunt (its reply for this caller), then the company's."""
    def reply(form):
        found = documents[form["Hunt-Context"]]
        return found.reply(form["Hunt-Caller-ID-Number"]) if isinstance(found, EntryReplies) else found

    result = simulate(reply, World(start=AT, caller=caller, legs={}), context="public", destination="48221000000")
    bridges = [s.details["data"] for s in result.steps if s.kind == "execute" and s.details["application"] == "bridge"]
    return result.variables.get("effective_caller_id_name"), bridges


def test_a_contact_s_name_is_set_before_the_bridge_in_any_carrier_form():
    documents = _documents(snapshot(contacts=CONTACTS))
    for caller in ("+48600100200", "48600100200", "0048600100200", "600100200", "00442071234567", "442071234567"):
        name, bridges = _bridge(documents, caller)
        assert name == "Anna Nowak", caller  # the first contact keeps a number two of them share
        assert bridges == ["{originate_timeout=20}[leg_timeout=20,centralka_user=4]user/104@t3.pbx.local"]
    assert _bridge(documents, "+48600100300")[0] == "Drugi z tym samym"
    assert _bridge(documents, "+48600100999") == (None, _bridge(documents, "+48600100200")[1])


@pytest.mark.parametrize("number", ["+48600100200", "+48221234567", "+442071234567", "+4930123456"])
def test_a_caller_is_named_exactly_when_the_number_regex_matches_it(number):
    """The lookup key accepts the forms the switch's regex for a contact's number (valid E.164, as the
    panel stores it) accepts, and no other."""
    regex = re.compile("^" + dialing.number_regex(number))
    body = number[1:]
    national = body[2:] if body.startswith("48") else body
    forms = ["+" + body, "00" + body, body, national, "0" + body, "+0" + body, body + "1", body[:-1], "", "abc"]
    for form in forms:
        assert (regex.match(form) is not None) == (dialing.caller_key(form) == number), form


def test_a_user_s_own_number_names_the_user_not_a_contact():
    assert entry().names["+48501234567"] == "Jan Kowalski"
    assert b"Jan Kowalski" in entry().reply("501234567") and b"Kontakt z" not in entry().reply("501234567")


def test_a_contact_s_name_cannot_expand_or_run_anything_on_the_switch():
    reply = entry().reply("+48600100400")
    assert b"${system" not in reply and b"$${" not in reply and b"X-PRE-PROCESS" not in reply
    assert b"\n" not in reply.split(b"\n", 1)[1]  # one line after the declaration: nothing to blank
    [(application, data), *_] = applications(reply, "main_1")
    assert application == "set" and data.startswith("effective_caller_id_name=\uff04{system(reboot)}")


def test_a_stored_name_the_switch_would_expand_is_refused():
    with pytest.raises(ValueError):
        EntryReplies(entry().document, {"+48600100400": "$${carrier_password}"})


def test_the_reply_does_not_grow_with_the_address_book():
    """An unknown caller gets the same bytes with one contact or 5,000; a named one, one action more."""
    many = [ContactInfo(100 + i, f"Kontakt {i}", (f"+48700{i:06d}", f"+4420{i:08d}")) for i in range(5000)]
    one, thousands = entry([CONTACTS[7]], []), entry([CONTACTS[7], *many], [])
    assert one.reply("+48600100999") == thousands.reply("+48600100999") == one.document
    assert b"effective_caller_id_name" not in one.document
    assert one.reply("600100200") == thousands.reply("600100200")
    assert len(one.reply("600100200")) - len(one.document) < 80
    assert thousands.reply("0048700004999").count(b"<action") == 3


def test_the_company_s_document_does_not_grow_with_its_contacts():
    with_contacts, without = _documents(snapshot(contacts=CONTACTS)), _documents(snapshot())
    assert with_contacts["tenant_3"] == without["tenant_3"]
    assert with_contacts["public"].document == without["public"].document


def test_the_stored_form_serves_the_same_replies():
    stored = EntryReplies.from_bytes(entry().to_bytes())
    for caller in ("+48600100200", "+48600100400", "501234567", "+48600100999"):
        assert stored.reply(caller) == entry().reply(caller)


def test_an_entry_stored_before_names_were_kept_beside_it_is_served_as_it_was():
    stored = entry().document  # the last good store held the whole document
    assert EntryReplies.from_bytes(stored).reply("+48600100200") == stored
