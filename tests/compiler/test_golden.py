"""Emitted XML per node kind against reviewed files; CENTRALKA_REGENERATE_GOLDEN=1 rewrites them."""
import os
from pathlib import Path

import pytest

from pbx.compiler import public_entry
from tests.compiler.golden_trees import TREES
from tests.support.compiler import compiled

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(TREES))
def test_emitted_xml_matches_golden(name):
    xml = compiled(TREES[name]).xml
    path = GOLDEN / f"{name}.xml"
    if os.environ.get("CENTRALKA_REGENERATE_GOLDEN") == "1":
        path.write_bytes(xml)
    assert xml == path.read_bytes()


def test_public_entry_matches_golden():
    """The carrier's first hunt: the dialled number kept for the call record, then on to the tenant."""
    xml = public_entry(3, 5, "+48221000000*")
    path = GOLDEN / "public_entry.xml"
    if os.environ.get("CENTRALKA_REGENERATE_GOLDEN") == "1":
        path.write_bytes(xml)
    assert xml == path.read_bytes()


def test_same_tree_and_snapshot_give_the_same_bytes():
    assert compiled(TREES["forward"]).xml == compiled(dict(TREES["forward"])).xml
