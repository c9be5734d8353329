"""Top callers from the counts per caller (``pbx.reports.callers``) against the calls counted here, on both
databases: the months a period touches rank callers by calls outside it too, the period's own count decides."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from pbx import models
from pbx.extensions import db
from pbx.reports import Period, hourly
from pbx.reports.tables import table


def _records(tenant, calls) -> list[models.CallRecord]:
    return [models.CallRecord(tenant_id=tenant.id, call_uuid=uuid, caller=caller, main_number=number,
                              started_at=started, answered_at=started + timedelta(seconds=5) if answered else None)
            for uuid, caller, started, answered, number in calls]


def _store(tenant, calls) -> None:
    """Store calls (uuid, caller, started, answered, main number) as the record writer does: their hours
    marked stale, then refreshed as a report does first."""
    with hourly.touching(db.session, [uuid for uuid, *_ in calls]):
        db.session.add_all(_records(tenant, calls))
        db.session.flush()
    hourly.refresh(db.session, tenant.id)
    db.session.commit()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_the_period_counts_not_the_months_it_touches(demo):
    number = demo.main_numbers[0].number
    calls = []
    # six callers who called often on the 2nd of October, outside the period, and once within it
    for n, often in enumerate([10, 9, 8, 7, 6, 5]):
        caller = f"+4860000001{n}"
        calls += [(f"early-{n}-{k}", caller, _at(f"2026-10-02T09:{k:02d}:00"), True, number) for k in range(often)]
        calls.append((f"in-{n}", caller, _at("2026-10-21T10:00:00"), False, number))
    # G called three times within the period: the first hour (local midnight) and the last are read from records
    calls += [("g1", "+48600000099", _at("2026-10-19T22:00:00"), True, number),
              ("g2", "+48600000099", _at("2026-10-25T12:00:00"), False, number),
              ("g3", "+48600000099", _at("2026-10-31T22:59:59"), True, number),
              ("after", "+48600000099", _at("2026-10-31T23:00:00"), True, number),  # 1 November, local time
              ("out", "+48600000088", _at("2026-10-22T10:00:00"), True, "+48229999999")]
    _store(demo, calls)
    period = Period(date(2026, 10, 20), date(2026, 10, 31), "Europe/Warsaw")
    # the first four of October's list leave a bound of 7 calls: its end is read too, for G
    assert [row["caller"] for row in table(db.session, demo.id, period, "top-callers", limit=1)] == ["+48600000099"]
    assert table(db.session, demo.id, period, "top-callers", limit=2) == [
        {"caller": "+48600000099", "calls": 3, "answered": 2, "not_answered": 1,
         "last_call": "2026-10-31T22:59:59+00:00"},
        {"caller": "+48600000010", "calls": 1, "answered": 0, "not_answered": 1,
         "last_call": "2026-10-21T10:00:00+00:00"}]
    narrowed = Period(date(2026, 10, 20), date(2026, 10, 31), "Europe/Warsaw", "+48229999999")
    assert [row["caller"] for row in table(db.session, demo.id, narrowed, "top-callers")] == ["+48600000088"]
    assert table(db.session, demo.id, Period(date(2026, 10, 3), date(2026, 10, 19)), "top-callers") == []


def _counted_here(calls, period: Period, limit: int) -> list[dict]:
    found: dict = {}
    for _, caller, started, answered, number in calls:
        if period.start <= started < period.end and (not period.main_number or number == period.main_number):
            entry = found.setdefault(caller, [0, 0, started])
            entry[0] += 1
            entry[1] += answered
            entry[2] = max(entry[2], started)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [{"caller": caller, "calls": n, "answered": took, "not_answered": n - took, "last_call": last.isoformat()}
            for caller, (n, took, last) in ranked]


def test_any_period_and_number_gives_what_counting_the_calls_gives(demo):
    numbers = [demo.main_numbers[0].number, "+48229999999"]
    draw, calls = random.Random(13), []
    for n in range(1000):  # three months across the autumn clock change, a few callers call often
        caller = f"+486000{min(int(draw.paretovariate(1.2)), 400):05d}"
        started = _at("2026-09-15T00:00:00") + timedelta(seconds=draw.randrange(90 * 86400))
        calls.append((f"c{n}", caller, started, draw.random() < 0.7, draw.choice(numbers)))
    db.session.add_all(_records(demo, calls))
    db.session.commit()
    hourly.backfill(db.session, demo.id)  # as after an upgrade
    periods = [Period(date(2026, 10, 1), date(2026, 10, 31)), Period(date(2026, 9, 1), date(2026, 12, 31)),
               Period(date(2026, 10, 25), date(2026, 10, 25)), Period(date(2026, 10, 3), date(2026, 11, 20)),
               Period(date(2026, 11, 2), date(2026, 11, 8), "Europe/Warsaw", numbers[1]),
               Period(date(2026, 10, 10), date(2026, 10, 12), "America/New_York")]
    for period in periods:
        for limit in (1, 3, 10):
            assert table(db.session, demo.id, period, "top-callers", limit=limit) == _counted_here(
                calls, period, limit), (period, limit)


def test_the_counts_follow_a_call_that_moves_to_another_month(demo):
    number = demo.main_numbers[0].number
    _store(demo, [("moving", "+48600000001", _at("2026-10-31T10:00:00"), True, number)])
    call = db.session.scalar(select(models.CallRecord).where(models.CallRecord.call_uuid == "moving"))
    with hourly.touching(db.session, ["moving"]):
        call.started_at = _at("2026-11-01T10:00:00")
        db.session.flush()
    hourly.refresh(db.session, demo.id)
    db.session.commit()
    months = db.session.execute(select(models.CallerMonth.month, models.CallerMonth.calls)
                                .where(models.CallerMonth.tenant_id == demo.id)).all()
    assert [(hourly.day_of(month).month, calls) for month, calls in months] == [(11, 1)]
    october, november = Period(date(2026, 10, 1), date(2026, 10, 31)), Period(date(2026, 11, 1), date(2026, 11, 30))
    assert table(db.session, demo.id, october, "top-callers") == []
    assert [row["calls"] for row in table(db.session, demo.id, november, "top-callers")] == [1]
