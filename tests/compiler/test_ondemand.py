"""On-demand recording: the record code bound on bridges to users, its extension, the notice."""
import dataclasses

from lxml import etree

from pbx.compiler import emit
from pbx.compiler.ondemand import ondemand_extensions
from pbx.dialplan.snapshot import UserInfo
from tests.compiler.test_golden import _matches_golden
from tests.support.compiler import compiled, snapshot

USER_FORWARD = {"id": "fw", "kind": "forward", "target": {"user": 1}, "ring_seconds": 25,
                "no_answer": {"id": "bye", "kind": "hangup"}}


def _with_right(*user_ids, **changes):
    """The test company with the record code on and these users allowed to use it."""
    users = {uid: dataclasses.replace(user, may_record_on_demand=uid in user_ids)
             for uid, user in snapshot().users.items()}
    return snapshot(**{"users": users, "transfer_blind_code": "*1", "record_code": "*3", **changes})


def _apps(xml: bytes, application: str) -> list[str]:
    return [a.get("data") for a in etree.fromstring(xml).iter("action") if a.get("application") == application]


def _extension(snap, name: str) -> list[tuple[str, str]]:
    found = next(e for e in ondemand_extensions(snap) if e.name == name)
    return [(a.application, a.data) for c in found.conditions for a in c.actions]


def test_record_code_extensions_match_golden():
    snap = _with_right(1, 3, recording_notice_id=5)
    _matches_golden("ondemand_extensions", emit.emit(snap.context, ondemand_extensions(snap)))


def test_the_record_code_is_bound_with_the_transfer_code_on_a_bridge_to_a_user():
    xml = compiled(USER_FORWARD, _with_right(1)).xml
    assert _apps(xml, "bind_meta_app") == ["1 b s execute_extension::xfer_blind XML tenant_3",
                                           "3 b s execute_extension::record_toggle XML tenant_3"]


def test_nobody_with_the_right_or_the_code_off_binds_nothing_and_adds_no_extension():
    for snap in (_with_right(), _with_right(1, record_code=None)):
        assert "record_toggle" not in " ".join(_apps(compiled(USER_FORWARD, snap).xml, "bind_meta_app"))
        assert ondemand_extensions(snap) == []


def test_a_record_code_on_another_key_or_digit_than_the_transfers_is_not_bound():
    for code in ("#3", "*1"):
        data = _apps(compiled(USER_FORWARD, _with_right(1, record_code=code)).xml, "bind_meta_app")
        assert data == ["1 b s execute_extension::xfer_blind XML tenant_3"]


def test_only_users_with_the_right_start_and_stop_others_are_refused():
    snap = _with_right(1, 3)
    names = [e.name for e in ondemand_extensions(snap)]
    assert names == ["record_toggle_STOP", "record_toggle_START", "record_toggle_REFUSED"]
    start = next(e for e in ondemand_extensions(snap) if e.name == "record_toggle_START")
    assert start.conditions[1].field == "${centralka_user}" and start.conditions[1].expression == "^(1|3)$"
    assert _extension(snap, "record_toggle_REFUSED") == [
        ("playback", "${sounds_dir}/centralka/common/pl/recording_refused.wav")]


def test_each_start_records_a_new_file_naming_the_user_and_plays_the_notice_to_both_sides():
    actions = _extension(_with_right(2), "record_toggle_START")
    assert actions == [
        ("set", "centralka_recordings=${centralka_recordings}1"),
        ("set", "centralka_recording=${recordings_dir}/3/od_$1_${uuid}_${centralka_recordings}.wav"),
        ("record_session", "${centralka_recording}"),
        ("displace_session", "${sounds_dir}/centralka/common/pl/call_recorded.wav rw")]
    assert _extension(_with_right(2), "record_toggle_STOP") == [
        ("stop_record_session", "${centralka_recording}"), ("unset", "centralka_recording")]


def test_the_company_notice_replaces_the_shared_one_for_whole_call_recording_too():
    snap = _with_right(1, recording_notice_id=6)
    assert ("displace_session", "${sounds_dir}/centralka/3/6.wav rw") in _extension(snap, "record_toggle_START")
    recorded = {"id": "fw", "kind": "forward", "target": {"user": 2}, "no_answer": {"id": "bye", "kind": "hangup"}}
    assert "${sounds_dir}/centralka/3/6.wav" in _apps(compiled(recorded, snap).xml, "playback")
    # A notice whose announcement is gone falls back to the shared one.
    gone = _with_right(1, recording_notice_id=99)
    assert "${sounds_dir}/centralka/common/pl/call_recorded.wav" in _apps(compiled(recorded, gone).xml, "playback")


def test_a_user_without_an_extension_may_have_the_right_too():
    snap = _with_right(users={1: UserInfo(1, None, "+48501234567", may_record_on_demand=True)})
    assert ondemand_extensions(snap)[1].conditions[1].expression == "^(1)$"
