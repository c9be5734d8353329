"""The application registry: each FreeSWITCH module's file registers its applications by name."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pbx.simulator import UnsupportedApplication, World, fetch_from_document, simulate
from pbx.simulator.apps import APPS, callcenter, dptools, registry

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def _play(actions: str):
    xml = f"""<document type="freeswitch/xml"><section name="dialplan"><context name="c">
      <extension name="main"><condition field="destination_number" expression="^100$">{actions}</condition>
      </extension></context></section></document>"""
    return simulate(fetch_from_document(xml), World(start=START, destination="100"), context="c")


def test_each_application_is_registered_from_its_freeswitch_module():
    assert APPS["callcenter"].__module__ == callcenter.__name__
    for name in ("answer", "playback", "bridge", "transfer", "hangup", "set", "record", "record_session",
                 "play_and_get_digits", "read", "respond", "sched_hangup", "execute_extension"):
        assert APPS[name].__module__ == dptools.__name__, name


def test_a_newly_registered_application_runs_with_expanded_data(monkeypatch):
    seen = []
    monkeypatch.setattr(registry, "APPS", dict(APPS))
    registry.application("say_hello")(lambda call, data: seen.append((call.now, data)))
    result = _play('<action application="set" data="who=world"/><action application="say_hello" data="${who}"/>'
                   '<action application="hangup" data="NORMAL_CLEARING"/>')
    assert seen == [(0.0, "world")]
    assert [a["application"] for a in result.applications] == ["set", "say_hello", "hangup"]


def test_an_application_nobody_registered_is_refused():
    with pytest.raises(UnsupportedApplication, match="'conference' is not modelled"):
        _play('<action application="conference" data="room"/>')
