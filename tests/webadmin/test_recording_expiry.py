"""A recording past its expiry is gone for the panel at once, not only once the expiry job has run."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pbx import models
from pbx.calls.store import aware
from pbx.extensions import db

UTC = timezone.utc
AUDIO = b"RIFF....WAVEfmt recorded call"


@pytest.fixture
def make_recording(demo, tmp_path):
    def make(expires_in: timedelta, legal_hold: bool = False, uuid: str = "rec") -> models.Recording:
        wav = tmp_path / f"{uuid}.wav"
        wav.write_bytes(AUDIO)
        now = datetime.now(UTC)
        row = models.Recording(tenant_id=demo.id, call_uuid=uuid, caller="+48600100200", local_path=str(wav),
                               created_at=now - timedelta(days=90), expires_at=now + expires_in, legal_hold=legal_hold)
        db.session.add(row)
        db.session.commit()
        return row

    return make


def _listed(client) -> list[str]:
    return [r["call_uuid"] for r in client.get("/api/recordings").get_json()["recordings"]]


def test_an_expired_recording_no_longer_downloads_nor_lists(as_viewer, make_recording):
    gone = make_recording(timedelta(seconds=-1), uuid="gone")
    for query in ("", "?download=1"):
        response = as_viewer.get(f"/api/recordings/{gone.id}/audio{query}")
        assert response.status_code == 410
        day = f"{aware(gone.expires_at).astimezone(ZoneInfo('Europe/Warsaw')):%Y-%m-%d}"
        assert response.get_json()["error"] == f"the recording expired on {day}: it is no longer available"
        assert AUDIO not in response.data
    assert _listed(as_viewer) == []
    assert db.session.get(models.Recording, gone.id) is not None  # the expiry job deletes it, as before


def test_the_refusal_in_polish(as_viewer, make_recording):
    gone = make_recording(timedelta(days=-3), uuid="gone")
    response = as_viewer.get(f"/api/recordings/{gone.id}/audio", headers={"Accept-Language": "pl"})
    assert response.status_code == 410
    assert response.get_json()["error"].startswith("Nagranie wygasło ")


def test_a_recording_still_in_its_time_downloads(as_viewer, make_recording):
    kept = make_recording(timedelta(minutes=5), uuid="kept")
    assert as_viewer.get(f"/api/recordings/{kept.id}/audio").data == AUDIO
    assert _listed(as_viewer) == ["kept"]


def test_legal_hold_keeps_an_expired_recording_available(as_viewer, make_recording):
    held = make_recording(timedelta(days=-1), legal_hold=True, uuid="held")
    assert as_viewer.get(f"/api/recordings/{held.id}/audio").data == AUDIO
    assert _listed(as_viewer) == ["held"]
