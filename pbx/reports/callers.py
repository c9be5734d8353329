"""Top callers from counts per caller kept right as records arrive.

``caller_day`` holds, per company, UTC day, main number and caller, the incoming calls, how many were
answered and the last one; it is rebuilt from the day's records whenever the day's hourly counts are
(``hourly.rebuild_hours``: a write marks its hour stale, a refresh rebuilds it). ``caller_month`` holds
each caller's month total over all numbers, summed again from the days for the callers a rebuilt day had
before or has now.

A period is read as its whole UTC days (``caller_day``) and the hours at its ends (the records). The top
N come from the heads of the month lists (most calls first) of the months the period touches: each caller
met there gets its exact figures, and the lists are read deeper until the Nth best has more calls than
the sum of where each list was left off, which no caller not yet met can reach (the threshold algorithm).
Callers who call often are met first, so a year over millions of calls reads some hundred rows, where
counting every caller of the period read all its calls.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, and_, delete, func, literal, or_, select, union_all

from pbx import models
from pbx.calls.store import aware
from pbx.reports.period import Period, day_of

CALL, DAY, MONTH = models.CallRecord, models.CallerDay, models.CallerMonth
DAYS, MONTHS = DAY.__table__, MONTH.__table__
ONE_DAY = timedelta(days=1)
CHUNK = 5000  # callers per statement: each reads the month once


def month_of(day: datetime) -> datetime:
    return day_of(day).replace(day=1)


def next_month(month: datetime) -> datetime:
    return (month + timedelta(days=32)).replace(day=1)


# -- writing -----------------------------------------------------------------------------
def _counted(session, tenant_id: int, start: datetime, end: datetime):
    """The ``caller_day`` rows of the company's incoming calls started in [start, end)."""
    if session.get_bind().dialect.name == "postgresql":
        day = func.date_trunc("day", CALL.started_at, "UTC")
    else:  # SQLite keeps "2026-10-25 09:41:07.000000"
        day = func.substr(CALL.started_at, 1, 10, type_=String) + " 00:00:00.000000"
    calls = select(day.label("day"), func.coalesce(CALL.main_number, "").label("number"), CALL.caller,
                   CALL.answered_at, CALL.started_at).where(
        CALL.tenant_id == tenant_id, CALL.started_at >= start, CALL.started_at < end, CALL.direction == "in",
        CALL.caller != "").subquery()
    return select(literal(tenant_id), calls.c.day, calls.c.number, calls.c.caller, func.count(),
                  func.count(calls.c.answered_at), func.max(calls.c.started_at)).group_by(
        calls.c.day, calls.c.number, calls.c.caller)


def _insert_days(session, tenant_id: int, start: datetime, end: datetime) -> set[str]:
    """Insert the ``caller_day`` rows of [start, end); returns their callers."""
    return set(session.execute(DAYS.insert().from_select(
        ["tenant_id", "day", "main_number", "caller", "calls", "answered", "last_call"],
        _counted(session, tenant_id, start, end)).returning(DAYS.c.caller)).scalars())


def recount_day(session, tenant_id: int, day: datetime) -> None:
    """The company's ``caller_day`` rows of one UTC day afresh from its records, and the month totals of
    the callers it had before or has now (the caller of a call that moved to another day loses it)."""
    before = session.execute(delete(DAYS).where(DAYS.c.tenant_id == tenant_id, DAYS.c.day == day)
                             .returning(DAYS.c.caller)).scalars()
    callers = sorted(set(before) | _insert_days(session, tenant_id, day, day + ONE_DAY))
    for start in range(0, len(callers), CHUNK):
        _sum_month(session, tenant_id, month_of(day), callers[start:start + CHUNK])


def _sum_month(session, tenant_id: int, month: datetime, callers: list[str] | None = None) -> None:
    """The ``caller_month`` rows of a month (of some callers) summed afresh from its days."""
    session.execute(delete(MONTHS).where(MONTHS.c.tenant_id == tenant_id, MONTHS.c.month == month,
                                         *([MONTHS.c.caller.in_(callers)] if callers is not None else [])))
    summed = select(literal(tenant_id), literal(month, MONTH.month.type), DAY.caller, func.sum(DAY.calls),
                    func.sum(DAY.answered), func.max(DAY.last_call)).where(
        DAY.tenant_id == tenant_id, DAY.day >= month, DAY.day < next_month(month),
        *([DAY.caller.in_(callers)] if callers is not None else [])).group_by(DAY.caller)
    session.execute(MONTHS.insert().from_select(["tenant_id", "month", "caller", "calls", "answered", "last_call"],
                                                summed))


def count_month(session, tenant_id: int, month: datetime) -> None:
    """Every ``caller_day`` and ``caller_month`` row of the company's month afresh (the backfill)."""
    following = next_month(month)
    session.execute(delete(DAYS).where(DAYS.c.tenant_id == tenant_id, DAYS.c.day >= month, DAYS.c.day < following))
    _insert_days(session, tenant_id, month, following)
    _sum_month(session, tenant_id, month)


# -- reading -----------------------------------------------------------------------------
def top_callers(session, tenant_id: int, period: Period, limit: int = 10) -> list[dict]:
    """The numbers that called most: their calls, how many were answered, and the last call."""
    days, ends = _split(period)
    edges = _from_records(session, tenant_id, period, ends)
    months, month = [], month_of(period.start)
    while month < period.end:
        months.append(month)
        month = next_month(month)
    found: dict = {}
    offset, depth = 0, 4 * limit
    while True:
        heads = _heads(session, tenant_id, months, offset, depth)
        new = sorted({caller for _, caller, _ in heads} - found.keys())
        found |= {caller: [0, 0, None] for caller in new}
        for caller, figures in _from_days(session, tenant_id, period, days, new).items():
            found[caller] = figures
        for caller in new:
            _add(found[caller], edges.get(caller))
        # a caller not met yet has at most, in each month, the calls where that month's list was left off
        left_off: dict = {}
        for month, _, calls in heads:
            read, least = left_off.get(month, (0, calls))
            left_off[month] = (read + 1, min(least, calls))
        bound = sum(least for read, least in left_off.values() if read == depth)
        best = sorted(((-figures[0], caller) for caller, figures in found.items() if figures[0]))[:limit]
        if not bound or (len(best) == limit and -best[-1][0] > bound):
            break
        offset, depth = offset + depth, 2 * depth
    return [{"caller": caller, "calls": found[caller][0], "answered": found[caller][1],
             "not_answered": found[caller][0] - found[caller][1], "last_call": aware(found[caller][2]).isoformat()}
            for _, caller in best]


def _split(period: Period) -> tuple[tuple[datetime, datetime] | None, list[tuple[datetime, datetime]]]:
    """The period's whole UTC days, and the hours before and after them."""
    start, end = aware(period.start), aware(period.end)
    first, last = day_of(start - timedelta(microseconds=1)) + ONE_DAY, day_of(end)
    if first >= last:
        return None, [(start, end)]
    return (first, last), [(start, first), (last, end)]


def _heads(session, tenant_id: int, months: list[datetime], offset: int, depth: int) -> list[tuple]:
    """(month, caller, calls) of each month's list, most calls first, rows offset … offset + depth."""
    heads = [select(MONTH.month, MONTH.caller, MONTH.calls).where(MONTH.tenant_id == tenant_id, MONTH.month == month)
             .order_by(MONTH.calls.desc(), MONTH.caller.desc()).offset(offset).limit(depth).subquery().select()
             for month in months]
    rows = session.execute(union_all(*heads)).all() if heads else []
    return [(aware(month), caller, calls) for month, caller, calls in rows]


def _from_days(session, tenant_id: int, period: Period, days, callers: list[str]) -> dict:
    """caller → [calls, answered, last call] over the whole UTC days ``days`` (start, end): the whole months
    among them from ``caller_month`` (all numbers), the other days from ``caller_day``."""
    found: dict = {}
    if not days:
        return found
    months, rest = _months_within(days), [days]
    if months and not period.main_number:
        rest = [(days[0], months[0]), (months[1], days[1])]
    for start in range(0, len(callers), CHUNK):
        some = callers[start:start + CHUNK]
        statements = [select(DAY.caller, func.sum(DAY.calls), func.sum(DAY.answered), func.max(DAY.last_call)).where(
            DAY.tenant_id == tenant_id, DAY.caller.in_(some),
            or_(*(and_(DAY.day >= first, DAY.day < last) for first, last in rest)),
            *([DAY.main_number == period.main_number] if period.main_number else [])).group_by(DAY.caller)]
        if rest[0] != days:
            statements.append(select(MONTH.caller, MONTH.calls, MONTH.answered, MONTH.last_call).where(
                MONTH.tenant_id == tenant_id, MONTH.caller.in_(some), MONTH.month >= months[0],
                MONTH.month < months[1]))
        for statement in statements:
            for caller, calls, answered, last in session.execute(statement):
                _add(found.setdefault(caller, [0, 0, None]), [int(calls), int(answered), last])
    return found


def _months_within(days) -> tuple[datetime, datetime] | None:
    """The whole UTC months among the days (start, end), as (first month, end of the last)."""
    first = days[0] if month_of(days[0]) == days[0] else next_month(month_of(days[0]))
    last = month_of(days[1])
    return (first, last) if first < last else None


def _from_records(session, tenant_id: int, period: Period, ranges) -> dict:
    """caller → [calls, answered, last call] of the incoming calls started within ``ranges``."""
    found: dict = {}
    for start, end in ranges:
        if start >= end:
            continue
        rows = session.execute(
            select(CALL.caller, func.count(), func.count(CALL.answered_at), func.max(CALL.started_at)).where(
                CALL.tenant_id == tenant_id, CALL.started_at >= start, CALL.started_at < end, CALL.direction == "in",
                CALL.caller != "", *([CALL.main_number == period.main_number] if period.main_number else []))
            .group_by(CALL.caller))
        for caller, calls, answered, last in rows:
            _add(found.setdefault(caller, [0, 0, None]), [calls, answered, last])
    return found


def _add(figures: list, more: list | None) -> None:
    if more:
        figures[0] += more[0]
        figures[1] += more[1]
        figures[2] = max(aware(more[2]), aware(figures[2])) if figures[2] else more[2]
