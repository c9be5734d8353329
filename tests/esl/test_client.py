"""The inbound ESL client against the fake FreeSWITCH event socket."""
import threading
import time

import pytest

from pbx.esl.client import AuthError, CommandError, ConnectionLost, connect
from tests.support.esl_server import FakeFreeSwitch


@pytest.fixture
def fake_fs():
    server = FakeFreeSwitch().start()
    yield server
    server.stop()


class Collector:
    def __init__(self):
        self.events = []
        self.arrived = threading.Condition()

    def __call__(self, event):
        with self.arrived:
            self.events.append(event)
            self.arrived.notify_all()

    def wait_for(self, count, timeout=5.0):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.events) >= count, timeout), \
                f"{len(self.events)} of {count} events"
        return self.events


@pytest.fixture
def events():
    return Collector()


@pytest.fixture
def client(fake_fs, events):
    esl = connect(*fake_fs.address, password="ClueCon", timeout=2.0, on_event=events)
    yield esl
    esl.close()


def test_api_returns_the_captured_replies(client, fake_fs):
    assert client.api("hostname") == "fs1"
    assert client.api("user_exists id 1000 127.0.0.1") == "true"
    assert client.api("user_exists id 9999 127.0.0.1") == "false"
    assert client.api("show channels as json") == '{"row_count": 0}\n'
    assert client.api("no_such_command") == "-ERR no_such_command Command not found!\n"
    assert fake_fs.commands_starting("api ") == [
        "api hostname", "api user_exists id 1000 127.0.0.1", "api user_exists id 9999 127.0.0.1",
        "api show channels as json", "api no_such_command"]


def test_bad_password_is_refused(fake_fs):
    with pytest.raises(AuthError, match="-ERR invalid"):
        connect(*fake_fs.address, password="wrong", timeout=2.0)
    assert fake_fs.commands_starting("auth") == ["auth wrong"]
    assert fake_fs.wait_until(lambda: all(c.closed for c in fake_fs.connections))


def test_connection_refused_raises_oserror(fake_fs):
    fake_fs.stop()
    with pytest.raises(OSError):
        connect(*fake_fs.address, timeout=1.0)


def test_subscribe_and_receive_a_call(client, fake_fs, events):
    assert client.subscribe(["ALL"], fmt="plain") == "+OK event listener enabled plain"
    assert fake_fs.replay("esl_events_plain_callcenter_answered.txt") == 79
    received = events.wait_for(79)
    assert received[0].content_type == "text/event-plain"
    assert [e.sequence for e in received] == sorted(e.sequence for e in received)


def test_json_subscription_gets_json_frames(client, fake_fs, events):
    client.subscribe(["CHANNEL_HANGUP_COMPLETE"], fmt="json")
    assert fake_fs.replay("esl_events_plain_ivr_bridge_sequential.txt") == 3
    received = events.wait_for(3)
    assert {e.content_type for e in received} == {"text/event-json"}
    assert {e.name for e in received} == {"CHANNEL_HANGUP_COMPLETE"}


def test_custom_events_need_their_subclass(client, fake_fs, events):
    with pytest.raises(ValueError):
        client.subscribe(["CUSTOM"])
    client.subscribe(["CHANNEL_ANSWER"], custom_subclasses=["callcenter::info"], fmt="plain")
    assert fake_fs.commands_starting("event") == ["event plain CHANNEL_ANSWER CUSTOM callcenter::info"]
    assert fake_fs.replay("esl_events_json_callcenter_answered.txt") == 12
    received = events.wait_for(12)
    assert {e.key for e in received} == {"CHANNEL_ANSWER", "CUSTOM callcenter::info"}


def test_replay_re_encodes_a_stream_captured_in_one_format_only(client, fake_fs, events):
    client.subscribe(["ALL"], fmt="json")
    assert fake_fs.replay("esl_events_plain_custom_callcenter_info_only.txt") == 10
    received = events.wait_for(10)
    assert {(e.content_type, e.key) for e in received} == {
        ("text/event-json", "CUSTOM callcenter::info")}


@pytest.mark.parametrize("event_first", [False, True])
def test_bgapi_result_whatever_the_order(client, fake_fs, event_first):
    fake_fs.bgapi_event_first = event_first
    client.subscribe(["BACKGROUND_JOB"], fmt="plain")
    status_job = client.bgapi("status")
    exists_job = client.bgapi("user_exists id 1000 127.0.0.1")
    assert client.job_result(exists_job).body == "true"
    result = client.job_result(status_job)
    assert result.body.startswith("UP 0 years") and result.get("Job-Command") == "status"
    assert fake_fs.commands_starting("bgapi") == ["bgapi status", "bgapi user_exists id 1000 127.0.0.1"]


def test_job_result_times_out_without_subscription(client):
    job = client.bgapi("status")
    with pytest.raises(TimeoutError):
        client.job_result(job, timeout=0.2)


def test_replies_interleaved_with_an_event_flood(client, fake_fs, events):
    client.subscribe(["ALL"], fmt="json")
    replies = []

    def ask():
        for _ in range(40):
            replies.append(client.api("hostname"))
    askers = [threading.Thread(target=ask) for _ in range(3)]
    for thread in askers:
        thread.start()
    sent = fake_fs.replay("esl_events_json_ivr_bridge_sequential.txt", repeat=5)
    for thread in askers:
        thread.join(10)
    assert replies == ["fs1"] * 120
    assert len(events.wait_for(sent)) == sent == 475


def test_unsupported_format_and_error_replies(client, fake_fs):
    with pytest.raises(ValueError):
        client.subscribe(["ALL"], fmt="xml")
    assert client.send("nosuchthing").reply_text == "-ERR command not found"
    fake_fs.api_replies["reloadxml"] = lambda command: "+OK [Success]\n"
    assert client.api("reloadxml") == "+OK [Success]\n"


def test_server_drop_is_detected(fake_fs, events):
    lost = threading.Event()
    esl = connect(*fake_fs.address, timeout=2.0, on_disconnect=lambda reason: lost.set())
    fake_fs.stall()
    pending = []
    asker = threading.Thread(target=lambda: pending.append(_capture(esl.api, "status")))
    asker.start()
    assert fake_fs.wait_until(lambda: "api status" in fake_fs.commands_starting("api"))
    fake_fs.drop_connections()
    asker.join(5)
    assert lost.wait(2) and not esl.connected
    assert isinstance(pending[0], ConnectionLost)
    with pytest.raises(ConnectionLost):
        esl.api("status")
    esl.close()


def _capture(func, *args):
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001
        return exc


def test_stalled_server_times_out(client, fake_fs):
    fake_fs.stall()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.api("status", timeout=0.3)
    assert time.monotonic() - started < 1.5
    fake_fs.resume()
    # The late reply is consumed by the abandoned request: answers stay aligned.
    assert client.api("hostname") == "fs1"


def test_idle_timeout_declares_a_silent_server_lost(fake_fs):
    esl = connect(*fake_fs.address, timeout=2.0, idle_timeout=0.3)
    assert esl.wait_closed(3)
    assert "no data" in esl.disconnect_reason
    esl.close()


def test_close_says_exit(fake_fs):
    esl = connect(*fake_fs.address, timeout=2.0)
    esl.close()
    assert not esl.connected
    assert fake_fs.wait_until(lambda: fake_fs.commands_starting("exit") == ["exit"])


def test_exit_command_ends_with_a_disconnect_notice(fake_fs):
    esl = connect(*fake_fs.address, timeout=2.0)
    assert esl.send("exit").reply_text == "+OK bye"
    assert esl.wait_closed(2) and esl.disconnect_reason == "disconnect notice"
    esl.close()


def test_bgapi_error_reply_raises(client, fake_fs, monkeypatch):
    monkeypatch.setattr(fake_fs, "_bgapi", lambda conn, command, job: conn.send(
        b"Content-Type: command/reply\nReply-Text: -ERR no reply\n\n"))
    with pytest.raises(CommandError):
        client.bgapi("status")
