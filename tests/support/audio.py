"""Recordings as FreeSWITCH writes them: 16-bit mono WAV at 8 kHz."""
import io
import math
import wave


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    """A WAV of ``seconds`` of a 440 Hz tone (0: the header alone, as a caller who hung up at the beep leaves)."""
    frames = int(seconds * rate)
    samples = b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / rate)).to_bytes(2, "little", signed=True)
                       for i in range(frames))
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(samples)
    return out.getvalue()
