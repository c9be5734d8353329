from datetime import datetime

import pytest

from pbx.compiler import ScenarioInvalid
from tests.support.compiler import WARSAW, call, compiled

AT = datetime(2026, 3, 3, 10, 0, tzinfo=WARSAW)


def test_greeting_beep_then_record_into_the_box():
    result = call({"id": "vm", "kind": "voicemail", "box": 9}, at=AT, speech=4.0)
    apps = [(a["application"], a["data"]) for a in result.applications]
    names = [a for a, _ in apps]
    assert names[-5:] == ["playback", "playback", "set", "record", "hangup"]
    assert apps[-3] == ("set", "centralka_voicemail_box=9")
    path, limit = apps[-2][1].split()[:2]
    assert path.endswith(f"/3/vm_9_{result.variables['uuid']}.wav") and limit == "120"
    assert result.answered


def test_unknown_box_is_an_error_and_no_greeting_a_warning():
    with pytest.raises(ScenarioInvalid, match="voicemail box 77"):
        compiled({"id": "vm", "kind": "voicemail", "box": 77})
    assert "no greeting" in compiled({"id": "vm", "kind": "voicemail", "box": 8}).warnings[0].message
