"""The journal's groups: the facts of events dispatched together are committed together."""
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

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
