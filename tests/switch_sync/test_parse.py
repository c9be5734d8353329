"""The list replies of mod_callcenter, parsed from the captured bytes."""
import pytest

from pbx.switch_sync import (
    Callcenter,
    SwitchError,
    _refuse_unsafe,
    agents_of,
    parse_list,
    queues_of,
    tiers_of,
)
from tests.support.captured import annotated_replies


def reply(fixture: str, command: str, nth: int = 0) -> str:
    frames = [frame for sent, frame in annotated_replies(fixture) if sent == f"api {command}"]
    return frames[nth].split(b"\n\n", 1)[1].decode()


def test_queue_list_as_captured():
    [queue] = parse_list(reply("esl_api_callcenter_setup.txt", "callcenter_config queue list"))
    assert queue["name"] == "support@default"
    assert (queue["strategy"], queue["moh_sound"], queue["max_wait_time"]) == (
        "longest-idle-agent", "tone_stream://%(1000,4000,440)", "20")
    assert (queue["record_template"], queue["agent_no_answer_status"]) == ("", "On Break")


def test_agent_list_before_and_after_set_status():
    before = parse_list(reply("esl_api_callcenter_setup.txt", "callcenter_config agent list", 0))
    after = parse_list(reply("esl_api_callcenter_setup.txt", "callcenter_config agent list", 1))
    assert [a["name"] for a in before] == ["1001@default", "1002@default"]
    assert before[0]["contact"] == "[leg_timeout=10]sofia/gateway/carrier/48600000011"
    assert [a["status"] for a in before] == ["Logged Out"] * 2
    assert [a["status"] for a in after] == ["Available"] * 2
    assert (after[0]["type"], after[0]["max_no_answer"], after[0]["wrap_up_time"]) == ("callback", "5", "3")


def test_agent_added_at_run_time_and_empty_tier_list():
    [agent] = parse_list(reply("esl_api_replies.txt", "callcenter_config agent list"))
    assert (agent["name"], agent["type"], agent["contact"], agent["status"]) == (
        "1000@default", "Callback", "", "Logged Out")
    assert parse_list(reply("esl_api_replies.txt", "callcenter_config tier list")) == []


def test_tier_list_as_captured():
    tiers = parse_list(reply("esl_api_callcenter_setup.txt", "callcenter_config tier list"))
    assert [(t["queue"], t["agent"], t["state"], t["level"], t["position"]) for t in tiers] == [
        ("support@default", "1001@default", "Ready", "1", "1"),
        ("support@default", "1002@default", "Ready", "1", "2")]


def test_captured_switch_has_nothing_of_ours():
    fixture = "esl_api_callcenter_setup.txt"
    assert queues_of(reply(fixture, "callcenter_config queue list")) == {}
    assert agents_of(reply(fixture, "callcenter_config agent list")) == {}
    assert tiers_of(reply(fixture, "callcenter_config tier list")) == {}


def test_a_contact_holding_a_bar_stays_one_value():
    text = reply("esl_api_callcenter_setup.txt", "callcenter_config agent list")
    sequential = "sofia/gateway/carrier/48600000011|sofia/gateway/carrier/48600000012"
    text = text.replace("[leg_timeout=10]sofia/gateway/carrier/48600000011", sequential, 1)
    rows = parse_list(text, "contact")
    assert rows[0]["contact"] == sequential and rows[0]["status"] == "Logged Out"
    with pytest.raises(SwitchError):
        parse_list(text)


@pytest.mark.parametrize("text", ["-ERR callcenter_config Command not found!\n", "", "name|strategy\nx|y\n"])
def test_anything_but_a_list_is_an_error(text):
    with pytest.raises(SwitchError):
        parse_list(text)


def test_our_names_only():
    text = ("name|instance_id|uuid|type|contact|status\n"
            "t4_s7_sales_u3@default|single_box||callback|x|Available\n"
            "t4_g2_u3@default|single_box||callback|x|Available\n"
            "1001@default|single_box||callback|x|Available\n"
            "t4_s7_sales_u3@other|single_box||callback|x|Available\n+OK\n")
    assert sorted(agents_of(text)) == ["t4_g2_u3@default", "t4_s7_sales_u3@default"]


@pytest.mark.parametrize("contact", [
    "[leg_timeout=20]sofia/gateway/carrier/48 600000011",   # a space splits the argument
    "[leg_timeout=20]sofia/gateway/carrier/'48600000011'",  # quotes are removed by the tokenizer
    "user/101@t1.pbx.local\nagent del t1_g1_u1@default",     # a newline ends the ESL command
    "user/${evil}@t1", "user/101@t1\\s", ""])
def test_unsafe_contacts_are_refused_with_their_tiers(contact):
    queue, agent = "t1_g1@default", "t1_g1_u1@default"
    wanted = Callcenter({queue: {}}, {agent: {"type": "callback", "contact": contact}},
                        {(queue, agent): {"level": "1", "position": "1", "state": "Ready"}})
    refused = _refuse_unsafe(wanted)
    assert refused.agents == {} and refused.tiers == {} and list(refused.queues) == [queue]


def test_a_dial_string_of_ours_is_safe():
    contact = ("[leg_timeout=20,centralka_user=5]sofia/gateway/carrier/48501000011,"
               "[leg_timeout=20,centralka_user=5]user/101@t1.pbx.local")
    wanted = Callcenter({}, {"t1_g1_u5@default": {"type": "callback", "contact": contact}}, {})
    assert _refuse_unsafe(wanted).agents["t1_g1_u5@default"]["contact"] == contact
