"""Every resource of the REST API: sign-in required, viewers read only, other companies see nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
import pytest
from sqlalchemy import func, select

from pbx import directory, models, scenarios
from pbx.extensions import db


@pytest.fixture
def objects(demo, tmp_path):
    """One object of the demo company of every kind, with a published scenario version."""
    number = demo.main_numbers[0]
    blacklist = directory.add_number_list(demo, {"name": "Spam", "kind": "blacklist", "patterns": ["+48700*"]})
    wav = tmp_path / "call.wav"
    wav.write_bytes(b"RIFF-demo")
    now = datetime.now(timezone.utc)
    recording = models.Recording(tenant_id=demo.id, call_uuid="c-1", caller="+48600100200", local_path=str(wav),
                                 created_at=now, expires_at=now + timedelta(days=90))
    db.session.add_all([recording, models.CallRecord(tenant_id=demo.id, call_uuid="c-1", started_at=now,
                                                     main_number=number.number, caller="+48600100200")])
    scenarios.publish(number.scenario, current_app.config)
    db.session.commit()
    box = db.session.scalar(select(models.VoicemailBox).where(models.VoicemailBox.tenant_id == demo.id))
    announcement = db.session.scalar(select(models.Announcement).where(models.Announcement.tenant_id == demo.id))
    return {"user": demo.users[1].id, "group": demo.groups[0].id, "number": number.id, "list": blacklist.id,
            "announcement": announcement.id, "box": box.id, "recording": recording.id}


READS = ["/api/users", "/api/users.csv", "/api/groups", "/api/main-numbers", "/api/number-lists",
         "/api/announcements", "/api/voicemail-boxes", "/api/calls", "/api/calls.csv", "/api/calls/today",
         "/api/audit", "/api/recordings", "/api/auth/me", "/api/node-kinds", "/api/operations"]

CREATES = [
    ("/api/users", {"first_name": "Ala", "last_name": "Nowa", "email": "ala@firma-abc.example"}),
    ("/api/groups", {"name": "Serwis"}),
    ("/api/main-numbers", {"number": "+48224440000"}),
    ("/api/number-lists", {"name": "VIP", "kind": "vip"}),
    ("/api/announcements", {"name": "Info", "text": "Dzień dobry"}),
    ("/api/voicemail-boxes", {"name": "Serwis", "extra_emails": ["serwis@firma-abc.example"]}),
]

# (method, path with {placeholders} from `objects`, JSON body) of every change to one object.
CHANGES = [
    ("patch", "/api/users/{user}", {"last_name": "Zmieniony"}),
    ("delete", "/api/users/{user}", None),
    ("patch", "/api/groups/{group}", {"name": "Zmieniona"}),
    ("delete", "/api/groups/{group}", None),
    ("patch", "/api/main-numbers/{number}", {"label": "Zmieniony"}),
    ("delete", "/api/main-numbers/{number}", None),
    ("patch", "/api/number-lists/{list}", {"patterns": []}),
    ("delete", "/api/number-lists/{list}", None),
    ("patch", "/api/announcements/{announcement}", {"name": "Zmieniona"}),
    ("delete", "/api/announcements/{announcement}", None),
    ("patch", "/api/voicemail-boxes/{box}", {"name": "Zmieniona"}),
    ("delete", "/api/voicemail-boxes/{box}", None),
    ("put", "/api/main-numbers/{number}/scenario/draft", {"name": "x", "root": {"id": "bye", "kind": "hangup"}}),
    ("post", "/api/main-numbers/{number}/scenario/publish", {}),
    ("post", "/api/main-numbers/{number}/scenario/rollback", {"version": 1}),
    ("post", "/api/recordings/{recording}/legal-hold", {"hold": True}),
]

# Reads of one object: another company gets 404 for each.
OWN_READS = ["/api/main-numbers/{number}", "/api/main-numbers/{number}/scenario",
             "/api/main-numbers/{number}/scenario/versions/1", "/api/main-numbers/{number}/scenario/diff?from=1",
             "/api/recordings/{recording}/audio", "/api/calls?user={user}", "/api/calls?main_number={number}"]


def _send(client, method, path, payload):
    return getattr(client, method)(path, json=payload) if payload is not None else getattr(client, method)(path)


def _demo_fingerprint(demo_id: int) -> tuple:
    audited = db.session.scalar(select(func.count()).select_from(models.AuditLogEntry)
                                .where(models.AuditLogEntry.tenant_id == demo_id))
    held = db.session.scalar(select(func.count()).select_from(models.Recording)
                             .where(models.Recording.legal_hold.is_(True)))
    return audited, held


def test_everything_needs_sign_in(client, objects):
    for path in READS + [p.format(**objects) for p in OWN_READS]:
        assert client.get(path).status_code == 401, path
    for method, path, payload in CHANGES:
        assert _send(client, method, path.format(**objects), payload).status_code == 401, path


def test_viewer_reads_everything_and_changes_nothing(as_viewer, demo, objects):
    for path in READS + [p.format(**objects) for p in OWN_READS]:
        assert as_viewer.get(path).status_code == 200, path
    before = _demo_fingerprint(demo.id)
    for path, payload in CREATES:
        assert as_viewer.post(path, json=payload).status_code == 403, path
    for method, path, payload in CHANGES:
        assert _send(as_viewer, method, path.format(**objects), payload).status_code == 403, path
    assert _demo_fingerprint(demo.id) == before


def test_another_company_sees_and_changes_nothing(as_stranger, demo, objects):
    secrets = ["Kowalska", "Sprzedaż", "+48221000000", "Poczta główna", "Spam", "Powitanie", "+48600100200"]
    for path in READS:
        response = as_stranger.get(path)
        assert response.status_code == 200, path
        assert not [s for s in secrets if s in response.get_data(as_text=True)], path
    for path in OWN_READS:
        assert as_stranger.get(path.format(**objects)).status_code == 404, path
    before = _demo_fingerprint(demo.id)
    for method, path, payload in CHANGES:
        assert _send(as_stranger, method, path.format(**objects), payload).status_code == 404, path
    assert _demo_fingerprint(demo.id) == before
