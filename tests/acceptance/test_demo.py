"""Firma ABC, the demo testowa, across a week: test calls and the schedule preview agree."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
import pytest

from pbx import models, scenarios, schedule_preview
from pbx.demo import DEMO_MAIN_NUMBER
from pbx.extensions import db
from pbx.testcall import parse_at, test_call
from tests.support.acceptance import legs, path_of


def played(*args, **kwargs):
    """A test call through the endpoint of the app under test."""
    return test_call(*args, app=current_app._get_current_object(), **kwargs)


def preview(*args):
    return schedule_preview.preview(*args, app=current_app._get_current_object())


@pytest.fixture
def firma(demo):
    scenarios.publish(db.session.get(models.MainNumber, demo.main_numbers[0].id).scenario, current_app.config)
    db.session.commit()
    return demo


WEEK = ["2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18", "2026-12-19", "2026-12-20"]


@pytest.mark.parametrize("day", WEEK)
def test_week_of_calls(firma, day):
    weekday = WEEK.index(day) < 5
    for hour, open_ in (("07:59", False), ("08:00", weekday), ("12:00", weekday), ("15:59", weekday),
                        ("16:00", False), ("22:00", False)):
        call = played(firma, DEMO_MAIN_NUMBER, "+48601000999", parse_at(f"{day}T{hour}", firma.timezone))
        assert path_of(call)[0] == ("hours:open" if open_ else "hours:closed"), (day, hour)
        assert path_of(call)[-1] == ("vm_reception" if open_ else "vm_closed")


def test_demo_open_path_in_product_words(firma):
    call = played(firma, DEMO_MAIN_NUMBER, "+48601000999", parse_at("2026-12-14T10:02", firma.timezone), "1")
    assert path_of(call) == ["hours:open", "welcome", "main_menu:1", "sales:no_answer", "vm_sales"]
    assert [leg["who"] for leg in legs(call)] == ["Piotr Nowak", "Katarzyna Wiśniewska"]
    trace = call.trace()
    for words in ("Mon 2026-12-14 10:02 Europe/Warsaw", "schedule Godziny pracy: open", "Powitanie ×1",
                  "menu Menu główne: 1", "Sprzedaż sequential: Piotr Nowak", "e-mail to 2 recipients"):
        assert words in trace


def test_demo_accounting_answered(firma):
    call = played(firma, DEMO_MAIN_NUMBER, "+48601000999", parse_at("2026-12-15T09:00", firma.timezone), "2",
                  answer=["Magdalena Kamińska"])
    assert path_of(call) == ["hours:open", "welcome", "main_menu:2", "accounting"]
    assert ("Magdalena Kamińska", "answered") in [(leg["who"], leg["cause"]) for leg in legs(call)]


def test_schedule_preview_agrees_with_test_calls(firma):
    start = parse_at("2026-12-14T00:00", firma.timezone)
    found = preview(firma, DEMO_MAIN_NUMBER, start, start + timedelta(days=7), timedelta(hours=1))
    [hours] = found["schedules"]
    opened = [(i["from"][:16], i["to"][:16]) for i in hours["intervals"] if i["branch"] == "open"]
    assert opened == [(f"{day}T08:00", f"{day}T16:00") for day in WEEK[:5]]
    for interval in hours["intervals"]:   # probe each interval's middle with a real test call
        a, b = (parse_at(interval[k], firma.timezone) for k in ("from", "to"))
        call = played(firma, DEMO_MAIN_NUMBER, "+48601000999", a + (b - a) / 2)
        assert path_of(call)[0] == f"hours:{interval['branch']}"


def test_christmas_eve_at_two_is_closed(firma):
    start = parse_at("2026-12-24T00:00", firma.timezone)
    found = preview(firma, DEMO_MAIN_NUMBER, start, start + timedelta(days=1), timedelta(minutes=30))
    assert [i["branch"] for i in found["schedules"][0]["intervals"]] == ["closed"]
