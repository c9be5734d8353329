from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.dialplan.snapshot import ContactInfo
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of, snapshot

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


CONTACTS = {7: ContactInfo(7, "Anna Nowak", ("+48600100200", "+442071234567"), ("VIP", "Klienci")),
            8: ContactInfo(8, "Jan Bez Grupy", ("+48600100300",), ("Klienci",))}
BY_GROUP = {"id": "vip", "kind": "caller_condition", "contact_group": "vip", "match": hangup("vip_line"),
            "otherwise": hangup("queue")}


@pytest.mark.parametrize("caller", ["48600100200", "+48600100200", "600100200", "00442071234567"])
def test_a_contact_of_the_group_takes_the_match_branch(caller):
    assert path_of(call(BY_GROUP, at=AT, caller=caller, snap=snapshot(contacts=CONTACTS)))[0] == "vip:match"


@pytest.mark.parametrize("caller", ["48600100300", "48600100201", "442071234568"])
def test_other_callers_and_contacts_of_other_groups_do_not(caller):
    assert path_of(call(BY_GROUP, at=AT, caller=caller, snap=snapshot(contacts=CONTACTS)))[0] == "vip:otherwise"


def test_a_contact_group_needs_a_match_branch_and_a_list_or_group_alone():
    with pytest.raises(ScenarioInvalid, match="needs a “on the list” branch"):
        compiled({k: v for k, v in BY_GROUP.items() if k != "match"}, snapshot(contacts=CONTACTS))
    with pytest.raises(ScenarioInvalid, match="either a number list or a contact group"):
        compiled({**BY_GROUP, "list": 21}, snapshot(contacts=CONTACTS))
    with pytest.raises(ScenarioInvalid, match="either a number list or a contact group"):
        compiled({k: v for k, v in BY_GROUP.items() if k != "contact_group"})


def test_an_empty_contact_group_is_a_warning_and_every_caller_goes_on():
    warnings = compiled(BY_GROUP, snapshot(contacts={})).warnings
    assert any("contact group vip" in str(w) for w in warnings)
    assert path_of(call(BY_GROUP, at=AT, caller="48600100200", snap=snapshot(contacts={})))[0] == "vip:otherwise"


def test_a_test_call_tells_the_contact_group():
    from pbx.nodes.caller_condition import CallerCondition

    told = CallerCondition().story({"at": 0.0, "outcome": "match", "label": "vip"}, BY_GROUP, [], None, "pl")
    assert told == [(0.0, "Grupa kontaktów „vip”: dzwoniący jest kontaktem z tej grupy")]
