"""Announcement sound files: text to speech (espeak-ng) or an uploaded mp3, both stored as
the 8 kHz mono 16-bit WAV that FreeSWITCH plays without transcoding.

espeak-ng, sox and ffmpeg are command-line programs with no maintained Python binding that
covers what we need, hence the subprocess calls.
"""
from __future__ import annotations

import io
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import current_app
from marshmallow import ValidationError
from mutagen import MutagenError
from mutagen.mp3 import MP3

from pbx import models
from pbx.extensions import db

# espeak-ng voice per language and gender: base voice + variant.
VOICES = {
    ("pl", "female"): "pl+f3", ("pl", "male"): "pl+m3",
    ("en", "female"): "en+f3", ("en", "male"): "en+m3",
}
SAMPLE_RATE = 8000


def prompt_path(announcement: models.Announcement) -> Path:
    return Path(current_app.config["PROMPTS_DIR"]) / str(announcement.tenant_id) / f"{announcement.id}.wav"


def _to_telephony_wav(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.wav")
    subprocess.run(["sox", str(source), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(partial)],
                   check=True, capture_output=True, timeout=60)
    partial.replace(target)  # atomic: FreeSWITCH never plays half a file


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as handle:
        return round(handle.getnframes() / handle.getframerate(), 2)


def render_tts(announcement: models.Announcement) -> Path:
    """Speak the announcement's text into its prompt file and record its duration."""
    voice = VOICES[(models.Language(announcement.language).value, announcement.voice)]
    target = prompt_path(announcement)
    _speak(announcement.text, voice, target)
    announcement.duration_seconds = _wav_seconds(target)
    announcement.storage_key = str(target.relative_to(current_app.config["PROMPTS_DIR"]))
    db.session.flush()
    return target


# Prompts every tenant shares, at ${sounds_dir}/centralka/common/<lang>/<name>.wav.
SYSTEM_TEXTS = {
    "pl": {
        "call_recorded": "Rozmowa jest nagrywana.",
        "people_waiting": "Liczba osób oczekujących przed Tobą:",
        "apology": "Przepraszamy, wystąpił problem techniczny. Prosimy zadzwonić ponownie za chwilę.",
    },
    "en": {
        "call_recorded": "This call is recorded.",
        "people_waiting": "Number of people waiting ahead of you:",
        "apology": "We are sorry, there is a technical problem. Please call again in a moment.",
    },
}
SPOKEN_NUMBERS = range(100)


def system_prompt_path(language: str, name: str) -> Path:
    return Path(current_app.config["PROMPTS_DIR"]) / "common" / language / f"{name}.wav"


def _speak(text: str, voice: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spoken = Path(tmp) / "speech.wav"
        # The text goes on stdin, never on the command line, so no text can become an option.
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(spoken), "--stdin"],
                       input=text.encode("utf-8"), check=True, capture_output=True, timeout=60)
        _to_telephony_wav(spoken, target)


def render_system_prompts(languages=("pl", "en"), *, numbers=SPOKEN_NUMBERS, force: bool = False) -> list[Path]:
    """Render the shared prompts and spoken numbers that are missing (all of them with ``force``)."""
    jobs = []
    for language in languages:
        texts = dict(SYSTEM_TEXTS[language])
        texts.update({f"digits/{n}": str(n) for n in numbers})
        for name, text in texts.items():
            target = system_prompt_path(language, name)
            if force or not target.exists():
                jobs.append((text, VOICES[(language, "female")], target))
    # espeak-ng and sox are single-threaded: two at a time use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: _speak(*job), jobs))
    return [target for _, _, target in jobs]


def check_mp3(data: bytes) -> float:
    """The upload's duration in seconds; a clear error when it is not an acceptable mp3."""
    limit = current_app.config["MAX_PROMPT_UPLOAD_BYTES"]
    if len(data) > limit:
        raise ValidationError(f"the file has {len(data)} bytes; an announcement may have at most {limit} (2 MB)", "file")
    try:
        audio = MP3(io.BytesIO(data))
    except MutagenError as error:
        raise ValidationError(f"the file is not an mp3 ({error.__class__.__name__})", "file") from None
    if audio.info.length <= 0.1:
        raise ValidationError("the mp3 has no audio", "file")
    return audio.info.length


def store_upload(announcement: models.Announcement, data: bytes) -> Path:
    """Check an uploaded mp3 and convert it into the announcement's prompt file."""
    check_mp3(data)
    target = prompt_path(announcement)
    with tempfile.TemporaryDirectory() as tmp:
        mp3 = Path(tmp) / "upload.mp3"
        decoded = Path(tmp) / "decoded.wav"
        mp3.write_bytes(data)
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(mp3), str(decoded)],
                       check=True, capture_output=True, timeout=120)
        _to_telephony_wav(decoded, target)
    announcement.source = models.PromptSource.UPLOAD
    announcement.duration_seconds = _wav_seconds(target)
    announcement.storage_key = str(target.relative_to(current_app.config["PROMPTS_DIR"]))
    db.session.flush()
    return target
