"""Every node kind the compiler knows is played by the simulator: a new kind needs a sample here."""
from __future__ import annotations

import pytest

from pbx.nodes import registry
from pbx.testcall import parse_at
from tests.support.acceptance import WORKWEEK, forward, hangup, schedule, voicemail

MONDAY = parse_at("2026-12-21T10:00", "Europe/Warsaw")


def _menu(testowa, **extra):
    return {"id": "sample", "kind": "menu", "prompt": testowa.prompts["Menu"].id, "options": {"1": hangup("one")},
            "no_input": hangup("nobody"), **extra}


SAMPLES = {
    "schedule": (lambda c: schedule("sample", WORKWEEK, hangup("a"), hangup("b"), holidays="pl",
                                    exceptions=[{"date": "12-31", "hours": [["08:00", "12:00"]]}]), ""),
    "announcement": (lambda c: {"id": "sample", "kind": "announcement", "prompt": c.prompts["Powitanie"].id,
                                "repeat": 2, "next": hangup("end")}, ""),
    "menu": (lambda c: _menu(c, direct_dial=True, invalid=hangup("wrong")), "1"),
    "forward": (lambda c: forward("sample", {"group": c.groups["sequential"].id}, voicemail(c),
                                  busy=hangup("busy_end"), unavailable=hangup("off_end")), ""),
    "voicemail": (lambda c: voicemail(c, "sample"), ""),
    "caller_condition": (lambda c: {"id": "sample", "kind": "caller_condition", "list": c.vip.id,
                                    "match": hangup("vip_end"), "otherwise": hangup("others")}, ""),
    "hangup": (lambda c: {"id": "sample", "kind": "hangup", "prompt": c.prompts["Zamknięte"].id}, ""),
    "goto": (lambda c: _menu(c, id="top", invalid={"id": "sample", "kind": "goto", "target": "top"}), "9"),
    # No signing key yet: the node takes its fallback without asking (tests/acceptance/test_server_node.py asks).
    "server": (lambda c: {"id": "sample", "kind": "server", "url": "https://crm.example.com/route",
                          "answers": {"sales": hangup("sold")}, "fallback": hangup("no_server")}, ""),
    "occasional": (lambda c: {"id": "sample", "kind": "occasional", "prompt": c.prompts["Powitanie"].id,
                              "start": "2026-12-21T09:00", "end": "2026-12-21T11:00", "next": hangup("end")}, ""),
    "fax": (lambda c: {"id": "sample", "kind": "fax", "box": c.box.id}, ""),
    "personal": (lambda c: {"id": "sample", "kind": "personal", "prompt": c.prompts["Powitanie"].id, "list": c.vip.id,
                            "start": "2026-12-01T00:00", "end": "2027-01-01T00:00", "next": hangup("end")}, ""),
}


def test_every_registered_kind_has_a_sample():
    assert set(SAMPLES) == set(registry())


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_simulator_plays_every_construct_of_the_kind(testowa, kind):
    build, keys = SAMPLES[kind]
    testowa.publish(build(testowa))
    call = testowa.call(MONDAY, keys)   # Unsupported* from the simulator would fail the test here
    entered = [entry.partition(":")[0] for entry in call.centralka_path.split(";") if entry]
    assert "sample" in entered
    assert any(stop["node"] == "sample" and stop["kind"] == kind and stop["text"] for stop in call.path)
