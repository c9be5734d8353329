"""The switch's event socket for each live test, and the folders the switch reports."""
from __future__ import annotations

import pytest

from tests.live.harness import Recorder


@pytest.fixture
def switch():
    recorder = Recorder()
    try:
        switch_vars = {name: recorder.api(f"global_getvar {name}") for name in ("sounds_dir", "recordings_dir")}
        yield recorder, switch_vars
    finally:
        recorder.close()
