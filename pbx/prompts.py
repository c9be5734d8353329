"""Announcement sound files: text to speech (espeak-ng) or an uploaded mp3, both stored as
the 8 kHz mono 16-bit WAV that FreeSWITCH plays without transcoding.

espeak-ng, sox and ffmpeg are command-line programs with no maintained Python binding that
covers what we need, hence the subprocess calls.

Settings come from the caller's ``config`` (the app's: PROMPTS_DIR, MAX_PROMPT_UPLOAD_BYTES).
"""
from __future__ import annotations

import io
import re
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from marshmallow import ValidationError
from mutagen import MutagenError
from mutagen.mp3 import MP3
from num2words import num2words

from pbx import models
from pbx.extensions import db
from pbx.messages import Message

# espeak-ng voice per language and gender: base voice + variant.
VOICES = {
    ("pl", "female"): "pl+f3", ("pl", "male"): "pl+m3",
    ("en", "female"): "en+f3", ("en", "male"): "en+m3",
}
SAMPLE_RATE = 8000


def prompt_path(announcement: models.Announcement, config) -> Path:
    return Path(config["PROMPTS_DIR"]) / str(announcement.tenant_id) / f"{announcement.id}.wav"


def _to_telephony_wav(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.wav")
    subprocess.run(["sox", str(source), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(partial)],
                   check=True, capture_output=True, timeout=60)
    partial.replace(target)  # atomic: FreeSWITCH never plays half a file


def wav_seconds(path: Path) -> float:
    """How long a WAV file plays."""
    with wave.open(str(path)) as handle:
        return handle.getnframes() / handle.getframerate()


def _wav_seconds(path: Path) -> float:
    return round(wav_seconds(path), 2)


def render_tts(announcement: models.Announcement, config) -> Path:
    """Speak the announcement's text into its prompt file and record its duration."""
    voice = VOICES[(models.Language(announcement.language).value, announcement.voice)]
    target = prompt_path(announcement, config)
    _speak(announcement.text, voice, target)
    announcement.duration_seconds = _wav_seconds(target)
    announcement.storage_key = str(target.relative_to(config["PROMPTS_DIR"]))
    db.session.flush()
    return target


# Prompts every tenant shares, at ${sounds_dir}/centralka/common/<lang>/<name>.wav.
SYSTEM_TEXTS = {
    "pl": {
        "call_recorded": "Rozmowa jest nagrywana.",
        "people_waiting": "Liczba osób oczekujących przed Tobą:",
        "apology": "Przepraszamy, wystąpił problem techniczny. Prosimy zadzwonić ponownie za chwilę.",
        "main_number_refused": ("Nie masz uprawnienia do prezentowania numeru głównego firmy. "
                                "Połączenie nie zostało wykonane."),
        "recording_refused": "Nie masz uprawnienia do nagrywania rozmów.",
    },
    "en": {
        "call_recorded": "This call is recorded.",
        "people_waiting": "Number of people waiting ahead of you:",
        "apology": "We are sorry, there is a technical problem. Please call again in a moment.",
        "main_number_refused": "You may not present the company's main number. The call was not made.",
        "recording_refused": "You may not record calls.",
    },
}
SPOKEN_NUMBERS = range(100)
PLACES = range(1, 100)  # places in a queue we have a prompt for
# Queue announcements come in both voices: the female at <lang>/ (as every shared prompt), the
# male at <lang>/male/.
QUEUE_VOICES = ("female", "male")
QUEUE_TEXTS = ("people_waiting",)


def voice_folder(voice: str) -> str:
    """Where a voice's queue prompts sit below their language's folder ("" or "male/")."""
    return "" if voice == "female" else f"{voice}/"


def _locative(ordinal: str) -> str:
    """"dwudziesty pierwszy" -> "dwudziestym pierwszym": every Polish ordinal is an adjective in -y/-i,
    its masculine/neuter locative adds -m (num2words gives the nominative only)."""
    return " ".join(word + "m" for word in ordinal.split())


def place_spoken(language: str, place: int) -> str:
    """The whole sentence a caller hears at ``place`` in a queue, spelt out for the speech synthesiser."""
    if language == "pl":
        return f"Jest Pan lub Pani na {_locative(num2words(place, lang='pl', to='ordinal'))} miejscu w kolejce."
    return f"You are number {num2words(place, lang='en')} in the queue."


def place_shown(language: str, place: int) -> str:
    """The same sentence as people read it."""
    return f"Jest Pan/Pani na {place}. miejscu w kolejce" if language == "pl" else f"You are number {place} in the queue"


def waiting_shown(language: str, ahead: int) -> str:
    """The count of people ahead as people read it: the shared prompt and the number after it."""
    return f"{SYSTEM_TEXTS[language]['people_waiting']} {ahead}"


def system_prompt_path(language: str, name: str, config) -> Path:
    return Path(config["PROMPTS_DIR"]) / "common" / language / f"{name}.wav"


def _speak(text: str, voice: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spoken = Path(tmp) / "speech.wav"
        # The text goes on stdin, never on the command line, so no text can become an option.
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(spoken), "--stdin"],
                       input=text.encode("utf-8"), check=True, capture_output=True, timeout=60)
        _to_telephony_wav(spoken, target)


def system_prompts(languages=("pl", "en"), *, numbers=SPOKEN_NUMBERS, places=PLACES,
                   voices=QUEUE_VOICES) -> list[tuple[str, str, str, str]]:
    """(language, voice, name, text) of every shared prompt; the male voice speaks only the queue's."""
    found = []
    for language in languages:
        for voice in voices:
            folder = voice_folder(voice)
            texts = {name: text for name, text in SYSTEM_TEXTS[language].items()
                     if voice == "female" or name in QUEUE_TEXTS}
            texts.update({f"digits/{n}": str(n) for n in numbers})
            texts.update({f"position/{n}": place_spoken(language, n) for n in places})
            found += [(language, voice, folder + name, text) for name, text in texts.items()]
    return found


def render_system_prompts(config, languages=("pl", "en"), *, numbers=SPOKEN_NUMBERS, places=PLACES,
                          voices=QUEUE_VOICES, force: bool = False) -> list[Path]:
    """Render the shared prompts, spoken numbers and queue places that are missing (all of them with
    ``force``): FreeSWITCH plays them from files, nothing is synthesised while a call waits."""
    jobs = [(text, VOICES[(language, voice)], system_prompt_path(language, name, config))
            for language, voice, name, text in system_prompts(languages, numbers=numbers, places=places,
                                                              voices=voices)]
    jobs = [job for job in jobs if force or not job[2].exists()]
    # espeak-ng and sox are single-threaded: two at a time use both cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: _speak(*job), jobs))
    return [target for _, _, target in jobs]


MAX_PROMPT_SECONDS = 600  # 10 minutes
# ffmpeg may open nothing but the uploaded file itself, and read it only as an mp3: no playlist
# (hls), concat list, image sequence or network protocol can pull anything else in.
FFMPEG_INPUT = ["-protocol_whitelist", "file", "-format_whitelist", "mp3"]
# "[hls @ 0x55...] Format not on whitelist": the demuxer ffprobe recognised in the upload.
_REFUSED_FORMAT = re.compile(r"\[(\w+) @ 0x[0-9a-f]+\] Format not on whitelist")
# A header that promises more than this beyond what decodes means the file was cut short (the
# share allows for tags at the end that mutagen counts as audio in a file without a frame count).
TRUNCATION_TOLERANCE = (0.5, 0.02)  # seconds, share of the promised length


def check_mp3(data: bytes, config) -> float:
    """The upload's duration in seconds, decoded in full; a clear error when it is not an acceptable mp3."""
    with tempfile.TemporaryDirectory() as tmp:
        return _decode_upload(data, Path(tmp) / "check.wav", config["MAX_PROMPT_UPLOAD_BYTES"])


def _header_seconds(data: bytes, limit: int) -> float:
    if len(data) > limit:
        raise ValidationError(Message("mp3.too_big", size=len(data), limit=limit), "file")
    try:
        audio = MP3(io.BytesIO(data))
    except MutagenError as error:
        raise ValidationError(Message("mp3.unreadable", error=error.__class__.__name__), "file") from None
    return audio.info.length


def _decode_upload(data: bytes, target: Path, limit: int) -> float:
    """Check the upload (at most ``limit`` bytes) and decode it whole into a telephony WAV at `target`;
    its decoded seconds."""
    promised = _header_seconds(data, limit)
    with tempfile.TemporaryDirectory() as tmp:
        upload = Path(tmp) / "upload.mp3"
        upload.write_bytes(data)
        _probe(upload)
        decoded = _run_ffmpeg(["ffmpeg", "-nostdin", "-v", "error", *FFMPEG_INPUT, "-f", "mp3", "-i", str(upload),
                               "-t", str(MAX_PROMPT_SECONDS + 1), "-map", "0:a:0", "-ac", "1",
                               "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav", "-y", str(target)])
    if decoded.returncode != 0 or decoded.stderr.strip():
        detail = _first_line(decoded.stderr)
        raise ValidationError(Message("mp3.damaged", detail=detail) if detail else Message("mp3.does_not_decode"),
                              "file")
    seconds = _wav_seconds(target)
    if seconds <= 0.1:
        raise ValidationError(Message("mp3.no_audio"), "file")
    if seconds > MAX_PROMPT_SECONDS:
        raise ValidationError(Message("mp3.too_long", seconds=MAX_PROMPT_SECONDS), "file")
    if promised - seconds > max(TRUNCATION_TOLERANCE[0], TRUNCATION_TOLERANCE[1] * promised):
        raise ValidationError(Message("mp3.cut_short", promised=round(promised, 1), decoded=round(seconds, 1)), "file")
    return seconds


def _probe(upload: Path) -> None:
    """Refuse a file whose content ffprobe recognises as anything but an mp3, whatever its name."""
    probe = _run_ffmpeg(["ffprobe", "-v", "error", *FFMPEG_INPUT, "-show_entries", "format=format_name",
                         "-of", "csv=p=0", str(upload)])
    if probe.returncode == 0 and probe.stdout.strip() == "mp3":
        return
    refused = _REFUSED_FORMAT.search(probe.stderr)
    if refused:
        raise ValidationError(Message("mp3.other_format", format=refused.group(1)), "file")
    detail = _first_line(probe.stderr)
    raise ValidationError(Message("mp3.not_mp3", detail=detail) if detail else Message("mp3.no_mp3_audio"), "file")


def _run_ffmpeg(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise ValidationError(Message("mp3.decode_timeout"), "file") from None


def _first_line(text: str) -> str:
    """ffmpeg's first message without its "[mp3float @ 0x55...] " prefix or the temporary file's path."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return re.sub(r"^\[\w+ @ 0x[0-9a-f]+\] |^\S*upload\.mp3: ", "", line)


def store_upload(announcement: models.Announcement, data: bytes, config) -> Path:
    """Check an uploaded mp3 and decode it into the announcement's prompt file."""
    target = prompt_path(announcement, config)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.wav")
    try:
        seconds = _decode_upload(data, partial, config["MAX_PROMPT_UPLOAD_BYTES"])
        partial.replace(target)  # atomic: FreeSWITCH never plays half a file
    finally:
        partial.unlink(missing_ok=True)
    announcement.source = models.PromptSource.UPLOAD
    announcement.duration_seconds = round(seconds, 2)
    announcement.storage_key = str(target.relative_to(config["PROMPTS_DIR"]))
    db.session.flush()
    return target
