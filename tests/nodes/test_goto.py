import pytest

from pbx.compiler import ScenarioInvalid
from tests.support.compiler import applications, compiled, hangup


def test_goto_transfers_to_an_ancestor():
    root = {"id": "top", "kind": "announcement", "prompt": 5, "next": {"id": "back", "kind": "goto", "target": "top"}}
    assert ("transfer", "s5_top XML tenant_3") in applications(compiled(root).xml, "s5_back")


@pytest.mark.parametrize("target", ["sibling", "back", "nowhere"])
def test_goto_elsewhere_is_refused(target):
    root = {"id": "m", "kind": "menu", "prompt": 5, "options": {
        "1": {"id": "back", "kind": "goto", "target": target}, "2": hangup("sibling")}}
    with pytest.raises(ScenarioInvalid) as error:
        compiled(root)
    assert error.value.errors[0].node_id == "back" and "not a node above" in error.value.errors[0].message
