"""The listener over real sockets: the fake FreeSWITCH replays the captured calls; faults are
real (server restart, database connection cut, process killed with SIGKILL, duplicates)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pbx import models, queues
from pbx.app import create_app
from pbx.esl.protocol import Event
from pbx.extensions import db
from tests.conftest import sign_in
from tests.support.services import TcpProxy, free_port
from tests.support.listener import eventually, start_service
from tests.support.streams import SHAPES, named, stream_file

ALL_SHAPES = list(SHAPES)
ANSWERED, ABANDONED = SHAPES["callcenter_answered"], SHAPES["callcenter_abandoned"]


def count(model, engine=None):
    if engine is not None:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model.__table__))
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def replay(freeswitch, shapes, times=1):
    for shape in shapes:
        freeswitch.replay(stream_file(shape, "json").name, repeat=times)


def recording_files(folder):
    for name in ("d2e2cf7f-6337-43e3-b76f-6c5780ca98b9.wav", "vm_07afbdd2-7db8-4c29-93eb-45b925d2f6bc.wav"):
        (folder / name).write_bytes(b"RIFF" + os.urandom(64))


@pytest.fixture
def service(ctx, company, freeswitch, tmp_path, recordings_dir):
    ctx.config["STORAGE_DIR"] = str(tmp_path / "storage")
    running = start_service(ctx, freeswitch, tmp_path / "journal.sqlite3", announce_every=0.3)
    yield running
    running.stop()


def test_subscribes_only_to_what_it_uses(service, freeswitch):
    subscriptions = [c for _, c in freeswitch.commands if c.startswith("event ")]
    assert subscriptions == ["event json CHANNEL_HANGUP_COMPLETE RECORD_STOP CUSTOM callcenter::info"]


def test_captured_calls_replayed_twice_give_each_record_once(service, freeswitch, recordings_dir):
    recording_files(recordings_dir)
    replay(freeswitch, ALL_SHAPES, times=2)
    assert eventually(lambda: count(models.CallRecord) == 5 and count(models.Recording) == 2
                      and len(service.journal) == 0)
    time.sleep(0.3)
    assert (count(models.CallRecord), count(models.CallLeg), count(models.Recording)) == (5, 11, 2)
    kinds = db.session.execute(select(models.QueueEvent.call_uuid, models.QueueEvent.kind,
                                      models.QueueEvent.wait_seconds)).all()
    assert sorted(kinds) == sorted([(ABANDONED, "entered", 0), (ABANDONED, "abandoned", 8),
                                    (ANSWERED, "entered", 0), (ANSWERED, "answered", 3)])
    assert all(r.uploaded_at for r in db.session.scalars(select(models.Recording)))
    assert not [p for p in recordings_dir.rglob("*") if p.is_file()]  # uploaded, then removed here


def test_record_writer_is_a_process_of_its_own_and_comes_back_after_a_crash(service, freeswitch):
    first = service.writer.pid
    assert first not in (None, os.getpid())
    replay(freeswitch, ALL_SHAPES[:2])
    assert eventually(lambda: count(models.CallRecord) == 2)
    os.kill(first, signal.SIGKILL)
    replay(freeswitch, ALL_SHAPES[2:])  # journaled meanwhile, written by the next writer
    assert eventually(lambda: count(models.CallRecord) == 5 and len(service.journal) == 0)
    assert service.writer.pid not in (None, first)


def test_freeswitch_restart_loses_no_call(service, freeswitch):
    replay(freeswitch, ALL_SHAPES[:2])
    freeswitch.restart()
    assert freeswitch.wait_subscribed(1, timeout=10)
    replay(freeswitch, ALL_SHAPES[2:])
    assert eventually(lambda: count(models.CallRecord) == 5)


def test_waiting_callers_hear_the_count_every_interval(service, freeswitch, client):
    start = next(h for h in named("callcenter_abandoned", "CUSTOM") if h["CC-Action"] == "member-queue-start")
    end = next(h for h in named("callcenter_abandoned", "CUSTOM") if h["CC-Action"] == "member-queue-end")
    freeswitch.send_event(Event.from_headers(start))
    broadcast = f"api uuid_broadcast {ABANDONED} "
    assert eventually(lambda: len([c for _, c in freeswitch.commands if c.startswith(broadcast)]) >= 2, 5)
    sent = [c for _, c in freeswitch.commands if c.startswith(broadcast)]
    common = "${sounds_dir}/centralka/common/pl"  # tenant 42 speaks Polish (the default)
    # Alone in the queue: first, nobody ahead (the captured channel has no settings: both are told).
    assert sent[0] == (f"{broadcast}file_string://{common}/position/1.wav!{common}/people_waiting.wav"
                       f"!{common}/digits/0.wav aleg")
    assert eventually(lambda: [w["call_uuid"] for w in queues.waiting_now(42, now=_at(start))] == [ABANDONED])
    admin = models.User(tenant_id=42, first_name="Ala", last_name="Recepcja", email="ala@example.test",
                        admin_level=1)
    db.session.add(admin)
    db.session.commit()
    sign_in(client, admin)
    waiting = client.get("/api/queues/waiting").get_json()["waiting"]
    assert [(w["caller"], w["queue"], w["position"]) for w in waiting] in ([], [("48221234567", "support@default", 1)])
    freeswitch.send_event(Event.from_headers(end))
    assert eventually(lambda: service.board.waiting("support@default") == 0, 5)
    before = len([c for _, c in freeswitch.commands if c.startswith(broadcast)])
    time.sleep(0.8)
    assert len([c for _, c in freeswitch.commands if c.startswith(broadcast)]) == before
    assert eventually(lambda: queues.waiting_now(42, now=_at(start)) == [])


def test_the_queue_node_settings_reach_the_broadcast_through_the_event_socket(service, freeswitch):
    """The member channel's variables, as the queue's forward node sets them, on the captured
    member-queue-start: the place alone, in the male voice (at the listener's interval)."""
    start = next(h for h in named("callcenter_abandoned", "CUSTOM") if h["CC-Action"] == "member-queue-start")
    freeswitch.send_event(Event.from_headers(dict(start, variable_centralka_announce="place",
                                                  variable_centralka_announce_voice="male")))
    broadcast = f"api uuid_broadcast {ABANDONED} "
    assert eventually(lambda: any(c.startswith(broadcast) for _, c in freeswitch.commands), 5)
    sent = next(c for _, c in freeswitch.commands if c.startswith(broadcast))
    assert sent == f"{broadcast}${{sounds_dir}}/centralka/common/pl/male/position/1.wav aleg"


def test_announcement_in_the_tenants_language_voice_and_at_most_99(ctx, company):
    english = models.Tenant(id=43, name="English company", language=models.Language.EN)
    db.session.add(english)
    db.session.commit()
    sent = []
    board = queues.WaitingBoard(interval=30)
    announcer = queues.PositionAnnouncer(board, lambda command: sent.append(command) or "+OK Message sent\n",
                                         queues.default_prompt(ctx.config), language_of=queues.TenantLanguages(ctx))
    both, male_place = queues.Announcing(), queues.Announcing(waiting=False, voice="male")
    announcer.announce("uuid-en", {"tenant_id": 43, "queue": "sales", "announcing": both}, 7, 8)
    announcer.announce("uuid-pl", {"tenant_id": 42, "queue": "support", "announcing": both}, 120, 121)
    announcer.announce("uuid-male", {"tenant_id": 42, "queue": "support", "announcing": male_place}, 3, 4)
    announcer.announce("uuid-far", {"tenant_id": 42, "queue": "support", "announcing": male_place}, 99, 100)
    common = "${sounds_dir}/centralka/common"
    assert sent == [
        f"uuid_broadcast uuid-en file_string://{common}/en/position/8.wav!{common}/en/people_waiting.wav"
        f"!{common}/en/digits/7.wav aleg",
        # Past the 99th place only the count is told, and it stops at 99.
        f"uuid_broadcast uuid-pl file_string://{common}/pl/people_waiting.wav!{common}/pl/digits/99.wav aleg",
        f"uuid_broadcast uuid-male {common}/pl/male/position/4.wav aleg",
    ]


def _at(headers):
    from datetime import datetime, timedelta, timezone

    return datetime.fromtimestamp(int(headers["Event-Date-Timestamp"]) / 1e6, timezone.utc) + timedelta(seconds=5)


def test_database_down_for_a_minute_loses_nothing(ctx, company, freeswitch, tmp_path):
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("the connection cut needs a database server")
    url = db.engine.url
    proxy = TcpProxy(url.port or 5432).start()
    other = create_app({"SQLALCHEMY_DATABASE_URI": url.set(port=proxy.port).render_as_string(hide_password=False),
                        "TASK_QUEUE_URL": "memory", "STORAGE_DIR": str(tmp_path / "storage")})
    running = start_service(other, freeswitch, tmp_path / "journal.sqlite3")
    try:
        replay(freeswitch, ALL_SHAPES[:2])
        assert eventually(lambda: count(models.CallRecord) == 2)
        proxy.cut()
        down_since = time.monotonic()
        # Calls keep ending while the database is away: at its start, halfway, near its end.
        for shapes, at in ((ALL_SHAPES[2:3] + ALL_SHAPES[:1], 0), (ALL_SHAPES[3:4], 30), (ALL_SHAPES[4:], 55)):
            time.sleep(max(0.0, down_since + at - time.monotonic()))
            replay(freeswitch, shapes)
            new_calls = {SHAPES[shape] for shape in shapes if shape in ALL_SHAPES[2:]}
            assert eventually(lambda: new_calls <= journaled_calls(running.journal), 5)
            assert count(models.CallRecord) == 2
        time.sleep(max(0.0, down_since + 60 - time.monotonic()))
        proxy.restore()
        assert eventually(lambda: count(models.CallRecord) == 5 and len(running.journal) == 0, 30)
        assert count(models.CallLeg) == 11
    finally:
        running.stop()
        proxy.stop()
        with other.app_context():
            db.engine.dispose()


def children_of(pid):
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _zombie(pid):
    return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")


def journaled_calls(journal):
    return {fact["call_uuid"] for _, kind, fact in journal.take(10_000) if kind == "leg"}


def cdr_of(headers):
    """A mod_json_cdr document carrying the same data as a CHANNEL_HANGUP_COMPLETE."""
    variables = {name[9:]: value for name, value in headers.items() if name.startswith("variable_")}
    profile = {"caller_id_number": headers.get("Caller-Caller-ID-Number", ""), "uuid": headers["Unique-ID"],
               "destination_number": headers.get("Caller-Destination-Number", ""),
               "rdnis": headers.get("Caller-RDNIS", ""), "callee_id_number": headers.get("Caller-Callee-ID-Number", "")}
    times = {"created_time": headers.get("Caller-Channel-Created-Time"), "answered_time": headers.get(
        "Caller-Channel-Answered-Time"), "bridged_time": headers.get("Caller-Channel-Bridged-Time"),
        "hangup_time": headers.get("Caller-Channel-Hangup-Time")}
    return {"core-uuid": headers.get("Core-UUID"), "channel_data": {"direction": headers.get("Call-Direction")},
            "variables": variables, "callflow": [{"caller_profile": profile, "times": times}]}


def post_cdr(client, headers, auth=("cdr", "s3cret"), encode="json"):
    body = json.dumps(cdr_of(headers))
    if encode == "form":
        return client.post(f"/cdr?uuid={headers['Unique-ID']}", data={"cdr": body}, auth=auth)
    if encode == "json-labelled-as-form":  # mod_json_cdr with disable-100-continue drops its Content-Type
        return client.post(f"/cdr?uuid={headers['Unique-ID']}", data=body,
                           content_type="application/x-www-form-urlencoded", auth=auth)
    if encode == "base64":
        import base64

        return client.post(f"/cdr?uuid={headers['Unique-ID']}", data=b"cdr=" + base64.b64encode(body.encode()),
                           content_type="application/x-www-form-base64-encoded", auth=auth)
    return client.post(f"/cdr?uuid={headers['Unique-ID']}", data=body, content_type="application/json", auth=auth)


@pytest.fixture
def cdr_client(client, company):
    client.application.config.update(CDR_USER="cdr", CDR_PASSWORD="s3cret")
    yield client
    client.application.config.update(CDR_PASSWORD="")


def test_cdr_post_needs_the_password(cdr_client):
    legs = named("blacklist_reject", "CHANNEL_HANGUP_COMPLETE")
    assert post_cdr(cdr_client, legs[0], auth=("cdr", "wrong")).status_code == 401
    assert post_cdr(cdr_client, legs[0], auth=None).status_code == 401
    assert count(models.CallRecord) == 0


def test_cdr_posts_beyond_the_limit_are_refused_at_once_and_stored_when_posted_again(cdr_client):
    """While CDR_CONCURRENT_POSTS posts are being stored, one more is answered 503 at once (its thread is
    free for a hunt); mod_json_cdr posts it again (json_cdr.conf.xml: retries, delay) and it is stored."""
    app = cdr_client.application
    app.extensions.pop("cdr_posts", None)
    app.config["CDR_CONCURRENT_POSTS"] = 1
    legs = named("blacklist_reject", "CHANNEL_HANGUP_COMPLETE")
    try:
        assert post_cdr(cdr_client, legs[0]).status_code == 200  # makes the worker's limit
        busy = app.extensions["cdr_posts"]
        assert busy.acquire(blocking=False)  # as a post being stored holds it
        refused = post_cdr(cdr_client, legs[-1])
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        busy.release()
        assert post_cdr(cdr_client, legs[-1]).status_code == 200
    finally:
        app.extensions.pop("cdr_posts", None)
    assert count(models.CallRecord) == 1


@pytest.mark.parametrize("encode", ["json", "form", "base64", "json-labelled-as-form"])
def test_cdr_posts_and_events_merge_into_one_record(cdr_client, encode):
    from pbx.calls.legs import leg_facts
    from pbx.calls.store import save_legs

    legs = named("callcenter_answered", "CHANNEL_HANGUP_COMPLETE")
    save_legs(db.session, [leg_facts(legs[0])])  # the event socket saw the agent leg only
    db.session.commit()
    for headers in legs + legs:
        assert post_cdr(cdr_client, headers, encode=encode).status_code == 200
    record = db.session.scalars(select(models.CallRecord)).one()
    assert (record.call_uuid, len(record.legs), record.hangup_side, record.talk_seconds) == (ANSWERED, 2, "callee", 3)
    assert record.path == ["queue:support"] and record.answered_number == "48600000011"
    assert count(models.QueueEvent) == 2  # entered + answered, from the member's variables


def test_listener_killed_mid_call_then_cdrs_fill_the_gap(ctx, company, freeswitch, tmp_path, cdr_client):
    if ctx.config["BACKEND"] == "sqlite":
        database = ctx.config["SQLALCHEMY_DATABASE_URI"]
    else:
        database = db.engine.url.render_as_string(hide_password=False)
    env = dict(os.environ, CENTRALKA_DATABASE_URL=database, CENTRALKA_INSTANCE=str(tmp_path),
               CENTRALKA_ESL_SERVERS=f"127.0.0.1:{freeswitch.port}:ClueCon", CENTRALKA_TASK_QUEUE_URL="memory",
               CENTRALKA_STORAGE_DIR=str(tmp_path / "storage"),
               CENTRALKA_LISTENER_PROBES_BIND=f"127.0.0.1:{free_port()}")  # not the one another test's has
    command = [str(Path(sys.executable).with_name("centralka")), "listener"]

    def launch():
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert freeswitch.wait_subscribed(1, timeout=20)
        return process

    listener = launch()
    try:
        replay(freeswitch, ALL_SHAPES[:2])
        ivr_legs = named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")
        # Mid-call: the B-legs of the next call end, then the listener is killed.
        for headers in named("callcenter_answered", "CHANNEL_HANGUP_COMPLETE")[:1]:
            freeswitch.send_event(Event.from_headers(headers))
        assert eventually(lambda: count(models.CallRecord) == 3, 20)
        writer = children_of(listener.pid)
        assert len(writer) == 1  # the record writer
        listener.send_signal(signal.SIGKILL)
        listener.wait(10)
        assert eventually(lambda: not Path(f"/proc/{writer[0]}").exists() or _zombie(writer[0]), 10)
        assert freeswitch.wait_until(lambda: not freeswitch.subscribed(), 5)
        missed = named("callcenter_answered", "CHANNEL_HANGUP_COMPLETE")[1:]  # while nobody listened
        listener = launch()
        replay(freeswitch, ALL_SHAPES[3:] + ALL_SHAPES[:1])
        for headers in missed + ivr_legs:  # FreeSWITCH's CDR posts: the missed leg, and repeats
            response = post_cdr(cdr_client, headers)
            assert response.status_code == 200, response.get_data(as_text=True)
        assert eventually(lambda: count(models.CallRecord) == 5 and count(models.CallLeg) == 11, 20)
        record = db.session.scalars(select(models.CallRecord).where(models.CallRecord.call_uuid == ANSWERED)).one()
        assert (record.hangup_side, record.path, len(record.legs)) == ("callee", ["queue:support"], 2)
    finally:
        listener.terminate()
        listener.wait(10)
