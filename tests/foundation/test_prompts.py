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
    rendered = prompts.render_system_prompts(ctx.config, ("pl",), numbers=range(3), places=range(1, 3))
    names = sorted(str(p.relative_to(prompts_dir)) for p in rendered)
    assert names == ["common/pl/apology.wav", "common/pl/call_recorded.wav", "common/pl/digits/0.wav",
                     "common/pl/digits/1.wav", "common/pl/digits/2.wav", "common/pl/main_number_refused.wav",
                     "common/pl/male/digits/0.wav", "common/pl/male/digits/1.wav", "common/pl/male/digits/2.wav",
                     "common/pl/male/people_waiting.wav", "common/pl/male/position/1.wav",
                     "common/pl/male/position/2.wav", "common/pl/people_waiting.wav", "common/pl/position/1.wav",
                     "common/pl/position/2.wav", "common/pl/recording_refused.wav"]
    assert all(_wav(p)[:3] == (8000, 1, 2) for p in rendered)
    assert prompts.render_system_prompts(ctx.config, ("pl",), numbers=range(3), places=range(1, 3)) == []


def test_every_place_up_to_99_in_both_languages_and_voices():
    """What `centralka announcement system` renders: the whole set, listed without speaking it."""
    found = prompts.system_prompts()
    places = {(language, voice, name) for language, voice, name, _ in found if "position/" in name}
    assert places == {(language, voice, f"{prompts.voice_folder(voice)}position/{n}")
                      for language in ("pl", "en") for voice in ("female", "male") for n in range(1, 100)}
    # Per language: 5 sentences, 100 numbers and 99 places in the female voice; the male voice
    # speaks the queue's prompt, the numbers and the places.
    assert len(found) == 2 * ((5 + 100 + 99) + (1 + 100 + 99)) == 808
    assert len({name for language, _, name, _ in found if language == "pl"}) == 404


@pytest.mark.parametrize("place, polish", [
    (1, "pierwszym"), (2, "drugim"), (3, "trzecim"), (4, "czwartym"), (7, "siódmym"), (8, "ósmym"),
    (12, "dwunastym"), (20, "dwudziestym"), (21, "dwudziestym pierwszym"), (42, "czterdziestym drugim"),
    (99, "dziewięćdziesiątym dziewiątym"),
])
def test_the_place_is_spoken_in_the_polish_locative(place, polish):
    assert prompts.place_spoken("pl", place) == f"Jest Pan lub Pani na {polish} miejscu w kolejce."
    assert prompts.place_shown("pl", place) == f"Jest Pan/Pani na {place}. miejscu w kolejce"


def test_the_place_is_spoken_in_english_words():
    assert prompts.place_spoken("en", 2) == "You are number two in the queue."
    assert prompts.place_spoken("en", 73) == "You are number seventy-three in the queue."
    assert prompts.place_shown("en", 73) == "You are number 73 in the queue"


def test_places_are_rendered_by_espeak_in_each_voice(ctx, prompts_dir):
    rendered = prompts.render_system_prompts(ctx.config, ("pl", "en"), numbers=range(0), places=(2, 21))
    places = {str(p.relative_to(prompts_dir)): p for p in rendered if "/position/" in str(p)}
    assert sorted(places) == [f"common/{language}/{folder}position/{n}.wav" for language in ("en", "pl")
                              for folder in ("male/", "") for n in (2, 21)]
    seconds = {name: prompts.wav_seconds(path) for name, path in places.items()}
    assert all(1.0 < length < 6.0 for length in seconds.values()), seconds
    # "dwudziestym pierwszym" is longer to say than "drugim"; the two voices are two recordings.
    assert seconds["common/pl/position/21.wav"] > seconds["common/pl/position/2.wav"] + 0.3
    assert places["common/pl/position/2.wav"].read_bytes() != places["common/pl/male/position/2.wav"].read_bytes()
