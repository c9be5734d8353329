from datetime import datetime

from tests.support.compiler import WARSAW, call


def test_hangup_with_and_without_prompt():
    at = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)
    plain = call({"id": "bye", "kind": "hangup"}, at=at)
    assert plain.hangup_cause == "NORMAL_CLEARING" and not plain.answered
    spoken = call({"id": "bye", "kind": "hangup", "prompt": 6}, at=at)
    assert spoken.answered and [a["data"] for a in spoken.applications if a["application"] == "playback"] == [
        "/centralka/3/6.wav"]
