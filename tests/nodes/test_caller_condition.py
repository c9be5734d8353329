from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
BLACKLIST = {"id": "bl", "kind": "caller_condition", "list": 20, "otherwise": hangup("welcome")}
VIP = {"id": "vip", "kind": "caller_condition", "list": 21, "match": hangup("vip_line"), "otherwise": hangup("queue")}


@pytest.mark.parametrize("caller", ["48221999999", "+48221999999", "221999999", "0048221999999", "493012345"])
def test_blacklisted_callers_are_rejected_before_answer(caller):
    result = call(BLACKLIST, at=AT, caller=caller)
    assert result.hangup_cause == "CALL_REJECTED" and not result.answered
    assert result.variables["centralka_blacklisted"] == "true" and path_of(result) == ["bl:rejected"]


@pytest.mark.parametrize("caller", ["48221999998", "2219999990", "4931"])
def test_other_callers_go_on(caller):
    assert path_of(call(BLACKLIST, at=AT, caller=caller)) == ["bl:otherwise", "welcome"]


def test_vip_callers_take_the_match_branch():
    assert path_of(call(VIP, at=AT, caller="48600100200"))[0] == "vip:match"
    assert path_of(call(VIP, at=AT, caller="48600100201"))[0] == "vip:otherwise"


def test_list_kind_decides_the_branches():
    with pytest.raises(ScenarioInvalid, match="remove the “on the list” branch"):
        compiled({**BLACKLIST, "match": hangup("x")})
    with pytest.raises(ScenarioInvalid, match="needs a “on the list” branch"):
        compiled({k: v for k, v in VIP.items() if k != "match"})
    with pytest.raises(ScenarioInvalid, match="number list 99"):
        compiled({**BLACKLIST, "list": 99})
