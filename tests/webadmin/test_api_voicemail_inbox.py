"""A voicemail box's inbox: messages with caller, time, duration and expiry; heard, deleted (audited)."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from pbx import models
from pbx.extensions import db


@pytest.fixture
def box(demo):
    return db.session.scalars(db.select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id)).first()


@pytest.fixture
def messages(demo, box, tmp_path):
    now = datetime.now(UTC)
    rows = []
    for i, (kind, age) in enumerate([("voicemail", 2), ("voicemail", 1), ("call", 0), ("voicemail", 100)]):
        wav = tmp_path / f"vm{i}.wav"
        wav.write_bytes(b"RIFF....WAVEfmt message")
        created = now - timedelta(days=age)
        rows.append(models.Recording(tenant_id=demo.id, call_uuid=f"c{i}", kind=kind, caller=f"+4860010020{i}",
                                     local_path=str(wav), duration_seconds=12.5 + i, voicemail_box_id=box.id,
                                     created_at=created, expires_at=created + timedelta(days=90)))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_the_inbox_lists_the_boxs_voicemails_newest_first_with_their_expiry(as_viewer, box, messages):
    body = as_viewer.get(f"/api/voicemail-boxes/{box.id}/messages").get_json()
    assert (body["box"], body["retention_days"]) == ("Poczta główna", 90)
    assert [m["caller"] for m in body["messages"]] == ["+48600100201", "+48600100200"]  # no call, nothing expired
    first = body["messages"][0]
    assert first["duration_seconds"] == 13.5 and first["heard_at"] is None
    assert datetime.fromisoformat(first["expires_at"]) > datetime.now(UTC) + timedelta(days=88)


def test_mark_heard_and_new_again(as_viewer, box, messages):
    url = f"/api/voicemail-boxes/{box.id}/messages/{messages[0].id}/heard"
    assert as_viewer.post(url, json={"heard": True}).get_json()["heard_at"]
    assert as_viewer.get(f"/api/voicemail-boxes/{box.id}/messages").get_json()["messages"][1]["heard_at"]
    assert as_viewer.post(url, json={"heard": False}).get_json()["heard_at"] is None
    assert as_viewer.post(url, json={"heard": "yes"}).get_json()["error"] == "heard is true or false"


def test_delete_removes_the_file_and_leaves_an_audit_entry(as_editor, editor, demo, box, messages):
    gone = messages[0]
    path, when = gone.local_path, gone.created_at.strftime("%Y-%m-%d %H:%M UTC")
    assert as_editor.delete(f"/api/voicemail-boxes/{box.id}/messages/{gone.id}").status_code == 204
    assert db.session.get(models.Recording, gone.id) is None
    assert not os.path.exists(path)
    entry = db.session.scalars(db.select(models.AuditLogEntry).where(
        models.AuditLogEntry.action == "delete", models.AuditLogEntry.entity == "Recording")).one()
    assert (entry.tenant_id, entry.entity_id) == (demo.id, str(gone.id)) and editor.email in entry.actor
    assert entry.changes["summary"] == f"deleted the voicemail from +48600100200 of {when} in box Poczta główna"
    assert (entry.changes["caller"], entry.changes["voicemail_box_id"]) == ("+48600100200", box.id)


def test_a_held_message_is_not_deleted_and_a_viewer_cannot_delete(as_editor, box, messages):
    messages[1].legal_hold = True
    db.session.commit()
    response = as_editor.delete(f"/api/voicemail-boxes/{box.id}/messages/{messages[1].id}")
    assert response.status_code == 409
    assert db.session.get(models.Recording, messages[1].id) is not None


def test_a_call_recording_and_an_expired_message_are_not_in_the_box(as_editor, box, messages):
    for row in (messages[2], messages[3]):
        assert as_editor.delete(f"/api/voicemail-boxes/{box.id}/messages/{row.id}").status_code == 404
    assert as_editor.delete(f"/api/voicemail-boxes/{box.id}/messages/{messages[0].id}").status_code == 204


def test_another_company_sees_none_of_it(as_stranger, stranger, box, messages):
    from pbx import directory

    own = directory.add_voicemail_box(stranger.tenant, {"name": "Obca", "recipient_ids": [stranger.id]})
    db.session.commit()
    assert as_stranger.get(f"/api/voicemail-boxes/{own.id}/messages").get_json()["messages"] == []
    assert as_stranger.get(f"/api/voicemail-boxes/{box.id}/messages").status_code == 404
    assert as_stranger.post(f"/api/voicemail-boxes/{box.id}/messages/{messages[0].id}/heard").status_code == 404
    assert as_stranger.delete(f"/api/voicemail-boxes/{box.id}/messages/{messages[0].id}").status_code == 404
