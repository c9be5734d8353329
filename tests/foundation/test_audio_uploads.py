"""An uploaded announcement must really be an mp3, whole, at most 10 minutes, and reach nothing else."""
from __future__ import annotations

import io
import subprocess
import wave

import pytest
from marshmallow import ValidationError

from pbx import directory, prompts

PL = {"Accept-Language": "pl"}


@pytest.fixture
def prompts_dir(ctx, tmp_path):
    ctx.config["PROMPTS_DIR"] = str(tmp_path / "prompts")
    return tmp_path / "prompts"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Crafted uploads, made with ffmpeg as a user's tools (or an attacker) would make them."""
    folder = tmp_path_factory.mktemp("uploads")

    def encode(name, source, *options):
        target = folder / name
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", source, *options, str(target)],
                       check=True)
        return target

    valid = encode("valid.mp3", "sine=frequency=440:duration=3", "-b:a", "64k")
    secret = encode("secret.mp3", "sine=frequency=880:duration=3", "-b:a", "64k")  # a server-local file
    silence = encode("long.mp3", "anullsrc=r=8000:cl=mono", "-t", "660", "-ar", "8000", "-b:a", "8k")
    data = valid.read_bytes()
    frames = data[-4000:]  # a few mp3 frames, found by any mp3 frame scanner
    listing = b"file '%s'\n" % str(secret).encode()
    return {
        "valid": data,
        "truncated": data[: len(data) // 2],
        "damaged": data[:8000] + data[9000:],
        "hls": (b"#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\n" + str(secret).encode() + b"\n#EXT-X-ENDLIST\n"
                + frames),
        # under 20 KB that a plain ffmpeg call would turn into over 10 minutes of the server's own file
        "ffconcat": b"ffconcat version 1.0\n" + listing * 201 + frames,
        "long": silence.read_bytes(),
    }


def _frames(path):
    with wave.open(str(path)) as handle:
        return handle.getframerate(), handle.getnchannels(), handle.getsampwidth(), handle.getnframes()


@pytest.mark.parametrize("options", [
    ["-b:a", "128k", "-write_xing", "0", "-write_id3v1", "1"],  # constant bit rate, no frame count, tag at the end
    ["-q:a", "4"],  # variable bit rate
    ["-ac", "1", "-ar", "22050", "-b:a", "32k", "-id3v2_version", "3", "-metadata", "title=Powitanie"],
])
def test_mp3s_as_encoders_write_them_are_accepted(ctx, tmp_path, options):
    target = tmp_path / "upload.mp3"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=20",
                    *options, str(target)], check=True)
    assert prompts.check_mp3(target.read_bytes(), ctx.config) == pytest.approx(20.0, abs=0.1)


def test_a_valid_mp3_becomes_a_telephony_prompt(ctx, demo, prompts_dir, files):
    announcement = directory.add_announcement(demo, {"name": "Muzyka", "source": "upload"})
    path = prompts.store_upload(announcement, files["valid"], ctx.config)
    rate, channels, width, frames = _frames(path)
    assert (rate, channels, width) == (8000, 1, 2)
    assert frames / rate == pytest.approx(3.0, abs=0.1)
    assert announcement.duration_seconds == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize(("kind", "message"), [
    ("truncated", "the mp3 is cut short: its header promises 3.0 s, only 1.5 s decode"),
    ("damaged", "the mp3 is damaged: "),
    ("hls", "the file is not an mp3: its content is in the hls format"),
    ("ffconcat", "the file is not an mp3: its content is in the concat format"),
    ("long", "the recording lasts over 600 s; an announcement may last at most 600 s (10 minutes)"),
])
def test_what_is_not_a_whole_short_mp3_is_refused_and_nothing_written(ctx, demo, prompts_dir, files, kind, message):
    announcement = directory.add_announcement(demo, {"name": "Zła", "source": "upload"})
    with pytest.raises(ValidationError) as info:
        prompts.store_upload(announcement, files[kind], ctx.config)
    [text] = info.value.normalized_messages()["file"]
    assert text.startswith(message)
    assert announcement.storage_key is None
    assert not [p for p in prompts_dir.rglob("*") if p.is_file()]


def test_the_limit_is_the_decoded_length_not_the_size(files):
    assert len(files["ffconcat"]) < 20_000 and len(files["long"]) < 2 * 1024 * 1024
    # what the concat list would have become: its 3-second file over and over
    assert files["ffconcat"].count(b"secret.mp3") * 3 > 600


def _upload(client, data, headers=None):
    return client.post("/api/announcements/upload", headers=headers or {}, content_type="multipart/form-data",
                       data={"name": "Powitanie", "language": "pl", "file": (io.BytesIO(data), "powitanie.mp3")})


@pytest.mark.parametrize(("kind", "polish"), [
    ("truncated", "Plik mp3 jest ucięty: według nagłówka trwa 3.0 s, a odtworzyć da się tylko 1.5 s."),
    ("hls", "To nie jest plik mp3: jego zawartość jest w formacie hls."),
    ("ffconcat", "To nie jest plik mp3: jego zawartość jest w formacie concat."),
    ("long", "Nagranie trwa ponad 600 s; zapowiedź może trwać najwyżej 600 s (10 minut)."),
])
def test_upload_api_answers_422_naming_the_problem(as_editor, prompts_dir, files, kind, polish):
    before = as_editor.get("/api/announcements").get_json()
    response = _upload(as_editor, files[kind])
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["file"]
    response = _upload(as_editor, files[kind], PL)
    assert response.status_code == 422 and response.get_json()["fields"]["file"] == [polish]
    assert as_editor.get("/api/announcements").get_json() == before
    assert not prompts_dir.exists() or not [p for p in prompts_dir.rglob("*") if p.is_file()]


def test_upload_api_accepts_a_valid_mp3(as_editor, prompts_dir, files):
    response = _upload(as_editor, files["valid"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["duration_seconds"] == pytest.approx(3.0, abs=0.1)
    assert as_editor.get(f"/api/announcements/{response.get_json()['id']}.wav").status_code == 200


def test_ffmpeg_reads_only_the_upload(files, monkeypatch, ctx):
    """Every ffmpeg and ffprobe run is limited to the file protocol and the mp3 demuxer."""
    seen = []
    run = subprocess.run

    def watch(command, *args, **kwargs):
        seen.append(command)
        return run(command, *args, **kwargs)

    monkeypatch.setattr(prompts.subprocess, "run", watch)
    prompts.check_mp3(files["valid"], ctx.config)
    assert [c[0] for c in seen] == ["ffprobe", "ffmpeg"]
    for command in seen:
        at = command.index("-protocol_whitelist")
        assert command[at:at + 4] == ["-protocol_whitelist", "file", "-format_whitelist", "mp3"]
