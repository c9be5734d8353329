"""The call records counted per company and UTC hour (``call_hour``), kept right as records arrive.

A report over a year then reads a few rows per hour instead of every call. Each hour holds rows of
four kinds, each keyed ``<main number>\\t<detail>``, so any report can be narrowed to one number:

* ``number``: every call (detail empty), by direction and outcome;
* ``path``: incoming calls by their path through the scenario (its JSON text);
* ``user``: answered incoming calls by who answered (the user's id);
* ``wait``: answered incoming calls by their wait (``wait_band``, for the percentile).

Each row counts calls with the answered ones' total wait and the talk time. An hour is rebuilt
whole from its call records whenever a record of it is written (``touching``), so the rows equal
what the records say whatever order the legs arrive in and however often; then its UTC day's sums
(``call_day``) are rebuilt from the day's hours in the same transaction. A report reads the whole
UTC days of its period from the day sums and the hours at its ends from the hourly rows, so a year
of calls is a few hundred thousand rows read from the indexes alone, whatever the number of calls.
A day cut in whole UTC hours is a local day only in zones a whole number of hours off UTC
(``covers``); elsewhere the reports read the records themselves.
"""
from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import Date, String, cast, delete, func, literal, select

from pbx import models
from pbx.calls.store import aware
from pbx.reports.outcomes import ANSWERED, outcome
from pbx.reports.period import Period

CALL, HOUR, DAY = models.CallRecord, models.CallHour, models.CallDay
ONE_HOUR, ONE_DAY = timedelta(hours=1), timedelta(days=1)


def covers(period: Period) -> bool:
    """Whether whole UTC hours make up the period's local days (every offset a whole number of hours)."""
    zone, moment = period.tz, period.start
    while moment <= period.end:
        if zone.utcoffset(moment.replace(tzinfo=None)).total_seconds() % 3600:
            return False
        moment += timedelta(days=1)
    return True


def wait_band(seconds: int) -> int:
    """A wait as counted: to the second under a minute, to 10 s under 10 minutes, then to the minute
    (the 90th percentile of the counts is as exact; an hour's waits then take few rows)."""
    if seconds < 60:
        return seconds
    return seconds - seconds % (10 if seconds < 600 else 60)


def hour_of(moment: datetime) -> datetime:
    return aware(moment).replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> datetime:
    """The UTC midnight starting the moment's UTC day."""
    return aware(moment).astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


# -- writing -----------------------------------------------------------------------------
def hours_of(session, call_uuids) -> set[tuple[int, datetime]]:
    """(company, UTC hour) of the stored calls among ``call_uuids``."""
    call_uuids = list(set(call_uuids))
    found = set()
    for start in range(0, len(call_uuids), 1000):
        rows = session.execute(select(CALL.tenant_id, CALL.started_at).where(
            CALL.call_uuid.in_(call_uuids[start:start + 1000]), CALL.tenant_id.is_not(None)))
        found |= {(tenant, hour_of(started)) for tenant, started in rows}
    return found


@contextlib.contextmanager
def touching(session, call_uuids):
    """Around writing these calls' legs or recordings: their hours (before and after) are rebuilt."""
    before = hours_of(session, call_uuids) if call_uuids else set()
    yield
    if call_uuids:
        rebuild_hours(session, before | hours_of(session, call_uuids))


def rebuild_hours(session, keys: set[tuple[int, datetime]]) -> None:
    """Rebuild these (company, hour)s, then the days holding them."""
    postgres = session.get_bind().dialect.name == "postgresql"
    days = sorted({(tenant_id, day_of(hour)) for tenant_id, hour in keys})
    if postgres:  # two writers of one day: the second waits, then reads what the first wrote
        for tenant_id, day in days:
            session.execute(select(func.pg_advisory_xact_lock(tenant_id, int(day.timestamp() // 86400))))
    for tenant_id, hour in sorted(keys):
        rebuild(session, tenant_id, hour, hour + ONE_HOUR)
    for tenant_id, day in days:
        sum_day(session, tenant_id, day)


def sum_day(session, tenant_id: int, day: datetime) -> None:
    """The company's ``call_day`` rows of one UTC day, summed afresh from its hours."""
    session.execute(delete(DAY).where(DAY.tenant_id == tenant_id, DAY.day == day))
    summed = select(HOUR.tenant_id, literal(day, DAY.day.type), HOUR.kind, HOUR.key, HOUR.direction, HOUR.outcome,
                    func.sum(HOUR.calls), func.sum(HOUR.waited), func.sum(HOUR.talked)).where(
        HOUR.tenant_id == tenant_id, HOUR.hour >= day, HOUR.hour < day + ONE_DAY).group_by(
        HOUR.tenant_id, HOUR.kind, HOUR.key, HOUR.direction, HOUR.outcome)
    session.execute(DAY.__table__.insert().from_select(
        ["tenant_id", "day", "kind", "key", "direction", "outcome", "calls", "waited", "talked"], summed))


def rebuild(session, tenant_id: int, start: datetime, end: datetime) -> int:
    """Count the company's calls started in [start, end) afresh; returns the rows written."""
    session.execute(delete(HOUR).where(HOUR.tenant_id == tenant_id, HOUR.hour >= start, HOUR.hour < end))
    calls = session.execute(select(
        CALL.started_at, CALL.direction, CALL.main_number, outcome(), cast(CALL.path, String),
        CALL.answered_by_user_id, CALL.wait_seconds, CALL.talk_seconds,
    ).where(CALL.tenant_id == tenant_id, CALL.started_at >= start, CALL.started_at < end))
    rows = counted(tenant_id, calls)
    if rows and session.get_bind().dialect.name == "postgresql":
        _copy(session, rows)
    elif rows:
        session.execute(HOUR.__table__.insert(), rows)  # SQLite runs the many rows itself, fast
    return len(rows)


def _copy(session, rows: list[dict]) -> None:
    """COPY into PostgreSQL in the session's transaction: a many-row INSERT spends longer building its
    text in the driver than the database takes to store the rows."""
    columns = list(rows[0])
    raw = session.connection().connection.driver_connection
    with raw.cursor().copy(f"COPY call_hour ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def counted(tenant_id: int, calls) -> list[dict]:
    """The ``call_hour`` rows of some calls (started_at, direction, number, outcome, path, user, wait, talk)."""
    totals: dict = defaultdict(lambda: [0, 0, 0])

    def add(key, waited, talked):
        entry = totals[key]
        entry[0] += 1
        entry[1] += waited
        entry[2] += talked

    for started, direction, number, ended, path, user, wait, talk in calls:
        hour, number, answered = hour_of(started), number or "", ended == ANSWERED
        waited = wait if answered else 0
        add((hour, "number", f"{number}\t", direction, ended), waited, talk)
        if direction != "in":
            continue
        add((hour, "path", f"{number}\t{path or '[]'}", direction, ended), waited, talk)
        if answered:
            add((hour, "wait", f"{number}\t{wait_band(wait)}", direction, ended), waited, talk)
            if user:
                add((hour, "user", f"{number}\t{user}", direction, ended), waited, talk)
    return [{"tenant_id": tenant_id, "hour": hour, "kind": kind, "key": key, "direction": direction, "outcome": ended,
             "calls": calls_, "waited": waited, "talked": talked}
            for (hour, kind, key, direction, ended), (calls_, waited, talked) in totals.items()]


def backfill(session, tenant_id: int | None = None, report=lambda text: None) -> int:
    """Rebuild every hour and day of the stored calls (all companies, or one), a month at a time; commits
    each month."""
    tenants = session.scalars(select(models.Tenant.id).order_by(models.Tenant.id)
                              .where(*([models.Tenant.id == tenant_id] if tenant_id else [])))
    written = 0
    for tenant in list(tenants):
        first, last = session.execute(select(func.min(CALL.started_at), func.max(CALL.started_at))
                                      .where(CALL.tenant_id == tenant)).one()
        if first is None:
            continue
        month = day_of(first).replace(day=1)
        while month <= aware(last):
            following = (month + timedelta(days=32)).replace(day=1)
            written += rebuild(session, tenant, month, following)
            for day in range((following - month).days):
                sum_day(session, tenant, month + day * ONE_DAY)
            session.commit()
            report(f"company {tenant}: {month:%Y-%m} counted")
            month = following
    return written


# -- reading -----------------------------------------------------------------------------
def _spans(period: Period) -> tuple[list[tuple[datetime, datetime]], tuple[datetime, datetime] | None]:
    """The period's whole UTC days (read from ``call_day``) and the hours before and after them."""
    start, end = aware(period.start), aware(period.end)
    first, last = day_of(start - timedelta(microseconds=1)) + ONE_DAY, day_of(end)
    if first >= last:
        return [(start, end)], None
    return [(start, first), (last, end)], (first, last)


def _number_of(table, period: Period) -> list:
    return [table.key.startswith(f"{period.main_number}\t", autoescape=True)] if period.main_number else []


def _counts(session, tenant_id: int, period: Period, kind: str, *columns) -> dict:
    """(*columns) → [calls, waited, talked] of the period's incoming rows of one kind: the whole days from
    ``call_day``, the hours at the ends from ``call_hour``."""
    hours, days = _spans(period)
    found: dict = defaultdict(lambda: [0, 0, 0])
    for table, moment, ranges in ((HOUR, HOUR.hour, hours), (DAY, DAY.day, [days] if days else [])):
        for start, end in ranges:
            if start >= end:
                continue
            keys = [getattr(table, column) for column in columns]
            rows = session.execute(select(*keys, func.sum(table.calls), func.sum(table.waited), func.sum(table.talked))
                                   .where(table.tenant_id == tenant_id, table.kind == kind, moment >= start,
                                          moment < end, table.direction == "in", *_number_of(table, period))
                                   .group_by(*keys))
            for *key, calls, waited, talked in rows:
                entry = found[tuple(key)]
                entry[0] += int(calls)
                entry[1] += int(waited or 0)
                entry[2] += int(talked or 0)
    return found


def local_counts(session, tenant_id: int, period: Period, grain: str, direction: str | None = None) -> dict:
    """(local bucket, direction, outcome) → calls; the bucket is the local day (a date) for ``grain`` "day",
    (weekday, hour) on the company's clock for "week".

    PostgreSQL moves each hour to the zone and groups there, returning a few thousand rows for a year.
    SQLite has no time zones: Python moves each hour (small installations: few hours)."""
    found = [HOUR.tenant_id == tenant_id, HOUR.kind == "number", HOUR.hour >= period.start, HOUR.hour < period.end,
             *_number_of(HOUR, period), *([HOUR.direction == direction] if direction else [])]
    if session.get_bind().dialect.name == "postgresql":
        local = func.timezone(literal(period.zone), HOUR.hour)
        buckets = [cast(local, Date)] if grain == "day" else [
            func.extract("isodow", local) - 1, func.extract("hour", local)]
        rows = session.execute(select(*buckets, HOUR.direction, HOUR.outcome, func.sum(HOUR.calls))
                               .where(*found).group_by(*buckets, HOUR.direction, HOUR.outcome))
        return {((bucket[0] if grain == "day" else tuple(map(int, bucket))), direction_, ended): int(calls)
                for *bucket, direction_, ended, calls in rows}
    rows = session.execute(select(HOUR.hour, HOUR.direction, HOUR.outcome, func.sum(HOUR.calls))
                           .where(*found).group_by(HOUR.hour, HOUR.direction, HOUR.outcome))
    counts: dict = defaultdict(int)
    for hour, direction_, ended, calls in rows:
        counts[(bucket_of(aware(hour).astimezone(period.tz), grain), direction_, ended)] += int(calls)
    return counts


def bucket_of(local: datetime, grain: str):
    """A local time's day (grain "day") or (weekday, hour) (grain "week")."""
    return local.date() if grain == "day" else (local.weekday(), local.hour)


def outcomes(session, tenant_id: int, period: Period) -> dict:
    """outcome → incoming calls of the period."""
    return {ended: counted_[0] for (ended,), counted_ in _counts(session, tenant_id, period, "number", "outcome").items()}


def breakdown(session, tenant_id: int, period: Period, kind: str) -> dict:
    """(main number, detail) → {outcome: calls, "waited": s, "talked": s} of one kind's incoming rows."""
    found: dict = {}
    for (key, ended), (calls, waited, talked) in _counts(session, tenant_id, period, kind, "key", "outcome").items():
        number, _, detail = key.partition("\t")
        entry = found.setdefault((number, detail), defaultdict(int))
        entry[ended] += calls
        entry["waited"] += waited
        entry["talked"] += talked
    return found
