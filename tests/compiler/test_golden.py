"""Emitted XML per node kind against reviewed files; CENTRALKA_REGENERATE_GOLDEN=1 rewrites them."""
import os
from pathlib import Path

import pytest

from pbx.compiler import emit, public_entry
from pbx.compiler.internal import fallbacks, main_numbers
from pbx.dialplan.snapshot import ContactInfo, Fallback
from tests.compiler.golden_trees import TREES
from tests.compiler.test_fallbacks import with_fallbacks
from tests.support.compiler import compiled, hangup, snapshot
from xml_curl.documents import compact
from xml_curl.hunts import EntryReplies

GOLDEN = Path(__file__).parent / "golden"


def _matches_golden(name: str, xml: bytes) -> None:
    path = GOLDEN / f"{name}.xml"
    if os.environ.get("CENTRALKA_REGENERATE_GOLDEN") == "1":
        path.write_bytes(xml)
    assert xml == path.read_bytes()


@pytest.mark.parametrize("name", sorted(TREES))
def test_emitted_xml_matches_golden(name):
    _matches_golden(name, compiled(TREES[name]).xml)


def test_fallbacks_match_golden():
    """A forward without `no_answer`, the fallback extensions, and main numbers ringing someone directly."""
    snap = with_fallbacks(groups={10: Fallback(box_id=9)}, numbers={2: Fallback(number="+48600100200")},
                          company=Fallback(box_id=8))
    forward = {"id": "fw", "kind": "forward", "target": {"group": 10}}
    _matches_golden("forward_fallback", compiled(forward, snap).xml)
    _matches_golden("fallbacks", emit.emit(snap.context, main_numbers(snap, {1}) + fallbacks(snap)))


def test_contacts_match_golden():
    """A caller condition on a contact group, and the reply to the carrier's first hunt for a contact
    calling (its name, with expansion and preprocessor text in it, neutralised) and for an unknown
    caller (no name at all)."""
    snap = snapshot(contacts={
        7: ContactInfo(7, "Anna Nowak", ("+48600100200", "+442071234567"), ("VIP",)),
        8: ContactInfo(8, "Firma ${x} $${y} X-PRE-PROCESS <b> & \"co\"", ("+48600100300", "+48600100200"), ("vip",))})
    vip = {"id": "vip", "kind": "caller_condition", "contact_group": "VIP", "match": hangup("vip_line"),
           "otherwise": hangup()}
    _matches_golden("caller_condition_contact_group", compiled(vip, snap).xml)
    built = public_entry(3, 5, "+48221000000", "public", snap.contacts.values())
    entry = EntryReplies(compact(built.document), built.names)
    _matches_golden("public_entry_contact_caller", entry.reply("0048600100300"))
    _matches_golden("public_entry_unknown_caller", entry.reply("48600100999"))


def test_public_entry_matches_golden():
    """The carrier's first hunt: the dialled number kept for the call record, then on to the tenant."""
    _matches_golden("public_entry", public_entry(3, 5, "+48221000000*").document)


def test_same_tree_and_snapshot_give_the_same_bytes():
    assert compiled(TREES["forward"]).xml == compiled(dict(TREES["forward"])).xml
