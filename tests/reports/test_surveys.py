"""The survey report against hand-counted answers, on both databases, days in the company's time zone."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pbx import models
from pbx.extensions import db
from pbx.reports import Period
from pbx.surveys import report

DAY = date(2026, 10, 25)  # Warsaw leaves summer time at 03:00: the day starts at 22:00 UTC the day before


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def answered(ctx):
    tenant = models.Tenant(name="Ankiety", timezone="Europe/Warsaw")
    db.session.add(tenant)
    db.session.flush()
    anna = models.User(tenant_id=tenant.id, first_name="Anna", last_name="Kowalska", email="anna@example.test")
    piotr = models.User(tenant_id=tenant.id, first_name="Piotr", last_name="Nowak", email="piotr@example.test")
    sales = models.Group(tenant_id=tenant.id, name="Sprzedaż")
    prompt = models.Announcement(tenant_id=tenant.id, name="Pytanie", text="Jak oceniasz rozmowę?")
    db.session.add_all([anna, piotr, sales, prompt])
    db.session.flush()
    survey = models.Survey(tenant_id=tenant.id, name="Po rozmowie", questions=[
        {"prompt": prompt.id, "keys": "12345", "label": "Uprzejmość"}, {"prompt": prompt.id, "keys": "12"}])
    other = models.Survey(tenant_id=tenant.id, name="Inna", questions=[{"prompt": prompt.id, "keys": "12345"}])
    db.session.add_all([survey, other])
    db.session.flush()
    rows = [  # (call, at, user, group, answers)
        ("c1", utc(2026, 10, 24, 22, 30), anna, sales, [5, 1]),  # 00:30 in Warsaw on the 25th
        ("c2", utc(2026, 10, 25, 9, 0), anna, None, [4, 2]),
        ("c3", utc(2026, 10, 25, 12, 0), piotr, sales, [2, None]),  # hung up after the first question
        ("c4", utc(2026, 10, 25, 15, 0), piotr, sales, [None, None]),  # pressed nothing valid
        ("c5", utc(2026, 10, 25, 23, 30), anna, sales, [1, 1]),  # 00:30 on the 26th: another day
        ("c6", utc(2026, 10, 24, 21, 30), anna, sales, [1, 1]),  # 23:30 on the 24th
    ]
    for call, at, user, group, answers in rows:
        db.session.add(models.SurveyAnswer(tenant_id=tenant.id, survey_id=survey.id, call_uuid=call, at=at,
                                           user_id=user.id, group_id=group.id if group else None, answers=answers))
    db.session.add(models.SurveyAnswer(tenant_id=tenant.id, survey_id=other.id, call_uuid="o1", at=utc(2026, 10, 25, 9),
                                       user_id=anna.id, answers=[1]))
    db.session.add(models.Recording(tenant_id=tenant.id, call_uuid="c2", kind="survey", caller="48600100200",
                                    local_path="/r/survey_c2.wav", duration_seconds=7.5, expires_at=utc(2027, 1, 1)))
    db.session.add(models.Recording(tenant_id=tenant.id, call_uuid="c2", kind="call", caller="48600100200",
                                    local_path="/r/c2.wav", expires_at=utc(2027, 1, 1)))
    db.session.commit()
    return tenant, survey, anna, piotr, sales


def test_per_question_average_and_distribution_over_the_companys_day(answered):
    tenant, survey, *_ = answered
    figures = report(db.session, tenant.id, survey, Period(DAY, DAY, "Europe/Warsaw"))
    assert figures["calls"] == 4  # c1 to c4
    first, second = figures["questions"]
    assert first == {"number": 1, "label": "Uprzejmość", "keys": "12345", "answers": 3, "average": 3.67,
                     "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}}
    assert second == {"number": 2, "label": "", "keys": "12", "answers": 2, "average": 1.5,
                      "distribution": {"1": 1, "2": 1}}


def test_per_employee_and_per_group(answered):
    tenant, survey, anna, piotr, sales = answered
    figures = report(db.session, tenant.id, survey, Period(DAY, DAY, "Europe/Warsaw"))
    assert figures["users"] == [{"id": anna.id, "name": "Anna Kowalska", "calls": 2, "averages": [4.5, 1.5]},
                                {"id": piotr.id, "name": "Piotr Nowak", "calls": 2, "averages": [2.0, None]}]
    assert figures["groups"] == [{"id": sales.id, "name": "Sprzedaż", "calls": 3, "averages": [3.5, 1.0]}]


def test_the_comments_are_the_survey_recordings_of_the_periods_answers(answered):
    tenant, survey, *_ = answered
    (comment,) = report(db.session, tenant.id, survey, Period(DAY, DAY, "Europe/Warsaw"))["comments"]
    assert comment["call_uuid"] == "c2" and comment["user"] == "Anna Kowalska" and comment["seconds"] == 7.5
    assert comment["answers"] == [4, 2]


def test_a_longer_period_takes_the_neighbouring_days(answered):
    tenant, survey, *_ = answered
    figures = report(db.session, tenant.id, survey, Period(date(2026, 10, 24), date(2026, 10, 26), "Europe/Warsaw"))
    assert figures["calls"] == 6 and figures["questions"][0]["distribution"]["1"] == 2
