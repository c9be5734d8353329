from datetime import datetime

import pytest
from lxml import etree

from pbx.compiler import ScenarioInvalid
from pbx.nodes.occasional import Occasional
from tests.support.compiler import WARSAW, call, compiled, hangup, path_of, snapshot

XMAS = {"id": "xmas", "kind": "occasional", "name": "Święta", "prompt": 5,
        "start": "2026-12-24T12:00", "end": "2026-12-27T08:00", "next": hangup("menu")}


def heard(root, when, zone="UTC", **kwargs):
    result = call(root, at=when, server_zone=zone, **kwargs)
    plays = [s.details["data"] for s in result.steps if s.kind == "execute" and s.details["application"] == "playback"]
    return path_of(result), plays


@pytest.mark.parametrize("server_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
@pytest.mark.parametrize("when, played", [
    (datetime(2026, 12, 24, 11, 59, 59, tzinfo=WARSAW), False),
    (datetime(2026, 12, 24, 12, 0, tzinfo=WARSAW), True),          # the start is included
    (datetime(2026, 12, 25, 3, 0, tzinfo=WARSAW), True),           # a whole day in between
    (datetime(2026, 12, 26, 23, 59, 59, tzinfo=WARSAW), True),
    (datetime(2026, 12, 27, 7, 59, 59, tzinfo=WARSAW), True),
    (datetime(2026, 12, 27, 8, 0, tzinfo=WARSAW), False),          # the end is excluded
    (datetime(2027, 12, 25, 10, 0, tzinfo=WARSAW), False),         # not every year
])
def test_played_within_its_dates_in_the_companys_zone(server_zone, when, played):
    path, plays = heard(XMAS, when, server_zone)
    assert path == ["xmas:played" if played else "xmas:skipped", "menu"]
    assert plays == (["/centralka/3/5.wav"] if played else [])


@pytest.mark.parametrize("when, played", [
    (datetime(2026, 3, 28, 23, 0, tzinfo=WARSAW), False),
    (datetime(2026, 3, 29, 3, 30, tzinfo=WARSAW), True),    # the spring change: 02:00 → 03:00, UTC+2
    (datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=WARSAW), True),  # the autumn change repeats 02:00-03:00
    (datetime(2026, 10, 25, 4, 0, tzinfo=WARSAW), False),
])
def test_clock_changes_follow_the_wall_clock(when, played):
    spring = {**XMAS, "start": "2026-03-29 01:00", "end": "29.03.2026 04:00"}
    autumn = {**XMAS, "start": "2026-10-25T02:00", "end": "2026-10-25T03:00"}
    root = spring if when.month == 3 else autumn
    assert heard(root, when)[0][0] == ("xmas:played" if played else "xmas:skipped")


def test_a_range_across_months_and_years():
    root = {**XMAS, "start": "2026-11-30T16:00", "end": "2027-02-01T00:00"}
    for when, played in [(datetime(2026, 11, 30, 15, 59, tzinfo=WARSAW), False),
                         (datetime(2026, 12, 15, 0, 0, tzinfo=WARSAW), True),
                         (datetime(2027, 1, 31, 23, 59, tzinfo=WARSAW), True),
                         (datetime(2027, 2, 1, 0, 0, tzinfo=WARSAW), False)]:
        assert heard(root, when)[0][0] == ("xmas:played" if played else "xmas:skipped"), when


def test_chained_greetings_that_overlap_both_play_in_order_and_lint_says_so():
    inventory = {"id": "stock", "kind": "occasional", "name": "Inwentaryzacja", "prompt": 6,
                 "start": "2026-12-27T00:00", "end": "2026-12-28T00:00", "next": hangup("menu")}
    root = {**XMAS, "next": inventory}
    path, plays = heard(root, datetime(2026, 12, 27, 7, 0, tzinfo=WARSAW))
    assert path == ["xmas:played", "stock:played", "menu"]
    assert plays == ["/centralka/3/5.wav", "/centralka/3/6.wav"]
    assert heard(root, datetime(2026, 12, 27, 9, 0, tzinfo=WARSAW))[0] == ["xmas:skipped", "stock:played", "menu"]
    warnings = compiled(root).warnings
    assert [(w.node_id, "overlap" in w.message) for w in warnings] == [("stock", True)]


@pytest.mark.parametrize("fields, field, words", [
    ({"end": "2026-12-24T11:00"}, "end", "must be later than the start"),
    ({"end": "2026-12-24T12:00"}, "end", "must be later than the start"),
    ({"start": "jutro"}, "start", "not a date-time"),
    ({"start": "2026-02-30T10:00"}, "start", "not a date-time"),
    ({"end": "2028-01-01T00:00"}, "end", "at most 366 days"),
    ({"start": None}, "start", "Field may not be null"),
    ({"prompt": 99}, None, "announcement 99"),
])
def test_bad_input_is_an_error_of_the_node(fields, field, words):
    with pytest.raises(ScenarioInvalid) as error:
        compiled({**XMAS, **fields})
    problem = error.value.errors[0]
    assert problem.node_id == "xmas" and words in problem.message


def test_bad_input_is_worded_in_polish():
    with pytest.raises(ScenarioInvalid) as error:
        compiled({**XMAS, "end": "24.12.2026 10:00"})
    assert "Koniec (24.12.2026 10:00) musi być później niż początek (24.12.2026 12:00)" in \
        error.value.errors[0].message.in_language("pl")


def test_past_dates_and_a_dead_end_are_warnings():
    root = {k: v for k, v in XMAS.items() if k != "next"}
    warnings = compiled({**root, "start": "2025-12-24T12:00", "end": "2025-12-27T08:00"}).warnings
    assert sorted(w.message.code for w in warnings) == ["lint.dead_end", "lint.greeting_past"]
    assert compiled(XMAS, snapshot()).warnings == []


def test_the_zone_is_set_before_the_time_conditions_and_date_time_is_not_used():
    root = etree.fromstring(compiled(XMAS).xml)
    first = root.find("section/context/extension[@name='s5_xmas_TZ']")
    assert first.get("continue") == "true"
    assert first.find("condition/action").get("data") == "timezone=Europe/Warsaw"
    assert not root.xpath("//*[@date-time]")
    windows = [dict(r.attrib) for r in root.xpath("//extension[@name='s5_xmas_PLAY']//regex[@year]")]
    assert windows == [{"year": "2026", "mon": "12", "mday": "24", "time-of-day": "12:00:00-23:59:59"},
                       {"year": "2026", "mon": "12", "mday": "25-26"},
                       {"year": "2026", "mon": "12", "mday": "27", "time-of-day": "00:00:00-07:59:59"}]


def test_a_test_call_tells_it_in_polish():
    stop = {"at": 0.0, "outcome": "played", "label": "Święta"}
    assert Occasional().story(stop, XMAS, [], None, "pl") == [
        (0.0, "Komunikat okazjonalny „Święta” (od 24.12.2026 12:00 do 27.12.2026 08:00): odtworzony")]
    skipped = Occasional().story({**stop, "outcome": "skipped"}, XMAS, [], None, "pl")
    assert skipped == [(0.0, "Komunikat okazjonalny „Święta”: poza terminem od 24.12.2026 12:00 do 27.12.2026 08:00, "
                             "pominięty")]
