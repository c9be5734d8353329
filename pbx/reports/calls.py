"""Figures over call records: per day and hour, outcomes, waiting, breakdowns.

How an incoming call ended: see ``pbx.reports.outcomes``. Waiting figures are over answered incoming
calls: the time from the call's start to its answer. Counts per hour, outcome, number, path, user and
wait come from the hourly counts (``pbx.reports.hourly``) where they cover the period, else from the
records. Top callers: ``pbx.reports.callers``; the call-back list: ``pbx.reports.callback``.
"""
from __future__ import annotations

import json
import math
from collections import Counter

from sqlalchemy import String, cast, func, select

from pbx import models
from pbx.reports import hourly
from pbx.reports.outcomes import ANSWERED, OUTCOMES, outcome
from pbx.reports.period import Period, local_hours

CALL = models.CallRecord


def conditions(tenant_id: int, period: Period, direction: str | None = "in") -> list:
    """The tenant's calls started within the period (of one direction, of one main number)."""
    found = [CALL.tenant_id == tenant_id, CALL.started_at >= period.start, CALL.started_at < period.end]
    if direction:
        found.append(CALL.direction == direction)
    if period.main_number:
        found.append(CALL.main_number == period.main_number)
    return found


def _tally(counts: dict) -> dict:
    """Outcome counts with the total of incoming calls."""
    row = {name: counts.get(name, 0) for name in OUTCOMES}
    return {"calls": sum(row.values()), **row}


def _local_counts(session, tenant_id: int, period: Period, grain: str, direction: str | None = None) -> dict:
    """(local day or (weekday, hour), direction, outcome) → calls (``hourly.local_counts``)."""
    if hourly.covers(period):
        return hourly.local_counts(session, tenant_id, period, grain, direction)
    counts: Counter = Counter()
    for (hour, *rest), count in local_hours(session, CALL.started_at, period, conditions(tenant_id, period, direction),
                                            CALL.direction.label("direction"), outcome()).items():
        counts[(hourly.bucket_of(hour, grain), *rest)] += count
    return counts


def per_day(session, tenant_id: int, period: Period) -> list[dict]:
    """Every day of the period: incoming calls by outcome, outgoing and internal calls."""
    days = {day: Counter() for day in period.days()}
    for (day, direction, ended), count in _local_counts(session, tenant_id, period, "day").items():
        days[day][ended if direction == "in" else direction] += count
    return [{"day": day.isoformat(), **_tally(found), "outgoing": found["out"], "internal": found["internal"]}
            for day, found in days.items()]


def per_hour_of_week(session, tenant_id: int, period: Period) -> list[dict]:
    """Incoming calls per weekday (0 Monday) and hour of the day on the company's clock."""
    week = [[0] * 24 for _ in range(7)]
    for ((weekday, hour), _, _), count in _local_counts(session, tenant_id, period, "week", "in").items():
        week[weekday][hour] += count
    return [{"weekday": weekday, "hours": hours} for weekday, hours in enumerate(week)]


def busiest_hours(week: list[dict], top: int = 5) -> list[dict]:
    """The hours of the week with the most incoming calls (from ``per_hour_of_week``)."""
    slots = [{"weekday": row["weekday"], "hour": hour, "calls": calls}
             for row in week for hour, calls in enumerate(row["hours"]) if calls]
    return sorted(slots, key=lambda slot: (-slot["calls"], slot["weekday"], slot["hour"]))[:top]


def outcomes(session, tenant_id: int, period: Period) -> dict:
    """Incoming calls by outcome, and the waiting time of the answered ones: average and 90th percentile."""
    if hourly.covers(period):
        counts = hourly.outcomes(session, tenant_id, period)
        waits = [(int(wait), found[ANSWERED]) for (_, wait), found in
                 hourly.breakdown(session, tenant_id, period, "wait").items()]
    else:
        counts = Counter()
        for (_, _, ended), count in _local_counts(session, tenant_id, period, "day", "in").items():
            counts[ended] += count
        waits = session.execute(select(CALL.wait_seconds, func.count())
                                .where(*conditions(tenant_id, period), CALL.answered_at.is_not(None))
                                .group_by(CALL.wait_seconds)).all()
    return {**_tally(counts), **wait_figures(waits)}


def wait_figures(histogram) -> dict:
    """Average and 90th percentile (nearest rank: the least wait that 90% of calls did not exceed)
    from (seconds, calls) pairs; the database only counts, which PostgreSQL and SQLite both do fast."""
    histogram = sorted((int(seconds or 0), count) for seconds, count in histogram)
    total = sum(count for _, count in histogram)
    if not total:
        return {"wait_average": None, "wait_p90": None}
    rank, seen, p90 = math.ceil(0.9 * total), 0, None
    for seconds, count in histogram:
        seen += count
        if seen >= rank:
            p90 = seconds
            break
    return {"wait_average": round(sum(s * c for s, c in histogram) / total, 1), "wait_p90": p90}


def _breakdown(session, keys: list, conditions_) -> dict:
    """key → outcome counts and the answered calls' total wait (``waited``), for ``keys`` (labelled expressions)."""
    inner = select(*keys, outcome(), CALL.wait_seconds).where(*conditions_).subquery()
    columns = [inner.c[key.name] for key in keys]
    rows = session.execute(select(*columns, inner.c.outcome, func.count(), func.sum(inner.c.wait_seconds))
                           .group_by(*columns, inner.c.outcome))
    found: dict = {}
    for *key, ended, count, waited in rows:
        entry = found.setdefault(tuple(key), Counter())
        entry[ended] += count
        if ended == ANSWERED:
            entry["waited"] += int(waited or 0)
    return found


def figures(counts: Counter) -> dict:
    """A breakdown's row: calls by outcome and the average wait of the answered."""
    return {**_tally(counts), "wait_average": _average(counts["waited"], counts[ANSWERED])}


def _average(total, count) -> float | None:
    return round(total / count, 1) if count else None


def per_main_number(session, tenant_id: int, period: Period) -> dict:
    """main number → incoming calls by outcome and average wait."""
    if hourly.covers(period):
        found: dict = {}
        for (number, _), counts in hourly.breakdown(session, tenant_id, period, "number").items():
            found.setdefault(number, Counter()).update(counts)
        return {number: figures(counts) for number, counts in found.items()}
    found = _breakdown(session, [CALL.main_number.label("main_number")], conditions(tenant_id, period))
    return {key[0] or "": figures(counts) for key, counts in found.items()}


def per_step(session, tenant_id: int, period: Period) -> dict:
    """(main number, path step) → incoming calls that took the step, by outcome (``step_counts``)."""
    return {key: figures(counts) for key, counts in step_counts(session, tenant_id, period).items()}


def step_counts(session, tenant_id: int, period: Period) -> dict:
    """(main number, path step) → counts of the incoming calls that took the step, by outcome.

    A step is a scenario node the call passed, with how the node ended (``menu:1``, ``hours:closed``,
    ``sales:no_answer``) or the node alone (``sales``: the forward was answered or is the last step).
    """
    # Grouped by the whole path first (a scenario has few ways through), then split here: the database
    # counts paths without unpacking JSON per call, the same on PostgreSQL and SQLite.
    if hourly.covers(period):
        found = hourly.breakdown(session, tenant_id, period, "path")
    else:
        found = _breakdown(session, [CALL.main_number.label("main_number"), cast(CALL.path, String).label("path")],
                           conditions(tenant_id, period))
    steps: dict = {}
    for (number, path), counts in found.items():
        for step in json.loads(path or "[]"):
            steps.setdefault((number or "", step), Counter()).update(counts)
    return steps


def per_user(session, tenant_id: int, period: Period) -> dict:
    """user id → incoming calls the user answered, their talk time and the callers' wait."""
    if hourly.covers(period):
        users: dict = {}
        for (_, user), counts in hourly.breakdown(session, tenant_id, period, "user").items():
            users.setdefault(int(user), Counter()).update(counts)
        rows = [(user, c[ANSWERED], c["talked"], c["waited"]) for user, c in users.items()]
    else:
        rows = session.execute(
            select(CALL.answered_by_user_id, func.count(), func.sum(CALL.talk_seconds), func.sum(CALL.wait_seconds))
            .where(*conditions(tenant_id, period), CALL.answered_by_user_id.is_not(None))
            .group_by(CALL.answered_by_user_id))
    return {user: {"answered": count, "talk_total": int(talked or 0), "talk_average": _average(talked or 0, count),
                   "wait_average": _average(waited or 0, count)}
            for user, count, talked, waited in rows}
