"""Transfers from phones: the feature codes bound on bridges, their extensions, the transferred caller going out."""
from lxml import etree

from pbx.compiler import emit, tenant_build
from pbx.compiler.transfers import transfer_extensions
from tests.compiler.test_golden import _matches_golden
from tests.support.compiler import compiled, snapshot

CODES = {"transfer_blind_code": "*1", "transfer_attended_code": "*2"}
USER_FORWARD = {"id": "fw", "kind": "forward", "target": {"user": 1}, "ring_seconds": 25,
                "no_answer": {"id": "bye", "kind": "hangup"}}


def _apps(xml: bytes, application: str) -> list[str]:
    return [a.get("data") for a in etree.fromstring(xml).iter("action", "anti-action")
            if a.get("application") == application]


def test_bridge_with_the_feature_codes_bound_matches_golden():
    _matches_golden("forward_transfer_codes", compiled(USER_FORWARD, snapshot(**CODES)).xml)


def test_feature_code_extensions_match_golden():
    snap = snapshot(**CODES)
    _matches_golden("transfer_extensions", emit.emit(snap.context, transfer_extensions(snap)))


def test_codes_bind_the_far_ends_keys_and_run_on_the_users_leg():
    xml = compiled(USER_FORWARD, snapshot(**CODES)).xml
    assert _apps(xml, "bind_meta_app") == ["1 b s execute_extension::xfer_blind XML tenant_3",
                                           "2 b s execute_extension::xfer_attended XML tenant_3"]
    assert _apps(xml, "set").count("bind_meta_key=#") == 0  # `*` is FreeSWITCH's own meta key


def test_a_hash_code_sets_the_meta_key_and_a_code_switched_off_is_not_bound():
    xml = compiled(USER_FORWARD, snapshot(transfer_blind_code="#7", transfer_attended_code=None)).xml
    assert "bind_meta_key=#" in _apps(xml, "set")
    assert _apps(xml, "bind_meta_app") == ["7 b s execute_extension::xfer_blind XML tenant_3"]
    names = [e.name for e in transfer_extensions(snapshot(transfer_blind_code="#7"))]
    assert "xfer_blind" in names and "xfer_attended" not in names


def test_no_codes_no_binding_and_no_feature_extensions():
    assert _apps(compiled(USER_FORWARD, snapshot()).xml, "bind_meta_app") == []
    assert [e.name for e in transfer_extensions(snapshot())] == ["transfer_out_INTL", "transfer_out_NATIONAL"]


def test_an_outside_party_is_never_given_the_keys():
    forward = {"id": "fw", "kind": "forward", "target": {"number": "+48600100200"},
               "no_answer": {"id": "bye", "kind": "hangup"}}
    assert _apps(compiled(forward, snapshot(**CODES)).xml, "bind_meta_app") == []


def test_extension_dialling_and_queues_bind_the_codes_too():
    """A transferred caller re-hunts an extension: whoever answers there may transfer again."""
    document = tenant_build(snapshot(**CODES), []).document
    root = etree.fromstring(document)
    for name in ("ext_101", "ext_200", "ext_500"):  # a user, a sequential group, a longest-idle group's queue
        extension = root.find(f".//extension[@name='{name}']")
        data = [a.get("data") for a in extension.iter("action") if a.get("application") == "bind_meta_app"]
        assert data and data[0].startswith("1 b s execute_extension::xfer_blind"), name


def test_only_a_leg_rung_for_a_user_runs_the_features():
    snap = snapshot(**CODES)
    for extension in transfer_extensions(snap):
        if extension.name.startswith("xfer_"):
            assert any(c.field == "${centralka_user}" and c.expression == "^[0-9]+$" for c in extension.conditions)


def test_the_typed_target_is_matched_by_digits_before_it_is_used():
    snap = snapshot(**CODES)
    by_name = {e.name: e for e in transfer_extensions(snap)}
    blind = by_name["xfer_blind_EXT"].conditions[-1]
    assert (blind.field, blind.expression) == ("${centralka_xfer_to}", "^(101|102|103|104|200|300|400|500|600)$")
    assert [a.data for a in blind.actions] == ["centralka_transfer=blind:$1", "-bleg $1 XML tenant_3"]
    national = by_name["xfer_attended_NATIONAL"].conditions[-1]
    assert national.expression == "^(([1-9][0-9]{8}))$"
    assert national.actions[-1].data == "{centralka_call=${bridge_uuid},originate_timeout=30}sofia/gateway/carrier/48$2"
    attended = by_name["xfer_attended_101"].conditions[-1].actions[-1]
    assert attended.application == "att_xfer"
    assert attended.data.startswith("{centralka_call=${bridge_uuid},") and "centralka_user=1]" in attended.data


def test_a_transferred_caller_goes_out_only_from_its_own_leg_and_without_the_keys():
    out = {e.name: e for e in transfer_extensions(snapshot())}["transfer_out_NATIONAL"]
    fields = [(c.field, c.expression) for c in out.conditions]
    assert fields[:3] == [("${centralka_direction}", "^in$"), ("${centralka_user}", "^$"), ("${user_name}", "^$")]
    assert [a.application for a in out.conditions[-1].actions] == ["unbind_meta_app", "set", "bridge", "hangup"]
    assert out.conditions[-1].actions[2].data == "{originate_timeout=60}sofia/gateway/carrier/48$1"
