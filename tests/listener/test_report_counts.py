"""The reports' hourly counts stay equal to the call records as the writer stores legs, in any order and
batching, each leg however often; a CDR post keeps them too."""
from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, text

from pbx import models, record_writer
from pbx.calls.legs import leg_facts
from pbx.cdr_post import store_cdr
from pbx.extensions import db
from pbx.reports import callers, hourly
from tests.listener.test_postgres_writer import facts
from tests.support.streams import SHAPES, named


def refreshed():
    """The stale hours rebuilt, as a report or the task worker's minute does."""
    hourly.refresh(db.session)
    db.session.commit()
    db.session.expire_all()


def counts():
    refreshed()
    return sorted((row.tenant_id, row.hour, row.kind, row.key, row.direction, row.outcome, row.calls, row.waited,
                   row.talked) for row in db.session.scalars(select(models.CallHour)))


def caller_counts():
    """The counts per caller and day and per caller and month (``pbx.reports.callers``), refreshed."""
    refreshed()
    days = sorted((row.tenant_id, hourly.day_of(row.day), row.main_number, row.caller, row.calls, row.answered,
                   row.last_call.replace(tzinfo=None)) for row in db.session.scalars(select(models.CallerDay)))
    months = sorted((row.tenant_id, hourly.day_of(row.month), row.caller, row.calls)
                    for row in db.session.scalars(select(models.CallerMonth)))
    return days, months


def day_sums_match() -> bool:
    """Whether the day sums equal the hourly rows added up per UTC day."""
    summed: dict = {}
    for tenant, hour, kind, key, direction, ended, calls, waited, talked in counts():
        entry = summed.setdefault((tenant, hourly.day_of(hour), kind, key, direction, ended), [0, 0, 0])
        entry[0], entry[1], entry[2] = entry[0] + calls, entry[1] + waited, entry[2] + talked
    days = {(row.tenant_id, hourly.day_of(row.day), row.kind, row.key, row.direction, row.outcome):
            [row.calls, row.waited, row.talked] for row in db.session.scalars(select(models.CallDay))}
    return bool(days) and days == summed


def write_in_batches(entries, size):
    for start in range(0, len(entries), size):
        record_writer.apply(db.session, [(n, kind, fact) for n, (kind, fact) in enumerate(entries[start:start + size])])
        db.session.commit()


def test_the_counts_equal_the_records_whatever_the_order(ctx, company):
    legs, steps, found = facts(ctx)
    entries = [("leg", leg) for leg in legs] + [("queue", s) for s in steps] + [("recording", f) for f in found]
    callers_last = sorted(entries, key=lambda entry: entry[0] == "leg" and entry[1]["role"] == "caller")
    write_in_batches(callers_last, 3)  # B-legs first, in small batches: the calls change as legs arrive
    doubled = entries * 2
    random.Random(7).shuffle(doubled)
    write_in_batches(doubled, 5)
    arrived = counts()
    assert arrived, "the captured calls are counted"
    assert "queue" in {row[2] for row in arrived}, "their queue events too"
    stored = db.session.scalar(select(func.count()).select_from(models.CallRecord).where(
        models.CallRecord.tenant_id == company.id))
    assert sum(row[6] for row in arrived if row[2] == "number") == stored
    assert day_sums_match()
    callers = caller_counts()
    assert sum(row[4] for row in callers[0]) == stored - sum(  # every incoming call with a caller, once
        1 for call in db.session.scalars(select(models.CallRecord)) if call.direction != "in" or not call.caller)
    hourly.backfill(db.session)
    assert counts() == arrived  # what counting every record afresh gives
    assert day_sums_match()
    assert caller_counts() == callers


def test_a_call_that_moves_to_another_hour_leaves_its_old_hour(ctx, company):
    legs, _, _ = facts(ctx)
    caller = next(leg for leg in legs if leg["role"] == "caller")
    write_in_batches([("leg", caller)], 1)
    moved = dict(caller, started=caller["started"] - 7200, ended=caller["ended"])
    write_in_batches([("leg", moved)], 1)
    hours = Counter(hourly.hour_of(row[1]) for row in counts() if row[2] == "number")
    assert hours == {hourly.hour_of(datetime.fromtimestamp(moved["started"], timezone.utc)): 1}
    day_before = dict(caller, started=caller["started"] - 86400, ended=caller["ended"] - 86400)
    write_in_batches([("leg", day_before)], 1)  # its old day's sums go too
    refreshed()
    days = {hourly.day_of(row.day) for row in db.session.scalars(select(models.CallDay))}
    assert days == {hourly.day_of(datetime.fromtimestamp(day_before["started"], timezone.utc))} and day_sums_match()
    caller_days, _ = caller_counts()
    assert [(row[1], row[4]) for row in caller_days] == [(day, 1) for day in days]  # its caller's count moved too


def test_a_cdr_post_counts_its_call(ctx, company):
    for shape in SHAPES:
        for headers in named(shape, "CHANNEL_HANGUP_COMPLETE", "json"):
            store_cdr(db.session, leg_facts(headers), headers, ctx.config)
    arrived = counts()
    stored = db.session.scalar(select(func.count()).select_from(models.CallRecord).where(
        models.CallRecord.tenant_id == company.id))
    assert stored and sum(row[6] for row in arrived if row[2] == "number") == stored
    hourly.backfill(db.session)
    assert counts() == arrived


def test_a_write_marks_its_hours_stale_and_a_refresh_counts_them(ctx, company):
    legs, _, _ = facts(ctx)
    write_in_batches([("leg", leg) for leg in legs], 50)
    db.session.expire_all()
    assert not db.session.scalars(select(models.CallHour)).all()  # nothing counted in the writer's transaction
    assert {row.tenant_id for row in db.session.scalars(select(models.CallHourStale))} == {company.id}
    assert counts() and day_sums_match()
    assert not db.session.scalars(select(models.CallHourStale)).all()


def test_a_cdr_post_does_not_wait_for_a_refresh_of_its_month(ctx, company):
    """A refresh of the company's month holds its lock; the switch endpoint's CDR post goes through."""
    if ctx.config["BACKEND"] != "postgresql":
        pytest.skip("the month's lock is PostgreSQL's")
    headers = next(iter(named(next(iter(SHAPES)), "CHANNEL_HANGUP_COMPLETE", "json")))
    leg = leg_facts(headers)
    month = callers.month_of(datetime.fromtimestamp(leg["started"], timezone.utc))
    with db.engine.connect() as refreshing, refreshing.begin():
        refreshing.execute(select(func.pg_advisory_xact_lock(company.id, int(month.timestamp() // 86400))))
        db.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # the writer's transaction alone
        store_cdr(db.session, leg, headers, ctx.config)
    assert counts()
