"""The ESL protocol module against the captured FreeSWITCH byte streams."""
import json
import random
from collections import Counter

import pytest

from pbx.esl.protocol import (
    EVENT_JSON, EVENT_PLAIN, Event, FrameParser, ProtocolError, encode_event,
)
from tests.support.captured import event_stream_files, read_fixture, received_frames, split_frames

# Per-file event counts as listed in fixtures/freeswitch/README.md (second run).
CALL_SHAPES = {
    "ivr_bridge_sequential": dict(
        CHANNEL_STATE=22, CHANNEL_CALLSTATE=12, CHANNEL_EXECUTE=12, CHANNEL_EXECUTE_COMPLETE=12,
        CODEC=4, CHANNEL_CREATE=3, CHANNEL_HANGUP=3, CHANNEL_HANGUP_COMPLETE=3, CHANNEL_DESTROY=3,
        CHANNEL_ANSWER=2, CHANNEL_ORIGINATE=2, CHANNEL_OUTGOING=2, CHANNEL_PROGRESS=2,
        CALL_UPDATE=2, CHANNEL_BRIDGE=1, CHANNEL_UNBRIDGE=1, DTMF=1, PLAYBACK_START=1,
        PLAYBACK_STOP=1, RECORD_START=1, RECORD_STOP=1, MEDIA_BUG_START=1, MEDIA_BUG_STOP=1,
        HEARTBEAT=1, RE_SCHEDULE=1),
    "bridge_simultaneous_noanswer_then_record": dict(
        CHANNEL_STATE=19, CHANNEL_EXECUTE=10, CHANNEL_EXECUTE_COMPLETE=10, CHANNEL_CALLSTATE=7,
        CODEC=4, CHANNEL_CREATE=3, CHANNEL_PROGRESS=3, CHANNEL_HANGUP=3,
        CHANNEL_HANGUP_COMPLETE=3, CHANNEL_DESTROY=3, CHANNEL_ORIGINATE=2, CHANNEL_OUTGOING=2,
        CHANNEL_ANSWER=1, PLAYBACK_START=1, PLAYBACK_STOP=1, RECORD_START=1, RECORD_STOP=1,
        HEARTBEAT=1, RE_SCHEDULE=1),
    "callcenter_answered": {
        "CHANNEL_STATE": 21, "CUSTOM callcenter::info": 10, "CHANNEL_EXECUTE": 8,
        "CHANNEL_EXECUTE_COMPLETE": 6, "CHANNEL_CALLSTATE": 6, "CODEC": 4, "CHANNEL_ANSWER": 2,
        "CHANNEL_CREATE": 2, "CHANNEL_HANGUP": 2, "CHANNEL_HANGUP_COMPLETE": 2,
        "CHANNEL_DESTROY": 2, "CALL_UPDATE": 2, "PRESENCE_IN": 2, "RE_SCHEDULE": 2,
        "CHANNEL_BRIDGE": 1, "CHANNEL_UNBRIDGE": 1, "CHANNEL_ORIGINATE": 1,
        "CHANNEL_OUTGOING": 1, "CHANNEL_PROGRESS": 1, "PLAYBACK_START": 1, "PLAYBACK_STOP": 1,
        "HEARTBEAT": 1},
    "callcenter_abandoned": {
        "CHANNEL_STATE": 13, "CUSTOM callcenter::info": 8, "CHANNEL_EXECUTE": 6,
        "CHANNEL_EXECUTE_COMPLETE": 6, "CHANNEL_CALLSTATE": 5, "PLAYBACK_START": 3,
        "PLAYBACK_STOP": 3, "CHANNEL_CREATE": 2, "CHANNEL_HANGUP": 2,
        "CHANNEL_HANGUP_COMPLETE": 2, "CHANNEL_DESTROY": 2, "CODEC": 2, "PRESENCE_IN": 2,
        "CHANNEL_ANSWER": 1, "CHANNEL_ORIGINATE": 1, "CHANNEL_OUTGOING": 1,
        "CHANNEL_PROGRESS": 1, "API": 1, "COMMAND": 1, "HEARTBEAT": 1, "RE_SCHEDULE": 1},
    "blacklist_reject": dict(
        CHANNEL_STATE=7, CHANNEL_EXECUTE=3, CHANNEL_EXECUTE_COMPLETE=3, CHANNEL_CALLSTATE=2,
        CODEC=2, CHANNEL_CREATE=1, CHANNEL_HANGUP=1, CHANNEL_HANGUP_COMPLETE=1,
        CHANNEL_DESTROY=1, HEARTBEAT=1, RE_SCHEDULE=1),
}
EXPECTED_COUNTS = {
    f"esl_events_{fmt}_{shape}.txt": counts
    for shape, counts in CALL_SHAPES.items() for fmt in ("plain", "json")
}
EXPECTED_COUNTS["esl_events_plain_custom_callcenter_info_only.txt"] = {"CUSTOM callcenter::info": 10}
EXPECTED_COUNTS["esl_events_plain_custom_no_subclass.txt"] = {}

PAIRED = [name for name in event_stream_files("plain")
          if name.replace("plain", "json", 1) in event_stream_files("json")]


def parse_stream(data, chunk=None):
    parser = FrameParser()
    if chunk is None:
        frames = parser.feed(data)
    else:
        frames = [f for i in range(0, len(data), chunk) for f in parser.feed(data[i:i + chunk])]
    assert parser.pending == 0
    return frames


def events_of(name):
    return [Event.from_frame(f) for f in parse_stream(read_fixture(name)) if f.is_event]


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_second_run_streams_split_into_the_documented_events(name):
    assert Counter(e.key for e in events_of(name)) == Counter(EXPECTED_COUNTS[name])


@pytest.mark.parametrize("name", ["esl_events_plain.txt", "esl_events_json.txt"])
def test_first_run_call_has_43_events(name):
    events = events_of(name)
    assert len(events) == 43
    assert {"CHANNEL_CREATE", "CHANNEL_DESTROY", "RECORD_START", "MEDIA_BUG_STOP",
            "HEARTBEAT", "RE_SCHEDULE"} <= {e.name for e in events}


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_first_run_call2_and_register(fmt):
    call2 = events_of(f"esl_events_{fmt}_call2_caller_hangup.txt")
    assert Counter(e.name for e in call2)["API"] == 4
    register = {e.key for e in events_of(f"esl_events_{fmt}_register.txt")}
    assert {"CUSTOM sofia::pre_register", "CUSTOM sofia::register_attempt",
            "CUSTOM sofia::register", "MESSAGE_QUERY", "MESSAGE_WAITING"} <= register


@pytest.mark.parametrize("name", event_stream_files())
def test_every_stream_frames_exactly_like_the_independent_splitter(name):
    data = read_fixture(name)
    frames = parse_stream(data)
    assert len(frames) == len(split_frames(data))
    kinds = Counter(f.content_type for f in frames if not f.is_event)
    assert kinds["auth/request"] == 1 and kinds["text/disconnect-notice"] == 1
    assert kinds["command/reply"] == 3
    assert kinds["api/response"] == (1 if name == "esl_events_plain_callcenter_abandoned.txt" else 0)


@pytest.mark.parametrize("chunk", [1, 7, 1000, 65536])
def test_chunking_does_not_change_the_frames(chunk):
    data = read_fixture("esl_events_plain_register.txt")
    whole = [(f.headers, f.body) for f in parse_stream(data)]
    assert [(f.headers, f.body) for f in parse_stream(data, chunk)] == whole


def test_random_chunks_over_a_large_stream():
    data = read_fixture("esl_events_json_ivr_bridge_sequential.txt")
    parser, frames, pos = FrameParser(), [], 0
    rng = random.Random(7)
    while pos < len(data):
        step = rng.randint(1, 9000)
        frames += parser.feed(data[pos:pos + step])
        pos += step
    assert [f.body for f in frames] == [f.body for f in parse_stream(data)]


@pytest.mark.parametrize("plain_name", PAIRED)
def test_plain_and_json_give_the_same_headers(plain_name):
    plain = {e.sequence: e for e in events_of(plain_name)}
    json_ = {e.sequence: e for e in events_of(plain_name.replace("plain", "json", 1))}
    assert plain.keys() == json_.keys()
    for sequence, event in plain.items():
        assert event.headers == json_[sequence].headers, sequence
        assert event.body == json_[sequence].body
        assert (event.name, event.subclass) == (json_[sequence].name, json_[sequence].subclass)


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_duplicated_headers_keep_the_first_value(fmt):
    events = events_of(f"esl_events_{fmt}_callcenter_abandoned.txt")
    [broadcast] = [e for e in events if e.get("Event-Calling-Function") == "switch_ivr_broadcast"]
    assert broadcast.name == "COMMAND"
    assert broadcast.headers["Event-Name"] == "COMMAND"
    assert broadcast.sequence == 823
    assert broadcast.get("execute-app-arg") == "tone_stream://%(200,0,800)"
    # Headers only the second (PRIVATE_COMMAND) half carries are still there.
    assert broadcast.uuid == "00592f20-8db6-48b4-beaa-8ea041c43c08"
    if fmt == "json":  # what a last-wins parser would have said
        assert json.loads(broadcast.raw)["Event-Name"] == "PRIVATE_COMMAND"


def test_background_job_inner_body():
    jobs = [Event(EVENT_PLAIN, f.split(b"\n\n", 1)[1]) for f in received_frames("esl_bgapi.txt")
            if f.startswith(b"Content-Length")]
    assert [e.name for e in jobs] == ["BACKGROUND_JOB", "BACKGROUND_JOB"]
    status, exists = jobs
    assert status.body.startswith("UP 0 years") and len(status.body.encode()) == 368
    assert status.get("Job-Command") == "status"
    assert exists.body == "true"
    assert exists.get("Job-Command-Arg") == "id 1000 127.0.0.1"
    assert exists.job_uuid == "8528b418-afd6-4c96-8f48-e4b01e8bc405"
    assert "Content-Length" not in exists.headers


def test_api_replies_stream():
    frames = parse_stream(read_fixture("esl_api_replies_raw.txt"))
    replies = [f.text for f in frames if f.content_type == "api/response"]
    assert len(replies) == 22
    assert replies[3] == "fs1"
    assert replies[13].splitlines() == ["+OK Reloading XML", "+OK module unloaded",
                                        "+OK module loaded"]
    assert replies[-1] == "-ERR no_such_command Command not found!\n"
    assert frames[-2].reply_text == "+OK bye"
    assert frames[-1].content_type == "text/disconnect-notice"


def test_decoding_custom_events_and_variables():
    events = events_of("esl_events_plain_callcenter_answered.txt")
    actions = [e.get("CC-Action") for e in events if e.subclass == "callcenter::info"]
    assert actions == ["member-queue-start", "members-count", "agent-state-change",
                       "agent-offering", "bridge-agent-start", "members-count",
                       "agent-state-change", "bridge-agent-end", "member-queue-end",
                       "agent-state-change"]
    hangup = next(e for e in events if e.name == "CHANNEL_HANGUP_COMPLETE"
                  and e.uuid == "ce269193-de96-441b-b8fe-ede7fb30420e")
    assert hangup.variable("cc_cause") == "answered"
    assert hangup.variable("centralka_tenant") == "42"
    assert hangup.get("Channel-Name").startswith("sofia/internal/48221234567@127.0.0.1:")
    assert hangup.get("Event-Date-Local").count(" ") == 1
    assert hangup.timestamp == pytest.approx(int(hangup.get("Event-Date-Timestamp")) / 1e6)
    assert hangup.get("No-Such-Header", "x") == "x" and "No-Such-Header" not in hangup
    with pytest.raises(KeyError):
        hangup["No-Such-Header"]


@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_multi_value_headers(fmt):
    events = events_of(f"esl_events_{fmt}_ivr_bridge_sequential.txt")
    bridge = next(e for e in events if e.name == "CHANNEL_BRIDGE")
    legs = bridge.get_list("variable_originate_causes")
    assert legs == ["51fa29f9-abd6-4966-87d1-8b5d78f0df7c;ALLOTTED_TIMEOUT",
                    "6d822242-fb36-4d8a-9118-049fae5a0176;NONE"]


@pytest.mark.parametrize("target", [EVENT_PLAIN, EVENT_JSON])
def test_encode_event_round_trip(target):
    for event in events_of("esl_events_plain_callcenter_abandoned.txt") + [
            Event(EVENT_PLAIN, received_frames("esl_bgapi.txt")[-1].split(b"\n\n", 1)[1])]:
        [frame] = FrameParser().feed(encode_event(event, target))
        again = Event.from_frame(frame)
        assert (again.content_type, again.headers, again.body) == (target, event.headers, event.body)


def test_bad_content_length_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        FrameParser().feed(b"Content-Type: api/response\nContent-Length: x\n\n")
    with pytest.raises(ProtocolError):
        Event(EVENT_JSON, b"{not json").headers


@pytest.mark.parametrize("name", ["esl_events_plain_callcenter_abandoned.txt",
                                  "esl_events_json_callcenter_abandoned.txt",
                                  "esl_events_json_ivr_bridge_sequential.txt"])
def test_quick_get_agrees_with_the_full_parse(name):
    for frame in (f for f in parse_stream(read_fixture(name)) if f.is_event):
        headers = Event.from_frame(frame).headers
        for header, value in headers.items():
            assert Event.from_frame(frame).get(header) == value, header
        assert Event.from_frame(frame).get("No-Such-Header") is None


def test_json_values_are_not_url_decoded():
    raw = b'{"Event-Name":"CHANNEL_EXECUTE","Application-Data":"tone_stream://%(200,0,800) 50%25"}'
    event = Event(EVENT_JSON, raw)
    assert event.headers["Application-Data"] == "tone_stream://%(200,0,800) 50%25"
    assert Event(EVENT_JSON, raw).get("Application-Data") == "tone_stream://%(200,0,800) 50%25"


def test_a_header_named_inside_a_value_is_not_the_header():
    raw = (b'{"Event-Name":"CHANNEL_HANGUP_COMPLETE","variable_note":"\\"Unique-ID\\":\\"fake\\", '
           b'\\"variable_centralka_tenant\\":\\"7\\"","variable_centralka_tenant":"42"}')
    assert Event(EVENT_JSON, raw).get("Unique-ID") is None
    assert Event(EVENT_JSON, raw).get("variable_centralka_tenant") == "42"
    assert Event(EVENT_JSON, raw).headers["variable_note"].startswith('"Unique-ID":"fake"')


def test_headers_asked_again_give_the_same_answer():
    raw = b'{"Event-Name":"CUSTOM","CC-Action":"agent-offering","variable_cc_side":"member"}'
    event = Event(EVENT_JSON, raw)
    for _ in range(2):
        assert (event.get("CC-Action"), event.get("CC-Queue", "none")) == ("agent-offering", "none")
        assert event.variable("cc_side") == "member"
    assert event.headers == json.loads(raw)


@pytest.mark.parametrize("name", ["esl_events_json_callcenter_answered.txt", "esl_events_json_ivr_bridge_sequential.txt",
                                  "esl_events_json_bridge_simultaneous_noanswer_then_record.txt"])
def test_prefetched_variables_agree_with_the_full_parse(name):
    for frame in (f for f in parse_stream(read_fixture(name)) if f.is_event):
        full = Event.from_frame(frame).headers
        variables = tuple(h for h in full if h.startswith("variable_")) + ("variable_no_such_one",)
        event = Event.from_frame(frame)
        event.prefetch(variables)
        assert {h: event.get(h) for h in variables} == {h: full.get(h) for h in variables}


def test_prefetch_decodes_escapes_and_lists_as_get_does():
    raw = (b'{"Event-Name":"CHANNEL_HANGUP_COMPLETE","variable_note":"say \\"hi\\"\\nbye",'
           b'"variable_causes":["a;NONE","b;TIMEOUT"],"variable_empty":""}')
    event = Event(EVENT_JSON, raw)
    event.prefetch(("variable_note", "variable_causes", "variable_empty", "variable_absent"))
    assert event.get("variable_note") == 'say "hi"\nbye'
    assert event.get_list("variable_causes") == ["a;NONE", "b;TIMEOUT"]
    assert (event.get("variable_empty"), event.get("variable_absent", "default")) == ("", "default")


def test_prefetch_leaves_a_value_of_another_shape_to_the_full_parse():
    raw = b'{"Event-Name":"CUSTOM","variable_odd":{"nested":"object"},"variable_plain":"x"}'
    event = Event(EVENT_JSON, raw)
    event.prefetch(("variable_odd", "variable_plain"))  # msgspec refuses the object: nothing is cached
    assert event.get("variable_plain") == "x" and event.get("variable_odd") == {"nested": "object"}
