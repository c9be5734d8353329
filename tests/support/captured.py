"""Captured FreeSWITCH traffic in tests/fixtures/freeswitch (copied from a real switch) and its loaders.

The frame splitter here is deliberately independent of pbx.esl.protocol, so the
fixtures can check the parser instead of agreeing with it.
"""
import re
from functools import lru_cache
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "freeswitch"

_SENT = re.compile(rb"==> sent: (.*?)\\n\\n\n<== received frame \((\d+) bytes\):\n")


@lru_cache(maxsize=None)
def read_fixture(name):
    return (FIXTURES_DIR / name).read_bytes()


def event_stream_files(fmt=None):
    """Names of the captured event streams, e.g. esl_events_plain_register.txt."""
    pattern = f"esl_events_{fmt}*.txt" if fmt else "esl_events_*.txt"
    return sorted(path.name for path in FIXTURES_DIR.glob(pattern))


def split_frames(data):
    """Raw bytes of each frame in an ESL byte stream, byte for byte."""
    frames, pos = [], 0
    while pos < len(data):
        end = data.index(b"\n\n", pos) + 2
        match = re.search(rb"^Content-Length: (\d+)$", data[pos:end], re.M)
        if match:
            end += int(match.group(1))
        if end > len(data):
            raise ValueError("truncated frame")
        frames.append(data[pos:end])
        pos = end
    return frames


def frame_content_type(raw_frame):
    match = re.search(rb"^Content-Type: (\S+)$", raw_frame.split(b"\n\n", 1)[0], re.M)
    return match.group(1).decode() if match else ""


def event_frames(name):
    """Raw text/event-* frames of one captured stream."""
    return [f for f in split_frames(read_fixture(name))
            if frame_content_type(f).startswith("text/event-")]


def annotated_replies(name):
    """(command, raw reply frame) pairs of an annotated capture like esl_api_replies.txt."""
    data = read_fixture(name)
    pairs = []
    for match in _SENT.finditer(data):
        start = match.end()
        pairs.append((match.group(1).decode(), data[start:start + int(match.group(2))]))
    return pairs


@lru_cache(maxsize=None)
def canned_api_replies():
    """``{api command: raw api/response frame}`` from the captures; the first capture wins."""
    replies = {}
    for name in ("esl_api_replies.txt", "esl_api_callcenter_setup.txt"):
        for command, frame in annotated_replies(name):
            if command.startswith("api "):
                replies.setdefault(command[4:], frame)
    return replies


def received_frames(name):
    """Every reply/event frame of an annotated capture, in the order received."""
    data = read_fixture(name)
    return [data[m.end():m.end() + int(m.group(1))]
            for m in re.finditer(rb"<== received frame \((\d+) bytes\):\n", data)]
