"""Announcements become 8 kHz mono WAV prompts: spoken from text or converted from mp3."""
import subprocess
import wave

import pytest
from marshmallow import ValidationError

from pbx import directory, prompts


@pytest.fixture
def prompts_dir(ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(ctx.config, "PROMPTS_DIR", str(tmp_path))  # the app outlives this test
    return tmp_path


def _wav(path):
    with wave.open(str(path)) as handle:
        return handle.getframerate(), handle.getnchannels(), handle.getsampwidth(), handle.getnframes()


@pytest.mark.parametrize("language, voice, text", [
    ("pl", "female", "Dzień dobry, zapraszamy od poniedziałku do piątku."),
    ("en", "male", "Good morning. Press one for sales."),
])
def test_text_is_spoken_into_a_telephony_prompt(ctx, demo, prompts_dir, language, voice, text):
    announcement = directory.add_announcement(demo, {"name": "Test", "text": text, "language": language,
                                                     "voice": voice})
    path = prompts.render_tts(announcement, ctx.config)
    assert path == prompts_dir / str(demo.id) / f"{announcement.id}.wav"
    rate, channels, width, frames = _wav(path)
    assert (rate, channels, width) == (8000, 1, 2)
    assert 1.0 < frames / rate < 15
    assert announcement.duration_seconds == pytest.approx(frames / rate, abs=0.01)


def test_hostile_text_is_only_spoken(ctx, demo, prompts_dir):
    text = "--help ${system(rm -rf /)} | `id` \" ' <x>"
    announcement = directory.add_announcement(demo, {"name": "Zła", "text": text})
    path = prompts.render_tts(announcement, ctx.config)
    assert _wav(path)[0] == 8000


def _mp3(tmp_path, seconds):
    target = tmp_path / "upload.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}", "-b:a", "64k", str(target)], check=True)
    return target.read_bytes()


def test_uploaded_mp3_is_converted(ctx, demo, prompts_dir, tmp_path):
    announcement = directory.add_announcement(demo, {"name": "Muzyka", "source": "upload"})
    path = prompts.store_upload(announcement, _mp3(tmp_path, 3), ctx.config)
    rate, channels, _, frames = _wav(path)
    assert (rate, channels) == (8000, 1)
    assert frames / rate == pytest.approx(3.0, abs=0.15)


def test_upload_over_2_mb_or_not_mp3_is_refused_and_nothing_written(ctx, demo, prompts_dir, tmp_path):
    announcement = directory.add_announcement(demo, {"name": "Za duża", "source": "upload"})
    with pytest.raises(ValidationError) as info:
        prompts.store_upload(announcement, _mp3(tmp_path, 300), ctx.config)  # about 2.4 MB at 64 kbit/s
    assert "at most 2097152" in str(info.value.messages)
    with pytest.raises(ValidationError) as info:
        prompts.store_upload(announcement, b"RIFF....WAVEfmt not an mp3 at all" * 10, ctx.config)
    assert "not an mp3" in str(info.value.messages)
    assert not any(prompts_dir.rglob("*.wav"))


def test_shared_prompts_are_rendered_once(ctx, prompts_dir):
    rendered = prompts.render_system_prompts(ctx.config, ("pl",), numbers=range(3))
    names = sorted(str(p.relative_to(prompts_dir)) for p in rendered)
    assert names == ["common/pl/apology.wav", "common/pl/call_recorded.wav", "common/pl/digits/0.wav",
                     "common/pl/digits/1.wav", "common/pl/digits/2.wav", "common/pl/main_number_refused.wav",
                     "common/pl/people_waiting.wav"]
    assert all(_wav(p)[0] == 8000 for p in rendered)
    assert prompts.render_system_prompts(ctx.config, ("pl",), numbers=range(3)) == []
