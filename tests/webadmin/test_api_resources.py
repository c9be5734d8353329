"""Main numbers, number lists, announcements and voicemail boxes through the REST API."""
from __future__ import annotations

import io
import subprocess
import wave

import pytest

from pbx import models
from pbx.extensions import db


@pytest.fixture
def prompts_dir(ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(ctx.config, "PROMPTS_DIR", str(tmp_path / "prompts"))
    return tmp_path / "prompts"


@pytest.fixture(scope="session")
def mp3_bytes(tmp_path_factory) -> bytes:
    target = tmp_path_factory.mktemp("mp3") / "tone.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                    str(target)], check=True)
    return target.read_bytes()


def test_main_numbers_one_primary_at_a_time(as_editor, demo):
    first = demo.main_numbers[0]
    created = as_editor.post("/api/main-numbers", json={"number": "22 444 00 00", "label": "Serwis"})
    assert created.status_code == 201
    extra = created.get_json()
    assert (extra["number"], extra["is_primary"], extra["scenario"]) == ("+48224440000", False, None)
    refused = as_editor.patch(f"/api/main-numbers/{first.id}", json={"is_primary": False})
    assert refused.status_code == 422 and "is_primary" in refused.get_json()["fields"]
    as_editor.patch(f"/api/main-numbers/{extra['id']}", json={"is_primary": True})
    primaries = [n["number"] for n in as_editor.get("/api/main-numbers").get_json() if n["is_primary"]]
    assert primaries == ["+48224440000"]


def test_main_number_errors_and_deletion(as_editor, demo, stranger):
    taken = as_editor.post("/api/main-numbers", json={"number": "+48223330000", "target_user_id": stranger.id})
    assert taken.status_code == 422
    assert set(taken.get_json()["fields"]) == {"number", "target_user_id"}
    assert "Konkurencja" not in taken.get_data(as_text=True)
    primary = as_editor.delete(f"/api/main-numbers/{demo.main_numbers[0].id}")
    assert primary.status_code == 422
    assert "primary number cannot be deleted" in primary.get_json()["fields"]["is_primary"][0]
    extra = as_editor.post("/api/main-numbers", json={"number": "+48224440000"}).get_json()
    as_editor.put(f"/api/main-numbers/{extra['id']}/scenario/draft", json={"root": {"id": "bye", "kind": "hangup"}})
    as_editor.post(f"/api/main-numbers/{extra['id']}/scenario/publish")
    assert as_editor.delete(f"/api/main-numbers/{extra['id']}").status_code == 204
    assert [n["number"] for n in as_editor.get("/api/main-numbers").get_json()] == ["+48221000000"]
    assert db.session.query(models.Scenario).filter_by(tenant_id=demo.id).count() == 1


def test_number_lists(as_editor):
    created = as_editor.post("/api/number-lists", json={"name": "VIP", "kind": "vip",
                                                        "patterns": ["601 100 200", "+4822*"]})
    assert created.get_json()["patterns"] == ["+48601100200", "+4822*"]
    bad = as_editor.patch(f"/api/number-lists/{created.get_json()['id']}", json={"kind": "grey", "patterns": ["abc"]})
    assert bad.status_code == 422 and set(bad.get_json()["fields"]) == {"kind", "patterns"}
    assert as_editor.delete(f"/api/number-lists/{created.get_json()['id']}").status_code == 204


def test_text_to_speech_announcement_is_rendered_and_playable(as_editor, prompts_dir):
    created = as_editor.post("/api/announcements", json={"name": "Święta", "text": "Wesołych świąt",
                                                         "language": "pl", "voice": "male"})
    assert created.status_code == 201
    announcement = created.get_json()
    assert announcement["rendered"] and announcement["duration_seconds"] > 0.3
    played = as_editor.get(f"/api/announcements/{announcement['id']}.wav")
    assert played.mimetype == "audio/wav"
    with wave.open(io.BytesIO(played.data)) as sound:
        assert (sound.getframerate(), sound.getnchannels()) == (8000, 1)
    longer = as_editor.patch(f"/api/announcements/{announcement['id']}",
                             json={"text": "Wesołych świąt i szczęśliwego nowego roku"}).get_json()
    assert longer["duration_seconds"] > announcement["duration_seconds"]


def test_announcement_errors(as_editor, prompts_dir):
    response = as_editor.post("/api/announcements", json={"name": "", "text": " ", "voice": "robot", "language": "de"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"name", "text", "voice", "language"}


def test_mp3_upload(as_editor, prompts_dir, mp3_bytes):
    created = as_editor.post("/api/announcements/upload", content_type="multipart/form-data",
                             data={"name": "Muzyka", "language": "en", "file": (io.BytesIO(mp3_bytes), "tone.mp3")})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["source"] == "upload" and 0.8 < body["duration_seconds"] < 1.3
    assert as_editor.get(f"/api/announcements/{body['id']}.wav").status_code == 200


def test_upload_over_2_mb_and_not_mp3(as_editor, prompts_dir):
    too_big = as_editor.post("/api/announcements/upload", content_type="multipart/form-data",
                             data={"name": "Duża", "file": (io.BytesIO(b"\xff" * (3 * 1024 * 1024)), "big.mp3")})
    assert too_big.status_code == 422 and "2 MB" in too_big.get_json()["fields"]["file"][0]
    not_mp3 = as_editor.post("/api/announcements/upload", content_type="multipart/form-data",
                             data={"name": "", "file": (io.BytesIO(b"hello" * 100), "x.mp3")})
    assert not_mp3.status_code == 422 and set(not_mp3.get_json()["fields"]) == {"name", "file"}


def test_announcement_in_a_scenario_cannot_be_deleted(as_editor, demo):
    used = demo.main_numbers[0].scenario.draft["root"]["open"]["prompt"]
    response = as_editor.delete(f"/api/announcements/{used}")
    assert response.status_code == 422 and "node Powitanie" in " ".join(response.get_json()["fields"]["used_by"])


def test_voicemail_boxes(as_editor, demo, stranger):
    anna, piotr = demo.users[0].id, demo.users[1].id
    created = as_editor.post("/api/voicemail-boxes", json={"name": "Serwis", "recipient_ids": [piotr],
                                                           "extra_emails": ["serwis@firma-abc.example"]})
    box = created.get_json()
    assert box["recipient_emails"] == ["piotr.nowak@firma-abc.example", "serwis@firma-abc.example"]
    changed = as_editor.patch(f"/api/voicemail-boxes/{box['id']}", json={"recipient_ids": [anna, piotr]}).get_json()
    assert changed["recipient_ids"] == [anna, piotr] and changed["extra_emails"] == ["serwis@firma-abc.example"]
    bad = as_editor.patch(f"/api/voicemail-boxes/{box['id']}", json={
        "recipient_ids": [stranger.id], "extra_emails": ["not-an-address"], "max_seconds": 5})
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"recipient_ids", "extra_emails", "max_seconds"}
    empty = as_editor.patch(f"/api/voicemail-boxes/{box['id']}", json={"recipient_ids": [], "extra_emails": []})
    assert empty.status_code == 422
    garbled = as_editor.post("/api/voicemail-boxes", json={"name": "Zepsuta", "recipient_ids": ["a"]})
    assert garbled.status_code == 422 and garbled.get_json()["fields"]["recipient_ids"] == {"0": ["Not a valid integer."]}
    assert as_editor.delete(f"/api/voicemail-boxes/{box['id']}").status_code == 204
