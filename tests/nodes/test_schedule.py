from datetime import date, datetime

import pytest

from pbx.compiler import ScenarioInvalid
from pbx.nodes.holidays import easter, poland
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of

WEEKDAYS = [["08:00", "16:00"]]


def schedule(**fields):
    return {"id": "hours", "kind": "schedule", "week": {d: WEEKDAYS for d in ("mon", "tue", "wed", "thu", "fri")},
            "open": hangup("open_end"), "closed": hangup("closed_end"), **fields}


def outcome(root, when, zone="UTC"):
    result = call(root, at=when, server_zone=zone)
    return [p for p in path_of(result) if p.startswith("hours:")][0]


@pytest.mark.parametrize("server_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize("when, expected", [
    (datetime(2026, 3, 3, 8, 0, tzinfo=WARSAW), "hours:open"),          # Tuesday, opening minute
    (datetime(2026, 3, 3, 15, 59, 59, tzinfo=WARSAW), "hours:open"),
    (datetime(2026, 3, 3, 16, 0, tzinfo=WARSAW), "hours:closed"),       # the end is exclusive
    (datetime(2026, 3, 3, 7, 59, tzinfo=WARSAW), "hours:closed"),
    (datetime(2026, 3, 7, 10, 0, tzinfo=WARSAW), "hours:closed"),       # Saturday
    (datetime(2026, 7, 7, 8, 30, tzinfo=WARSAW), "hours:open"),         # summer time (UTC+2)
    (datetime(2026, 3, 30, 7, 30, tzinfo=WARSAW), "hours:closed"),      # day after the DST switch
])
def test_hours_are_the_tenants_whatever_the_servers_zone(server_zone, when, expected):
    assert outcome(schedule(), when, server_zone) == expected


@pytest.mark.parametrize("day", [date(2026, 4, 6), date(2027, 3, 29), date(2026, 6, 4), date(2026, 11, 11),
                                 date(2026, 12, 24)])
def test_polish_holidays_close_a_working_day(day):
    when = datetime(day.year, day.month, day.day, 10, 0, tzinfo=WARSAW)
    assert outcome(schedule(holidays="pl"), when) == "hours:closed"
    assert outcome(schedule(), when) == ("hours:open" if when.weekday() < 5 else "hours:closed")


def test_easter_and_presets_per_year():
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)]
    assert date(2026, 6, 4) in poland(2026)  # Corpus Christi: Easter + 60
    assert date(2024, 12, 24) not in poland(2024) and date(2025, 12, 24) in poland(2025)


def test_closed_day_all_day_and_exceptions():
    root = schedule(week={"mon": [["00:00", "00:00"]], "tue": [["00:00", "23:59"]]},
                    exceptions=[{"date": "2026-03-10", "hours": [["10:00", "12:00"]]}, {"date": "12-31"}])
    assert outcome(root, datetime(2026, 3, 2, 12, 0, tzinfo=WARSAW)) == "hours:closed"
    assert outcome(root, datetime(2026, 3, 3, 23, 59, 30, tzinfo=WARSAW)) == "hours:open"
    assert outcome(root, datetime(2026, 3, 3, 0, 0, tzinfo=WARSAW)) == "hours:open"
    assert outcome(root, datetime(2026, 3, 10, 9, 0, tzinfo=WARSAW)) == "hours:closed"  # exception hours only
    assert outcome(root, datetime(2026, 3, 10, 11, 0, tzinfo=WARSAW)) == "hours:open"
    assert outcome(root, datetime(2030, 12, 31, 12, 0, tzinfo=WARSAW)) == "hours:closed"  # yearly, a Tuesday


def test_nested_schedules():
    inner = {"id": "lunch", "kind": "schedule", "week": {"tue": [["12:00", "13:00"]]},
             "open": hangup("at_lunch"), "closed": hangup("working")}
    result = call(schedule(open=inner), at=datetime(2026, 3, 3, 12, 30, tzinfo=WARSAW))
    assert path_of(result)[-2:] == ["lunch:open", "at_lunch"]


@pytest.mark.parametrize("week, message", [
    ({"mon": [["16:00", "08:00"]]}, "after the start"),
    ({"mon": [["8:00", "16:00"]]}, "HH:MM"),
    ({"someday": []}, "Must be one of"),
])
def test_bad_hours_are_errors_of_the_node(week, message):
    with pytest.raises(ScenarioInvalid) as error:
        compiled(schedule(week=week))
    assert error.value.errors[0].node_id == "hours" and message in error.value.errors[0].message


def test_branches_are_required_and_never_open_is_linted():
    with pytest.raises(ScenarioInvalid, match="closed"):
        compiled({k: v for k, v in schedule().items() if k != "closed"})
    warnings = compiled(schedule(week={})).warnings
    assert [w.node_id for w in warnings] == ["hours"] and "never open" in warnings[0].message


def test_timezone_is_set_inline_before_the_time_conditions():
    from lxml import etree

    root = etree.fromstring(compiled(schedule(holidays="pl")).xml)
    first = root.find("section/context/extension[@name='s5_hours_TZ']")
    assert first.get("continue") == "true"
    action = first.find("condition/action")
    assert (action.get("data"), action.get("inline")) == ("timezone=Europe/Warsaw", "true")
    assert not root.xpath("//*[@date-time]")  # date-time is compared in the server's zone
