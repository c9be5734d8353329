"""A main number's temporary override: before its end (company's wall time) calls go elsewhere, after it
the usual way, decided by the served dialplan's time conditions alone."""
from datetime import datetime

import pytest

from pbx.compiler.internal import before
from pbx.dialplan.snapshot import OverrideInfo
from tests.compiler.test_golden import _matches_golden
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of, snapshot

SCHEDULE = {"id": "h", "kind": "schedule", "week": {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu",
                                                                                         "fri", "sat", "sun")},
            "open": hangup("open_end"), "closed": hangup("closed_end")}


def _data(result, application):
    return [a["data"] for a in result.applications if a["application"] == application]


def with_override(ends: datetime, mode="closed", **target):
    return snapshot(overrides={1: OverrideInfo(1, ends, mode, **target)})


def local(*parts, fold=0):
    return datetime(*parts, tzinfo=WARSAW, fold=fold)


def test_override_matches_golden():
    """Ahead of the scenario's entry: the company's zone set inline, then "earlier than the end" as windows."""
    _matches_golden("override", compiled(SCHEDULE, with_override(datetime(2026, 10, 25, 14, 30))).xml)


@pytest.mark.parametrize("server_zone", ["UTC", "America/New_York"])
@pytest.mark.parametrize("at, overridden", [
    (local(2026, 3, 1, 9, 0), True),
    (local(2026, 10, 25, 14, 29, 59), True),     # the last second, on the day of the autumn DST change
    (local(2026, 10, 25, 14, 30), False),        # the end itself is no longer overridden
    (local(2026, 10, 25, 2, 30, fold=1), True),  # 02:30 CET, the repeated hour
    (local(2026, 12, 31, 23, 59), False),
    (local(2027, 1, 1, 0, 0), False),
], ids=str)
def test_closed_until_the_exact_second_in_the_company_zone(at, overridden, server_zone):
    result = call(SCHEDULE, at=at, snap=with_override(datetime(2026, 10, 25, 14, 30)), server_zone=server_zone)
    expected = ["override:closed", "h:closed", "closed_end"] if overridden else ["h:open", "open_end"]
    assert path_of(result) == expected


@pytest.mark.parametrize("at, overridden", [
    (local(2026, 3, 29, 1, 59, 59), True),   # CET, before the spring change
    (local(2026, 3, 29, 3, 0), True),        # CEST: 02:00-03:00 never happened
    (local(2026, 3, 29, 9, 59, 59), True),
    (local(2026, 3, 29, 10, 0), False),
])
def test_the_end_holds_across_the_spring_dst_change(at, overridden):
    result = call(SCHEDULE, at=at, snap=with_override(datetime(2026, 3, 29, 10, 0)))
    assert (path_of(result)[0] == "override:closed") is overridden


def test_to_a_user_until_then_rings_that_user():
    result = call(SCHEDULE, at=local(2026, 5, 4, 12, 0), snap=with_override(datetime(2026, 5, 4, 13, 0), "user",
                                                                             target_id=3))
    assert path_of(result) == ["override:user"]
    assert any("48503456789" in data for data in _data(result, "bridge"))


def test_to_an_outside_number_and_to_an_announcement():
    number = call(SCHEDULE, at=local(2026, 5, 4, 12, 0),
                  snap=with_override(datetime(2026, 6, 1), "number", number="+48600100200"))
    assert any("48600100200" in data for data in _data(number, "bridge"))
    played = call(SCHEDULE, at=local(2026, 5, 4, 12, 0), snap=with_override(datetime(2026, 6, 1), "announcement",
                                                                              target_id=5))
    assert [p.rsplit("/", 3)[-3:] for p in _data(played, "playback")] == [["centralka", "3", "5.wav"]]
    assert path_of(played) == ["override:announcement"]


def test_a_number_without_scenario_is_overridden_too():
    result = call(SCHEDULE, at=local(2026, 5, 4, 12, 0), destination="main_2",
                  snap=snapshot(overrides={2: OverrideInfo(2, datetime(2026, 5, 4, 12, 0, 1), "group", 11)}))
    assert path_of(result) == ["override:group"]


@pytest.mark.parametrize("at, overridden", [
    (local(2026, 12, 31, 23, 59, 59), True),
    (local(2027, 1, 1, 0, 0), False),
])
def test_an_end_at_midnight_of_new_year_needs_the_year_window_alone(at, overridden):
    snap = with_override(datetime(2027, 1, 1, 0, 0))
    assert [r.time for r in before(snap.overrides[1].ends)] == [{"year": "1970-2026"}]
    assert (path_of(call(SCHEDULE, at=at, snap=snap))[0] == "override:closed") is overridden
