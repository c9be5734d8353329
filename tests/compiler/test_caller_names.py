"""Caller names from the company's contacts: compiled into the carrier's first hunt, so a SIP phone
shows the contact's name with no database read while the call hunts, and the document every later
hunt fetches does not grow with the address book."""
from __future__ import annotations

from datetime import datetime

from pbx.compiler import Published, compile_tree, public_entry, tenant_build
from pbx.dialplan.snapshot import ContactInfo
from pbx.simulator import World, simulate
from tests.support.compiler import WARSAW, applications, snapshot, tree

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
FORWARD = {"id": "fwd", "kind": "forward", "target": {"user": 4}, "ring_seconds": 20,
           "no_answer": {"id": "bye", "kind": "hangup"}}
CONTACTS = {7: ContactInfo(7, "Anna Nowak", ("+48600100200", "+442071234567"), ("VIP",)),
            8: ContactInfo(8, "Drugi z tym samym", ("+48600100200", "+48600100300")),
            9: ContactInfo(9, "${system(reboot)} $${carrier_password} X-PRE-PROCESS", ("+48600100400",))}


def _documents(snap) -> dict[str, bytes]:
    version = compile_tree(tree(FORWARD), snap, scenario_id=5, version_id=8, main_number_id=1)
    published = Published(5, "test", 1, 8, 1, tree(FORWARD), version.xml.decode(), version.meta)
    return {"public": public_entry(3, 1, "+48221000000", "public", snap.contacts.values()),
            "tenant_3": tenant_build(snap, [published]).document}


def _bridge(documents: dict[str, bytes], caller: str):
    """A call from the carrier: the public hunt, then the company's; the name and what was bridged."""
    result = simulate(lambda form: documents[form["Hunt-Context"]], World(start=AT, caller=caller, legs={}),
                      context="public", destination="48221000000")
    bridges = [s.details["data"] for s in result.steps if s.kind == "execute" and s.details["application"] == "bridge"]
    return result.variables.get("effective_caller_id_name"), bridges


def test_a_contact_s_name_is_set_before_the_bridge_in_any_carrier_form():
    documents = _documents(snapshot(contacts=CONTACTS))
    for caller in ("+48600100200", "48600100200", "0048600100200", "600100200", "00442071234567"):
        name, bridges = _bridge(documents, caller)
        assert name == "Anna Nowak", caller  # the first contact keeps a number two of them share
        assert bridges == ["{originate_timeout=20}[leg_timeout=20,centralka_user=4]user/104@t3.pbx.local"]
    assert _bridge(documents, "+48600100300")[0] == "Drugi z tym samym"
    assert _bridge(documents, "+48600100999") == (None, _bridge(documents, "+48600100200")[1])


def test_a_contact_s_name_cannot_expand_or_run_anything_on_the_switch():
    entry = _documents(snapshot(contacts=CONTACTS))["public"]
    assert b"${system" not in entry and b"$${" not in entry and b"X-PRE-PROCESS" not in entry
    [(application, data)] = applications(entry, "caller_name_9")
    assert application == "set" and data.startswith("effective_caller_id_name=\uff04{system(reboot)}")


def test_the_company_s_document_does_not_grow_with_its_contacts():
    with_contacts, without = _documents(snapshot(contacts=CONTACTS)), _documents(snapshot())
    assert with_contacts["tenant_3"] == without["tenant_3"]
    assert b"caller_name_" not in without["public"]
