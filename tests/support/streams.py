"""The captured event streams, parsed with the production parser into header dicts."""
from __future__ import annotations

import functools
from pathlib import Path

from pbx.esl.protocol import Event, FrameParser

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
