"""Every report figure against hand-counted calls (``reported_calls``), on both databases."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import delete, literal, select

from pbx import models
from pbx.extensions import db
from pbx.reports import Period, calls, hourly, queues
from pbx.reports.tables import BUILDERS, table

DAY = date(2026, 10, 25)  # a Sunday with 25 hours in Warsaw


def _period(first=DAY, last=DAY, number=None):
    return Period(first, last, "Europe/Warsaw", number)


def _report(tenant, name, period=None, **options):
    hourly.refresh(db.session, tenant.id)  # as the report view does first
    return table(db.session, tenant.id, period or _period(), name, **options)


def test_the_25_hour_day_holds_its_calls_and_no_others(reported_calls):
    days = _report(reported_calls, "days", _period(date(2026, 10, 24), date(2026, 10, 26)))
    assert days == [
        {"day": "2026-10-24", "calls": 1, "answered": 0, "missed": 1, "abandoned": 0, "voicemail": 0,
         "outgoing": 0, "internal": 0},
        {"day": "2026-10-25", "calls": 5, "answered": 2, "missed": 1, "abandoned": 1, "voicemail": 1,
         "outgoing": 1, "internal": 0},
        {"day": "2026-10-26", "calls": 1, "answered": 1, "missed": 0, "abandoned": 0, "voicemail": 0,
         "outgoing": 0, "internal": 0},
    ]


def test_both_half_past_two_calls_of_the_day_fall_in_the_two_oclock_hour(reported_calls):
    week = {row["weekday"]: row for row in _report(reported_calls, "hours")}
    sunday = [week[6][f"h{hour:02d}"] for hour in range(24)]
    assert sunday[0] == 1 and sunday[2] == 2 and sunday[10] == 1 and sunday[23] == 1 and sum(sunday) == 5
    assert all(sum(week[day][f"h{hour:02d}"] for hour in range(24)) == 0 for day in range(6))
    assert _report(reported_calls, "busiest-hours", limit=2) == [
        {"weekday": 6, "hour": 2, "calls": 2}, {"weekday": 6, "hour": 0, "calls": 1}]


def test_the_23_hour_day_ends_at_local_midnight(demo):
    def add(uuid, started):
        db.session.add(models.CallRecord(tenant_id=demo.id, call_uuid=uuid, caller="+48600000001",
                                         started_at=datetime.fromisoformat(started).replace(tzinfo=timezone.utc)))
    add("first", "2026-03-28T23:00:00")   # 00:00 CET on the 29th
    add("last", "2026-03-29T21:59:59")    # 23:59:59 CEST on the 29th
    add("next", "2026-03-29T22:00:00")    # 00:00 on the 30th
    add("before", "2026-03-28T22:59:59")  # 23:59:59 on the 28th
    db.session.commit()
    hourly.backfill(db.session)
    days = _report(demo, "days", _period(date(2026, 3, 28), date(2026, 3, 30)))
    assert [row["calls"] for row in days] == [1, 2, 1]
    sunday = next(row for row in _report(demo, "hours", _period(date(2026, 3, 29), date(2026, 3, 29)))
                  if row["weekday"] == 6)
    assert sunday["h00"] == 1 and sunday["h23"] == 1 and sunday["h02"] == 0


def test_outcomes_and_waiting(reported_calls):
    assert _report(reported_calls, "outcomes") == [{
        "calls": 5, "answered": 2, "missed": 1, "abandoned": 1, "voicemail": 1, "wait_average": 20.0, "wait_p90": 30}]


def test_the_90th_percentile_is_the_nearest_rank():
    assert calls.wait_figures([(s, 1) for s in range(1, 11)]) == {"wait_average": 5.5, "wait_p90": 9}
    assert calls.wait_figures([(0, 9), (100, 1)]) == {"wait_average": 10.0, "wait_p90": 0}
    assert calls.wait_figures([(0, 8), (100, 2)])["wait_p90"] == 100
    assert calls.wait_figures([]) == {"wait_average": None, "wait_p90": None}


def test_per_main_number_branch_group_and_user(reported_calls):
    assert _report(reported_calls, "main-numbers") == [{
        "main_number": "+48221000000", "label": "Główny", "calls": 5, "answered": 2, "missed": 1, "abandoned": 1,
        "voicemail": 1, "wait_average": 20.0}]
    branches = {(row["node"], row["branch"]): row for row in _report(reported_calls, "branches")}
    assert branches[("Godziny pracy", "open")]["calls"] == 4
    assert branches[("Godziny pracy", "closed")]["missed"] == 1
    assert branches[("Menu główne", "1")] | {} == {
        "main_number": "+48221000000", "node": "Menu główne", "branch": "1", "calls": 2, "answered": 1, "missed": 0,
        "abandoned": 0, "voicemail": 1, "wait_average": 10.0}
    assert branches[("Sprzedaż", "no_answer")]["voicemail"] == 1
    assert _report(reported_calls, "groups") == [
        {"group": "Księgowość", "calls": 1, "answered": 1, "missed": 0, "abandoned": 0, "voicemail": 0,
         "wait_average": 30.0},
        {"group": "Sprzedaż", "calls": 2, "answered": 1, "missed": 0, "abandoned": 0, "voicemail": 1,
         "wait_average": 10.0}]
    assert _report(reported_calls, "users") == [
        {"user": "Piotr Nowak", "answered": 2, "talk_total": 100, "talk_average": 50.0, "wait_average": 20.0}]


def test_queue_service_level_and_abandonment(reported_calls):
    [row] = _report(reported_calls, "queues", within=20)
    assert row == {"queue": "Sprzedaż (+48221000000)", "entered": 4, "answered": 2, "answered_within": 1,
                   "abandoned": 1, "timeout": 1, "wait_average": 15.0, "service_level": 25.0, "abandonment": 25.0}
    assert _report(reported_calls, "queues", within=30)[0]["service_level"] == 50.0
    scenario = reported_calls.main_numbers[0].scenario.id
    assert queues.per_queue(db.session, reported_calls.id, _period(), 20, scenario_id=scenario + 1) == {}


def test_top_callers_and_the_call_back_list(reported_calls):
    top = _report(reported_calls, "top-callers", limit=2)
    assert top == [
        {"caller": "+48600000001", "calls": 2, "answered": 2, "not_answered": 0, "last_call": "2026-10-25T22:59:59+00:00"},
        {"caller": "+48600000002", "calls": 1, "answered": 0, "not_answered": 1, "last_call": "2026-10-25T00:30:00+00:00"}]
    # C (…003) was called back and answered; B (…002) and Y (…009) wait, the latest first.
    assert _report(reported_calls, "call-back") == [
        {"caller": "+48600000009", "attempts": 1, "last_call": "2026-10-25T09:00:00+00:00", "last_outcome": "missed"},
        {"caller": "+48600000002", "attempts": 1, "last_call": "2026-10-25T00:30:00+00:00", "last_outcome": "voicemail"}]


def test_a_later_answered_call_from_the_number_takes_it_off_the_call_back_list(reported_calls):
    db.session.add(models.CallRecord(
        tenant_id=reported_calls.id, call_uuid="again", caller="+48600000009",
        started_at=datetime(2026, 11, 2, 9, tzinfo=timezone.utc), answered_at=datetime(2026, 11, 2, 9, 0, 5, tzinfo=timezone.utc)))
    db.session.commit()
    assert [row["caller"] for row in _report(reported_calls, "call-back")] == ["+48600000002"]


def test_a_main_number_narrows_every_report(reported_calls):
    other = _period(number="+48229999999")
    assert _report(reported_calls, "outcomes", other)[0]["calls"] == 0
    assert _report(reported_calls, "queues", other) == []
    assert _report(reported_calls, "days", _period(number="+48221000000"))[0]["calls"] == 5


def test_an_empty_period_and_another_company_give_zeros(reported_calls, testowa):
    other = testowa.tenant
    empty = _period(date(2026, 1, 1), date(2026, 1, 31))
    assert _report(reported_calls, "outcomes", empty) == [{
        "calls": 0, "answered": 0, "missed": 0, "abandoned": 0, "voicemail": 0, "wait_average": None, "wait_p90": None}]
    assert len(_report(reported_calls, "days", empty)) == 31
    for name in ("busiest-hours", "main-numbers", "branches", "groups", "users", "queues", "top-callers", "call-back"):
        assert _report(reported_calls, name, empty) == [], name
        assert _report(other, name) == [], name
    assert _report(other, "days")[0]["calls"] == 0


def test_the_records_give_what_the_hourly_counts_give(reported_calls, monkeypatch):
    periods = [_period(), _period(date(2026, 10, 20), date(2026, 10, 31)), _period(number="+48221000000")]
    counted = {(name, n): _report(reported_calls, name, period) for name in BUILDERS for n, period in enumerate(periods)}
    monkeypatch.setattr(hourly, "covers", lambda period: False)
    assert {(name, n): _report(reported_calls, name, period)
            for name in BUILDERS for n, period in enumerate(periods)} == counted


def test_a_zone_half_an_hour_off_utc_reads_the_records(reported_calls):
    india = Period(date(2026, 10, 25), date(2026, 10, 25), "Asia/Kolkata")  # UTC+5:30: from 18:30 UTC on the 24th
    assert not hourly.covers(india) and hourly.covers(_period())
    db.session.add(models.CallRecord(tenant_id=reported_calls.id, call_uuid="late-night", caller="+48600000005",
                                     started_at=datetime(2026, 10, 24, 18, 45, tzinfo=timezone.utc)))  # 00:15 there
    db.session.commit()
    # F, A, B, C, Y and the new call; D (04:29:59 on the 26th there) is not of the day
    assert _report(reported_calls, "days", india)[0] | {} == {
        "day": "2026-10-25", "calls": 6, "answered": 1, "missed": 3, "abandoned": 1, "voicemail": 1, "outgoing": 1,
        "internal": 0}


def test_waits_are_counted_to_the_second_under_a_minute_then_in_bands(ctx):
    waits = [db.session.scalar(select(hourly.wait_band(literal(s)))) for s in (0, 59, 60, 69, 75, 599, 600, 659, 3601)]
    assert waits == [0, 59, 60, 60, 70, 590, 600, 600, 3600]


def test_the_backfill_command_counts_the_stored_calls(reported_calls, ctx):
    from pbx.commands.reports import command

    db.session.execute(delete(models.CallHour))
    db.session.commit()
    assert _report(reported_calls, "outcomes")[0]["calls"] == 0  # nothing counted yet
    result = ctx.test_cli_runner().invoke(command, ["backfill", "--tenant", "Firma ABC"])
    assert result.exit_code == 0 and "hourly counts written" in result.output
    assert _report(reported_calls, "outcomes")[0]["calls"] == 5
    assert ctx.test_cli_runner().invoke(command, ["backfill", "--tenant", "Nikt"]).exit_code == 2


def _rows(model, moment, tenant_id):
    hourly.refresh(db.session, tenant_id)
    return sorted((getattr(row, moment), row.kind, row.key, row.direction, row.outcome, row.calls, row.waited,
                   row.talked) for row in db.session.scalars(select(model).where(model.tenant_id == tenant_id)))


def _hours_summed(tenant_id):
    """What the day sums must be: the hourly rows added up per UTC day."""
    summed: dict = {}
    for hour, *key, calls_, waited, talked in _rows(models.CallHour, "hour", tenant_id):
        entry = summed.setdefault((hourly.day_of(hour), *key), [0, 0, 0])
        for n, value in enumerate((calls_, waited, talked)):
            entry[n] += value
    return sorted((*key, *values) for key, values in summed.items())


def _days(tenant_id):
    return [(hourly.day_of(day), *rest) for day, *rest in _rows(models.CallDay, "day", tenant_id)]


def test_the_day_sums_follow_a_new_call_and_leave_another_company_alone(reported_calls, testowa):
    other = testowa.tenant
    db.session.add(models.CallRecord(tenant_id=other.id, call_uuid="theirs", caller="+48600000077",
                                     started_at=datetime(2026, 10, 27, 9, tzinfo=timezone.utc)))
    db.session.commit()
    hourly.backfill(db.session, other.id)
    theirs = _days(other.id)
    assert theirs == _hours_summed(other.id) and {row[0].day for row in theirs} == {27}
    # the 25-hour day: its calls fall in two UTC days, A (00:00 local) on the 24th
    assert {row[0].day for row in _days(reported_calls.id)} == {24, 25}
    assert _days(reported_calls.id) == _hours_summed(reported_calls.id)
    fortnight = _period(date(2026, 10, 19), date(2026, 10, 31))  # whole UTC days 19-30 read from the day sums
    assert _report(reported_calls, "outcomes", fortnight)[0]["calls"] == 7

    with hourly.touching(db.session, ["late"]):  # as the record writer stores a call
        db.session.add(models.CallRecord(
            tenant_id=reported_calls.id, call_uuid="late", caller="+48600000005", main_number="+48221000000",
            started_at=datetime(2026, 10, 27, 9, tzinfo=timezone.utc),
            answered_at=datetime(2026, 10, 27, 9, 0, 50, tzinfo=timezone.utc), wait_seconds=50))
        db.session.flush()
    db.session.commit()
    assert _days(reported_calls.id) == _hours_summed(reported_calls.id)
    assert _days(other.id) == theirs
    assert _report(reported_calls, "outcomes", fortnight) == [{
        "calls": 8, "answered": 4, "missed": 2, "abandoned": 1, "voicemail": 1, "wait_average": 23.8,
        "wait_p90": 50}]
    counted_days = _days(reported_calls.id)
    hourly.backfill(db.session)
    assert _days(reported_calls.id) == counted_days and _days(other.id) == theirs
