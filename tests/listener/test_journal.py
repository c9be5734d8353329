"""The journal's groups: the facts of events dispatched together are committed together."""
import functools
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from pbx.calls.journal import Journal
from pbx.esl.listener import EventListener
from pbx.esl.protocol import Event


def test_a_burst_is_one_commit_made_after_its_handlers(tmp_path):
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    listener = EventListener([], group=journal.group)
    seen_during = []

    def handler(event):
        journal.append([("leg", {"leg_uuid": event.uuid})])
        seen_during.append(len(journal))
    listener.on("CHANNEL_HANGUP_COMPLETE", handler=handler)
    burst = [Event.from_headers({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": f"leg-{n}"}) for n in range(5)]
    listener.dispatch(burst)
    assert seen_during == [0] * 5  # nothing on disk until the whole burst was handled
    assert [payload["leg_uuid"] for _, _, payload in journal.take(10)] == [f"leg-{n}" for n in range(5)]
    assert listener.stats()["dispatched"] == 5


def test_kill_inside_a_group_keeps_the_committed_groups_whole(tmp_path):
    path = tmp_path / "journal.sqlite3"
    script = textwrap.dedent(f"""
        import os, signal
        from pbx.calls.journal import Journal
        journal = Journal({str(path)!r})
        with journal.group():
            journal.append([("leg", {{"n": n}}) for n in range(3)])
        with journal.group():
            journal.append([("leg", {{"n": 3}})])
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    process = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd())
    assert process.returncode == -signal.SIGKILL
    assert [payload["n"] for _, _, payload in Journal(str(path)).take(10)] == [0, 1, 2]


def test_entries_journaled_as_json_by_an_earlier_version_are_still_taken(tmp_path):
    path = str(tmp_path / "journal.sqlite3")
    Journal(path).close()
    with sqlite3.connect(path) as old:
        old.execute("INSERT INTO entry (kind, payload) VALUES ('leg', '{\"leg_uuid\":\"old\",\"started\":1.5}')")
    journal = Journal(path)
    journal.append([("leg", {"leg_uuid": "new", "started": 2.5, "path": ["menu:1"]})])
    assert [(kind, payload) for _, kind, payload in journal.take(10)] == [
        ("leg", {"leg_uuid": "old", "started": 1.5}), ("leg", {"leg_uuid": "new", "started": 2.5, "path": ["menu:1"]})]


def test_the_facts_of_a_group_are_one_row(tmp_path):
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    with journal.group():
        journal.append([("leg", {"leg_uuid": "a"}), ("queue", {"call_uuid": "a"})])
        journal.append([("leg", {"leg_uuid": "b"})])
    journal.append([("recording", {"call_uuid": "c"})])
    assert len(journal) == 2
    taken = journal.take(2)  # whole rows: the first row's three facts, even over the limit
    assert [(kind, payload) for _, kind, payload in taken] == [
        ("leg", {"leg_uuid": "a"}), ("queue", {"call_uuid": "a"}), ("leg", {"leg_uuid": "b"})]
    journal.remove([row for row, _, _ in taken])
    assert [kind for _, kind, _ in journal.take(10)] == ["recording"]


def _drain(app, journal):
    from pbx.record_writer import Doorbell, RecordWriter

    doorbell = Doorbell()
    doorbell.stop()  # write what the journal holds, then return
    RecordWriter(app, journal, doorbell).run()
    doorbell.close()


def test_a_fact_that_cannot_be_written_is_set_aside_and_the_rest_written(ctx, company, tmp_path):
    from sqlalchemy import select

    from pbx import models
    from pbx.calls.legs import leg_facts
    from pbx.extensions import db
    from tests.support.streams import SHAPES, named

    good = [leg_facts(h) for h in named("ivr_bridge_sequential", "CHANNEL_HANGUP_COMPLETE")]
    garbled = leg_facts(named("blacklist_reject", "CHANNEL_HANGUP_COMPLETE")[0])
    garbled["started"] = 1e300  # a time no database holds
    journal = Journal(str(tmp_path / "journal.sqlite3"))
    with journal.group():
        journal.append([("leg", good[0]), ("leg", garbled)] + [("leg", leg) for leg in good[1:]])
    _drain(ctx, journal)
    assert len(journal) == 0
    calls = db.session.scalars(select(models.CallRecord.call_uuid)).all()
    assert calls == [SHAPES["ivr_bridge_sequential"]]
    [(kind, payload, error)] = journal.rejected()
    assert (kind, payload["leg_uuid"], payload["started"]) == ("leg", garbled["leg_uuid"], 1e300) and error


def test_a_writer_that_cannot_start_is_restarted_less_and_less_often(tmp_path):
    from pbx.app import create_app
    from pbx.record_writer import WriterProcess

    class Counted(WriterProcess):
        spawned = 0

        def _spawn(self):
            Counted.spawned += 1
            return super()._spawn()

    # An address no database answers on: each writer process dies at start.
    config = {"SQLALCHEMY_DATABASE_URI": "nosuchdatabase://nowhere"}
    writer = Counted(functools.partial(create_app, config), str(tmp_path / "journal.sqlite3"), restart_after=0.1).start()
    time.sleep(2.5)
    writer.stop()
    # Without the back-off it would have started ~20 times; with it, after 0.1, 0.2, 0.4, 0.8 s.
    assert 3 <= Counted.spawned <= 6
