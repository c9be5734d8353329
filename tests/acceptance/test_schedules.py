"""Open / closed by the testowa's clock: DST changes, holidays, exceptions, nested schedules.

The switch's own zone must not matter: every case runs with the FreeSWITCH server on UTC and
on America/New_York (whose DST dates differ from Europe's).
"""
from __future__ import annotations

import pytest

from tests.support.acceptance import WORKWEEK, hangup, path_of, schedule, utc

SWITCH_ZONES = ["UTC", "America/New_York"]
DST_NIGHT = {**WORKWEEK, "sun": [["02:00", "03:00"]]}


@pytest.fixture
def hours(testowa):
    testowa.publish(schedule("hours", DST_NIGHT, hangup("open_end"), hangup("closed_end"), holidays="pl"))
    return testowa


@pytest.mark.parametrize("switch_zone", SWITCH_ZONES)
@pytest.mark.parametrize("instant, branch", [
    (utc(2026, 3, 27, 6, 59, 59), "closed"),   # Fri 07:59:59 CET
    (utc(2026, 3, 27, 7, 0), "open"),          # Fri 08:00 CET
    (utc(2026, 3, 30, 5, 59, 59), "closed"),   # Mon 07:59:59 CEST, the first workday after the change
    (utc(2026, 3, 30, 6, 0), "open"),          # Mon 08:00 CEST
    (utc(2026, 3, 30, 13, 59, 59), "open"),    # Mon 15:59:59 CEST
    (utc(2026, 3, 30, 14, 0), "closed"),       # Mon 16:00 CEST
], ids=lambda v: v if isinstance(v, str) else v.strftime("%m-%dT%H:%M:%SZ"))
def test_spring_dst_change(hours, switch_zone, instant, branch):
    call = hours.call(instant, switch_timezone=switch_zone)
    assert path_of(call)[0] == f"hours:{branch}"
    assert call.result.hangup_cause == "NORMAL_CLEARING"


@pytest.mark.parametrize("switch_zone", SWITCH_ZONES)
@pytest.mark.parametrize("instant, branch", [
    (utc(2026, 10, 23, 6, 0), "open"),         # Fri 08:00 CEST
    (utc(2026, 10, 23, 5, 59), "closed"),      # Fri 07:59 CEST
    (utc(2026, 10, 26, 6, 30), "closed"),      # Mon 07:30 CET (06:30 UTC would be 08:30 in summer)
    (utc(2026, 10, 26, 7, 0), "open"),         # Mon 08:00 CET
    (utc(2026, 10, 26, 14, 30), "open"),       # Mon 15:30 CET
    (utc(2026, 10, 26, 15, 0), "closed"),      # Mon 16:00 CET
], ids=lambda v: v if isinstance(v, str) else v.strftime("%m-%dT%H:%M:%SZ"))
def test_autumn_dst_change(hours, switch_zone, instant, branch):
    assert path_of(hours.call(instant, switch_timezone=switch_zone))[0] == f"hours:{branch}"


@pytest.mark.parametrize("switch_zone", SWITCH_ZONES)
@pytest.mark.parametrize("instant, branch", [
    (utc(2026, 10, 25, 0, 30), "open"),        # 02:30 CEST, the first time
    (utc(2026, 10, 25, 1, 30), "open"),        # 02:30 CET, the second time
    (utc(2026, 10, 25, 2, 0), "closed"),       # 03:00 CET
    (utc(2026, 3, 29, 0, 59, 59), "closed"),   # 01:59:59 CET; 02:00-03:00 does not exist that night
    (utc(2026, 3, 29, 1, 0), "closed"),        # 03:00 CEST
], ids=lambda v: v if isinstance(v, str) else v.strftime("%m-%dT%H:%M:%SZ"))
def test_sunday_window_on_the_dst_nights(hours, switch_zone, instant, branch):
    assert path_of(hours.call(instant, switch_timezone=switch_zone))[0] == f"hours:{branch}"


@pytest.mark.parametrize("switch_zone", SWITCH_ZONES)
@pytest.mark.parametrize("day", [
    "2026-12-25",  # Boże Narodzenie, a Friday
    "2026-11-11",  # Święto Niepodległości, a Wednesday
    "2026-04-06",  # Poniedziałek Wielkanocny (Easter-based)
    "2026-12-24",  # Wigilia, a public holiday from 2025 on
    "2026-01-06",  # Trzech Króli
])
def test_polish_holidays_are_closed_all_day(hours, switch_zone, day):
    for hour in ("08:00", "10:00", "15:59"):
        at = _local(f"{day}T{hour}")
        assert path_of(hours.call(at, switch_timezone=switch_zone))[0] == "hours:closed", (day, hour)


def test_a_workday_after_easter_monday_is_open(hours):
    assert path_of(hours.call(_local("2026-04-07T10:00")))[0] == "hours:open"


def test_exception_date_with_own_hours_wins_over_the_week_and_holidays(testowa):
    testowa.publish(schedule("hours", WORKWEEK, hangup("open_end"), hangup("closed_end"), holidays="pl",
                             exceptions=[{"date": "12-24", "hours": [["08:00", "12:00"]]},
                                         {"date": "2026-12-28", "hours": []}]))
    assert path_of(testowa.call(_local("2026-12-24T10:00")))[0] == "hours:open"
    assert path_of(testowa.call(_local("2026-12-24T12:00")))[0] == "hours:closed"
    assert path_of(testowa.call(_local("2026-12-28T10:00")))[0] == "hours:closed"   # a Monday off
    assert path_of(testowa.call(_local("2026-12-29T10:00")))[0] == "hours:open"


def test_nested_schedule_decides_only_inside_its_branch(testowa):
    lunch = schedule("lunch", {d: [["08:00", "12:00"], ["13:00", "16:00"]] for d in WORKWEEK},
                     hangup("desk"), hangup("lunch_break"))
    testowa.publish(schedule("hours", WORKWEEK, lunch, hangup("closed_end")))
    assert path_of(testowa.call(_local("2026-12-21T10:00"))) == ["hours:open", "lunch:open", "desk"]
    assert path_of(testowa.call(_local("2026-12-21T12:30"))) == ["hours:open", "lunch:closed", "lunch_break"]
    assert path_of(testowa.call(_local("2026-12-21T20:00"))) == ["hours:closed", "closed_end"]


def test_all_day_and_closed_day_notation(testowa):
    week = {"mon": [["00:00", "23:59"]], "tue": [["00:00", "00:00"]]}
    testowa.publish(schedule("hours", week, hangup("open_end"), hangup("closed_end")))
    assert path_of(testowa.call(_local("2026-12-21T23:59:30")))[0] == "hours:open"
    assert path_of(testowa.call(_local("2026-12-21T00:00")))[0] == "hours:open"
    assert path_of(testowa.call(_local("2026-12-22T12:00")))[0] == "hours:closed"


def _local(text: str):
    from pbx.testcall import parse_at

    return parse_at(text, "Europe/Warsaw")
