"""Fallbacks of groups, main numbers and the company: one extension each, used where nothing more specific is set."""
from dataclasses import replace
from datetime import datetime

import pytest
from lxml import etree

from pbx.compiler import ScenarioInvalid
from pbx.compiler.internal import group_queues
from pbx.dialplan.snapshot import Fallback
from pbx.simulator import Leg
from tests.support.compiler import ANNA, KASIA, WARSAW, applications, call, compiled, hangup, path_of, snapshot, tenant_xml

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
OUTSIDE = "sofia/gateway/carrier/48600100200"
FROM_DESK = {"user_name": "104"}


def with_fallbacks(groups=None, numbers=None, company=None):
    """The test company, with the given fallbacks (group id / main number id → Fallback)."""
    base = snapshot()
    return snapshot(groups={i: replace(g, fallback=(groups or {}).get(i)) for i, g in base.groups.items()},
                    main_numbers={i: replace(n, fallback=(numbers or {}).get(i)) for i, n in base.main_numbers.items()},
                    fallback=company)


def forward(target, **fields):
    return {"id": "fw", "kind": "forward", "target": target, "ring_seconds": 10, **fields}


def recorded_box(result) -> list[str]:
    return [s.details["path"] for s in result.steps if s.kind == "recorded"]


def bridged_to(result) -> list[str]:
    return [a["data"] for a in result.applications if a["application"] == "bridge"]


def test_a_forward_without_its_own_fallback_takes_the_groups_voicemail():
    snap = with_fallbacks(groups={10: Fallback(box_id=9)}, company=Fallback(number="+48600100200"))
    result = call(forward({"group": 10}), at=AT, snap=snap)
    assert path_of(result) == ["fw:no_answer", "fallback_group_10"]
    assert recorded_box(result) == ["/3/vm_9_" + result.variables["uuid"] + ".wav"]
    # A forward's own branch still wins over the group's fallback.
    own = call(forward({"group": 10}, no_answer=hangup("missed")), at=AT, snap=snap)
    assert path_of(own)[-1] == "missed"


def test_the_group_fallback_is_emitted_once_for_every_forward_to_the_group():
    snap = with_fallbacks(groups={10: Fallback(box_id=9)})
    root = {"id": "m", "kind": "menu", "prompt": 5, "options": {"1": forward({"group": 10}), "2": {
        **forward({"group": 10}), "id": "fw2", "queue": {"max_wait_seconds": 30}}}}
    xml = tenant_xml(root, snap)
    names = [e.get("name") for e in etree.fromstring(xml).iter("extension")]
    assert names.count("fallback_group_10") == 1 and "fallback_company" not in names
    assert ("transfer", "fallback_group_10 XML tenant_3") in applications(compiled(root, snap).xml, "s5_fw_RESULT_UNAVAILABLE")
    assert ("transfer", "fallback_group_10 XML tenant_3") in applications(compiled(root, snap).xml, "s5_fw2_RESULT_TIMEOUT")
    assert ("record", "${recordings_dir}/3/vm_9_${uuid}.wav 120 200 5") in applications(xml, "fallback_group_10")


def test_without_any_fallback_a_forward_needs_its_no_answer_branch():
    with pytest.raises(ScenarioInvalid) as error:
        compiled(forward({"group": 10}), with_fallbacks(groups={11: Fallback(box_id=9)}))
    assert [str(p) for p in error.value.errors] == [
        "fw: the “no answer” branch is missing and neither the group nor the company has a fallback: "
        "the call would end nowhere"]


def test_the_company_default_serves_a_forward_to_a_user_and_rings_an_outside_number():
    snap = with_fallbacks(company=Fallback(number="+48600100200"))
    result = call(forward({"user": 1}), at=AT, snap=snap, legs={OUTSIDE: Leg("answer", 2.0, talk=5)})
    assert path_of(result) == ["fw:no_answer", "fallback_company"]
    assert bridged_to(result)[-1] == "{originate_timeout=30}[leg_timeout=30]" + OUTSIDE
    assert result.hangup_by == "callee"


def test_a_group_dialled_by_extension_takes_its_fallback_a_user_the_companys():
    snap = with_fallbacks(groups={10: Fallback(box_id=9)}, company=Fallback(box_id=8))
    group = call(hangup(), at=AT, snap=snap, destination="200", variables=FROM_DESK)
    assert path_of(group) == ["fallback_group_10"] and "/vm_9_" in recorded_box(group)[0]
    user = call(hangup(), at=AT, snap=snap, destination="101", variables=FROM_DESK)
    assert path_of(user) == ["fallback_company"] and "/vm_8_" in recorded_box(user)[0]


def test_without_fallbacks_an_extension_call_still_ends_no_answer():
    result = call(hangup(), at=AT, destination="200", variables=FROM_DESK)
    assert result.hangup_cause == "NO_ANSWER" and not recorded_box(result)


def test_a_main_number_ringing_a_user_directly_takes_its_own_fallback_then_the_companys():
    own = with_fallbacks(numbers={2: Fallback(box_id=9)}, company=Fallback(box_id=8))
    result = call(hangup(), at=AT, snap=own, destination="main_2")
    assert path_of(result) == ["fallback_main_2"] and "/vm_9_" in recorded_box(result)[0]
    company = call(hangup(), at=AT, snap=with_fallbacks(company=Fallback(box_id=8)), destination="main_2")
    assert path_of(company) == ["fallback_company"]
    assert call(hangup(), at=AT, destination="main_2").hangup_cause == "NO_ANSWER"  # nothing set: as before


def test_a_main_number_ringing_a_longest_idle_group_takes_the_fallback_after_the_queue():
    snap = snapshot(main_numbers={**snapshot().main_numbers, 3: replace(
        snapshot().main_numbers[2], id=3, number="+48221000003", target_user_id=None, target_group_id=13)},
        groups={**snapshot().groups, 13: replace(snapshot().groups[13], fallback=Fallback(box_id=9))})
    result = call(hangup(), at=AT, snap=snap, destination="main_3", queues=group_queues(snap))
    assert ("callcenter", "t3_g13@default") in [(a["application"], a["data"]) for a in result.applications]
    assert path_of(result) == ["fallback_group_13"] and recorded_box(result)
    answered = call(hangup(), at=AT, snap=snap, destination="main_3", queues=group_queues(snap),
                    legs={KASIA: Leg("answer", 3.0, talk=5)})
    assert answered.variables["cc_cause"] == "answered" and not recorded_box(answered)


def test_a_direct_dial_to_a_group_with_a_fallback_goes_there_instead_of_back_to_the_menu():
    snap = with_fallbacks(groups={10: Fallback(box_id=9)}, company=Fallback(box_id=8))
    menu = {"id": "m", "kind": "menu", "prompt": 5, "repeat": 1, "direct_dial": True, "options": {"1": hangup("one")},
            "no_input": hangup("silent")}
    group = call(menu, at=AT, snap=snap, keys=[(1.0, "200")])
    assert path_of(group) == ["m:dial:200", "fallback_group_10"] and "/vm_9_" in recorded_box(group)[0]
    user = call(menu, at=AT, snap=snap, keys=[(1.0, "101")], legs={ANNA: Leg("no_answer")})
    assert path_of(user)[:2] == ["m:dial:101", "m:no_input"]  # the menu is more specific than the company's default


def test_a_call_sent_to_a_box_by_the_reception_page_records_in_that_box():
    """`voicemail_<box>` is where the reception page transfers a caller to leave a message."""
    result = call(hangup(), at=AT, snap=with_fallbacks(company=Fallback(box_id=8)), destination="voicemail_9")
    assert path_of(result) == ["voicemail_9"] and "/vm_9_" in recorded_box(result)[0]
