"""The captured event streams, parsed with the production parser into header dicts."""
from __future__ import annotations

import functools
import re
from pathlib import Path

from pbx.esl.protocol import Event, FrameParser, encode_frame

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freeswitch"

SHAPES = {
    "ivr_bridge_sequential": "d2e2cf7f-6337-43e3-b76f-6c5780ca98b9",
    "bridge_simultaneous_noanswer_then_record": "07afbdd2-7db8-4c29-93eb-45b925d2f6bc",
    "callcenter_answered": "ce269193-de96-441b-b8fe-ede7fb30420e",
    "callcenter_abandoned": "00592f20-8db6-48b4-beaa-8ea041c43c08",
    "blacklist_reject": "4aec933b-f580-4acd-b48d-5db47dfe2f5d",
}
FIRST_RUN = {"": "fad7d2fc-13f4-4434-9f1c-1df320831e00", "call2_caller_hangup": "a800ccd8-d19d-485b-b333-ab297e4e63d5"}


def stream_file(shape: str, fmt: str = "plain") -> Path:
    return FIXTURES / (f"esl_events_{fmt}_{shape}.txt" if shape else f"esl_events_{fmt}.txt")


@functools.lru_cache(maxsize=None)
def events(shape: str, fmt: str = "plain") -> tuple[dict, ...]:
    """Every event of a capture as a decoded header dict (first value of a duplicate wins)."""
    frames = FrameParser().feed(stream_file(shape, fmt).read_bytes())
    return tuple(Event.from_frame(frame).headers for frame in frames if frame.is_event)


def named(shape: str, name: str, fmt: str = "plain") -> list[dict]:
    return [headers for headers in events(shape, fmt) if headers.get("Event-Name") == name]


UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# FreeSWITCH's clocks in the captures: microseconds (16 digits) and seconds (10 digits).
CLOCK = re.compile(rb'"(1\d{15}|1\d{9})"')


def moved(data: bytes, hour: int) -> bytes:
    """The capture ``hour`` hours later, its UUIDs made this hour's own (lengths kept, so
    every Content-Length still holds)."""
    data = UUID.sub(lambda m: m.group(0)[:-2] + f"{hour:02x}".encode(), data)

    def later(match):
        value = match.group(1)
        shift = hour * 3600 * (1_000_000 if len(value) == 16 else 1)
        return b'"%d"' % (int(value) + shift)
    return CLOCK.sub(later, data)


def frames_in_box(shape: str, box_id: int) -> list[bytes]:
    """The event frames of a captured call (JSON). The captured voicemail's file names no box (the
    test rig recorded ``vm_<uuid>.wav``): it is named as our voicemail node names it."""
    frames = []
    for frame in FrameParser().feed(stream_file(shape, "json").read_bytes()):
        if frame.is_event:
            body = frame.body.replace(b"/recordings/vm_", b"/recordings/vm_%d_" % box_id)
            frames.append(encode_frame({"Content-Type": frame.content_type}, body))
    return frames


def captured_frames(box_id: int) -> list[bytes]:
    """Every event frame of the five captured calls, the voicemail left in box ``box_id``."""
    return [frame for shape in SHAPES for frame in frames_in_box(shape, box_id)]


def send(freeswitch, frames: list[bytes]) -> None:
    for conn in freeswitch.subscribed():
        conn.send(b"".join(f for f in frames if conn.wants(Event.from_frame(FrameParser().feed(f)[0]))))
